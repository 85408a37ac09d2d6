"""Query preparation, run once per question: what the user asked, what is searched, in which language.

1. Instructions inside the message are cut out (``guard.strip_instructions``); the legal question
   they were wrapped around stays.
2. A follow-up that leans on the conversation ("and for foreigners?", "А если повторно?") is joined
   to the last standalone question and the follow-ups since (rule-based), or rewritten by the LLM
   when one is set (``prompts.CONDENSE_PROMPT``).
3. Kazakh legal terms get their Russian and English equivalents appended for the rankers
   (``glossary.expand_query``): the corpus holds almost nothing in Kazakh.

Work is bounded: only the last few turns of a history count, each cut to a fixed length, so a
50,000-character message in the history costs no more than a short one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .corpus import guess_language
from .glossary import expand_query
from .guard import strip_instructions
from .prompts import CONDENSE_PROMPT

MAX_MESSAGE_CHARS = 4000
MAX_TURN_CHARS = 1000
MAX_TURNS = 4

_LEANS_BACK = re.compile(
    r"^\s*(and|but|or|also|what about|how about|what if|if so|in that case|then|same|"
    r"а|и|но|ещё|еще|а если|что если|тогда|также|ал|және|ал егер)\b"
    r"|\b(it|this|that|they|them|those|these|such|there|again|same|he|she|him|her|his)\b"
    r"|\b(это|этого|этом|они|их|там|такой|такие|снова|повторно|тоже|он|она|его|ее|её|ему|ей)\b"
    r"|\b(ол|оған|оның|олар|сол|осы|тағы)\b",
    re.I,
)


@dataclass(frozen=True)
class Query:
    """One question, prepared. ``message`` is what the user typed; ``standalone`` the question made
    to stand on its own (shown as "searched as" for follow-ups); ``search`` what the rankers see."""

    message: str
    standalone: str
    search: str
    language: str
    ignored: tuple[str, ...] = ()

    @property
    def is_follow_up(self) -> bool:
        return self.standalone != self.message


def leans_back(message: str) -> bool:
    """Does the message depend on the conversation (short, opens with "and", points back with "it")?"""
    return bool(_LEANS_BACK.search(message)) or len(message.split()) <= 3


def condense_rule_based(message: str, previous: Sequence[str]) -> str:
    """The message joined to the last standalone question and the follow-ups since, if it leans back."""
    if not previous or not leans_back(message):
        return message
    chain: list[str] = []
    for turn in reversed(previous):
        chain.insert(0, turn)
        if not leans_back(turn):
            break
    return " ".join([*chain, message])


def condense(message: str, previous: Sequence[str], llm: Any | None = None) -> str:
    if llm is None or not previous:
        return condense_rule_based(message, previous)
    prompt = CONDENSE_PROMPT.format(history="\n".join(f"- {t}" for t in previous), message=message)
    try:
        rewritten = str(llm.invoke(prompt).content).strip().splitlines()[0].strip()
    except Exception:  # a failing model must not lose the user's question
        return condense_rule_based(message, previous)
    return rewritten[:500] if len(rewritten) > 3 else condense_rule_based(message, previous)


def bounded_turns(previous: Sequence[str]) -> list[str]:
    """The last MAX_TURNS user turns, each cut to MAX_TURN_CHARS, instructions removed."""
    return [strip_instructions(turn[:MAX_TURN_CHARS]).text for turn in list(previous)[-MAX_TURNS:] if turn.strip()]


def prepare_query(message: str, previous: Sequence[str] = (), llm: Any | None = None) -> Query:
    """Prepare a message (and the user's earlier turns, oldest first) for retrieval and answering."""
    stripped = strip_instructions(message[:MAX_MESSAGE_CHARS])
    standalone = condense(stripped.text, bounded_turns(previous), llm=llm)
    return Query(message=message, standalone=standalone, search=expand_query(standalone),
                 language=guess_language(message), ignored=stripped.removed)


def as_query(query: Query | str) -> Query:
    return query if isinstance(query, Query) else prepare_query(query)
