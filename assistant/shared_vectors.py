"""Sentence vectors shared by every process that uses one Chroma store.

The local content-addressed cache (``vectors.VectorCache``, SQLite in the data folder) stays in
front; behind it, the same vectors live in the store's ``sentence_vectors`` collection under the same
content keys. A vector the local cache lacks is read from the store before anything is embedded, and
an ingest publishes every sentence vector to the store. So a second app process on a Chroma server,
or one whose data folder was emptied, embeds nothing but its queries."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from .dense_store import DenseStore
from .vectors import VectorCache, vector_key


class _Known(Embeddings):
    """Vectors that are already known, handed to the local cache as if embedded."""

    def __init__(self, vectors: Mapping[str, Any]):
        self.vectors = vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, self.vectors[t])) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class SharedVectorCache:
    """``VectorCache``'s interface (``missing``, ``embed``, ``prune``) plus ``publish`` for ingest,
    which writes into the store generation the ingest is building."""

    def __init__(self, local: VectorCache, store: DenseStore | None):
        self.local = local
        self.store = store

    def _key(self, text: str) -> str:
        return vector_key(self.local.backend, text)

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The texts (unique, in order) that neither the local cache nor the store has a vector for."""
        todo = self.local.missing(texts)
        if todo and self.store is not None:  # None: the local cache alone (a rebuild does not read the old store)
            found = self.store.sentence_vectors([self._key(t) for t in todo])
            known = {t: found[self._key(t)] for t in todo if self._key(t) in found}
            if known:
                self.local.embed(list(known), _Known(known))
                todo = [t for t in todo if t not in known]
        return todo

    def embed(self, texts: Sequence[str], embeddings: Embeddings, progress: Callable[[int], Any] | None = None) -> np.ndarray:
        """Vectors of the texts: from the local cache, else the store, else the model (kept in the
        local cache only: readers never write the store, an ingest publishes)."""
        todo = self.missing(texts)
        if todo:
            self.local.embed(todo, embeddings, progress=progress)
        return self.local.embed(texts, embeddings)

    def unpublished(self, texts: Sequence[str]) -> bool:
        """Does the store hold other sentence vectors than those of these texts (by count)?"""
        return self.store.sentence_count() != len({self._key(t) for t in texts})

    def publish(self, texts: Sequence[str]) -> None:
        """Make the store hold exactly the vectors of these texts (from the local cache)."""
        keys = {self._key(t): t for t in texts}
        held = self.store.sentence_keys()
        self._put([text for key, text in keys.items() if key not in held])
        self.store.delete_sentence_vectors(sorted(held - set(keys)))

    def prune(self, keep: Sequence[str]) -> int:
        """Forget every local vector whose text is not in ``keep`` (``publish`` prunes the store)."""
        return self.local.prune(keep)

    def _put(self, texts: Sequence[str]) -> None:
        if texts:
            vectors = self.local.embed(texts, _Known({}))  # all cached: nothing is computed
            self.store.put_sentence_vectors([self._key(t) for t in texts], vectors)
