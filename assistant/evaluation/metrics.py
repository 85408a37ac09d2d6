"""Pure metric functions. Every definition here is written out in evals/README.md.

Conventions: texts are compared after ``assistant.text.fold`` (case- and whitespace-folded,
NFKC); a rate over an empty set is ``None`` (undefined), never a silent 0 or 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..answer.verify import numbers_in, strip_markers
from ..text import fold

HIT_KS = (1, 3, 5)


def contains_evidence(text: str, evidence: Iterable[str]) -> bool:
    """True when the text contains any evidence snippet verbatim (case/whitespace folded)."""
    folded = fold(text)
    return any(fold(snippet) and fold(snippet) in folded for snippet in evidence)


def first_relevant_rank(texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    """1-based rank of the first text that contains an evidence snippet; None if none does."""
    for rank, text in enumerate(texts, start=1):
        if contains_evidence(text, evidence):
            return rank
    return None


def hit_at(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def reciprocal_rank(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / rank


def matched_groups(text: str, must_include: Sequence[Sequence[str]]) -> list[bool]:
    """For each group of alternatives: does the text contain at least one of them (case-folded)?"""
    folded = fold(text)
    return [any(fold(alt) in folded for alt in group) for group in must_include]


def is_correct_answer(status: str, text: str, must_include: Sequence[Sequence[str]]) -> bool:
    """Answered, and every must_include group matched."""
    return status == "answered" and all(matched_groups(text, must_include))


def citation_is_precise(chunk_text: str, doc_id: str, article: str | None, evidence: Sequence[str],
                        sources: Sequence[dict]) -> bool:
    """A cited chunk is precise when it contains an evidence snippet or belongs to a listed source:
    same doc_id and (source article null, or the same article)."""
    if contains_evidence(chunk_text, evidence):
        return True
    for source in sources:
        if source.get("doc_id") != doc_id:
            continue
        wanted = source.get("article")
        if wanted is None or (article is not None and str(wanted) == str(article)):
            return True
    return False


def unsupported_numbers(answer_text: str, cited_texts: Iterable[str]) -> set[float]:
    """Numbers the answer states (digits or EN/RU/KK number words; [n] markers ignored) that none of
    the cited texts (quotes and citation labels) states."""
    stated = numbers_in(strip_markers(answer_text))
    supported: set[float] = set()
    for text in cited_texts:
        supported |= numbers_in(text)
    return stated - supported


def rate(flags: Iterable[bool]) -> float | None:
    """Share of True among the flags; None when there are none."""
    values = list(flags)
    return sum(1 for v in values if v) / len(values) if values else None


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100, numpy's default method); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def retrieval_summary(ranks: Sequence[int | None]) -> dict[str, float | None]:
    """hit@1/3/5 and MRR from the first-relevant ranks of the answerable questions."""
    out: dict[str, float | None] = {f"hit@{k}": rate(hit_at(r, k) for r in ranks) for k in HIT_KS}
    out["mrr"] = mean(reciprocal_rank(r) for r in ranks)
    return out
