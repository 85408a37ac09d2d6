"""The Chroma collection that holds every chunk: vector, text and metadata.

Embedded by default (``PersistentClient`` under ``data_dir/chroma``); with a URL
(``LEGAL_ASSISTANT_CHROMA_URL``, a server started with ``chroma run --path DIR --port N``) an
``HttpClient``, so that several app processes share one store. The collection's metadata names the
embedding backend that built it and carries a version marker that every changing ingest renews:
processes compare it to decide when to reload what they derive from the collection."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from .chunk_records import RECORD_SCHEMA
from .errors import StoreUnavailable

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


class DenseStore:
    def __init__(self, data_dir: Path, url: str = ""):
        self.data_dir = Path(data_dir)
        self.url = url.strip()
        self._client = None
        self._handle = None
        self._sentences = None

    @property
    def location(self) -> str:
        return f"the Chroma server at {self.url}" if self.url else str(self.data_dir / "chroma")

    @contextlib.contextmanager
    def _reachable(self) -> Iterator[None]:
        """Turn a lost connection to the Chroma server into one clear library error."""
        import httpx

        try:
            yield
        except httpx.TransportError as exc:
            self._client = self._handle = self._sentences = None
            raise StoreUnavailable(self._unreachable(exc)) from None
        except ValueError as exc:
            if "connect" not in str(exc).lower():
                raise
            self._client = self._handle = self._sentences = None
            raise StoreUnavailable(self._unreachable(exc)) from None

    def _unreachable(self, exc: Exception) -> str:
        return (f"Cannot reach the Chroma server at {self.url} ({type(exc).__name__}: {exc}). Start it with "
                f"`chroma run --path DIR --port {parse_url(self.url)[1]}`, or unset LEGAL_ASSISTANT_CHROMA_URL "
                "to use the embedded store.")

    def client(self, create: bool = False):
        """The Chroma client; None for an embedded store that does not exist yet (unless ``create``)."""
        if self._client is None:
            import chromadb

            settings = chromadb.Settings(anonymized_telemetry=False)
            if self.url:
                host, port, ssl = parse_url(self.url)
                with self._reachable():
                    self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
            else:
                path = self.data_dir / "chroma"
                if not (create or path.is_dir()):
                    return None
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=settings)
        return self._client

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
