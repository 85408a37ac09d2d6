"""Turn a follow-up ("and for foreigners?") into a standalone search query.

Rule-based by default: a message that leans on the conversation (short, opens with "and"/"what
if"/"а"/"и", or points back with "it"/"this"/"это") is joined to the last standalone question and
the follow-ups since. With an LLM set, the model rewrites it (see prompts.CONDENSE_PROMPT)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .prompts import CONDENSE_PROMPT

_LEANS_BACK = re.compile(
    r"^\s*(and|but|or|also|what about|how about|what if|if so|in that case|then|same|"
    r"а|и|но|ещё|еще|а если|что если|тогда|также|ал|және|ал егер)\b"
    r"|\b(it|this|that|they|them|those|these|such|there|again|same)\b"
    r"|\b(это|этого|этом|они|их|там|такой|такие|снова|повторно|тоже)\b",
    re.I,
)
MAX_FOLLOW_UP_WORDS = 8


def is_follow_up(message: str) -> bool:
    words = message.split()
    return bool(_LEANS_BACK.search(message)) or len(words) <= 3


def condense_rule_based(message: str, previous: Sequence[str]) -> str:
    if not previous or not is_follow_up(message):
        return message
    chain: list[str] = []
    for turn in reversed(previous):
        chain.insert(0, turn)
        if not is_follow_up(turn):
            break
    return " ".join([*chain, message])


def condense_question(message: str, previous: Sequence[str], llm: Any | None = None) -> str:
    if llm is None or not previous:
        return condense_rule_based(message, previous)
    prompt = CONDENSE_PROMPT.format(history="\n".join(f"- {t}" for t in previous[-4:]), message=message)
    try:
        rewritten = str(llm.invoke(prompt).content).strip().splitlines()[0].strip()
    except Exception:  # a failing model must not lose the user's question
        return condense_rule_based(message, previous)
    return rewritten[:500] if len(rewritten) > 3 else condense_rule_based(message, previous)
