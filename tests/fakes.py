"""Fakes for unit tests: a deterministic embedder and a tiny synthetic corpus (invented text)."""

from __future__ import annotations

import hashlib
import math
import socket
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.text import tokenize

# The fake embedder's similarities are not e5's: thresholds calibrated for e5 do not apply.
FAKE_THRESHOLDS = {"min_similarity": 0.2, "min_similarity_cross_lingual": 0.0, "min_quantity_similarity": 0.0,
                   "caution_below": 0.0}


class FakeEmbeddings(Embeddings):
    """Deterministic bag-of-words vectors: texts sharing words are close. Records every call."""

    name = "fake"

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.calls: list[list[str]] = []

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for token in tokenize(text) or ["∅"]:
            h = int(hashlib.md5(token.encode()).hexdigest(), 16)
            vec[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


SMALL_CORPUS = {
    "demo-code.en.md": """---
doc_id: demo-code
source: https://example.org/demo-code (invented text for tests)
title: Demo Code on Residence Offences
short_title: Demo Code
jurisdiction: KZ
kind: code
language: en
authentic: true
completeness: COMPLETE
---

Article 7. Living without registration
1. Living at a place of residence without registration for more than one month -
subject to a fine of seven monthly indicators.
2. The same act committed again within a year -
subject to a fine of thirteen monthly indicators.
Footnote. Article 7 as amended by the Demo Law of 01.01.2020.

Article 8. Duties of landlords
1. A landlord who lets a dwelling to unregistered persons is subject to a warning.
""",
    "demo-code.ru.md": """---
doc_id: demo-code
source: https://example.org/demo-code (invented text for tests)
title: Демонстрационный кодекс
short_title: Demo Code
jurisdiction: KZ
kind: code
language: ru
authentic: true
---

Статья 7. Проживание без регистрации
1. Проживание без регистрации свыше одного месяца влечет штраф в размере семи месячных показателей.
2. То же деяние, совершенное повторно в течение года, влечет штраф в размере тринадцати месячных показателей.
""",
    "old-charter.en.md": """---
doc_id: old-charter
source: https://example.org/old-charter (invented text for tests)
title: Old Charter
short_title: Old Charter (1990)
jurisdiction: KZ
kind: constitution
language: en
authentic: true
in_force_until: '2020-01-01'
superseded_by: new-charter
---

### Article 3
Everyone lawfully present has the right to move freely and to choose a place of residence.
""",
    "new-charter.en.md": """---
doc_id: new-charter
source: https://example.org/new-charter (invented text for tests)
title: New Charter
short_title: New Charter (2020)
jurisdiction: KZ
kind: constitution
language: en
authentic: true
in_force_from: '2020-01-01'
supersedes: old-charter
---

### Article 9
Everyone lawfully present has the right to move freely and to choose a place of residence; limits only by law.
""",
    "eu-fragment.en.md": """---
doc_id: eu-fragment
source: https://example.org/eu-fragment (invented text for tests)
title: Demo Directive on free movement
short_title: Demo Directive
jurisdiction: EU
kind: directive
language: en
authentic: true
completeness: 'FRAGMENTS ONLY: Article 2 present; Article 5 missing.'
---

## Article 2 — Short stays
Union citizens may reside in another Member State for up to three months without conditions.
""",
}


def write_corpus(folder: Path, files: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or SMALL_CORPUS).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


class ScriptedChatModel:
    """A chat model fed from a queue of replies; records every prompt it was given.

    It speaks LangChain's ``invoke`` protocol (messages in, an object with ``.content`` out). A reply
    that is an Exception is raised instead of returned."""

    def __init__(self, replies: list):
        self.replies = list(replies)
        self.prompts: list = []

    def enqueue(self, *replies) -> None:
        self.replies.extend(replies)

    def invoke(self, messages):
        self.prompts.append(messages)
        reply = self.replies.pop(0) if self.replies else ""
        if isinstance(reply, Exception):
            raise reply
        from langchain_core.messages import AIMessage

        return AIMessage(content=reply)


def free_port() -> int:
    """A loopback port nothing listens on (at the moment of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
