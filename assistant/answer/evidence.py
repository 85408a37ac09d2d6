"""The signals of the decision (``decision.Evidence``) for one question, from its hits and the corpus."""

from __future__ import annotations

from ..query import Query
from ..references import unheld_acts
from ..text import idf, tokenize
from ..types import Hit
from . import scope
from .context import AnswerContext
from .currency import absent_articles
from .decision import Evidence

TOP_HITS = 3  # the hits whose text counts as what the corpus says on the question
QUANTITY_SENTENCES = 8  # the closest sentences searched for an asked-for number
YEAR_HITS = 8  # the hits searched for a year the question names


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
    df, n_docs = context.frequencies()
    known = scope.known_words(query.search, df)
    if not hits:
        return Evidence(best_sentence=0.0, coverage=0.0, cross_lingual=False, known_words=known)
    question = query.search
    top = hits[:TOP_HITS]
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
        unheld_acts=unheld_acts(query.standalone, context.index.documents()),
        known_words=known,
    )
