"""Retrieval: every chunk scored by a weighted sum of signals, best first, with filters.

Signals of a chunk for a query (all in the index's embedding space unless said otherwise):

- ``chunk``: cosine similarity of the query to the chunk (heading path + text);
- ``sentence``: the best cosine similarity of the query to one of the chunk's sentences, each
  embedded with its document title and heading (``sentences.contextual_text``): a question in a
  user's own words usually matches one sentence of a provision better than the whole of it;
- ``language``: the same best-sentence similarity minus the mean of the top sentences *in the
  chunk's language*. Multilingual embeddings score a text in the question's language higher than an
  equally relevant one in another language; this signal lets an English provision win for a Russian
  question when it is the best English match by a clear margin;
- ``jurisdiction``: 1 when the question names the chunk's jurisdiction ("in the EU", "Китай");
- ``bm25``: BM25 over stemmed words, divided by the best BM25 score of the query;
- ``reference``: 1 when the chunk is in an article the question names ("Article 21", "ст. 492");
- ``superseded``: 1 when the chunk's act is no longer in force.

The weights are fitted by cross-validation over all visible evaluation questions
(``legal-assistant eval --cv``; see evals/README.md) and live in Settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .index import Index
from .query import Query, as_query
from .references import document_hints, jurisdiction_hints, parse_references
from .types import Chunk, Hit

_AMENDMENT_WORDS = re.compile(r"amend|footnote|edition|редакц|изменен|сноск|дополнен|өзгеріс|толықтыр", re.I)
_BIBLIOGRAPHY_WORDS = re.compile(r"referenc|bibliograph|literature|works cited|литератур|библиограф|әдебиет", re.I)
TOP_FOR_LANGUAGE_MEAN = 20
ALL_SENTENCES_UP_TO = 5000  # chunks; above it only candidates' sentences are scored
CANDIDATES_ABOVE_LIMIT = 1000


@dataclass(frozen=True)
class RankWeights:
    """One weight per signal (SIGNALS order). The fitted values live in Settings (weight_*)."""

    chunk: float = 0.0
    sentence: float = 0.0
    language: float = 0.0
    jurisdiction: float = 0.0
    bm25: float = 0.0
    reference: float = 0.0
    superseded: float = 0.0

    def as_vector(self) -> np.ndarray:
        return np.array([self.chunk, self.sentence, self.language, self.jurisdiction, self.bm25, self.reference,
                         -self.superseded], dtype=np.float32)


SIGNALS = ("chunk", "sentence", "language", "jurisdiction", "bm25", "reference", "superseded")


@dataclass(frozen=True)
class Filters:
    jurisdiction: str | None = None
    doc_id: str | None = None
    language: str | None = None

    def accepts(self, chunk: Chunk) -> bool:
        if self.jurisdiction and self.jurisdiction.upper() not in jurisdictions_of(chunk):
            return False
        if self.doc_id and chunk.doc_id != self.doc_id:
            return False
        return not (self.language and chunk.language != self.language)


def jurisdictions_of(chunk: Chunk) -> set[str]:
    return {j.strip().upper() for j in chunk.info.jurisdiction.split(",") if j.strip()}


def language_margin(best: np.ndarray, languages: np.ndarray, usable: np.ndarray, top: int = TOP_FOR_LANGUAGE_MEAN) -> np.ndarray:
    """Each score minus the mean of the ``top`` best usable scores of its own language. Pure."""
    out = np.zeros_like(best)
    for language in np.unique(languages):
        members = languages == language
        pool = best[members & usable]
        if pool.size == 0:
            continue
        out[members] = best[members] - np.sort(pool)[-top:].mean()
    return out


def best_per_owner(similarities: np.ndarray, owners: np.ndarray, size: int) -> np.ndarray:
    """For each of ``size`` owners, the best similarity among its rows (-1 when it has none). Pure."""
    out = np.full(size, -1.0, dtype=np.float32)
    if similarities.size:
        np.maximum.at(out, owners, similarities.astype(np.float32))
    return out


class HybridRetriever:
    def __init__(self, index: Index, weights: RankWeights):
        self.index = index
        self.weights = weights
        self._per_chunk: tuple[str, np.ndarray, np.ndarray] | None = None  # index version, languages, superseded

    def retrieve(self, query: Query | str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        query = as_query(query)
        self.index.require()
        signals, usable, extra = self.signals(query, filters or Filters())
        scores = self.weights.as_vector() @ signals
        scores = np.where(usable, scores, -np.inf)
        ranked = [int(i) for i in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[i])]
        return [self._hit(i, float(scores[i]), signals, extra) for i in ranked]

    def signals(self, query: Query, filters: Filters) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """The signal matrix (len(SIGNALS) x chunks, aligned with ``index.order``), which chunks may be
        returned, and the ranks for the hit records."""
        index, order, text = self.index, self.index.order, query.search
        chunks = [index.chunks[cid] for cid in order]
        usable = np.array([self._usable(c, filters, text) for c in chunks], dtype=bool)
        size = len(order)
        vector = index.query_vector(text)
        chunk_sim = index.chunk_similarities(vector)
        bm25 = index.bm25_scores(text)
        bm25 = bm25 / bm25.max() if bm25.size and bm25.max() > 0 else np.zeros(size, dtype=np.float32)
        table = index.sentence_table()
        if size <= ALL_SENTENCES_UP_TO:
            sentence = best_per_owner(table.matrix @ vector, table.owners, size) if len(table.owners) else np.full(size, -1.0)
        else:
            sentence = self._candidate_sentences(vector, chunk_sim, bm25, usable)
        sentence = np.where(sentence < -0.5, chunk_sim, sentence)  # chunks without sentences (footnotes)
        referenced = self._referenced(query, chunks)
        named = jurisdiction_hints(text)
        jurisdiction = np.array([1.0 if named & jurisdictions_of(c) else 0.0 for c in chunks], dtype=np.float32)
        signals = np.vstack([chunk_sim, sentence, language_margin(sentence, self.languages(), usable),
                             jurisdiction, bm25, referenced, self.superseded()]).astype(np.float32)
        extra = {"dense_rank": _ranks(chunk_sim, usable), "bm25_rank": _ranks(np.where(bm25 > 0, bm25, -np.inf), usable)}
        return signals, usable, extra

    def _chunk_facts(self) -> tuple[np.ndarray, np.ndarray]:
        """Each chunk's language and whether its act is superseded, for the index version in use."""
        version = self.index.version
        if self._per_chunk is None or self._per_chunk[0] != version:
            chunks = [self.index.chunks[c] for c in self.index.order]
            self._per_chunk = (version, np.array([c.language for c in chunks]),
                               np.array([0.0 if c.info.in_force() else 1.0 for c in chunks], dtype=np.float32))
        return self._per_chunk[1], self._per_chunk[2]

    def languages(self) -> np.ndarray:
        return self._chunk_facts()[0]

    def superseded(self) -> np.ndarray:
        return self._chunk_facts()[1]

    def _candidate_sentences(self, vector: np.ndarray, chunk_sim: np.ndarray, bm25: np.ndarray,
                             usable: np.ndarray) -> np.ndarray:
        """Best-sentence similarity for the likeliest chunks only (large corpora)."""
        table = self.index.sentence_table()
        top = set(np.argsort(-np.where(usable, chunk_sim, -np.inf))[:CANDIDATES_ABOVE_LIMIT].tolist())
        top |= set(np.argsort(-bm25)[:CANDIDATES_ABOVE_LIMIT // 10].tolist())
        rows = [r for i in top for r in table.rows_of.get(self.index.order[i], [])]
        out = np.full(len(self.index.order), -1.0, dtype=np.float32)
        if rows:
            rows_array = np.asarray(rows)
            np.maximum.at(out, table.owners[rows_array], (table.matrix[rows_array] @ vector).astype(np.float32))
        return out

    def _usable(self, chunk: Chunk, filters: Filters, text: str) -> bool:
        if not filters.accepts(chunk):
            return False
        if chunk.role == "footnote":
            return bool(_AMENDMENT_WORDS.search(text))
        if chunk.role == "bibliography":
            return bool(_BIBLIOGRAPHY_WORDS.search(text))
        return True

    def _referenced(self, query: Query, chunks: list[Chunk]) -> np.ndarray:
        out = np.zeros(len(chunks), dtype=np.float32)
        refs = parse_references(query.search)
        if not refs:
            return out
        hints = document_hints(query.search, self.index.documents())
        position = {cid: i for i, cid in enumerate(self.index.order)}
        for ref in refs:
            matches = self.index.by_article(ref.article)
            hinted = [c for c in matches if c.doc_id in hints]
            for chunk in hinted or matches:
                out[position[chunk.id]] = 1.0
        return out

    def _hit(self, i: int, score: float, signals: np.ndarray, extra: dict[str, Any]) -> Hit:
        chunk = self.index.chunks[self.index.order[i]]
        return Hit(chunk=chunk, score=score, dense_rank=extra["dense_rank"].get(i), bm25_rank=extra["bm25_rank"].get(i),
                   reference_match=bool(signals[SIGNALS.index("reference"), i]),
                   dense_similarity=float(signals[SIGNALS.index("chunk"), i]),
                   sentence_similarity=float(signals[SIGNALS.index("sentence"), i]))


def _ranks(scores: np.ndarray, usable: np.ndarray, depth: int = 100) -> dict[int, int]:
    """1-based rank of the top ``depth`` usable chunks by one signal."""
    masked = np.where(usable, scores, -np.inf)
    order = np.argsort(-masked, kind="stable")[:depth]
    return {int(i): rank for rank, i in enumerate(order, start=1) if np.isfinite(masked[i])}

