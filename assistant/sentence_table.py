"""Every quotable sentence of the index with its vector: what retrieval scores and the answerer
quotes. Built once per view of the index from the chunks and the sentence-vector cache."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from .sentences import contextual_text, quotable_spans
from .types import Chunk
from .vectors import VectorCache

# Chunks whose sentences are scored and quoted; footnotes (amendment history) and bibliographies are not.
SENTENCE_ROLES = ("provision", "text", "table")


@dataclass(frozen=True)
class SentenceTable:
    """Every quotable sentence of the index: row i is sentence ``spans[i]`` of chunk ``chunk_ids[i]``
    (``owners[i]`` is that chunk's position in ``Index.order``), its vector ``matrix[i]``."""

    chunk_ids: list[str]
    owners: np.ndarray
    spans: list[tuple[int, int]]
    matrix: np.ndarray
    rows_of: dict[str, list[int]]


def sentence_texts(chunk: Chunk) -> list[tuple[tuple[int, int], str]]:
    """The quotable spans of a chunk with the contextual text embedded for each."""
    if chunk.role not in SENTENCE_ROLES:
        return []
    return [((s, e), contextual_text(chunk, s, e)) for s, e in quotable_spans(chunk)]


def build_sentence_table(chunks: Sequence[Chunk], cache: VectorCache, embeddings: Embeddings) -> SentenceTable:
    """The table over ``chunks`` (in index order), embedding any sentence the cache lacks."""
    chunk_ids, owners, spans, texts = [], [], [], []
    rows_of: dict[str, list[int]] = {}
    for position, chunk in enumerate(chunks):
        for span, text in sentence_texts(chunk):
            rows_of.setdefault(chunk.id, []).append(len(texts))
            chunk_ids.append(chunk.id)
            owners.append(position)
            spans.append(span)
            texts.append(text)
    matrix = cache.embed(texts, embeddings) if texts else np.zeros((0, 1), dtype=np.float32)
    return SentenceTable(chunk_ids, np.asarray(owners, dtype=np.int64), spans, unit_rows(matrix), rows_of)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (cosine similarity becomes a dot product)."""
    if not len(matrix):
        return matrix
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)
