"""The BM25 index over the chunks' search texts (bm25s), derived from the collection.

It is rebuilt from the chunks when the collection's version marker changes, and cached on disk
(``data_dir/bm25``) with the version and chunk order it was built for, so that a restart does
not rebuild it. The cache is only an optimisation: a missing, stale or unreadable cache is rebuilt."""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .text import tokenize

log = logging.getLogger(__name__)


class BM25Store:
    def __init__(self, retriever, size: int):
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str]) -> BM25Store:
        import bm25s

        if not texts:
            return cls(None, 0)
        retriever = bm25s.BM25()
        retriever.index([tokenize(text) or ["∅"] for text in texts], show_progress=False)
        return cls(retriever, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, in the order the index was built with."""
        if self._retriever is None:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self._retriever.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return self._retriever.get_scores(tokens)

    # ------------------------------------------------------------------ disk cache
    def save(self, folder: Path, version: str, ids: Sequence[str]) -> None:
        """Write the cache next to ``folder`` and swap it in, so a reader never sees half of it."""
        if self._retriever is None:
            return
        folder = Path(folder)
        tmp = folder.with_name(f"{folder.name}.tmp-{uuid.uuid4().hex[:8]}")
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            self._retriever.save(str(tmp), show_progress=False)
            (tmp / "ids.json").write_text(json.dumps(list(ids)), encoding="utf-8")
            (tmp / "version.txt").write_text(version, encoding="utf-8")
            old = folder.with_name(f"{folder.name}.old-{uuid.uuid4().hex[:8]}")
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:  # a read-only or full disk costs a rebuild next time, nothing more
            log.warning("BM25 cache not written to %s: %s", folder, exc)
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path, version: str, ids: Sequence[str]) -> BM25Store | None:
        """The cached index if it was built for this version and chunk order, else None."""
        import bm25s

        folder = Path(folder)
        try:
            if (folder / "version.txt").read_text(encoding="utf-8") != version:
                return None
            if json.loads((folder / "ids.json").read_text(encoding="utf-8")) != list(ids):
                return None
            return cls(bm25s.BM25.load(str(folder), show_progress=False, verbosity=0), len(ids))
        except (OSError, ValueError, KeyError):
            return None
