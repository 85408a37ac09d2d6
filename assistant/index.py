"""The persistent hybrid index: a Chroma collection (cosine) plus a BM25 index, under one data folder.

Layout of ``data_dir``::

    manifest.json   embedding backend, and per source file: content hash + chunk ids
    chunks.jsonl    every chunk with its metadata (the source of truth for texts)
    chroma/         persistent Chroma store, collection "chunks" (embeddings only)
    bm25/           bm25s index over the same chunks, in chunks.jsonl order
    vectors.sqlite  sentence vectors, content-addressed (see vectors.py and sentences.py)

Ingest is incremental and idempotent: chunk ids derive from content, so an unchanged corpus
embeds nothing; a changed file replaces only its own chunks; a removed file's chunks go.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from .chunking import CHUNKER_VERSION, split_document
from .corpus import load_corpus
from .embeddings import backend_name
from .errors import EmbeddingBackendMismatch, IndexNotBuilt
from .sentences import contextual_text, quotable_spans
from .text import tokenize
from .types import Chunk, DocInfo
from .vectors import VectorCache

log = logging.getLogger(__name__)

MANIFEST_VERSION = 1
COLLECTION = "chunks"
EMBED_BATCH = 16
EXACT_SEARCH_LIMIT = 50_000
QUERY_VECTORS_KEPT = 64


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    sentences_embedded: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"files: {len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped",
            f"chunks: {self.chunks_total} in index, {self.chunks_embedded} embedded, "
            f"{self.chunks_deleted} deleted, {self.sentences_embedded} sentences embedded; {self.seconds:.1f} s",
        ]
        lines += [f"skipped {name}: {reason}" for name, reason in self.skipped]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def chunk_to_record(chunk: Chunk) -> dict[str, Any]:
    record = asdict(chunk)
    record["heading_path"] = list(chunk.heading_path)
    return record


def chunk_from_record(record: dict[str, Any]) -> Chunk:
    data = dict(record)
    data["info"] = DocInfo(**data["info"])
    data["heading_path"] = tuple(data["heading_path"])
    return Chunk(**data)


def _file_hash(text: str, max_chars: int) -> str:
    return hashlib.sha256(f"{CHUNKER_VERSION}\n{max_chars}\n{text}".encode()).hexdigest()


ProgressFactory = Callable[[int, str], Any]


def tqdm_progress(total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="chunk", leave=False)


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


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


class Index:
    def __init__(self, data_dir: Path, embeddings: Embeddings):
        self.data_dir = Path(data_dir)
        self.embeddings = embeddings
        self.backend = backend_name(embeddings)
        self._client = None
        self._collection = None
        self._bm25 = None
        self._vectors: np.ndarray | None = None
        self._frequencies: Any = None  # these three are derived from self.chunks, reset by ingest
        self._articles: dict[str, list[Chunk]] | None = None
        self._documents: list[DocInfo] | None = None
        self._sentences: SentenceTable | None = None
        self._query_vectors: dict[str, np.ndarray] = {}
        self.vector_cache = VectorCache(self.data_dir / "vectors.sqlite", self.backend)
        self.chunks: dict[str, Chunk] = {}
        self.order: list[str] = []
        self.manifest: dict[str, Any] = {}
        self._load()

    # ---------------------------------------------------------------- state on disk
    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.exists() and bool(self.chunks)

    def _load(self) -> None:
        if not self.manifest_path.exists():
            self.manifest = {"version": MANIFEST_VERSION, "embedding_backend": self.backend, "files": {}}
            return
        self.manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        built_with = self.manifest.get("embedding_backend")
        if built_with != self.backend:
            raise EmbeddingBackendMismatch(
                f"The index in {self.data_dir} was built with the embedding backend {built_with!r}, but the "
                f"current setting is {self.backend!r}. Mixing backends would make dense search meaningless: "
                f"set LEGAL_ASSISTANT_EMBEDDING={built_with} or rebuild with `legal-assistant ingest --rebuild`."
            )
        path = self.data_dir / "chunks.jsonl"
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    chunk = chunk_from_record(json.loads(line))
                    self.chunks[chunk.id] = chunk
        self.order = list(self.chunks)

    def _save(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.data_dir / "chunks.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            for cid in self.order:
                fh.write(json.dumps(chunk_to_record(self.chunks[cid]), ensure_ascii=False) + "\n")
        tmp.replace(self.data_dir / "chunks.jsonl")
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(self.manifest_path)

    @property
    def collection(self):
        if self._collection is None:
            import chromadb

            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(self.data_dir / "chroma"), settings=chromadb.Settings(anonymized_telemetry=False)
            )
            self._collection = self._client.get_or_create_collection(
                COLLECTION,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_backend": self.backend},
            )
        return self._collection

    def require(self) -> None:
        if not self.exists():
            raise IndexNotBuilt(
                f"No index in {self.data_dir} yet. Build it with `legal-assistant ingest` "
                "(or `Assistant().ingest()`)."
            )

    # ---------------------------------------------------------------- ingest
    def ingest(self, corpus_dir: Path, max_chars: int = 1400, progress: ProgressFactory | None = tqdm_progress) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        loaded = load_corpus(Path(corpus_dir))
        files: dict[str, Any] = self.manifest.setdefault("files", {})
        failed_names = set()
        for problem in loaded.problems:
            report.skipped.append((problem.path, problem.reason))
            failed_names.add(problem.path)

        wanted: dict[str, Chunk] = {}
        new_files: dict[str, Any] = {}
        for doc in loaded.docs:
            name = doc.info.source_file
            digest = _file_hash(doc.text, max_chars)
            previous = files.get(name)
            if previous and previous["sha256"] == digest and all(c in self.chunks for c in previous["chunk_ids"]):
                report.unchanged.append(name)
                new_files[name] = previous
                for cid in previous["chunk_ids"]:
                    wanted[cid] = self.chunks[cid]
                continue
            chunks = split_document(doc, max_chars=max_chars)
            (report.updated if previous else report.added).append(name)
            new_files[name] = {"sha256": digest, "doc_id": doc.doc_id, "language": doc.language,
                               "chunk_ids": [c.id for c in chunks]}
            for chunk in chunks:
                wanted[chunk.id] = chunk
        # A file that is still there but cannot be read now keeps its previous chunks: nothing is lost.
        for name, previous in files.items():
            if name in new_files:
                continue
            if Path(name).name in {Path(p).name for p in failed_names} and all(c in self.chunks for c in previous["chunk_ids"]):
                new_files[name] = previous
                for cid in previous["chunk_ids"]:
                    wanted.setdefault(cid, self.chunks[cid])
            else:
                report.removed.append(name)

        # New vectors go in before stale ones go out, so a reader never finds its chunks missing.
        report.chunks_embedded = self._embed_missing(list(wanted.values()), progress)
        stale = [cid for cid in self.chunks if cid not in wanted]
        if stale:
            self.collection.delete(ids=stale)
        report.chunks_deleted = len(stale)
        report.sentences_embedded = self._embed_sentences(list(wanted.values()), progress)

        changed = bool(report.added or report.updated or report.removed or stale or report.chunks_embedded)
        self.chunks = wanted
        self.order = list(wanted)
        self._vectors = None
        self._frequencies = None
        self._articles = None
        self._documents = None
        self._sentences = None
        self.manifest = {"version": MANIFEST_VERSION, "embedding_backend": self.backend, "files": new_files}
        if changed or not (self.data_dir / "chunks.jsonl").exists():
            self._save()
        if changed or not (self.data_dir / "bm25").exists():
            self._build_bm25()
        report.chunks_total = len(self.chunks)
        report.seconds = time.perf_counter() - started
        return report

    def _embed_missing(self, chunks: list[Chunk], progress: ProgressFactory | None) -> int:
        if not chunks:
            return 0
        present: set[str] = set()
        ids = [c.id for c in chunks]
        for i in range(0, len(ids), 500):
            present.update(self.collection.get(ids=ids[i:i + 500], include=[])["ids"])
        missing = [c for c in chunks if c.id not in present]
        if not missing:
            return 0
        bar = progress(len(missing), "Embedding chunks") if progress else _NoProgress()
        try:
            for i in range(0, len(missing), EMBED_BATCH):
                batch = missing[i:i + EMBED_BATCH]
                vectors = self.embeddings.embed_documents([c.search_text() for c in batch])
                self.collection.upsert(
                    ids=[c.id for c in batch],
                    embeddings=vectors,
                    metadatas=[_chroma_metadata(c) for c in batch],
                )
                bar.update(len(batch))
        finally:
            bar.close()
        return len(missing)

    def _embed_sentences(self, chunks: list[Chunk], progress: ProgressFactory | None) -> int:
        texts = [text for chunk in chunks for _, text in sentence_texts(chunk)]
        todo = self.vector_cache.missing(texts)
        if todo:
            bar = progress(len(todo), "Embedding sentences") if progress else _NoProgress()
            try:
                self.vector_cache.embed(todo, self.embeddings, progress=bar.update)
            finally:
                bar.close()
        self.vector_cache.prune(texts)
        return len(todo)

    def sentence_table(self) -> SentenceTable:
        """All quotable sentences with their vectors (embedding any that the cache lacks)."""
        if self._sentences is None:
            chunk_ids, owners, spans, texts = [], [], [], []
            rows_of: dict[str, list[int]] = {}
            for position, cid in enumerate(self.order):
                for span, text in sentence_texts(self.chunks[cid]):
                    rows_of.setdefault(cid, []).append(len(texts))
                    chunk_ids.append(cid)
                    owners.append(position)
                    spans.append(span)
                    texts.append(text)
            matrix = self.vector_cache.embed(texts, self.embeddings) if texts else np.zeros((0, 1), dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True) if len(texts) else 1.0
            self._sentences = SentenceTable(chunk_ids, np.asarray(owners, dtype=np.int64), spans,
                                            matrix / np.where(norms == 0, 1, norms), rows_of)
        return self._sentences

    # ---------------------------------------------------------------- BM25
    def _build_bm25(self) -> None:
        import bm25s

        target = self.data_dir / "bm25"
        if target.exists():
            shutil.rmtree(target)
        if not self.order:
            self._bm25 = None
            return
        retriever = bm25s.BM25()
        retriever.index([tokenize(self.chunks[cid].search_text()) or ["∅"] for cid in self.order], show_progress=False)
        retriever.save(str(target), show_progress=False)
        (target / "ids.json").write_text(json.dumps(self.order), encoding="utf-8")
        self._bm25 = retriever

    @property
    def bm25(self):
        if self._bm25 is None:
            import bm25s

            target = self.data_dir / "bm25"
            ids_path = target / "ids.json"
            if ids_path.exists() and json.loads(ids_path.read_text(encoding="utf-8")) == self.order:
                self._bm25 = bm25s.BM25.load(str(target), show_progress=False, verbosity=0)
            else:
                self._build_bm25()
        return self._bm25

    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, aligned with ``self.order``."""
        retriever = self.bm25
        if retriever is None:
            return np.zeros(0)
        vocab = retriever.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return np.zeros(len(self.order), dtype=np.float32)
        return retriever.get_scores(tokens)

    # ---------------------------------------------------------------- dense
    def dense_search(self, query: str, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the n nearest chunks.

        Up to EXACT_SEARCH_LIMIT chunks the vectors stored in Chroma are compared exactly (one
        matrix product, deterministic); above it Chroma's HNSW index answers. Exact search also
        sidesteps what we saw with Chroma 1.5 on a collection with many deletions: about one
        query in ten, from a fresh process, returned neighbours from a subset of the collection."""
        count = len(self.chunks)
        if not count:
            return []
        vector = self.embeddings.embed_query(query)
        if count <= EXACT_SEARCH_LIMIT:
            return self._exact_search(np.asarray(vector, dtype=np.float32), n, where)
        result = self.collection.query(query_embeddings=[vector], n_results=min(n, count), where=where or None,
                                       include=["distances"])
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0]) if cid in self.chunks]

    def _matrix(self) -> np.ndarray:
        if self._vectors is None or self._vectors.shape[0] != len(self.order):
            rows: dict[str, Any] = {}
            for i in range(0, len(self.order), 1000):
                got = self.collection.get(ids=self.order[i:i + 1000], include=["embeddings"])
                rows.update(zip(got["ids"], got["embeddings"]))
            missing = [cid for cid in self.order if cid not in rows]
            if missing:
                raise IndexNotBuilt(f"{len(missing)} chunks have no vector in {self.data_dir}; run `legal-assistant ingest`.")
            matrix = np.asarray([rows[cid] for cid in self.order], dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            self._vectors = matrix / np.where(norms == 0, 1, norms)
        return self._vectors

    def query_vector(self, text: str) -> np.ndarray:
        """The unit query vector of a text; the last few are remembered (retrieval and the answerer
        of one question embed the same query)."""
        vector = self._query_vectors.get(text)
        if vector is None:
            vector = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
            vector = vector / (np.linalg.norm(vector) or 1.0)
            if len(self._query_vectors) >= QUERY_VECTORS_KEPT:
                self._query_vectors.pop(next(iter(self._query_vectors)))
            self._query_vectors[text] = vector
        return vector

    def sentence_vectors(self, chunk: Chunk) -> tuple[list[tuple[int, int]], np.ndarray]:
        """A chunk's quotable spans and their unit vectors (from the sentence table, or embedded
        now through the cache for chunks outside it, such as footnotes)."""
        table = self.sentence_table()
        rows = table.rows_of.get(chunk.id)
        if rows:
            return [table.spans[r] for r in rows], table.matrix[rows]
        spans = quotable_spans(chunk)
        if not spans:
            return [], np.zeros((0, 1), dtype=np.float32)
        matrix = self.vector_cache.embed([contextual_text(chunk, s, e) for s, e in spans], self.embeddings)
        return spans, matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)

    def chunk_similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of a unit query vector to every chunk, aligned with ``self.order``."""
        return self._matrix() @ vector if self.order else np.zeros(0, dtype=np.float32)

    def _exact_search(self, vector: np.ndarray, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        scores = self._matrix() @ (vector / (np.linalg.norm(vector) or 1.0))
        wanted = _where_filter(where)
        ranked = np.argsort(-scores, kind="stable")
        out = []
        for i in ranked:
            cid = self.order[i]
            if wanted(self.chunks[cid]):
                out.append((cid, float(scores[i])))
                if len(out) == n:
                    break
        return out

    def term_frequencies(self, compute: Callable[[list[str]], Any]) -> Any:
        """``compute`` over every chunk's search text, cached until the next ingest."""
        if self._frequencies is None:
            self._frequencies = compute([self.chunks[cid].search_text() for cid in self.order])
        return self._frequencies

    def by_article(self, article: str, doc_ids: Iterable[str] | None = None) -> list[Chunk]:
        if self._articles is None:
            self._articles = {}
            for chunk in self.chunks.values():
                self._articles.setdefault(chunk.article or "", []).append(chunk)
        wanted = set(doc_ids) if doc_ids else None
        return [c for c in self._articles.get(article, []) if wanted is None or c.doc_id in wanted]

    def documents(self) -> list[DocInfo]:
        if self._documents is None:
            seen: dict[tuple[str, str], DocInfo] = {}
            for chunk in self.chunks.values():
                seen.setdefault((chunk.doc_id, chunk.language), chunk.info)
            self._documents = sorted(seen.values(), key=lambda d: (d.jurisdiction, d.doc_id, d.language))
        return self._documents


def wipe(data_dir: Path) -> None:
    """Delete an index (``ingest --rebuild``): the Chroma collection through Chroma itself (its
    clients are shared per path within a process, so the store is not removed from under them),
    then our own files. Other files in the folder are left alone."""
    chroma_dir = Path(data_dir) / "chroma"
    if chroma_dir.is_dir():
        import chromadb

        client = chromadb.PersistentClient(path=str(chroma_dir), settings=chromadb.Settings(anonymized_telemetry=False))
        if COLLECTION in [c.name for c in client.list_collections()]:
            client.delete_collection(COLLECTION)
    for name in ("bm25", "chunks.jsonl", "manifest.json", "vectors.sqlite"):
        path = Path(data_dir) / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _where_filter(where: dict[str, Any] | None) -> Callable[[Chunk], bool]:
    """The Python equivalent of the simple Chroma ``where`` clauses retrieval builds."""
    clauses = where.get("$and", [where]) if where else []
    pairs = [next(iter(c.items())) for c in clauses]
    return lambda chunk: all(getattr(chunk, key, None) == value for key, value in pairs)


def _chroma_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "language": chunk.language,
        "article": chunk.article or "",
        "role": chunk.role,
    }
