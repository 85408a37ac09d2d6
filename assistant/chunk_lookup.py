"""One consistent, read-only view of the indexed chunks at one version of the collection: the
chunks by id and in corpus order, the per-article map, the document list, the files they came
from, their vectors as one matrix (read with them), and whatever else is derived from them (term
statistics, BM25, the sentence table), each computed once on first use. Threads share a view; a
new version of the collection gives a new view."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from .ingest_plan import StoredFile
from .types import Chunk, DocInfo


class ChunkLookup:
    def __init__(self, chunks: Iterable[Chunk], files: Mapping[str, StoredFile] | None = None, version: str = "",
                 matrix: np.ndarray | None = None, outdated: Iterable[str] = ()):
        self.chunks: dict[str, Chunk] = {c.id: c for c in chunks}
        self.order: list[str] = list(self.chunks)
        self.files: dict[str, StoredFile] = dict(files or {})
        self.version = version
        self.outdated = tuple(outdated)  # ids of records of an older schema, without text: `ingest` upgrades them
        self.matrix = matrix  # the chunks' vectors, unit-length rows in ``order``
        self._derived: dict[Any, Any] = {}
        self._lock = threading.Lock()
        self._articles: dict[str, list[Chunk]] = {}
        for chunk in self.chunks.values():
            self._articles.setdefault(chunk.article or "", []).append(chunk)
        seen: dict[tuple[str, str, str], DocInfo] = {}  # several files may claim one doc_id and language: each is listed
        for chunk in self.chunks.values():
            seen.setdefault((chunk.doc_id, chunk.language, chunk.info.source_file), chunk.info)
        self._documents = sorted(seen.values(), key=lambda d: (d.jurisdiction, d.doc_id, d.language))

    def __len__(self) -> int:
        return len(self.chunks)

    def by_article(self, article: str, doc_ids: Iterable[str] | None = None) -> list[Chunk]:
        wanted = set(doc_ids) if doc_ids else None
        return [c for c in self._articles.get(article, []) if wanted is None or c.doc_id in wanted]

    def documents(self) -> list[DocInfo]:
        return self._documents

    def search_texts(self) -> list[str]:
        return [self.chunks[cid].search_text() for cid in self.order]

    def derived(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per view, whichever thread asks first; later calls get the same value."""
        if key not in self._derived:
            with self._lock:
                if key not in self._derived:
                    self._derived[key] = compute()
        return self._derived[key]
