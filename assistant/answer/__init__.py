"""Answering: the decision (answer, caution, decline), the extractive composer (default), the LLM
answerer with verification, citations and warnings. ``compose_reply`` is the entry point."""

from ..prompts import CANNOT_ANSWER_PHRASE
from .compose import compose_reply
from .context import AnswerContext
from .decision import Decision, Evidence, Thresholds, decide
from .reply import Reply

__all__ = ["AnswerContext", "compose_reply", "Reply", "Decision", "Evidence", "Thresholds", "decide",
           "CANNOT_ANSWER_PHRASE"]
