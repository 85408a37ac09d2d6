"""The hybrid index: a thin façade over the parts that do the work.

- ``dense_store.DenseStore``: the Chroma collection, embedded or on a Chroma server; the source
  of truth for every chunk's vector, text and metadata.
- ``chunk_lookup.ChunkLookup``: a read-only view of the chunks at one collection version, with
  what is derived from them (per-article map, documents, vector matrix, term statistics, BM25).
- ``bm25_store.BM25Store``: the BM25 index, derived from the chunks and cached on disk.
- ``sentence_table``: every quotable sentence with its vector, from the content-addressed
  sentence vectors filled at ingest: kept in the store (``shared_vectors``) behind a local cache
  (``vectors.VectorCache``, ``data_dir/vectors.sqlite``).
- ``ingest_plan``: what an ingest adds, updates and removes, decided without the store.

Ingest is incremental and idempotent: chunk ids derive from content, so an unchanged corpus embeds
nothing; a changed file replaces only its own chunks; a removed file's chunks go. Each changing
ingest renews the collection's version marker; any process using the collection (``require()``,
called at the start of each retrieval) sees the new version and loads a new view, so an ingest by
one app process reaches the others without a restart. Each thread keeps the view it loaded until
its next ``require()``: one question is answered from one version, whatever other threads do.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from .bm25_store import BM25Store
from .chunk_lookup import ChunkLookup
from .chunk_records import chunk_from_record, chunk_metadata, is_current, provenance_of
from .chunking import split_document
from .corpus import DEFAULT_MAX_BYTES, load_corpus
from .dense_store import DenseStore, StoreState
from .embed_batches import engine_batches
from .embeddings import backend_name, recorded_backend
from .errors import EmbeddingBackendMismatch, IndexNotBuilt
from .ingest_lock import ingest_lock
from .ingest_plan import FileChanges, file_hash, plan_ingest, stored_files
from .sentence_table import SentenceTable, build_sentence_table, sentence_texts, unit_rows
from .sentences import contextual_text, quotable_spans
from .shared_vectors import SharedVectorCache
from .types import Chunk, DocInfo
from .vectors import VectorCache

log = logging.getLogger(__name__)

UPSERT_BATCH = 500
EXACT_SEARCH_LIMIT = 50_000
QUERY_VECTORS_KEPT = 64
LEGACY_FILES = ("chunks.jsonl", "manifest.json")  # the chunk store of schema 1, before Chroma held the texts


@dataclass
class IngestReport(FileChanges):
    chunks_total: int = 0
    chunks_embedded: int = 0
    chunks_deleted: int = 0
    sentences_embedded: int = 0
    seconds: float = 0.0
    duplicates: list[str] = field(default_factory=list)  # doc_id + language claimed by several files, with their names

    def summary(self) -> str:
        lines = [
            f"files: {len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped",
            f"chunks: {self.chunks_total} in index, {self.chunks_embedded} embedded, "
            f"{self.chunks_deleted} deleted, {self.sentences_embedded} sentences embedded; {self.seconds:.1f} s",
        ]
        lines += [f"skipped {name}: {reason}" for name, reason in self.skipped]
        lines += [f"duplicate: {line}" for line in self.duplicates]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


ProgressFactory = Callable[[int, str], Any]


def tqdm_progress(total: int, desc: str):
    from tqdm import tqdm

    unit = "sentence" if "sentence" in desc.lower() else "chunk"
    return tqdm(total=total, desc=desc, unit=unit, leave=False)


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


class Index:
    def __init__(self, data_dir: Path, embeddings: Embeddings, chroma_url: str = "", check_backend: bool = True):
        self.data_dir = Path(data_dir)
        self.embeddings = embeddings
        self.backend = backend_name(embeddings)
        self.store = DenseStore(self.data_dir, chroma_url)
        self.vector_cache = SharedVectorCache(VectorCache(self.data_dir / "vectors.sqlite", self.backend), self.store)
        self._latest: ChunkLookup | None = None
        self._reload_lock = threading.Lock()
        self._local = threading.local()
        self._query_vectors: dict[str, np.ndarray] = {}
        self._query_lock = threading.Lock()
        if check_backend:  # an index about to be rebuilt may have been built with another backend
            self._check_backend(self.store.state())

    # ---------------------------------------------------------------- the current view
    def _check_backend(self, state: StoreState) -> None:
        built_with = recorded_backend(state.backend)
        if state.exists and built_with and built_with != self.backend:
            raise EmbeddingBackendMismatch(
                f"The index in {self.store.location} was built with the embedding backend {built_with!r}, but "
                f"the current setting is {self.backend!r}. Mixing backends would make dense search meaningless: "
                f"set LEGAL_ASSISTANT_EMBEDDING={built_with} or rebuild with `legal-assistant ingest --rebuild`."
            )

    def _view(self) -> ChunkLookup:
        """This thread's view (the one its last ``refresh()`` gave), else the latest one."""
        pinned = getattr(self._local, "view", None)
        return pinned if pinned is not None else (self._latest or self.refresh())

    def refresh(self) -> ChunkLookup:
        """Load a new view if the collection changed since the last one; this thread then uses it."""
        state = self.store.state()
        latest = self._latest
        if latest is None or state.version != latest.version:
            with self._reload_lock:
                latest = self._latest
                if latest is None or state.version != latest.version:
                    self._check_backend(state)
                    latest = self._load(state)
                    self._latest = latest
        self._local.view = latest
        return latest

    def _load(self, state: StoreState) -> ChunkLookup:
        """Read every record of the collection; retried if an ingest renews the version meanwhile."""
        for _ in range(3):
            view = self._read(state)
            after = self.store.state()
            if after.version == state.version:
                return view
            state = after
        return view

    def _read(self, state: StoreState) -> ChunkLookup:
        if not state.exists:
            return ChunkLookup([], version=state.version)
        rows, vectors, outdated = [], {}, []
        for record in self.store.records(with_vectors=True):  # ranking compares the query with every chunk
            if not is_current(record.metadata) or record.document is None:
                outdated.append(record.id)
                continue
            prov = provenance_of(record.metadata)
            rows.append(((prov.source_file, prov.seq, record.id), chunk_from_record(record.id, record.document, record.metadata),
                         prov))
            vectors[record.id] = record.vector
        rows.sort(key=lambda row: row[0])
        files = stored_files((chunk.id, prov) for _, chunk, prov in rows)
        if any(vectors[chunk.id] is None for _, chunk, _ in rows):
            raise IndexNotBuilt(f"Some chunks have no vector in {self.store.location}; run `legal-assistant ingest`.")
        matrix = unit_rows(np.asarray([vectors[chunk.id] for _, chunk, _ in rows], dtype=np.float32)) if rows else None
        return ChunkLookup([chunk for _, chunk, _ in rows], files, state.version, matrix=matrix, outdated=outdated)

    # ---------------------------------------------------------------- what the rest of the code reads
    @property
    def chunks(self) -> dict[str, Chunk]:
        return self._view().chunks

    @property
    def order(self) -> list[str]:
        return self._view().order

    @property
    def version(self) -> str:
        return self._view().version

    @property
    def collection(self):
        """The Chroma collection (for code that reads stored vectors directly)."""
        return self.store.collection

    def by_article(self, article: str, doc_ids: Iterable[str] | None = None) -> list[Chunk]:
        return self._view().by_article(article, doc_ids)

    def documents(self) -> list[DocInfo]:
        return self._view().documents()

    def term_frequencies(self, compute: Callable[[list[str]], Any]) -> Any:
        """``compute`` over every chunk's search text, once per collection version."""
        view = self._view()
        return view.derived(("terms", compute), lambda: compute(view.search_texts()))

    def exists(self) -> bool:
        return bool(self.refresh().chunks)

    def require(self) -> None:
        view = self.refresh()
        if view.chunks:
            return
        if view.outdated:
            raise IndexNotBuilt(
                f"The index in {self.store.location} was built by an earlier version and holds no chunk texts. "
                "Upgrade it with `legal-assistant ingest` (stored vectors are kept, nothing is re-embedded).")
        raise IndexNotBuilt(
            f"No index in {self.store.location} yet. Build it with `legal-assistant ingest` (or `Assistant().ingest()`).")

    def warm(self) -> None:
        """Derive BM25 and the sentence table now rather than at the first question."""
        view = self._view()
        if view.chunks:
            view.derived("bm25", lambda: self._bm25_for(view))
            self.sentence_table()

    # ---------------------------------------------------------------- BM25
    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, aligned with ``self.order``."""
        view = self._view()
        return view.derived("bm25", lambda: self._bm25_for(view)).scores(query)

    def _bm25_for(self, view: ChunkLookup) -> BM25Store:
        cache = self.data_dir / "bm25"
        cached = BM25Store.load(cache, view.version, view.order) if view.version else None
        if cached is not None:
            return cached
        built = BM25Store.build(view.search_texts())
        if view.version:
            built.save(cache, view.version, view.order)
        return built

    # ---------------------------------------------------------------- dense and sentences
    def query_vector(self, text: str) -> np.ndarray:
        """The unit query vector of a text; the last few are remembered (retrieval and the answerer
        of one question embed the same query)."""
        vector = self._query_vectors.get(text)
        if vector is None:
            vector = unit_rows(np.asarray([self.embeddings.embed_query(text)], dtype=np.float32))[0]
            with self._query_lock:
                if len(self._query_vectors) >= QUERY_VECTORS_KEPT:
                    self._query_vectors.pop(next(iter(self._query_vectors)))
                self._query_vectors[text] = vector
        return vector

    def chunk_similarities(self, vector: np.ndarray) -> np.ndarray:
        """Cosine similarity of a unit query vector to every chunk, aligned with ``self.order``."""
        view = self._view()
        return view.matrix @ vector if view.order else np.zeros(0, dtype=np.float32)

    def sentence_table(self) -> SentenceTable:
        """All quotable sentences with their vectors (embedding any that the cache lacks)."""
        view = self._view()
        return view.derived("sentences", lambda: build_sentence_table([view.chunks[c] for c in view.order],
                                                                      self.vector_cache, self.embeddings))

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
        return spans, unit_rows(self.vector_cache.embed([contextual_text(chunk, s, e) for s, e in spans], self.embeddings))

    def dense_search(self, query: str, n: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the n nearest chunks.

        Up to EXACT_SEARCH_LIMIT chunks the vectors read with the view are compared exactly (one
        matrix product, deterministic); above it Chroma's HNSW index answers. Exact search also
        sidesteps what we saw with Chroma 1.5 on a collection with many deletions: about one
        query in ten, from a fresh process, returned neighbours from a subset of the collection."""
        view = self._view()
        if not view.chunks:
            return []
        vector = self.embeddings.embed_query(query)
        if len(view) <= EXACT_SEARCH_LIMIT:
            return _exact_search(view, np.asarray(vector, dtype=np.float32), n, where)
        found = self.store.query(vector, min(n, len(view)), where)
        return [(cid, sim) for cid, sim in found if cid in view.chunks]

    # ---------------------------------------------------------------- ingest
    def ingest(self, corpus_dir: Path, max_chars: int = 1400, progress: ProgressFactory | None = tqdm_progress,
               max_bytes: int = DEFAULT_MAX_BYTES, rebuild: bool = False,
               on_wait: Callable[[str], None] | None = None) -> IngestReport:
        """Bring the index in line with the corpus folder, one ingest per data folder at a time.
        Whatever changes is written into a new generation (``DenseStore.writer``) that readers see
        only once it is complete; ``rebuild`` starts that generation empty."""
        with ingest_lock(self.data_dir, on_wait):
            started = time.perf_counter()
            if rebuild:
                self._forget_caches()
            view = ChunkLookup([]) if rebuild else self.refresh()
            loaded = load_corpus(Path(corpus_dir), max_bytes=max_bytes)
            plan = plan_ingest(view.files, loaded.docs, [(p.path, p.reason) for p in loaded.problems],
                               digest=lambda doc: file_hash(doc.text + doc.id_salt, max_chars),
                               split=lambda doc: split_document(doc, max_chars=max_chars))
            report = IngestReport(added=plan.added, updated=plan.updated, removed=plan.removed, unchanged=plan.unchanged,
                                  skipped=plan.skipped, duplicates=loaded.duplicates)
            wanted = [c for c, _ in plan.write] + [view.chunks[cid] for cid in plan.keep if cid in view.chunks]
            texts = [text for chunk in wanted for _, text in sentence_texts(chunk)]
            todo = (SharedVectorCache(self.vector_cache.local, None) if rebuild else self.vector_cache).missing(texts)
            if rebuild or plan.changed or view.outdated or todo or self.vector_cache.unpublished(texts):
                report.chunks_embedded, report.sentences_embedded, report.chunks_deleted = self._write_generation(
                    plan, view, texts, todo, progress, fresh=rebuild)
            report.chunks_total = len(self.refresh())
            self.warm()
            report.seconds = time.perf_counter() - started
            return report

    def _write_generation(self, plan, view: ChunkLookup, texts: list[str], todo: list[str], progress: ProgressFactory | None,
                          fresh: bool) -> tuple[int, int, int]:
        """Write the plan into a new generation of the store and make it current: (chunks embedded,
        sentences embedded, chunks deleted). A failure leaves the current generation as it was."""
        target = self.store.writer(fresh=fresh)
        try:
            # New records go in before stale ones go out (on a Chroma server they are written in place).
            embedded = self._write(target, plan.write, progress)
            sentences = self._embed_sentences(target, texts, todo, progress)
            written = {chunk.id for chunk, _ in plan.write}
            stale = plan.delete + [cid for cid in view.outdated if cid not in written]
            target.delete(stale)
            target.mark_version(self.backend)
            self.store.commit(target)
        except BaseException:
            self.store.abandon(target)
            raise
        self._drop_legacy_files()
        return embedded, sentences, len(stale)

    def _write(self, target: DenseStore, items: list[tuple[Chunk, Any]], progress: ProgressFactory | None) -> int:
        """Store the chunks; embed only those whose vectors the collection does not hold yet (a
        record of an older schema, or a chunk that moved to another file, keeps its vector)."""
        if not items:
            return 0
        stored = target.vectors([chunk.id for chunk, _ in items])
        keep = [(c, p) for c, p in items if stored.get(c.id) is not None]
        missing = [(c, p) for c, p in items if stored.get(c.id) is None]
        for i in range(0, len(keep), UPSERT_BATCH):
            batch = keep[i:i + UPSERT_BATCH]
            self._upsert(target, batch, [stored[c.id] for c, _ in batch])
        if not missing:
            return 0
        texts = [chunk.search_text() for chunk, _ in missing]
        done: list[tuple[int, list[float]]] = []  # embedded, not yet written: at most about UPSERT_BATCH

        def write() -> None:
            self._upsert(target, [missing[i] for i, _ in done], [vector for _, vector in done])
            done.clear()

        bar = progress(len(missing), "Embedding chunks") if progress else _NoProgress()
        try:
            for batch in engine_batches(self.embeddings, texts):
                done.extend(zip(batch, self.embeddings.embed_documents([texts[i] for i in batch])))
                if len(done) >= UPSERT_BATCH:
                    write()
                bar.update(len(batch))
            if done:
                write()
        finally:
            bar.close()
        return len(missing)

    def _embed_sentences(self, target: DenseStore, texts: list[str], todo: list[str], progress: ProgressFactory | None) -> int:
        if todo:
            bar = progress(len(todo), "Embedding sentences") if progress else _NoProgress()
            try:
                self.vector_cache.local.embed(todo, self.embeddings, progress=bar.update)
            finally:
                bar.close()
        SharedVectorCache(self.vector_cache.local, target).publish(texts)
        self.vector_cache.prune(texts)
        return len(todo)

    def _upsert(self, target: DenseStore, batch: list[tuple[Chunk, Any]], vectors: list) -> None:
        target.upsert(self.backend, ids=[c.id for c, _ in batch], vectors=[list(map(float, v)) for v in vectors],
                      documents=[c.text for c, _ in batch], metadatas=[chunk_metadata(c, p) for c, p in batch])

    def _forget_caches(self) -> None:
        """``--rebuild`` starts from nothing: the derived files go too (readers keep what they loaded)."""
        for name in ("bm25", "vectors.sqlite", *LEGACY_FILES):
            path = self.data_dir / name
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink(missing_ok=True)
        self.vector_cache = SharedVectorCache(VectorCache(self.data_dir / "vectors.sqlite", self.backend), self.store)

    def _drop_legacy_files(self) -> None:
        for name in LEGACY_FILES:
            (self.data_dir / name).unlink(missing_ok=True)


def _exact_search(view: ChunkLookup, vector: np.ndarray, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
    scores = view.matrix @ (vector / (np.linalg.norm(vector) or 1.0))
    wanted = _where_filter(where)
    out = []
    for i in np.argsort(-scores, kind="stable"):
        cid = view.order[i]
        if wanted(view.chunks[cid]):
            out.append((cid, float(scores[i])))
            if len(out) == n:
                break
    return out


def _where_filter(where: dict[str, Any] | None) -> Callable[[Chunk], bool]:
    """The Python equivalent of the simple Chroma ``where`` clauses retrieval builds."""
    clauses = where.get("$and", [where]) if where else []
    pairs = [next(iter(c.items())) for c in clauses]
    return lambda chunk: all(getattr(chunk, key, None) == value for key, value in pairs)


__all__ = ["Index", "IngestReport", "ProgressFactory", "tqdm_progress"]
