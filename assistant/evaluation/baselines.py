"""Retrieval systems to compare ours against, all returning ``Hit`` lists so the same answerer and
the same metrics apply:

- ``textbook``: LangChain's textbook recipe: RecursiveCharacterTextSplitter(1000, 200) over each
  file's body, dense-only retrieval with the same embedder, in its own Chroma collection;
- ``bm25``: BM25 alone over our provision-level chunks;
- ``dense``: dense similarity alone over our chunks;
- ``ours``: our retriever through the public API.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from ..corpus import load_corpus
from ..embeddings import backend_name
from ..index import Index
from ..types import Chunk, Hit

Retrieve = Callable[[str, int], list[Hit]]

TEXTBOOK_CHUNK_SIZE = 1000
TEXTBOOK_OVERLAP = 200
EMBED_BATCH = 16


def bm25_only(index: Index) -> Retrieve:
    def retrieve(query: str, n: int) -> list[Hit]:
        scores = index.bm25_scores(query)
        ranked = [i for i in scores.argsort()[::-1] if scores[i] > 0][:n]
        return [Hit(chunk=index.chunks[index.order[i]], score=float(scores[i]), bm25_rank=rank)
                for rank, i in enumerate(ranked, start=1)]
    return retrieve


def dense_only(index: Index) -> Retrieve:
    def retrieve(query: str, n: int) -> list[Hit]:
        return [Hit(chunk=index.chunks[cid], score=sim, dense_rank=rank, dense_similarity=sim)
                for rank, (cid, sim) in enumerate(index.dense_search(query, n), start=1)]
    return retrieve


def textbook_chunks(corpus_dir: Path) -> list[Chunk]:
    """The recipe's chunks, wrapped as our Chunk type (no article: the recipe does not know any)."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=TEXTBOOK_CHUNK_SIZE, chunk_overlap=TEXTBOOK_OVERLAP,
                                              add_start_index=True)
    chunks = []
    for doc in load_corpus(Path(corpus_dir)).docs:
        for i, piece in enumerate(splitter.create_documents([doc.body])):
            start = doc.body_start + piece.metadata["start_index"]
            key = f"{doc.doc_id}|{doc.language}|{i}|{piece.page_content}"
            chunks.append(Chunk(id="tb-" + hashlib.sha256(key.encode()).hexdigest()[:20], info=doc.info,
                                text=piece.page_content, start=start, end=start + len(piece.page_content),
                                role="text"))
    return chunks


class TextbookRecipe:
    """Dense-only retrieval over RecursiveCharacterTextSplitter chunks in a separate Chroma store.

    The store lives in ``cache_dir/textbook-<fingerprint>``; the fingerprint covers the chunks and the
    embedder, so a re-run with the same corpus embeds nothing."""

    def __init__(self, corpus_dir: Path, embeddings, cache_dir: Path, progress: bool = True):
        self.embeddings = embeddings
        self.chunks = {c.id: c for c in textbook_chunks(corpus_dir)}
        digest = hashlib.sha256(json.dumps([backend_name(embeddings), TEXTBOOK_CHUNK_SIZE, TEXTBOOK_OVERLAP,
                                            sorted(self.chunks)]).encode()).hexdigest()[:12]
        self.path = Path(cache_dir) / f"textbook-{digest}"
        self._collection = self._open()
        self._embed_missing(progress)

    def _open(self):
        import chromadb

        self.path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(self.path), settings=chromadb.Settings(anonymized_telemetry=False))
        return client.get_or_create_collection("textbook", embedding_function=None,
                                               configuration={"hnsw": {"space": "cosine"}})

    def _embed_missing(self, progress: bool) -> None:
        ids = list(self.chunks)
        present: set[str] = set()
        for i in range(0, len(ids), 500):
            present.update(self._collection.get(ids=ids[i:i + 500], include=[])["ids"])
        missing = [cid for cid in ids if cid not in present]
        if not missing:
            return
        from tqdm import tqdm

        with tqdm(total=len(missing), desc="Embedding textbook-recipe chunks", unit="chunk",
                  disable=not progress, leave=False) as bar:
            for i in range(0, len(missing), EMBED_BATCH):
                batch = missing[i:i + EMBED_BATCH]
                vectors = self.embeddings.embed_documents([self.chunks[cid].text for cid in batch])
                self._collection.upsert(ids=batch, embeddings=vectors)
                bar.update(len(batch))

    def retrieve(self, query: str, n: int) -> list[Hit]:
        vector = self.embeddings.embed_query(query)
        result = self._collection.query(query_embeddings=[vector], n_results=min(n, len(self.chunks)),
                                        include=["distances"])
        return [Hit(chunk=self.chunks[cid], score=1.0 - dist, dense_rank=rank, dense_similarity=1.0 - dist)
                for rank, (cid, dist) in enumerate(zip(result["ids"][0], result["distances"][0]), start=1)]
