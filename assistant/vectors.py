"""A persistent, content-addressed cache of passage vectors (SQLite in the data folder).

The key of a vector is a hash of the embedding backend's name and the exact text, so a text is
embedded once per backend, whatever chunk, file or ingest it comes from, and a changed text simply
gets a new key. Sentences are embedded at ingest through this cache; answering a question then costs
one query embedding and arithmetic.

A cache that cannot be written (a read-only data folder) keeps new vectors in memory for the life
of the process and says so once in the log; nothing is lost but the speed-up.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from .embed_batches import engine_batches

log = logging.getLogger(__name__)

BATCH = 32
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)"


def vector_key(backend: str, text: str) -> str:
    return hashlib.sha1(f"{backend}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


class VectorCache:
    def __init__(self, path: Path, backend: str):
        self.path = Path(path)
        self.backend = backend
        self._memory: dict[str, np.ndarray] = {}
        self._loaded = False
        self._writable = True

    # ------------------------------------------------------------------ storage
    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute(_SCHEMA)
        return connection

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if not self.path.exists():
            return
        try:
            with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30) as connection:
                rows = connection.execute("SELECT key, vector FROM vectors").fetchall()
        except sqlite3.Error as exc:  # unreadable cache: recompute (or read from the store) what is needed
            log.warning("Vector cache %s could not be read (%s); vectors will be recomputed.", self.path, exc)
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
                self._set_aside()
            return
        for key, blob in rows:
            self._memory.setdefault(key, np.frombuffer(blob, dtype=np.float32))

    def _set_aside(self) -> None:
        """A damaged cache file goes, so that the next write starts a sound one (it is only a cache)."""
        try:
            self.path.unlink()
        except OSError:
            self._writable = False

    def _store(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        for key, vector in items:
            self._memory[key] = vector
        if not self._writable or not items:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as connection:
                connection.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)",
                                       [(key, vector.astype(np.float32).tobytes()) for key, vector in items])
        except (sqlite3.Error, OSError) as exc:
            self._writable = False
            log.warning("Vector cache %s cannot be written (%s); keeping new vectors in memory only.", self.path, exc)

    # ------------------------------------------------------------------ use
    def missing(self, texts: Sequence[str]) -> list[str]:
        """The texts (unique, in order) that have no vector yet."""
        self._load()
        seen: set[str] = set()
        out = []
        for text in texts:
            key = vector_key(self.backend, text)
            if key not in self._memory and key not in seen:
                seen.add(key)
                out.append(text)
        return out

    def embed(self, texts: Sequence[str], embeddings: Embeddings,
              progress: Callable[[int], Any] | None = None) -> np.ndarray:
        """Vectors of the texts (rows in order, float32), computing and storing only those not cached."""
        todo = self.missing(texts)
        for rows in engine_batches(embeddings, todo, BATCH):
            batch = [todo[i] for i in rows]
            vectors = np.asarray(embeddings.embed_documents(list(batch)), dtype=np.float32)
            self._store([(vector_key(self.backend, t), v) for t, v in zip(batch, vectors)])
            if progress:
                progress(len(batch))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memory[vector_key(self.backend, t)] for t in texts])

    def prune(self, keep: Sequence[str]) -> int:
        """Forget every vector whose text is not in ``keep``; returns how many went."""
        self._load()
        wanted = {vector_key(self.backend, t) for t in keep}
        stale = [key for key in self._memory if key not in wanted]
        for key in stale:
            del self._memory[key]
        if stale and self._writable and self.path.exists():
            try:
                with self._connect() as connection:
                    connection.executemany("DELETE FROM vectors WHERE key = ?", [(key,) for key in stale])
            except (sqlite3.Error, OSError) as exc:
                log.warning("Vector cache %s could not be pruned (%s).", self.path, exc)
        return len(stale)
