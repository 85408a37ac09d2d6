"""bench.md: the benchmark figures as Markdown tables."""

from __future__ import annotations

from typing import Any

from .report import table


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def render(results: dict[str, Any]) -> str:
    real = results["real"]
    cold = real["cold_start"]
    lat = real["latency_ms"]
    m = results["machine"]
    parts = [
        "# Benchmarks",
        f"Machine: {m['cpus']} CPUs, Python {m['python']}, {m['platform']}. Corpus: {_mb(results['corpus']['bytes'])}, "
        f"{real['files']} files, {real['chunks']} chunks. Retrieve latency: wall time of `Assistant.retrieve` over "
        f"{results['questions']} questions; answer latency: `Answer.timings['answer_ms']` (after one untimed warm-up "
        "question). Load average (1, 5, 15 min) at start "
        f"{m.get('load_average_at_start')}, at end {m.get('load_average_at_end')}: on a machine shared with other "
        "processes their load shows in these figures.",
        f"## Real corpus, embedder `{real['embedding']}`",
        table(["measure", "value"], [
            ["ingest from scratch", f"{real['ingest_scratch_s']} s ({real['chunks_per_s']} chunks embedded per s)"],
            ["re-ingest, nothing changed", f"{real['reingest_unchanged_s']} s ({real['reingest_embedded']} chunks embedded)"],
            ["index size on disk", _mb(real["index_bytes"])],
            ["cold start to first answer (fresh process, wall)", f"{cold['wall_s']} s"],
            ["  of which: imports / Assistant() + index load / first answer",
             f"{cold['import_s']} s / {cold['index_load_s']} s / {cold['first_answer_s']} s"],
            ["retrieve latency p50 / p95", f"{lat['retrieve_p50']} / {lat['retrieve_p95']} ms"],
            ["answer latency p50 / p95", f"{lat['answer_p50']} / {lat['answer_p95']} ms ({lat['n_answer']} questions)"],
            ["peak memory, fresh process to first answer", f"{cold['peak_rss_mb']} MB"],
            ["peak memory, benchmark process after the real-corpus runs", f"{results['peak_rss_mb_after_real']} MB"],
        ]),
    ]
    rows = results.get("scaling", [])
    if rows:
        parts += [
            f"## Scaling (synthetic copies of the corpus), embedder `{results.get('scaling_embedder', '?')}`",
            "The scaling rows use a deterministic hashing embedder, not the e5 model: they measure how "
            "chunking, Chroma, BM25 and the ingest bookkeeping grow with the corpus. With the "
            f"`{real['embedding']}` embedder of the first table, embedding alone would add about chunks / "
            f"{real['chunks_per_s']} seconds to each ingest. Answer latency in these rows is over "
            f"{rows[-1]['latency_ms']['n_answer']} questions spread over the file; 'first question' is the untimed warm-up.",
            table(["scale", "files", "chunks", "corpus", "ingest from scratch", "re-ingest unchanged", "index on disk",
                   "retrieve p50 / p95 ms", "answer p50 / p95 ms", "first question s", "peak RSS MB"],
                  [[f"{r['scale']}x", str(r["files"]), str(r["chunks"]), _mb(r["corpus_bytes"]),
                    f"{r['ingest_scratch_s']} s", f"{r['reingest_unchanged_s']} s", _mb(r["index_bytes"]),
                    f"{r['latency_ms']['retrieve_p50']} / {r['latency_ms']['retrieve_p95']}",
                    f"{r['latency_ms']['answer_p50']} / {r['latency_ms']['answer_p95']}",
                    str(r["latency_ms"]["warm_up_s"]), str(r["peak_rss_mb"])] for r in rows]),
        ]
    return "\n\n".join(parts) + "\n"
