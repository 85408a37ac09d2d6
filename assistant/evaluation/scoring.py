"""Turn one question's retrieved hits and answer into a per-question record, and records into the
summary figures of results.json. Pure functions over plain data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..types import Answer, Hit
from . import metrics
from .questions import Question

ChunkText = Callable[[str], str | None]


def score_question(q: Question, retrieved: Sequence[Hit], answer: Answer, chunk_text: ChunkText,
                   timings: dict[str, float]) -> dict[str, Any]:
    """Everything the report needs about one question: what was retrieved, answered and cited, and
    which checks passed. ``chunk_text`` maps a cited chunk id to its text (None if unknown)."""
    ranked_texts = [h.chunk.text for h in retrieved]
    rank = metrics.first_relevant_rank(ranked_texts, q.evidence) if q.answerable else None
    hit_ids = {h.chunk.id for h in answer.hits}
    citations = []
    for c in answer.citations:
        text = chunk_text(c.chunk_id)
        citations.append({
            "n": c.n, "chunk_id": c.chunk_id, "doc_id": c.doc_id, "article": c.article, "paragraph": c.paragraph,
            "label": c.label, "language": c.language, "quote": c.quote,
            "in_hits": c.chunk_id in hit_ids,
            "precise": (metrics.citation_is_precise(text or c.quote, c.doc_id, c.article, q.evidence, q.sources)
                        if q.answerable else False),
        })
    answered = answer.status == "answered"
    unsupported = (metrics.unsupported_numbers(answer.text, [c.quote for c in answer.citations]
                                               + [c.label for c in answer.citations]) if answered else set())
    shown = answer.text + "\n" + "\n".join(answer.warnings)
    groups = metrics.matched_groups(shown, q.must_include)
    checks: dict[str, Any] = {
        "answered": answered,
        "citations_valid": all(c["in_hits"] for c in citations),
        "numbers_supported": not unsupported,
    }
    if q.answerable:
        checks.update({
            **{f"hit@{k}": metrics.hit_at(rank, k) for k in metrics.HIT_KS},
            "must_include": groups,
            "correct": metrics.is_correct_answer(answer.status, shown, q.must_include),
            "correct_text_only": metrics.is_correct_answer(answer.status, answer.text, q.must_include),
            "citations_precise": bool(citations) and all(c["precise"] for c in citations),
        })
    else:
        checks["refusal_correct"] = answer.status == "not_found"
    return {
        "id": q.id, "question": q.question, "language": q.language, "topic": q.topic, "answerable": q.answerable,
        "first_relevant_rank": rank,
        "retrieved": [{"rank": i, "chunk_id": h.chunk.id, "doc_id": h.chunk.doc_id, "language": h.chunk.language,
                       "article": h.chunk.article, "paragraph": h.chunk.paragraph,
                       "contains_evidence": q.answerable and metrics.contains_evidence(h.chunk.text, q.evidence)}
                      for i, h in enumerate(retrieved, start=1)],
        "status": answer.status,
        "answer": answer.text,
        "warnings": list(answer.warnings),
        "citations": citations,
        "unsupported_numbers": sorted(unsupported),
        "missing_must_include": [list(g) for g, ok in zip(q.must_include, groups) if not ok] if q.answerable else [],
        "timings_ms": {key: round(value, 1) for key, value in timings.items()},
        "checks": checks,
    }


def answer_checks(q: Question, answer: Answer, chunk_text: ChunkText) -> dict[str, Any]:
    """Was this answer right, whatever the decision? (Used on the answer composed with
    ``decline=False``, so that cross-validation can score another decision.)"""
    shown = answer.text + "\n" + "\n".join(answer.warnings)
    answered = answer.status == "answered"
    precise = [metrics.citation_is_precise(chunk_text(c.chunk_id) or c.quote, c.doc_id, c.article, q.evidence, q.sources)
               for c in answer.citations] if q.answerable else []
    return {
        "answered": answered,
        "correct": q.answerable and metrics.is_correct_answer(answer.status, shown, q.must_include),
        "citations_precise": precise,
        "evidence": dict(answer.evidence),
    }


def summarize(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """retrieval / answer / refusal figures over a set of per-question records."""
    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]
    answerable_citations = [c for r in answerable for c in r["citations"]]
    answered = [r for r in records if r["status"] == "answered"]
    return {
        "retrieval": metrics.retrieval_summary([r["first_relevant_rank"] for r in answerable]),
        "answer": {
            "accuracy": metrics.rate(r["checks"]["correct"] for r in answerable),
            "citation_precision": metrics.rate(c["precise"] for c in answerable_citations),
            "citation_validity": metrics.rate(c["in_hits"] for r in records for c in r["citations"]),
            "unsupported_number_rate": metrics.rate(bool(r["unsupported_numbers"]) for r in answered),
        },
        "refusal": {
            "accuracy": metrics.rate(r["status"] == "not_found" for r in unanswerable),
            "false_refusal_rate": metrics.rate(r["status"] == "not_found" for r in answerable),
        },
    }


def latency(records: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for phase in ("retrieve", "answer"):
        values = [r["timings_ms"][f"{phase}_ms"] for r in records if f"{phase}_ms" in r["timings_ms"]]
        for q in (50, 95):
            value = metrics.percentile(values, q)
            out[f"{phase}_p{q}"] = None if value is None else round(value, 1)
    return out


def grouped(records: Sequence[dict[str, Any]], key: str) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(record[key], []).append(record)
    return {name: {"n_questions": len(items), **summarize(items)} for name, items in sorted(groups.items())}


def results(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The content of results.json: exactly the documented top-level keys."""
    summary = summarize(records)
    return {
        "n_questions": len(records),
        "retrieval": summary["retrieval"],
        "answer": summary["answer"],
        "refusal": summary["refusal"],
        "latency_ms": latency(records),
        "by_language": grouped(records, "language"),
        "by_topic": grouped(records, "topic"),
        "per_question": list(records),
    }
