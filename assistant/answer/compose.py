"""From hits to an Answer: evidence check, quotes, citations, framing text, warnings."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..corpus import guess_language
from ..glossary import expand_query
from ..index import Index
from ..references import jurisdiction_hints
from ..settings import Settings
from ..types import LANGUAGE_NAMES, Answer, Chunk, Citation, Hit
from . import evidence
from .currency import missing_provisions, superseded_warning
from .extractive import Quote, best_quotes, counterpart_quote
from .guard import QUESTION_WARNING, looks_like_instruction, strip_instructions
from .prompts import ALSO, CLOSEST, FRAGMENT_NOTE, LEAD, NOT_FOUND, SECONDARY_NOTE, TRANSLATION_NOTE, UNOFFICIAL_NOTE
from .verify import numbers_in

QUOTE_POOL = 6
SECONDARY_KINDS = {"article", "paper", "commentary"}


@dataclass
class AnswerContext:
    index: Index
    settings: Settings
    llm_factory: Callable[[], Any] | None = None

    def similarity(self, question: str, passages: list[str]) -> list[float]:
        """Cosine similarity of the question to each passage, in the index's embedding space."""
        embeddings = self.index.embeddings
        q = embeddings.embed_query(question)
        return [sum(a * b for a, b in zip(q, p)) for p in embeddings.embed_documents(passages)]

    def frequencies(self):
        return self.index.term_frequencies(evidence.document_frequencies)


def question_language(question: str) -> str:
    return guess_language(question)


def relevant_hits(question: str, hits: list[Hit]) -> list[Hit]:
    """When the question names jurisdictions, only their sources count as evidence."""
    named = jurisdiction_hints(question)
    if not named:
        return hits
    kept = [h for h in hits if named & {j.strip().upper() for j in h.chunk.info.jurisdiction.split(",")}]
    return kept or hits


def not_found(question: str, hits: list[Hit], language: str, query: str) -> Answer:
    lang = language if language in NOT_FOUND else "en"
    closest = [h.chunk.label() for h in hits[:3]]
    text = NOT_FOUND[lang]
    if closest:
        text += "\n\n" + CLOSEST[lang] + "\n" + "\n".join(f"- {label}" for label in closest)
    return Answer(question=question, text=text, status="not_found", hits=hits, query=query)


def citation_for(n: int, quote: Quote, note: str = "") -> Citation:
    chunk = quote.chunk
    paragraph = quote.paragraph if chunk.article and chunk.article != "preamble" else None
    label = chunk.label(paragraph)
    return Citation(
        n=n, chunk_id=chunk.id, doc_id=chunk.doc_id, short_title=chunk.info.short_title, article=chunk.article,
        paragraph=paragraph, quote=_one_line(quote.text), language=chunk.language, authentic=chunk.info.authentic,
        in_force=chunk.info.in_force(), label=label, note=note,
    )


def source_notes(chunk: Chunk, language: str) -> list[str]:
    lang = language if language in LEAD else "en"
    notes = []
    if chunk.info.kind in SECONDARY_KINDS:
        notes.append(SECONDARY_NOTE[lang])
    if not chunk.info.authentic:
        notes.append(UNOFFICIAL_NOTE[lang].format(language=LANGUAGE_NAMES.get(chunk.language, chunk.language)))
    if chunk.info.is_fragmentary():
        notes.append(FRAGMENT_NOTE.format(completeness=_short(chunk.info.completeness)))
    return notes


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def preferred_language(chunk: Chunk, language: str, versions: list[Chunk]) -> str | None:
    """The language version to quote: the question's own when the corpus has it, else the
    authentic version for a question in a language the act does not exist in (Kazakh -> Russian)."""
    available = {c.language: c for c in versions}
    if language in available:
        return language
    if language != "en":
        authentic = [lang for lang, c in available.items() if c.info.authentic]
        if authentic and chunk.language not in authentic:
            return authentic[0]
    return None


def in_question_language(quotes: list[Quote], language: str, context: AnswerContext, question: str) -> list[Quote]:
    """Swap each quote for the same provision's text in the preferred language version, when the corpus has it."""
    df, n = context.frequencies()
    out = []
    for quote in quotes:
        chunk = quote.chunk
        if chunk.language == language or not chunk.article or chunk.article == "preamble":
            out.append(quote)
            continue
        versions = [c for c in context.index.by_article(chunk.article, [chunk.doc_id]) if c.role == chunk.role]
        target = preferred_language(chunk, language, versions)
        candidates = [c for c in versions if c.language == target] if target and target != chunk.language else []
        swapped = counterpart_quote(quote, candidates, question, df, n) if candidates else None
        out.append(swapped or quote)
    return out


def _dedupe(quotes: list[Quote]) -> list[Quote]:
    """One quote per provision (doc, article, paragraph); language versions count as one."""
    seen, out = set(), []
    for quote in quotes:
        key = (quote.chunk.doc_id, quote.chunk.article or quote.chunk.id, quote.paragraph)
        if key not in seen:
            seen.add(key)
            out.append(quote)
    return out


def extractive_answer(question: str, hits: list[Hit], context: AnswerContext, language: str, query: str) -> Answer:
    df, n = context.frequencies()
    quotes = best_quotes(query, hits[:QUOTE_POOL], df, n, limit=context.settings.max_citations + 2,
                         similarity=context.similarity, latest=question)
    quotes = _dedupe(in_question_language(quotes, language, context, query))[: context.settings.max_citations]
    lang = language if language in LEAD else "en"
    citations, parts, warnings = [], [], []
    for i, quote in enumerate(quotes, start=1):
        notes = source_notes(quote.chunk, lang)
        citation = citation_for(i, quote, note=" ".join(notes))
        citations.append(citation)
        frame = (LEAD if i == 1 else ALSO)[lang].format(label=_with_title(citation.label, quote.chunk, quote.text), n=i)
        parts.append(f"{frame} “{_one_line(quote.text)}”")
        if quote.chunk.language != language and lang != "en" and TRANSLATION_NOTE[lang]:
            if TRANSLATION_NOTE[lang] not in warnings:
                warnings.append(TRANSLATION_NOTE[lang])
    if not citations:  # nothing quotable: never an answer without a source
        return not_found(question, hits, language, query)
    return Answer(question=question, text="\n\n".join(parts), status="answered", citations=citations,
                  warnings=warnings, hits=hits + _counterpart_hits(quotes, hits), query=query)


def _counterpart_hits(quotes: list[Quote], hits: list[Hit]) -> list[Hit]:
    """Hits for quoted language versions that retrieval did not return themselves (the same
    provision as a retrieved chunk, in the question's or the authentic language)."""
    by_provision = {(h.chunk.doc_id, h.chunk.article): h for h in hits}
    returned = {h.chunk.id for h in hits}
    extra = []
    for quote in quotes:
        if quote.chunk.id not in returned:
            source = by_provision.get((quote.chunk.doc_id, quote.chunk.article))
            extra.append(Hit(chunk=quote.chunk, score=source.score if source else 0.0))
            returned.add(quote.chunk.id)
    return extra


def article_title(chunk: Chunk) -> str:
    """'Competence of internal affairs bodies' from the heading 'Article 9. Competence of ...'."""
    if not chunk.article or chunk.article == "preamble" or not chunk.heading_path:
        return ""
    heading = chunk.heading_path[-1]
    title = re.sub(r"^\W*(?:Article|Статья|Art\.)\s*[\d-]+(?:\(\d+\))?\s*[.\-—–:]?\s*", "", heading).strip(" *#")
    return "" if title == heading or len(title) < 3 else title[:150]


def _with_title(label: str, chunk: Chunk, quote: str) -> str:
    """The label with the article's title, unless the title states a number the quote and label
    do not (an answer never shows an unquoted number)."""
    title = article_title(chunk)
    if not title or numbers_in(title) - numbers_in(quote) - numbers_in(label):
        return label
    return f"{label} («{title}»)"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def add_warnings(answer: Answer, context: AnswerContext, language: str, question: str) -> None:
    lang = language if language in LEAD else "en"
    seen_docs = set()
    for citation in answer.citations:
        chunk = context.index.chunks.get(citation.chunk_id)
        if chunk is None or chunk.info.in_force() or chunk.doc_id in seen_docs:
            continue
        seen_docs.add(chunk.doc_id)
        answer.warnings.append(superseded_warning(context.index, chunk, lang))
    answer.warnings[:0] = missing_provisions(context.index, question, lang)


def escape_for_display(text: str) -> str:
    """Source text shown in HTML is data: escape it."""
    return html.escape(text, quote=False)


def answer_question(question: str, hits: list[Hit], context: AnswerContext, mode: str = "extractive",
                    query: str | None = None) -> Answer:
    query, ignored = strip_instructions(query or question)
    query = expand_query(query)
    language = question_language(question)
    evidence_hits = [h for h in relevant_hits(query, hits) if not looks_like_instruction(h.chunk.text)]
    df, n = context.frequencies()
    signals = evidence.signals(query, evidence_hits, df, n, language)
    s = context.settings
    if not evidence.is_sufficient(signals, s.min_evidence_coverage, s.min_dense_cross_lingual, s.min_dense):
        answer = not_found(question, evidence_hits, language, query)
    elif mode == "llm":
        from .llm import llm_answer

        answer = llm_answer(question, evidence_hits, context, language, query)
    else:
        answer = extractive_answer(question, evidence_hits, context, language, query)
    answer.mode = mode
    answer.evidence = {"coverage": round(signals.coverage, 3), "dense": round(signals.dense, 3)}
    if answer.status == "answered":
        add_warnings(answer, context, language, query)
    else:
        answer.warnings[:0] = missing_provisions(context.index, query, language)
    answer.warnings += [QUESTION_WARNING.format(text=text) for text in ignored]
    return answer
