"""Answering: evidence check, extractive composer (default), LLM answerer with verification,
follow-up condensing, currency and coverage warnings."""

from .compose import AnswerContext, answer_question
from .condense import condense_question
from .prompts import CANNOT_ANSWER_PHRASE

__all__ = ["AnswerContext", "answer_question", "condense_question", "CANNOT_ANSWER_PHRASE"]
