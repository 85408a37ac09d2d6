"""Hybrid retrieval: dense (Chroma) + BM25, fused by reciprocal rank fusion, with a boost for
articles the question names, a preference for acts in force, and filters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .glossary import expand_query
from .index import Index
from .references import document_hints, jurisdiction_hints, parse_references
from .types import Chunk, Hit

_AMENDMENT_WORDS = re.compile(r"amend|footnote|edition|редакц|изменен|сноск|дополнен", re.I)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60,
                           weights: Sequence[float] | None = None) -> dict[str, float]:
    """Fuse ranked id lists: score(d) = sum_i w_i / (k + rank_i(d)), ranks starting at 1.

    Cormack, Clarke & Buettcher (SIGIR 2009), "Reciprocal Rank Fusion outperforms Condorcet and
    individual Rank Learning Methods". k damps the weight of the very top ranks so that one
    ranker's first place does not drown agreement further down; 60 is the paper's value.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


@dataclass(frozen=True)
class Filters:
    jurisdiction: str | None = None
    doc_id: str | None = None
    language: str | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.jurisdiction and self.jurisdiction.upper() not in _jurisdictions(chunk):
            return False
        if self.doc_id and chunk.doc_id != self.doc_id:
            return False
        return not (self.language and chunk.language != self.language)

    def chroma_where(self) -> dict[str, Any] | None:
        clauses = [{key: value} for key, value in (("doc_id", self.doc_id), ("language", self.language)) if value]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _jurisdictions(chunk: Chunk) -> set[str]:
    return {j.strip().upper() for j in chunk.info.jurisdiction.split(",") if j.strip()}


class HybridRetriever:
    def __init__(self, index: Index, candidates: int = 40, rrf_k: int = 60, reference_boost: float = 2.0,
                 superseded_penalty: float = 0.85):
        self.index = index
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.reference_boost = reference_boost
        self.superseded_penalty = superseded_penalty

    def retrieve(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        self.index.require()
        filters = filters or Filters()
        query = expand_query(query)
        want_footnotes = bool(_AMENDMENT_WORDS.search(query))

        def usable(chunk: Chunk) -> bool:
            return filters.accepts(chunk) and (want_footnotes or chunk.role != "footnote")

        chunks = self.index.chunks
        dense_n = self.candidates * (3 if filters.jurisdiction or not want_footnotes else 1)
        dense = [(cid, sim) for cid, sim in self.index.dense_search(query, dense_n, filters.chroma_where())
                 if usable(chunks[cid])][: self.candidates]
        similarity = dict(dense)

        scores = self.index.bm25_scores(query)
        bm25_ranked = [self.index.order[i] for i in scores.argsort()[::-1] if scores[i] > 0]
        bm25 = [cid for cid in bm25_ranked if usable(chunks[cid])][: self.candidates]

        dense_ids = [cid for cid, _ in dense]
        rankings = [dense_ids, bm25]
        named = jurisdiction_hints(query)
        if named:  # a third vote for chunks of the jurisdictions the question names, in dense order
            rankings.append([cid for cid in dense_ids if named & _jurisdictions(chunks[cid])])
        fused = reciprocal_rank_fusion(rankings, k=self.rrf_k)

        referenced = self._referenced(query, usable)
        for cid in referenced:
            fused[cid] = fused.get(cid, 0.0) + self.reference_boost / (self.rrf_k + 1)
        for cid in fused:
            if not chunks[cid].info.in_force():
                fused[cid] *= self.superseded_penalty

        dense_rank = {cid: r for r, cid in enumerate(dense_ids, 1)}
        bm25_rank = {cid: r for r, cid in enumerate(bm25, 1)}
        ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [
            Hit(chunk=chunks[cid], score=score, dense_rank=dense_rank.get(cid), bm25_rank=bm25_rank.get(cid),
                reference_match=cid in referenced, dense_similarity=similarity.get(cid))
            for cid, score in ranked
        ]

    def _referenced(self, query: str, usable) -> set[str]:
        refs = parse_references(query)
        if not refs:
            return set()
        hints = document_hints(query, self.index.documents())
        out: set[str] = set()
        for ref in refs:
            matches = [c for c in self.index.by_article(ref.article) if usable(c)]
            hinted = [c for c in matches if c.doc_id in hints]
            out.update(c.id for c in (hinted or matches))
        return out


class LegalRetriever(BaseRetriever):
    """LangChain adapter: ``LegalRetriever(retriever=hybrid, k=5).invoke("question")``."""

    retriever: Any
    k: int = 5
    jurisdiction: str | None = None
    doc_id: str | None = None
    language: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.retriever.retrieve(query, k=self.k, filters=Filters(self.jurisdiction, self.doc_id, self.language))
        return [hit_to_document(hit) for hit in hits]


def hit_to_document(hit: Hit) -> Document:
    chunk = hit.chunk
    return Document(
        page_content=chunk.text,
        id=chunk.id,
        metadata={
            "chunk_id": chunk.id, "doc_id": chunk.doc_id, "language": chunk.language,
            "article": chunk.article, "paragraph": chunk.paragraph, "label": chunk.label(),
            "heading_path": " › ".join(chunk.heading_path), "score": hit.score,
            "dense_rank": hit.dense_rank, "bm25_rank": hit.bm25_rank,
        },
    )
