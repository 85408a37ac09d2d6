"""The Chroma collection that holds every chunk: vector, text and metadata.

Embedded by default (``PersistentClient`` under ``data_dir/chroma``); with a URL
(``LEGAL_ASSISTANT_CHROMA_URL``, a server started with ``chroma run --path DIR --port N``) an
``HttpClient``, so that several app processes share one store. The collection's metadata names the
embedding backend that built it and carries a version marker that every changing ingest renews:
processes compare it to decide when to reload what they derive from the collection.

The embedded store is kept in generation folders (``store_folders.py``): ``writer()`` gives the
store an ingest writes (a new folder, or the server's collections in place), ``commit()`` makes it
the one every reader opens next. Chroma's own errors become library errors: a store that cannot be
read is an ``IndexCorrupt`` that names ``ingest --rebuild``."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from . import store_folders
from .chunk_records import RECORD_SCHEMA
from .errors import DataDirUnusable, IndexCorrupt, StoreUnavailable

COLLECTION = "chunks"
SENTENCE_COLLECTION = "sentence_vectors"  # content-addressed sentence vectors (see shared_vectors.py)
PAGE = 1000


@dataclass(frozen=True)
class StoreState:
    """The collection's own metadata: who built it, with which record schema, at which version."""

    exists: bool
    backend: str | None = None
    schema: int | None = None
    version: str = ""


@dataclass(frozen=True)
class Record:
    id: str
    document: str | None
    metadata: dict[str, Any]
    vector: Any = None


def parse_url(url: str) -> tuple[str, int, bool]:
    """('127.0.0.1', 8000, False) from 'http://127.0.0.1:8000'."""
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise StoreUnavailable(f"LEGAL_ASSISTANT_CHROMA_URL={url!r} is not an http(s) address like http://127.0.0.1:8000.")
    ssl = parsed.scheme == "https"
    return parsed.hostname, parsed.port or (443 if ssl else 8000), ssl


_CORRUPT = ("not a database", "malformed", "disk image", "no such table", "no such column", "file is encrypted",
            "database is corrupt", "unable to open database")


class DenseStore:
    def __init__(self, data_dir: Path, url: str = "", folder: Path | None = None):
        self.data_dir = Path(data_dir)
        self.url = url.strip()
        self.fixed = Path(folder) if folder is not None else None  # a writer's generation folder
        self._folder: Path | None = None  # the generation the client below was opened on
        self._client = None
        self._handle = None
        self._sentences = None

    @property
    def location(self) -> str:
        if self.url:
            return f"the Chroma server at {self.url}"
        return str(self._folder or self.fixed or self.data_dir / store_folders.LEGACY)

    def _reset(self) -> None:
        self._client = self._handle = self._sentences = None

    @contextlib.contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn a lost connection to the Chroma server, or a store Chroma cannot read, into one
        clear library error."""
        import httpx
        from chromadb.errors import ChromaError, NotFoundError

        try:
            yield
        except httpx.TransportError as exc:
            self._reset()
            raise StoreUnavailable(self._unreachable(exc)) from None
        except ValueError as exc:
            if "connect" not in str(exc).lower():
                raise
            self._reset()
            raise StoreUnavailable(self._unreachable(exc)) from None
        except NotFoundError:
            raise
        except ChromaError as exc:
            self._reset()
            message = " ".join(str(exc).split())[:300]
            if "readonly" in message or "read-only" in message:
                raise DataDirUnusable(f"The index in {self.location} cannot be written ({message}); ingest into a writable "
                                      "folder.") from None
            hint = "it is damaged" if any(s in message.lower() for s in _CORRUPT) else "the store reported an error"
            raise IndexCorrupt(f"The index in {self.location} cannot be read: {hint} (Chroma: {message}). Rebuild it with "
                               "`legal-assistant ingest --rebuild`.") from None

    def _unreachable(self, exc: Exception) -> str:
        return (f"Cannot reach the Chroma server at {self.url} ({type(exc).__name__}: {exc}). Start it with "
                f"`chroma run --path DIR --port {parse_url(self.url)[1]}`, or unset LEGAL_ASSISTANT_CHROMA_URL "
                "to use the embedded store.")

    def client(self, create: bool = False):
        """The Chroma client; None for an embedded store that does not exist yet. An embedded reader
        follows the current generation: when an ingest switched it, the next call opens the new one."""
        if not self.url:
            folder = self.fixed or store_folders.current_folder(self.data_dir)
            if folder != self._folder:
                self._reset()
                self._folder = folder
            if folder is None:
                return None
        if self._client is None:
            import chromadb

            settings = chromadb.Settings(anonymized_telemetry=False)
            with self._reachable():
                if self.url:
                    host, port, ssl = parse_url(self.url)
                    self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
                else:
                    opened = folder if self.fixed or store_folders.writable(folder) else store_folders.readable_copy(folder)
                    self._client = chromadb.PersistentClient(path=str(opened), settings=settings)
        return self._client

    # ---------------------------------------------------------------- generations (see store_folders.py)
    def writer(self, fresh: bool) -> DenseStore:
        """The store an ingest writes: embedded, a new generation folder (empty when ``fresh``, else a
        copy of the current one) that no reader uses until ``commit``; on a server, the collections
        themselves (dropped first when ``fresh``)."""
        if self.url:
            if fresh:
                self.drop()
            return self
        current = None if fresh else store_folders.current_folder(self.data_dir)
        return DenseStore(self.data_dir, folder=store_folders.new_folder(self.data_dir, current))

    def commit(self, written: DenseStore) -> None:
        """Make a writer's generation the current one (readers switch at their next question)."""
        if written is not self and written.fixed is not None:
            written._reset()
            store_folders.switch_to(self.data_dir, written.fixed)

    def abandon(self, written: DenseStore) -> None:
        if written is not self and written.fixed is not None:
            written._reset()
            store_folders.discard(written.fixed)

    def _collection(self, create: bool = False, backend: str = ""):
        """The collection handle (fetched once, renewed by ``state()``); None when there is none yet."""
        if self._handle is None:
            client = self.client(create=create)
            if client is None:
                return None
            with self._reachable():
                if create:
                    self._handle = client.get_or_create_collection(
                        COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
                        metadata={"embedding_backend": backend, "schema": RECORD_SCHEMA, "version": ""})
                else:
                    self._handle = self._fetch(client)
        return self._handle

    def _fetch(self, client):
        from chromadb.errors import NotFoundError

        try:
            return client.get_collection(COLLECTION, embedding_function=None)
        except NotFoundError:
            return None

    @property
    def collection(self):
        """The Chroma collection itself (None while nothing was ingested)."""
        return self._collection()

    def state(self) -> StoreState:
        """Read the collection's metadata from the store (not from a cached handle)."""
        client = self.client()
        if client is None:
            return StoreState(exists=False)
        with self._reachable():
            self._handle = self._fetch(client)
        if self._handle is None:
            return StoreState(exists=False)
        meta = self._handle.metadata or {}
        schema = meta.get("schema")
        return StoreState(exists=True, backend=meta.get("embedding_backend"),
                          schema=int(schema) if schema is not None else None, version=str(meta.get("version") or ""))

    def records(self, with_vectors: bool) -> Iterator[Record]:
        """Every record, page by page."""
        collection = self._collection()
        if collection is None:
            return
        include = ["documents", "metadatas"] + (["embeddings"] if with_vectors else [])
        offset = 0
        while True:
            with self._reachable():
                page = collection.get(include=include, limit=PAGE, offset=offset)
            ids = page["ids"]
            vectors = page["embeddings"] if with_vectors else [None] * len(ids)
            for cid, doc, meta, vec in zip(ids, page["documents"], page["metadatas"], vectors):
                yield Record(cid, doc, dict(meta or {}), vec)
            if len(ids) < PAGE:
                return
            offset += PAGE

    def vectors(self, ids: Sequence[str]) -> dict[str, Any]:
        collection = self._collection()
        out: dict[str, Any] = {}
        if collection is None:
            return out
        for i in range(0, len(ids), PAGE):
            with self._reachable():
                got = collection.get(ids=list(ids[i:i + PAGE]), include=["embeddings"])
            out.update(zip(got["ids"], got["embeddings"]))
        return out

    def upsert(self, backend: str, ids: list[str], vectors: list, documents: list[str], metadatas: list[dict]) -> None:
        collection = self._collection(create=True, backend=backend)
        with self._reachable():
            collection.upsert(ids=ids, embeddings=vectors, documents=documents, metadatas=metadatas)

    def delete(self, ids: Sequence[str]) -> None:
        collection = self._collection()
        if collection is None or not ids:
            return
        for i in range(0, len(ids), PAGE):
            with self._reachable():
                collection.delete(ids=list(ids[i:i + PAGE]))

    def mark_version(self, backend: str) -> str:
        """Renew the version marker: every process reloads what it derived from the collection."""
        version = uuid.uuid4().hex
        collection = self._collection(create=True, backend=backend)
        with self._reachable():
            collection.modify(metadata={"embedding_backend": backend, "schema": RECORD_SCHEMA, "version": version})
        return version

    def query(self, vector: list[float], n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        collection = self._collection()
        if collection is None:
            return []
        with self._reachable():
            result = collection.query(query_embeddings=[vector], n_results=n, where=where or None, include=["distances"])
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def count(self) -> int:
        collection = self._collection()
        if collection is None:
            return 0
        with self._reachable():
            return collection.count()

    def drop(self) -> None:
        """Delete the collections through Chroma (clients are shared per path within a process, so
        the store is not removed from under them)."""
        client = self.client()
        if client is None:
            return
        from chromadb.errors import NotFoundError

        with self._reachable():
            for name in (COLLECTION, SENTENCE_COLLECTION):
                with contextlib.suppress(NotFoundError):
                    client.delete_collection(name)
        self._handle = self._sentences = None

    # ---------------------------------------------------------------- sentence vectors, by content key
    def _sentence_collection(self, create: bool = False):
        if self._sentences is None:
            client = self.client(create=create)
            if client is None:
                return None
            from chromadb.errors import NotFoundError

            with self._reachable():
                if create:
                    self._sentences = client.get_or_create_collection(
                        SENTENCE_COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
                else:
                    with contextlib.suppress(NotFoundError):
                        self._sentences = client.get_collection(SENTENCE_COLLECTION, embedding_function=None)
        return self._sentences

    def sentence_vectors(self, keys: Sequence[str]) -> dict[str, Any]:
        """The stored vectors of these keys (those the store has)."""
        collection = self._sentence_collection()
        out: dict[str, Any] = {}
        if collection is None:
            return out
        for i in range(0, len(keys), PAGE):
            with self._reachable():
                got = collection.get(ids=list(keys[i:i + PAGE]), include=["embeddings"])
            out.update(zip(got["ids"], got["embeddings"]))
        return out

    def sentence_keys(self) -> set[str]:
        collection = self._sentence_collection()
        keys: set[str] = set()
        offset = 0
        while collection is not None:
            with self._reachable():
                page = collection.get(include=[], limit=PAGE, offset=offset)["ids"]
            keys.update(page)
            if len(page) < PAGE:
                break
            offset += PAGE
        return keys

    def sentence_count(self) -> int:
        collection = self._sentence_collection()
        if collection is None:
            return 0
        with self._reachable():
            return collection.count()

    def put_sentence_vectors(self, keys: Sequence[str], vectors: Sequence[Any]) -> None:
        collection = self._sentence_collection(create=True)
        for i in range(0, len(keys), PAGE):
            with self._reachable():
                collection.upsert(ids=list(keys[i:i + PAGE]), embeddings=[list(map(float, v)) for v in vectors[i:i + PAGE]])

    def delete_sentence_vectors(self, keys: Sequence[str]) -> None:
        collection = self._sentence_collection()
        for i in range(0, len(keys) if collection is not None else 0, PAGE):
            with self._reachable():
                collection.delete(ids=list(keys[i:i + PAGE]))
