"""Answer, answer with a caution, or decline: one decision from a few signals.

The assistant declines only on positive evidence that the corpus lacks the answer (``scope.py``:
a foreign jurisdiction, a year or a figure the corpus never states, a name it never uses), or
when nothing in the corpus comes close in meaning. Between "clearly answered" and "declined" it
answers with the best provision and a visible caution.

``gather`` computes the signals for one question; ``decide`` is a pure function of the signals and
the thresholds. The thresholds are fitted by cross-validation over every visible evaluation question
(``legal-assistant eval --cv``, ``evaluation/calibration.py``) and live in Settings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

from ..query import Query
from ..text import idf, tokenize
from ..types import Hit
from . import scope
from .currency import absent_articles

if TYPE_CHECKING:
    from .context import AnswerContext

Verdict = Literal["answer", "caution", "decline"]
TOP_HITS = 3  # the hits whose text counts as what the corpus says on the question
QUANTITY_SENTENCES = 8  # the closest sentences searched for an asked-for number
YEAR_HITS = 8  # the hits searched for a year the question names


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
class Decision:
    verdict: Verdict
    reasons: tuple[str, ...] = ()


def decide(evidence: Evidence, thresholds: Thresholds) -> Decision:
    """The verdict and the reasons for it (the scope checks that fired, or the similarity floor)."""
    reasons = []
    if evidence.foreign:
        reasons.append(f"asks about the law of {', '.join(evidence.foreign)}, which the corpus does not hold")
    if evidence.absent_articles:
        reasons.append(f"names {', '.join(evidence.absent_articles)}, which the corpus does not hold")
    if evidence.missing_years:
        reasons.append(f"asks about {', '.join(evidence.missing_years)}, which the closest provisions never mention")
    quantity_missing = evidence.asked_quantity and not evidence.quantity_stated
    if evidence.asked_quantity and evidence.unknown_names:
        reasons.append(f"asks for a figure about {', '.join(evidence.unknown_names)}, which the corpus never names")
    elif quantity_missing and evidence.best_sentence < thresholds.min_quantity_similarity:
        reasons.append(f"asks for a {evidence.asked_quantity} figure that no close provision states")
    floor = thresholds.min_similarity_cross_lingual if evidence.cross_lingual else thresholds.min_similarity
    if evidence.best_sentence < floor:
        reasons.append("nothing in the corpus is close in meaning")
    if reasons:
        return Decision("decline", tuple(reasons))
    if evidence.best_sentence < thresholds.caution_below:
        return Decision("caution", ("the closest provision is only a moderate match",))
    return Decision("answer")


def coverage(question: str, texts: list[str], df, n_docs: int) -> float:
    """Share of the question's idf weight whose words occur in the given texts."""
    asked = set(tokenize(question))
    if not asked:
        return 0.0
    present: set[str] = set()
    for text in texts:
        present |= set(tokenize(text))
    total = sum(idf(t, df, n_docs) for t in asked)
    return sum(idf(t, df, n_docs) for t in asked if t in present) / total if total > 0 else 0.0


def gather(query: Query, hits: list[Hit], context: AnswerContext) -> Evidence:
    """The signals for one question from its hits and the corpus."""
    if not hits:
        return Evidence(best_sentence=0.0, coverage=0.0, cross_lingual=False)
    question = query.search
    top = hits[:TOP_HITS]
    df, n_docs = context.frequencies()
    sentences: list[tuple[float, str]] = []
    for hit in top:
        spans, sims = context.sentence_similarities(hit.chunk, question)
        # a sentence in another language cannot share the question's words: its heading is not compared
        heading = " ".join(hit.chunk.heading_path[-1:]) if hit.chunk.language == query.language else None
        sentences += [(float(sim), hit.chunk.text[s:e], heading) for (s, e), sim in zip(spans, sims)]
    sentences.sort(key=lambda pair: -pair[0])
    best = sentences[0][0] if sentences else max((h.dense_similarity or 0.0) for h in top)
    kind = scope.asked_quantity(query.standalone)
    subject, unknown_words = scope.subject_words(query.standalone, df, n_docs)
    labels = [f"{h.chunk.info.title} {h.chunk.info.short_title} {h.chunk.search_text()}" for h in hits[:YEAR_HITS]]
    return Evidence(
        best_sentence=round(best, 4),
        coverage=round(coverage(question, [h.chunk.search_text() for h in top], df, n_docs), 4),
        cross_lingual=top[0].chunk.language != query.language,
        foreign=scope.foreign_jurisdictions(query.standalone, context.held_jurisdictions()),
        absent_articles=tuple(f"{info.short_title} Art. {a}" for info, articles in absent_articles(context.index, query.standalone)
                              for a in articles),
        missing_years=scope.missing_years(query.standalone, labels),
        asked_quantity=kind,
        quantity_stated=kind is None or any(scope.figure_about_subject(text, heading, kind, subject, unknown_words)
                                            for _, text, heading in sentences[:QUANTITY_SENTENCES]),
        unknown_names=scope.unknown_names(query.standalone, set(df)),
    )
