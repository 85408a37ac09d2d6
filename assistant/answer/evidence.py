"""Is the retrieved evidence strong enough to answer from? Small signals, one decision.

- ``coverage``: the idf-weighted share of the question's words found in the top chunks. A word the
  corpus never uses ("speeding", "green card") weighs most, so a question about something the
  corpus does not hold scores low even when its other words ("fine", "Kazakhstan") match.
- ``missing_years``: the question is pinned to years ("in 2025") none of which the top chunks
  mention outside notes: the corpus speaks of the topic but not of that time.
- ``dense``: the best cosine similarity. Below a floor nothing in the corpus is even close in
  meaning; it is the only usable signal when the question and the top chunks are in different
  languages (a Russian question answered from an English act).

Thresholds live in Settings and are calibrated on the dev questions (see evals/README.md).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ..text import tokenize
from ..types import Hit

TOP_CHUNKS = 3


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True)
class EvidenceSignals:
    dense: float
    coverage: float
    missing_years: frozenset[str]
    cross_lingual: bool


def document_frequencies(texts: list[str]) -> tuple[Counter, int]:
    df: Counter = Counter()
    for text in texts:
        df.update(set(tokenize(text)))
    return df, len(texts)


def idf(token: str, df: Counter, n_docs: int) -> float:
    return math.log((n_docs + 1) / (df.get(token, 0) + 0.5))


def coverage(question: str, texts: list[str], df: Counter, n_docs: int) -> float:
    """Share of the question's idf weight whose words occur in the given texts."""
    asked = set(tokenize(question))
    if not asked:
        return 0.0
    present: set[str] = set()
    for text in texts:
        present |= set(tokenize(text))
    total = sum(idf(t, df, n_docs) for t in asked)
    found = sum(idf(t, df, n_docs) for t in asked if t in present)
    return found / total if total > 0 else 0.0


_NOTE_LINE = re.compile(r"^\s*(?:Примечание|Note|Footnote|Сноска)\b.*$", re.M)


def missing_years(question: str, texts: list[str]) -> frozenset[str]:
    """The question's years when none of them appears in the texts (notes aside), else empty."""
    years = set(_YEAR.findall(question))
    stated = set(_YEAR.findall(_NOTE_LINE.sub("", " ".join(texts))))
    return frozenset(years) if years and not years & stated else frozenset()


def signals(question: str, hits: list[Hit], df: Counter, n_docs: int, language: str) -> EvidenceSignals:
    if not hits:
        return EvidenceSignals(0.0, 0.0, frozenset(), False)
    texts = [h.chunk.search_text() for h in hits[:TOP_CHUNKS]]
    return EvidenceSignals(
        dense=max((h.dense_similarity or 0.0) for h in hits),
        coverage=coverage(question, texts, df, n_docs),
        missing_years=missing_years(question, texts),
        cross_lingual=hits[0].chunk.language != language,
    )


def is_sufficient(evidence: EvidenceSignals, min_coverage: float, min_dense_cross_lingual: float,
                  min_dense: float = 0.0) -> bool:
    if evidence.missing_years or evidence.dense < min_dense:
        return False
    if evidence.cross_lingual:
        return evidence.dense >= min_dense_cross_lingual
    return evidence.coverage >= min_coverage
