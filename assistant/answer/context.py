"""What the answerers need besides the hits: the index (texts, sentence vectors, word statistics),
the settings, and a way to get the LLM when one is used."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..index import Index
from ..settings import Settings
from ..text import document_frequencies
from ..types import Chunk
from .decision import Thresholds


@dataclass
class AnswerContext:
    index: Index
    settings: Settings
    thresholds: Thresholds
    llm_factory: Callable[[], Any] | None = None

    def frequencies(self) -> tuple[Counter, int]:
        """Document frequencies of stemmed words over all chunks, and the number of chunks."""
        return self.index.term_frequencies(document_frequencies)

    def held_jurisdictions(self) -> set[str]:
        """Jurisdiction codes the corpus holds law of (KZ, EU, RU, CN for the shared corpus)."""
        return {j.strip().upper() for info in self.index.documents() for j in info.jurisdiction.split(",") if j.strip()}

    def sentence_similarities(self, chunk: Chunk, query_text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
        """The chunk's quotable spans and the cosine similarity of each to the query."""
        spans, vectors = self.index.sentence_vectors(chunk)
        if not spans:
            return [], np.zeros(0, dtype=np.float32)
        return spans, vectors @ self.index.query_vector(query_text)
