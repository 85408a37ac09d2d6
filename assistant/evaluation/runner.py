"""Run a questions file through the public API (and, with ``compare``, through the baselines) and
write results.json, baselines.json, report.md and the plots."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..answer import AnswerContext, compose_reply
from ..api import Assistant, shown_hits, thresholds
from ..query import prepare_query
from ..types import Answer, Hit
from . import baselines, scoring
from .questions import Question, load_questions

RANK_DEPTH = 10  # hits ranked for hit@k and MRR (MRR counts 0 when no evidence is in the top 10)
ANSWER_POOL = 8  # Assistant.ask hands max(k, 8) hits to the answerer; the baselines get the same


def _chunk_text(assistant: Assistant, *hit_lists: Sequence[Hit]) -> Callable[[str], str | None]:
    local = {h.chunk.id: h.chunk.text for hits in hit_lists for h in hits}

    def lookup(chunk_id: str) -> str | None:
        if chunk_id in local:
            return local[chunk_id]
        chunk = assistant.index.chunks.get(chunk_id)
        return chunk.text if chunk else None
    return lookup


def ask_like_a_user(assistant: Assistant, q: Question, k: int, mode: str, decline: bool = True) -> Answer:
    """The question as a user would ask it: a conversation's earlier turns are asked first through
    ``chat`` and their answers kept as history; the last answer is the one scored."""
    history: list[tuple[str, str]] = []
    for turn in q.history:
        history.append((turn, assistant.chat(turn, history, k=k, mode=mode).text))
    return assistant.chat(q.question, history, k=k, mode=mode, decline=decline)


def evaluate_ours(assistant: Assistant, q: Question, k: int, mode: str, decline: bool = True) -> dict[str, Any]:
    """One question through the public API: ``chat`` (with its history) for the answer, ``retrieve``
    of what was searched for the ranking. A declined question is also answered with ``decline=False``,
    so that cross-validation can tell whether a different decision would have been right."""
    answer = ask_like_a_user(assistant, q, k, mode, decline=decline)
    retrieved = assistant.retrieve(answer.query, k=max(RANK_DEPTH, k))
    timings = {"retrieve_ms": answer.timings.get("retrieve_ms", 0.0), "answer_ms": answer.timings.get("answer_ms", 0.0)}
    forced = answer if answer.status == "answered" else ask_like_a_user(assistant, q, k, mode, decline=False)
    lookup = _chunk_text(assistant, answer.hits, forced.hits, retrieved)
    record = scoring.score_question(q, retrieved[:RANK_DEPTH], answer, lookup, timings)
    record["if_answered"] = scoring.answer_checks(q, forced, lookup)
    return record


def evaluate_baseline(retrieve: baselines.Retrieve, context: AnswerContext, assistant: Assistant, q: Question,
                      k: int, mode: str) -> dict[str, Any]:
    """One question through a baseline retriever and the product's own answerer."""
    query = prepare_query(q.question, q.history)
    started = time.perf_counter()
    retrieved = retrieve(query.search, max(RANK_DEPTH, k, ANSWER_POOL))
    retrieve_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    reply = compose_reply(query, retrieved[:max(k, ANSWER_POOL)], context, mode=mode)
    answer = Answer(question=q.question, query=query.standalone, status=reply.status, text=reply.text,
                    citations=list(reply.citations), warnings=list(reply.warnings), hits=shown_hits(retrieved, reply, k),
                    evidence=dict(reply.evidence), mode=reply.mode)
    timings = {"retrieve_ms": retrieve_ms, "answer_ms": (time.perf_counter() - started) * 1000}
    return scoring.score_question(q, retrieved[:RANK_DEPTH], answer, _chunk_text(assistant, answer.hits, retrieved),
                                  timings)


def _progress(items: Sequence[Question], desc: str, enabled: bool):
    return tqdm(items, desc=desc, unit="question", disable=not enabled)


def compare_baselines(assistant: Assistant, questions: Sequence[Question], k: int, mode: str, cache_dir: Path,
                      progress: bool = True) -> dict[str, dict[str, Any]]:
    """Summary figures of each baseline on the same questions with the same k and answerer."""
    context = AnswerContext(index=assistant.index, settings=assistant.settings, llm_factory=lambda: assistant.llm,
                            thresholds=thresholds(assistant.settings))
    textbook = baselines.TextbookRecipe(assistant.settings.corpus_dir, assistant.embeddings, cache_dir, progress)
    systems = {
        "textbook": textbook.retrieve,
        "bm25": baselines.bm25_only(assistant.index),
        "dense": baselines.dense_only(assistant.index),
    }
    out: dict[str, dict[str, Any]] = {}
    for name, retrieve in systems.items():
        records = [evaluate_baseline(retrieve, context, assistant, q, k, mode)
                   for q in _progress(questions, f"Baseline {name}", progress)]
        summary = scoring.results(records)
        out[name] = {key: summary[key] for key in ("retrieval", "answer", "refusal", "latency_ms")}
        out[name]["per_question"] = [{"id": r["id"], "first_relevant_rank": r["first_relevant_rank"],
                                      "status": r["status"], "checks": r["checks"]} for r in records]
    out["textbook"]["chunks"] = len(textbook.chunks)
    return out


def run_cross_validation(assistant: Assistant, questions: Sequence[Question], k: int, mode: str, folds: int,
                         progress: bool = True, repeats: int = 3) -> dict[str, Any]:
    """Cross-validated figures (calibration.py): every weight and threshold fitted without the
    question it is applied to. Returns the summary blocks, the per-question records and what each
    fold fitted."""
    from .calibration import cross_validate

    def evaluate(configured: Assistant, q: Question) -> dict[str, Any]:
        return evaluate_ours(configured, q, k, mode, decline=False)

    cv = cross_validate(assistant, questions, evaluate, k=folds, repeats=repeats,
                        progress=lambda items, desc: _progress(items, desc, progress))
    summary = scoring.results(cv["per_question"])
    return {"folds": folds, "repeats": repeats, "n_questions": len(questions),
            **{key: summary[key] for key in ("retrieval", "answer", "refusal", "by_language", "by_topic")},
            "fitted": cv["splits"], "fitted_on_all": cv["fitted_on_all"], "per_question": cv["per_question"]}


def run_evaluation(questions_path: str | Path, output_dir: str | Path, k: int = 5, mode: str = "extractive",
                   compare: bool = False, assistant: Assistant | None = None, progress: bool = True,
                   cache_dir: str | Path | None = None, cv: int = 0) -> dict[str, Any]:
    """Evaluate on a questions file; write results.json, report.md, plots (and baselines.json with
    ``compare``, cv.json with ``cv`` folds) into ``output_dir``; return the content of results.json
    (with the cross-validated figures under ``cross_validated`` when ``cv`` is set).

    Without an ``assistant`` one is built from the settings (LEGAL_ASSISTANT_* environment) and its
    index brought up to date first (a no-op when nothing changed)."""
    from .report import write_report

    questions = load_questions(questions_path)
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    if assistant is None:
        assistant = Assistant()
        assistant.ingest(progress=progress)
    assistant.index.require()
    started = time.perf_counter()
    records = [evaluate_ours(assistant, q, k, mode) for q in _progress(questions, "Evaluating", progress)]
    results = scoring.results(records)
    (output / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    comparison = None
    if compare:
        comparison = compare_baselines(assistant, questions, k, mode, Path(cache_dir or output / ".cache"), progress)
        comparison["ours"] = {key: results[key] for key in ("retrieval", "answer", "refusal", "latency_ms")}
        (output / "baselines.json").write_text(json.dumps(comparison, ensure_ascii=False, indent=1), encoding="utf-8")
    crossed = None
    if cv:
        crossed = run_cross_validation(assistant, questions, k, mode, cv, progress)
        (output / "cv.json").write_text(json.dumps(crossed, ensure_ascii=False, indent=1), encoding="utf-8")
    config = {
        "questions": str(questions_path), "k": k, "mode": mode, "rank_depth": RANK_DEPTH,
        "embedding": assistant.settings.embedding, "settings_hash": assistant.settings.fingerprint(),
        "chunks": len(assistant.index.chunks), "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    write_report(output, results, comparison, config, crossed)
    return {**results, "cross_validated": crossed} if crossed else results
