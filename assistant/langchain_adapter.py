"""The LangChain adapter: ``LegalRetriever``, a ``BaseRetriever`` over the hybrid retriever.

>>> retriever = Assistant().as_langchain_retriever(k=5, jurisdiction="KZ")
>>> docs = retriever.invoke("fine for living without registration", k=2, language="ru")

``k`` and the filters given to ``invoke`` override the ones the retriever was built with, for that
call. Each document's metadata carries ``source`` (the citation label, what LangChain's
with-sources chains and ``{source}`` prompts read) and the chunk's legal status: jurisdiction,
authentic or translation, in force or superseded, title."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .retrieval import Filters
from .types import Hit


class LegalRetriever(BaseRetriever):
    """``retriever`` is anything with ``retrieve(query, k=..., filters=Filters(...)) -> list[Hit]``
    (``HybridRetriever``; ``Assistant.as_langchain_retriever()`` builds one)."""

    retriever: Any
    k: int = 5
    jurisdiction: str | None = None
    doc_id: str | None = None
    language: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None,
                                jurisdiction: str | None = None, doc_id: str | None = None,
                                language: str | None = None) -> list[Document]:
        filters = Filters(jurisdiction or self.jurisdiction, doc_id or self.doc_id, language or self.language)
        hits = self.retriever.retrieve(query, k=self.k if k is None else k, filters=filters)
        return [hit_to_document(hit) for hit in hits]


def hit_to_document(hit: Hit) -> Document:
    chunk, info = hit.chunk, hit.chunk.info
    return Document(
        page_content=chunk.text,
        id=chunk.id,
        metadata={
            "source": chunk.label(), "label": chunk.label(), "chunk_id": chunk.id, "doc_id": chunk.doc_id,
            "title": info.title, "short_title": info.short_title, "language": chunk.language,
            "jurisdiction": info.jurisdiction, "kind": info.kind, "authentic": info.authentic,
            "in_force": info.in_force(), "in_force_until": info.in_force_until or None,
            "superseded_by": info.superseded_by or None, "article": chunk.article, "paragraph": chunk.paragraph,
            "heading_path": " › ".join(chunk.heading_path), "role": chunk.role, "score": hit.score,
            "dense_rank": hit.dense_rank, "bm25_rank": hit.bm25_rank,
        },
    )
