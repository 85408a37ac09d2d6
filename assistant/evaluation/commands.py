"""CLI commands ``legal-assistant eval`` and ``legal-assistant bench`` (registered by assistant.cli)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import AssistantError
from .bench_engines import DEFAULT_ENGINES, EngineSpecError
from .questions import QuestionsFileError


def _scales(value: str) -> list[int]:
    try:
        scales = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("a comma-separated list of whole numbers, e.g. 10,100") from None
    if any(s < 1 for s in scales):
        raise click.BadParameter("scales must be 1 or more")
    return scales


@click.command("eval")
@click.option("--questions", "questions", required=True, type=click.Path(dir_okay=False),
              help="Questions file, JSON Lines in the format of dev.jsonl.")
@click.option("--k", default=5, show_default=True, type=click.IntRange(1, 50), help="Hits per question.")
@click.option("--mode", default="extractive", show_default=True, type=click.Choice(["extractive", "llm"]))
@click.option("--compare", is_flag=True, help="Also run the baselines (textbook recipe, BM25, dense) on the same questions.")
@click.option("--output", required=True, type=click.Path(file_okay=False), help="Folder for results.json, report.md, plots.")
@click.option("--cache", type=click.Path(file_okay=False), default=None,
              help="Where the textbook baseline keeps its Chroma store (default: OUTPUT/.cache).")
@click.option("--cv", "cv", default=0, show_default=True, type=click.IntRange(0, 20),
              help="Also report figures cross-validated over this many folds (0: off); writes cv.json.")
def eval_command(questions: str, k: int, mode: str, compare: bool, output: str, cache: str | None, cv: int) -> None:
    """Evaluate retrieval, answers, citations and refusals on a questions file."""
    from .runner import run_evaluation

    if cv == 1:
        raise click.BadParameter("cross-validation needs at least 2 folds", param_hint="--cv")
    try:
        results = run_evaluation(questions, output, k=k, mode=mode, compare=compare, cache_dir=cache, cv=cv)
    except (QuestionsFileError, AssistantError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_summary_line(f"{results['n_questions']} questions, in-sample", results))
    if results.get("cross_validated"):
        click.echo(_summary_line(f"cross-validated ({cv} folds)", results["cross_validated"]))
    click.echo(f"Report: {Path(output) / 'report.md'}")


def _summary_line(name: str, block: dict) -> str:
    r, a, f = block["retrieval"], block["answer"], block["refusal"]
    return (f"{name}: hit@5 {_pct(r['hit@5'])}, MRR {_num(r['mrr'])}, answer accuracy {_pct(a['accuracy'])}, "
            f"false refusals {_pct(f['false_refusal_rate'])}, refusal accuracy {_pct(f['accuracy'])}, "
            f"citation precision {_pct(a['citation_precision'])}, citation validity {_pct(a['citation_validity'])}")


@click.command("bench")
@click.option("--output", default="bench-output", show_default=True, type=click.Path(file_okay=False))
@click.option("--scales", default="10,100", show_default=True, help="Synthetic corpus sizes, as multiples of the corpus.")
@click.option("--questions", type=click.Path(dir_okay=False), default=None,
              help="Questions for the latency figures (default: evals/questions.jsonl).")
@click.option("--scaling-embedder", default="hashing", show_default=True, type=click.Choice(["hashing", "e5"]),
              help="Embedder for the scaling rows; 'hashing' is a fast non-model stand-in (see evals/README.md).")
@click.option("--scaling-answer-questions", default=10, show_default=True, type=click.IntRange(1),
              help="Questions answered per scaling row (retrieval latency always uses all of them).")
@click.option("--work-dir", type=click.Path(file_okay=False), default=None,
              help="Keep the synthetic corpora and indexes here instead of a temporary folder.")
@click.option("--concurrency", type=click.IntRange(1, 200), default=None,
              help="Instead: N sessions at once through the HTTP API, 3 questions each with a follow-up.")
@click.option("--url", default=None, help="With --concurrency: a running `legal-assistant serve` (default: start one).")
@click.option("--engines", default=DEFAULT_ENGINES, show_default=True,
              help="Embedding engines to compare on the same chunks, SETTING[/auto|fp32|bf16] comma-separated, or 'none'.")
def bench_command(output: str, scales: str, questions: str | None, scaling_embedder: str,
                  scaling_answer_questions: int, work_dir: str | None, concurrency: int | None, url: str | None,
                  engines: str) -> None:
    """Benchmark cold start, ingest, re-ingest, latency, memory, scaling, and the textbook recipe and the
    embedding engines side by side (or, with --concurrency N, N simultaneous sessions through the HTTP API)."""
    if concurrency:
        _bench_concurrency(output, concurrency, questions, url)
        return
    from .bench import run_benchmarks
    from .bench_report import render

    try:
        results = run_benchmarks(output, scales=_scales(scales), questions_path=questions,
                                 scaling_embedder=scaling_embedder, work_dir=work_dir,
                                 scaling_answer_questions=scaling_answer_questions, engines=engines)
    except (QuestionsFileError, AssistantError, FileNotFoundError, EngineSpecError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(render(results))


def _bench_concurrency(output: str, sessions: int, questions: str | None, url: str | None) -> None:
    from .bench import default_questions
    from .concurrency import render, run_concurrency_benchmark
    from .questions import load_questions

    try:
        asked = [q.question for q in load_questions(questions or default_questions())]
        results = run_concurrency_benchmark(output, sessions, asked, url=url)
    except (QuestionsFileError, AssistantError, FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(render(results))


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
