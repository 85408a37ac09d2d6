"""One settings object for the whole package.

Every field can be set from the environment with the prefix ``LEGAL_ASSISTANT_``
(for example ``LEGAL_ASSISTANT_EMBEDDING=minilm``). The defaults work offline on
a fresh clone with ``../shared`` beside the repository.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Models come from inside installed packages; the hub must never be contacted.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# OpenMP threads that spin while waiting made one e5 query take ~1.2 s instead of ~20 ms whenever
# another process was busy on this 2-core machine; passive waiting removes that.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_corpus_dir() -> Path:
    """The shared corpus beside the repository, else ``./corpus-texts`` in the working folder."""
    for candidate in (REPO_ROOT.parent / "shared" / "corpus", Path.cwd().parent / "shared" / "corpus"):
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "corpus-texts"


def default_data_dir() -> Path:
    return REPO_ROOT / ".legal-assistant" if (REPO_ROOT / "pyproject.toml").exists() else Path.cwd() / ".legal-assistant"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEGAL_ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(default_factory=default_corpus_dir)
    data_dir: Path = Field(default_factory=default_data_dir)

    # Embeddings: "e5" (multilingual, default), "minilm" (English), or a path to a local
    # sentence-transformers model folder.
    embedding: str = "e5"

    # Chunking
    chunk_max_chars: int = 1000

    # Retrieval
    k: int = 5
    candidates: int = 40
    rrf_k: int = 60
    reference_boost: float = 2.0
    superseded_penalty: float = 0.85

    # Answering
    mode: Literal["extractive", "llm"] = "extractive"
    # Evidence below this relevance score is too weak to answer from (calibrated on the
    # dev questions by `legal-assistant eval`; see evals/README.md).
    min_evidence_coverage: float = 0.42
    min_dense_cross_lingual: float = 0.83
    min_dense: float = 0.825
    max_citations: int = 3

    # LLM backends (used only when mode == "llm")
    llm_backend: Literal["llamacpp", "openai", "ollama"] = "llamacpp"
    llm_model: str = ""  # GGUF path, or the model name on the server
    llm_base_url: str = ""  # OpenAI-compatible or Ollama server
    llm_api_key: str = "not-needed"
    llm_temperature: float = 0.0
    llm_max_tokens: int = 400

    def fingerprint(self) -> str:
        """A short hash of the settings that decide an answer (recorded with each answer)."""
        relevant = self.model_dump(
            include={"embedding", "chunk_max_chars", "k", "candidates", "rrf_k", "reference_boost",
                     "superseded_penalty", "mode", "min_evidence_coverage", "min_dense_cross_lingual", "min_dense", "max_citations",
                     "llm_backend", "llm_model"}
        )
        return hashlib.sha256(repr(sorted(relevant.items())).encode()).hexdigest()[:12]
