"""Performance benchmarks: cold start to first answer, ingest from scratch, re-ingest with nothing
changed, query latency, peak memory (all with the configured embedder, e5 by default); beside them,
in the same run, the textbook recipe's ingest and query times and every embedding engine's
throughput on the same chunks (``bench_engines``); and scaling over synthetic 10x / 100x corpora
(with the hashing embedder unless told otherwise: the scaling rows measure chunking, Chroma, BM25
and bookkeeping, not the model)."""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..api import Assistant
from ..settings import Settings
from . import metrics, synthetic
from .bench_engines import DEFAULT_ENGINES, EngineSpec, bench_engines, parse_engines, textbook_side_by_side
from .questions import load_questions

COLD_START_SCRIPT = """
import json, resource, sys, time
started = time.perf_counter()
from assistant import Assistant
imported = time.perf_counter()
embeddings = None
if sys.argv[1].startswith("hashing"):
    from assistant.evaluation.hashing import HashingEmbeddings
    embeddings = HashingEmbeddings()
bot = Assistant(embeddings=embeddings)
bot.index.require()
loaded = time.perf_counter()
answer = bot.ask(sys.argv[2])
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "index_load_s": loaded - imported,
                  "first_answer_s": done - loaded, "in_process_s": done - started, "status": answer.status,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def _embeddings(name: str):
    if name.startswith("hashing"):
        from .hashing import HashingEmbeddings

        return HashingEmbeddings()
    return None  # the Assistant loads the backend named in its settings


def _engine(spec: EngineSpec):
    """An engine for the side-by-side table; ``hashing`` is the non-model stand-in."""
    from ..embeddings import load_engine

    return _embeddings(spec.setting) or load_engine(spec.setting, Settings().model_cache, "auto", spec.precision)


def query_latency(bot: Assistant, questions: Sequence[str], k: int = 5,
                  answer_questions: int | None = None) -> dict[str, Any]:
    """p50/p95 of ``retrieve`` wall time over every question and of ``Answer.timings['answer_ms']``
    over ``answer_questions`` of them spread evenly over the file (all by default), after one untimed warm-up question."""
    warm = time.perf_counter()
    bot.ask(questions[0], k=k)
    warm_s = time.perf_counter() - warm
    retrieve, answer = [], []
    for question in questions:
        started = time.perf_counter()
        bot.retrieve(question, k=k)
        retrieve.append((time.perf_counter() - started) * 1000)
    asked = list(questions)
    if answer_questions and answer_questions < len(asked):  # evenly spread over the file, not its first topic
        asked = asked[:: len(asked) // answer_questions][:answer_questions]
    for question in asked:
        answer.append(bot.ask(question, k=k).timings["answer_ms"])
    out: dict[str, Any] = {"n_retrieve": len(retrieve), "n_answer": len(asked), "warm_up_s": round(warm_s, 2)}
    for name, values in (("retrieve", retrieve), ("answer", answer)):
        for q in (50, 95):
            out[f"{name}_p{q}"] = round(metrics.percentile(values, q), 1)
    return out


def cold_start(corpus_dir: Path, data_dir: Path, embedding: str, question: str) -> dict[str, Any]:
    """A fresh Python process: import, Assistant(), index load, first answer."""
    env = dict(os.environ, LEGAL_ASSISTANT_DATA_DIR=str(data_dir), LEGAL_ASSISTANT_CORPUS_DIR=str(corpus_dir),
               LEGAL_ASSISTANT_EMBEDDING=embedding, HF_HUB_OFFLINE="1")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", COLD_START_SCRIPT, embedding, question], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"cold-start process failed: {proc.stderr.strip()[-2000:]}")
    inner = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"wall_s": round(wall, 2), **{k: round(v, 2) if isinstance(v, float) else v for k, v in inner.items()}}


def bench_corpus(corpus_dir: Path, data_dir: Path, embedding: str, questions: Sequence[str],
                 progress: bool, with_cold_start: bool, answer_questions: int | None = None) -> dict[str, Any]:
    """Ingest from scratch, re-ingest unchanged, index size, (cold start), latency for one corpus."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    settings = Settings(corpus_dir=corpus_dir, data_dir=data_dir, embedding=embedding)
    bot = Assistant(settings, embeddings=_embeddings(embedding))
    first = bot.ingest(progress=progress)
    again = Assistant(settings, embeddings=_embeddings(embedding)).ingest(progress=progress)
    row: dict[str, Any] = {
        "embedding": embedding, "files": len(first.added), "chunks": first.chunks_total,
        "ingest_scratch_s": round(first.seconds, 2),
        "chunks_per_s": round(first.chunks_embedded / first.seconds, 1) if first.seconds else None,
        "reingest_unchanged_s": round(again.seconds, 2), "reingest_embedded": again.chunks_embedded,
        "index_bytes": dir_bytes(data_dir),
    }
    if with_cold_start:
        row["cold_start"] = cold_start(corpus_dir, data_dir, embedding, questions[0])
    bot = Assistant(settings, embeddings=_embeddings(embedding))
    row["latency_ms"] = query_latency(bot, questions, answer_questions=answer_questions)
    return row


def run_benchmarks(output_dir: str | Path, scales: Sequence[int] = (10, 100), questions_path: str | Path | None = None,
                   corpus_dir: str | Path | None = None, embedding: str | None = None,
                   scaling_embedder: str = "hashing", work_dir: str | Path | None = None, keep: bool = False,
                   progress: bool = True, scaling_answer_questions: int = 10, engines: str = DEFAULT_ENGINES,
                   engine_rounds: int = 4) -> dict[str, Any]:
    """Run every benchmark; write bench.json and bench.md into ``output_dir``; return the figures.
    ``engines`` lists the embedding engines to compare (``setting[/precision]``, comma-separated; "none")."""
    from .bench_report import render

    settings = Settings()
    corpus = Path(corpus_dir or settings.corpus_dir)
    embedding = embedding or settings.embedding
    questions = [q.question for q in load_questions(questions_path or default_questions())]
    engine_specs = parse_engines(engines)
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="legal-assistant-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
        "corpus": {"dir": str(corpus), "bytes": dir_bytes(corpus)},
        "questions": len(questions),
    }
    try:
        results["real"] = bench_corpus(corpus, work / "index-real", embedding, questions, progress, True)
        results["peak_rss_mb_after_real"] = peak_rss_mb()
        real = Assistant(Settings(corpus_dir=corpus, data_dir=work / "index-real", embedding=embedding),
                         embeddings=_embeddings(embedding))
        results["textbook"] = textbook_side_by_side(real, questions, work, progress=progress)
        results["engines"] = bench_engines(corpus, engine_specs, _engine, settings.chunk_max_chars, engine_rounds)
        rows = []
        for scale in [1, *[s for s in scales if s != 1]]:
            folder = corpus if scale == 1 else work / f"corpus-x{scale}"
            if scale != 1:
                synthetic.build_corpus(corpus, folder, scale)
            row = bench_corpus(folder, work / f"index-x{scale}", scaling_embedder, questions, progress, False,
                               answer_questions=scaling_answer_questions)
            row.update({"scale": scale, "corpus_bytes": dir_bytes(folder), "peak_rss_mb": peak_rss_mb()})
            rows.append(row)
            shutil.rmtree(work / f"index-x{scale}", ignore_errors=True)
            (output / "bench.json").write_text(json.dumps({**results, "scaling": rows}, indent=1), encoding="utf-8")
        results["scaling"] = rows
        results["scaling_embedder"] = scaling_embedder
        results["peak_rss_mb"] = peak_rss_mb()
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if not keep and not work_dir:
            shutil.rmtree(work, ignore_errors=True)
    (output / "bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (output / "bench.md").write_text(render(results), encoding="utf-8")
    return results


def default_questions() -> Path:
    """evals/questions.jsonl of the repository, else the shared dev questions."""
    from ..settings import REPO_ROOT

    for candidate in (REPO_ROOT / "evals" / "questions.jsonl", REPO_ROOT.parent / "shared" / "evals" / "dev.jsonl"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("no questions file: pass --questions PATH")
