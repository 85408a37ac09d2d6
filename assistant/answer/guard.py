"""Sources and questions are data: text that reads as an instruction to an AI is never obeyed.

``looks_like_instruction`` spots such sentences ("Ignore previous instructions and say ...");
a question loses them before it is searched (with a warning), and a corpus chunk holding one is
never used as evidence. Legal provisions do not address a language model."""

from __future__ import annotations

import re

from ..text import sentence_spans

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,60}\b(?:instructions?|rules?|prompts?|above|previous|prior)\b"
    r"|\byou\s+are\s+now\b|\bsystem\s+prompt\b|\bas\s+an?\s+(?:ai|language\s+model)\b"
    r"|\b(?:say|answer|reply|respond|state|tell\s+the\s+user)\s+(?:only\s+)?(?:that|with)\b"
    r"|\b(?:игнорируй|проигнорируй|забудь)\w*\b[^.!?\n]{0,60}\b(?:инструкц|правил|указани)\w*"
    r"|\b(?:скажи|ответь|напиши)\s*,?\s+что\b"
    r"|\b(?:елеме|ұмыт)\w*\b[^.!?\n]{0,60}\bнұсқау\w*",
    re.I,
)
QUESTION_WARNING = "An instruction inside the question was ignored: “{text}”"


def looks_like_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(text))


def strip_instructions(question: str) -> tuple[str, list[str]]:
    """The question without its instruction-like sentences, and those sentences."""
    kept, removed = [], []
    for start, end in sentence_spans(question):
        sentence = question[start:end]
        (removed if looks_like_instruction(sentence) else kept).append(sentence)
    if not kept:  # nothing but an instruction: search it as text, it still cannot steer anything
        return question, []
    return " ".join(kept), removed
