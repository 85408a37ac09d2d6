"""Answer, answer with a caution, or decline: one decision from a few signals.

The assistant declines only on positive evidence that the corpus lacks the answer (``scope.py``:
a foreign jurisdiction, a year or a figure the corpus never states, a name it never uses), or
when nothing in the corpus comes close in meaning. Between "clearly answered" and "declined" it
answers with the best provision and a visible caution.

``evidence.gather`` computes the signals for one question; ``decide`` here is a pure function of the
signals and the thresholds. The thresholds are fitted by cross-validation over every visible evaluation question
(``legal-assistant eval --cv``, ``evaluation/calibration.py``) and live in Settings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Verdict = Literal["answer", "caution", "decline"]


@dataclass(frozen=True)
class Evidence:
    """What one question's retrieval found, as the decision sees it."""

    best_sentence: float  # best similarity of the question to a sentence of the top hits
    coverage: float  # idf-weighted share of the question's words found in the top hits
    cross_lingual: bool  # the top hit is in another language than the question
    foreign: tuple[str, ...] = ()  # jurisdictions asked about whose law the corpus lacks
    absent_articles: tuple[str, ...] = ()  # articles the question names that the named act lacks
    missing_years: tuple[str, ...] = ()  # years asked about that the top hits never mention
    asked_quantity: str | None = None  # 'period', 'money', 'percent', 'count'
    quantity_stated: bool = True  # a close sentence states a number of that kind
    unknown_names: tuple[str, ...] = ()  # names the corpus never uses
    unheld_acts: tuple[str, ...] = ()  # acts named by type and number that the corpus does not hold
    known_words: int = 1  # the question's words that the corpus uses at all (0: nothing to look up)

    def to_dict(self) -> dict:
        return {key: (list(value) if isinstance(value, tuple) else value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Thresholds:
    """min_similarity: below it nothing is close enough to answer from (cross_lingual: the same for a
    question answered from another language); min_quantity_similarity: an asked-for figure that no
    close sentence states declines below it; caution_below: answered, with a caution, below it.
    The defaults decline on scope checks only; the fitted values live in Settings."""

    min_similarity: float = 0.0
    min_similarity_cross_lingual: float = 0.0
    min_quantity_similarity: float = 0.0
    caution_below: float = 0.0


@dataclass(frozen=True)
class Reason:
    """Why a question was declined: a code (a key of ``prompts.DECLINE_REASONS``) and what it is about."""

    code: str
    about: str = ""

    def __str__(self) -> str:
        return f"{self.code}: {self.about}" if self.about else self.code


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[Reason, ...] = ()


def decide(evidence: Evidence, thresholds: Thresholds) -> Decision:
    """The verdict and the reasons for it (the scope checks that fired, or the similarity floor)."""
    reasons = []
    if evidence.known_words == 0:  # "{0}", "-1", "${jndi:ldap://x/a}": no word the corpus could answer about
        reasons.append(Reason("no_known_words"))
    if evidence.foreign:
        reasons.append(Reason("foreign_law", ", ".join(evidence.foreign)))
    if evidence.unheld_acts:
        reasons.append(Reason("unheld_act", ", ".join(evidence.unheld_acts)))
    if evidence.absent_articles:
        reasons.append(Reason("absent_article", ", ".join(evidence.absent_articles)))
    if evidence.missing_years:
        reasons.append(Reason("missing_year", ", ".join(evidence.missing_years)))
    quantity_missing = evidence.asked_quantity and not evidence.quantity_stated
    if evidence.asked_quantity and evidence.unknown_names:
        reasons.append(Reason("unknown_name", ", ".join(evidence.unknown_names)))
    elif quantity_missing and evidence.best_sentence < thresholds.min_quantity_similarity:
        reasons.append(Reason("figure_not_stated", evidence.asked_quantity or ""))
    floor = thresholds.min_similarity_cross_lingual if evidence.cross_lingual else thresholds.min_similarity
    if evidence.best_sentence < floor:
        reasons.append(Reason("nothing_close"))
    if reasons:
        return Decision("decline", tuple(reasons))
    if evidence.best_sentence < thresholds.caution_below:
        return Decision("caution", (Reason("moderate_match"),))
    return Decision("answer")
