"""Load and validate an evaluation questions file (JSON Lines, the format of dev.jsonl).

Every problem is reported with its line number; nothing is half-loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class QuestionsFileError(ValueError):
    """A questions file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    language: str
    topic: str
    answerable: bool
    sources: tuple[dict[str, Any], ...] = ()
    evidence: tuple[str, ...] = ()
    must_include: tuple[tuple[str, ...], ...] = ()
    history: tuple[str, ...] = ()  # earlier user turns of a conversation, oldest first
    line: int = 0
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


REQUIRED = {"id": str, "question": str, "answerable": bool}
KNOWN = {"id", "question", "language", "topic", "answerable", "sources", "evidence", "must_include", "history"}


def _problem(record: Any) -> str | None:
    """What is wrong with one parsed line, or None."""
    if not isinstance(record, dict):
        return "expected a JSON object"
    for key, kind in REQUIRED.items():
        if key not in record:
            return f"missing required key {key!r}"
        if not isinstance(record[key], kind):
            return f"{key!r} must be a {kind.__name__}"
    if not record["question"].strip():
        return "'question' is empty"
    for key in ("language", "topic"):
        if key in record and not isinstance(record[key], str):
            return f"{key!r} must be a string"
    sources = record.get("sources", [])
    if not isinstance(sources, list) or not all(
            isinstance(s, dict) and isinstance(s.get("doc_id"), str)
            and (s.get("article") is None or isinstance(s.get("article"), (str, int))) for s in sources):
        return "'sources' must be a list of {\"doc_id\": str, \"article\": str or null}"
    evidence = record.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        return "'evidence' must be a list of non-empty strings"
    groups = record.get("must_include", [])
    if not isinstance(groups, list) or not all(
            isinstance(g, list) and g and all(isinstance(a, str) and a.strip() for a in g) for g in groups):
        return "'must_include' must be a list of non-empty lists of strings"
    history = record.get("history", [])
    if not isinstance(history, list) or not all(isinstance(t, str) and t.strip() for t in history):
        return "'history' must be a list of non-empty strings (the earlier user turns)"
    if record["answerable"] and not evidence:
        return "an answerable question needs at least one 'evidence' snippet"
    return None


def parse_question(record: dict[str, Any], line: int) -> Question:
    return Question(
        id=record["id"],
        question=record["question"],
        language=record.get("language") or "unknown",
        topic=record.get("topic") or "unknown",
        answerable=record["answerable"],
        sources=tuple({"doc_id": s["doc_id"], "article": None if s.get("article") is None else str(s["article"])}
                      for s in record.get("sources", [])),
        evidence=tuple(record.get("evidence", [])),
        must_include=tuple(tuple(g) for g in record.get("must_include", [])),
        history=tuple(record.get("history", [])),
        line=line,
        extra={k: v for k, v in record.items() if k not in KNOWN},
    )


def load_questions(path: str | Path) -> list[Question]:
    """Every question of the file, or QuestionsFileError naming the first bad line."""
    path = Path(path)
    if not path.is_file():
        raise QuestionsFileError(f"{path}: no such questions file")
    questions: list[Question] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise QuestionsFileError(f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno})") from None
            problem = _problem(record)
            if problem:
                raise QuestionsFileError(f"{path}:{number}: {problem}")
            if record["id"] in seen:
                raise QuestionsFileError(f"{path}:{number}: duplicate id {record['id']!r} (first on line {seen[record['id']]})")
            seen[record["id"]] = number
            questions.append(parse_question(record, number))
    if not questions:
        raise QuestionsFileError(f"{path}: no questions in the file")
    return questions
