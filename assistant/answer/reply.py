"""What an answerer returns; ``Assistant.ask`` turns it into the one ``Answer`` a user sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..types import AnswerStatus, Citation, Hit


@dataclass(frozen=True)
class Reply:
    status: AnswerStatus
    text: str
    citations: tuple[Citation, ...] = ()
    warnings: tuple[str, ...] = ()
    extra_hits: tuple[Hit, ...] = ()  # quoted language versions retrieval did not return itself
    evidence: dict[str, Any] = field(default_factory=dict)
    mode: str = "extractive"
    verification: dict[str, Any] | None = None  # LLM mode: see answer.llm.LLMOutcome
