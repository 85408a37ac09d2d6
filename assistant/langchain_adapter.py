"""LangChain adapter: the hybrid retriever as a ``BaseRetriever`` whose documents carry the citation."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .retrieval import Filters
from .types import Hit


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
