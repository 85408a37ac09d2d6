"""report.md and PNG plots from the evaluation results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SYSTEM_NAMES = {
    "textbook": "(a) LangChain textbook recipe: RecursiveCharacterTextSplitter 1000/200 + dense only",
    "bm25": "(b) BM25 only, our chunks",
    "dense": "(c) dense only, our chunks",
    "ours": "(d) ours: chunk + best-sentence similarity, language margin, named jurisdiction and article",
}
SYSTEM_ORDER = ("textbook", "bm25", "dense", "ours")


def fmt(value: Any, percent: bool = False) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value * 100:.1f}%" if percent else f"{value:.3f}"
    return str(value)


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def summary_rows(name: str, block: dict[str, Any]) -> list[str]:
    r, a, f = block["retrieval"], block["answer"], block["refusal"]
    return [name, fmt(r["hit@1"], True), fmt(r["hit@3"], True), fmt(r["hit@5"], True), fmt(r["mrr"]),
            fmt(a["accuracy"], True), fmt(a["citation_precision"], True), fmt(a["citation_validity"], True),
            fmt(f["accuracy"], True), fmt(f["false_refusal_rate"], True)]


SUMMARY_HEADER = ["", "hit@1", "hit@3", "hit@5", "MRR", "answer acc.", "citation prec.", "citation valid.",
                  "refusal acc.", "false refusals"]


def comparison_section(comparison: dict[str, Any]) -> str:
    rows = []
    for name in SYSTEM_ORDER:
        block = comparison[name]
        lat = block["latency_ms"]
        rows.append(summary_rows(SYSTEM_NAMES[name], block)
                    + [f"{ms(lat['retrieve_p50'])} / {ms(lat['retrieve_p95'])}"])
    note = ("Same questions, same k, same answerer and decision (`assistant.answer.compose_reply`, given the "
            "top max(k, 8) hits of each retriever): the differences are retrieval. The textbook recipe was "
            f"{comparison['textbook'].get('chunks', '?')} chunks in its own Chroma collection.")
    return "## Baselines\n\n" + note + "\n\n" + table(SUMMARY_HEADER + ["retrieve ms p50 / p95"], rows) + "\n"


def group_section(title: str, groups: dict[str, Any]) -> str:
    rows = [[name, str(block["n_questions"]), fmt(block["retrieval"]["hit@5"], True), fmt(block["retrieval"]["mrr"]),
             fmt(block["answer"]["accuracy"], True), fmt(block["refusal"]["accuracy"], True)]
            for name, block in groups.items()]
    return f"## {title}\n\n" + table(["", "questions", "hit@5", "MRR", "answer acc.", "refusal acc."], rows) + "\n"


def failures_section(per_question: list[dict[str, Any]]) -> str:
    lines = []
    for r in per_question:
        c = r["checks"]
        problems = []
        if r["answerable"]:
            if not c["hit@5"]:
                problems.append("no evidence in top 5" + (f" (first at {r['first_relevant_rank']})"
                                                          if r["first_relevant_rank"] else ""))
            if r["status"] != "answered":
                problems.append("declined")
            elif not c["correct"]:
                missing = [" / ".join(g) for g in r["missing_must_include"]]
                problems.append("answer lacks: " + "; ".join(missing) if missing else "incorrect")
            off = sum(1 for cit in r["citations"] if not cit["precise"])
            if r["status"] == "answered" and off:
                problems.append(f"{off} of {len(r['citations'])} citations off-source")
        elif not c["refusal_correct"]:
            problems.append("answered an unanswerable question")
        if not c["citations_valid"]:
            problems.append("cites a chunk that is not among its hits: "
                            + ", ".join(cit["label"] for cit in r["citations"] if not cit["in_hits"]))
        if r["unsupported_numbers"]:
            problems.append("numbers not in its quotes: " + ", ".join(f"{v:g}" for v in r["unsupported_numbers"]))
        if problems:
            lines.append(f"- `{r['id']}` ({r['language']}): " + "; ".join(problems))
    return "## Questions that failed a check\n\n" + ("\n".join(lines) if lines else "None.") + "\n"


def write_plots(output: Path, results: dict[str, Any], comparison: dict[str, Any] | None) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    blocks = {name: comparison[name] for name in SYSTEM_ORDER} if comparison else {"ours": results}
    metrics = ["hit@1", "hit@3", "hit@5", "mrr"]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    width = 0.8 / len(blocks)
    for i, (name, block) in enumerate(blocks.items()):
        values = [block["retrieval"][m] or 0.0 for m in metrics]
        ax.bar([j + i * width for j in range(len(metrics))], values, width, label=name)
    ax.set_xticks([j + width * (len(blocks) - 1) / 2 for j in range(len(metrics))], metrics)
    ax.set_ylim(0, 1)
    ax.set_title("Retrieval on the answerable questions")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(output / "retrieval.png", dpi=110)
    plt.close(fig)
    written.append("retrieval.png")

    fig, ax = plt.subplots(figsize=(7, 3.8))
    per = results["per_question"]
    ax.hist([[r["timings_ms"]["retrieve_ms"] for r in per], [r["timings_ms"]["answer_ms"] for r in per]],
            bins=20, label=["retrieve", "answer"])
    ax.set_xlabel("ms per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency (ours)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(output / "latency.png", dpi=110)
    plt.close(fig)
    written.append("latency.png")

    topics = results["by_topic"]
    fig, ax = plt.subplots(figsize=(7, 3.8))
    names = list(topics)
    ax.barh(names, [(b["answer"]["accuracy"] if b["answer"]["accuracy"] is not None else b["refusal"]["accuracy"]) or 0.0
                    for b in topics.values()])
    ax.set_xlim(0, 1)
    ax.set_title("Answer accuracy by topic (refusal accuracy for unanswerable)")
    fig.tight_layout()
    fig.savefig(output / "by_topic.png", dpi=110)
    plt.close(fig)
    written.append("by_topic.png")
    return written


def cv_section(crossed: dict[str, Any]) -> str:
    rows = [summary_rows(f"ours, cross-validated ({crossed['folds']} folds x {crossed['repeats']} splits)", crossed)]
    by_language = [summary_rows(name, block) for name, block in crossed["by_language"].items()]
    fitted = crossed["fitted_on_all"]
    return "\n\n".join([
        "## Cross-validated\n\nEvery ranking weight and decision threshold fitted on the other folds only "
        "(assistant/evaluation/calibration.py), pooled over several splits into folds; these are the figures "
        "to quote.",
        table(SUMMARY_HEADER, rows),
        "By language (cross-validated):\n\n" + table(SUMMARY_HEADER, by_language),
        f"Fitted on all questions (the values Settings should ship with): weights {fitted['weights']}, "
        f"thresholds {fitted['thresholds']}.",
    ])


def render(results: dict[str, Any], comparison: dict[str, Any] | None, config: dict[str, Any],
           plots: list[str], crossed: dict[str, Any] | None = None) -> str:
    lat = results["latency_ms"]
    a = results["answer"]
    ok_text_only = [r for r in results["per_question"] if r["answerable"] and r["checks"]["correct_text_only"]]
    n_answerable = sum(1 for r in results["per_question"] if r["answerable"])
    parts = [
        "# Evaluation report",
        f"{results['n_questions']} questions from `{config['questions']}`; k = {config['k']}, mode = {config['mode']}, "
        f"embedding = {config['embedding']}, {config['chunks']} chunks in the index, settings hash "
        f"`{config['settings_hash']}`; {config['date']}, {config['seconds']} s; load average at the end "
        f"{config.get('load_average')} (on a shared machine, other processes' load shows in the latencies).",
        "Metric definitions: evals/README.md.",
        "## Ours\n\n" + table(SUMMARY_HEADER, [summary_rows("ours", results)]),
        f"Unsupported-number rate: {fmt(a['unsupported_number_rate'], True)} of answered questions state a number "
        f"absent from their quotes and citation labels. Answer accuracy counts the warnings shown with the "
        f"answer; on the answer text alone {len(ok_text_only)}/{n_answerable} answerable questions pass.",
        f"Latency (ms): retrieve p50 {ms(lat['retrieve_p50'])}, p95 {ms(lat['retrieve_p95'])}; "
        f"answer p50 {ms(lat['answer_p50'])}, p95 {ms(lat['answer_p95'])}.",
    ]
    if crossed:
        parts.append(cv_section(crossed))
    if comparison:
        parts.append(comparison_section(comparison))
    parts.append(group_section("By language", results["by_language"]))
    parts.append(group_section("By topic", results["by_topic"]))
    parts.append(failures_section(results["per_question"]))
    parts.append("## Plots\n\n" + "\n".join(f"![{p}]({p})" for p in plots))
    return "\n\n".join(parts) + "\n"


def write_report(output: Path, results: dict[str, Any], comparison: dict[str, Any] | None,
                 config: dict[str, Any], crossed: dict[str, Any] | None = None) -> None:
    plots = write_plots(output, results, comparison)
    (output / "report.md").write_text(render(results, comparison, config, plots, crossed), encoding="utf-8")
