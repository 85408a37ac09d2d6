"""What a caller may hand the library, checked once at the door: the question, the conversation so
far, k, the mode and the filters. Anything else is an ``InvalidInput`` whose message says what is
accepted, so no front door ever shows a traceback for a bad value. Pure functions.

The caps bound the work one request can cause (a 50,000-character message once stalled every
session for a minute): a question of at most MAX_QUESTION_CHARS, a history of at most
MAX_HISTORY_TURNS items. Control characters are read as spaces; text that no encoding can carry
(an unpaired surrogate, which is how invalid UTF-8 on a command line arrives) is refused."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import EmptyQuestion, InvalidFilter, InvalidInput

MAX_QUESTION_CHARS = 4000
MAX_REPLY_CHARS = 4 * MAX_QUESTION_CHARS  # an assistant turn handed back in a history
MAX_HISTORY_TURNS = 200
MAX_K = 50
MODES = ("extractive", "llm")

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
EMPTY_MESSAGE = "The question is empty: type a question about internal-migration law."


def _type_name(value: Any) -> str:
    return type(value).__name__


def checked_text(value: Any, what: str = "question", limit: int = MAX_QUESTION_CHARS) -> str:
    """The text with control characters read as spaces and outer whitespace removed; refused when
    it is not a string, holds an unpaired surrogate, is empty or longer than ``limit``."""
    if not isinstance(value, str):
        if value is None and what == "question":
            raise EmptyQuestion(EMPTY_MESSAGE)
        raise InvalidInput(f"The {what} must be text (a str), not {_type_name(value)}.")
    bad = _SURROGATE.search(value)
    if bad:
        raise InvalidInput(f"The {what} is not valid text: it holds the unpaired surrogate U+{ord(bad.group()):04X} at "
                           f"position {bad.start()}, which no encoding can carry (invalid UTF-8 arrives this way). "
                           "Send it as UTF-8 text.")
    if len(value) > limit:
        raise InvalidInput(f"The {what} has {len(value):,} characters; the limit is {limit:,}. Shorten it.")
    text = _CONTROL.sub(" ", value).strip()
    if not text and what == "question":
        raise EmptyQuestion(EMPTY_MESSAGE)
    return text


def user_turns(history: Any) -> list[str]:
    """The user's turns of a conversation, oldest first. A history is a list of (user, assistant)
    pairs or of {"role": "user" | "assistant", "content": str} items, at most MAX_HISTORY_TURNS long."""
    if history is None:
        return []
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, (list, tuple)):
        raise InvalidInput(f"The history must be a list of (user, assistant) pairs or of {{'role', 'content'}} items, "
                           f"not {_type_name(history)}.")
    if len(history) > MAX_HISTORY_TURNS:
        raise InvalidInput(f"The history has {len(history):,} items; the limit is {MAX_HISTORY_TURNS}. "
                           "Send only the recent part of the conversation.")
    turns = []
    for n, item in enumerate(history, start=1):
        user, reply = _turn(item, n)
        if user is not None:
            text = checked_text(user, f"user turn {n} of the history")
            if text:
                turns.append(text)
        if reply is not None:
            checked_text(reply, f"assistant turn {n} of the history", limit=MAX_REPLY_CHARS)
    return turns


def _turn(item: Any, n: int) -> tuple[Any, Any]:
    """(user text or None, assistant text or None) of one history item."""
    if isinstance(item, dict):
        role, content = item.get("role"), item.get("content")
        if role not in ("user", "assistant") or "content" not in item:
            raise InvalidInput(f"History item {n} must have a role ('user' or 'assistant') and a content.")
        return (content, None) if role == "user" else (None, content)
    if isinstance(item, (list, tuple)) and len(item) == 2:
        return item[0], item[1]
    raise InvalidInput(f"History item {n} must be a (user, assistant) pair or a {{'role', 'content'}} item, "
                       f"not {_type_name(item)}.")


def checked_k(k: Any) -> int | None:
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise InvalidInput(f"k must be a whole number from 1 to {MAX_K}, not {k!r}.")
    return k


def checked_mode(mode: Any) -> str | None:
    if mode is None or mode in MODES:
        return mode
    raise InvalidInput(f"mode must be one of {', '.join(MODES)}, not {mode!r}.")


def checked_flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be True or False, not {value!r}.")
    return value


def checked_filter(name: str, value: Any, valid: Iterable[str]) -> str | None:
    """The filter value as the corpus spells it (jurisdiction upper-case, language lower-case), or
    None for no filter; an ``InvalidFilter`` listing the valid values when the corpus has no such value."""
    if value is None or value == "":
        return None
    valid = sorted(set(valid))
    if isinstance(value, str) and not _SURROGATE.search(value):
        wanted = value.strip().upper() if name == "jurisdiction" else value.strip().lower() if name == "language" else value.strip()
        if wanted in valid:
            return wanted
    listed = ", ".join(valid) if valid else "none (the index is empty)"
    raise InvalidFilter(f"No {name} {value!r} in the corpus; valid values: {listed}.")
