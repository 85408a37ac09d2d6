"""Citations and the fixed parts of an answer: labels, notes on what a source is, the not-found text.
Shared by the extractive and the LLM answerer. Pure functions."""

from __future__ import annotations

import re

from ..prompts import CLOSEST, DECLINE_REASONS, FRAGMENT_NOTE, LEAD, NOT_FOUND, SECONDARY_NOTE, UNOFFICIAL_NOTE, UNVERIFIED_NOTE
from ..types import LANGUAGE_NAMES, Chunk, Citation, Hit
from .verify import numbers_in

SECONDARY_KINDS = {"article", "paper", "commentary"}


def framing_language(language: str) -> str:
    """The language of fixed phrases: the question's when we have them, else English."""
    return language if language in LEAD else "en"


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def source_notes(chunk: Chunk, language: str) -> list[str]:
    """What the reader must know about a source: unverified, secondary, unofficial translation, fragment."""
    lang = framing_language(language)
    notes = [] if chunk.info.verified else [UNVERIFIED_NOTE[lang]]
    if chunk.info.kind in SECONDARY_KINDS:
        notes.append(SECONDARY_NOTE[lang])
    if not chunk.info.authentic:
        notes.append(UNOFFICIAL_NOTE[lang].format(language=LANGUAGE_NAMES.get(chunk.language, chunk.language)))
    if chunk.info.is_fragmentary():
        notes.append(FRAGMENT_NOTE.format(completeness=shorten(chunk.info.completeness)))
    return notes


def citation_for(n: int, chunk: Chunk, quote: str, paragraph: str | None, language: str) -> Citation:
    paragraph = paragraph if chunk.article and chunk.article != "preamble" else None
    return Citation(
        n=n, chunk_id=chunk.id, doc_id=chunk.doc_id, short_title=chunk.info.short_title, article=chunk.article,
        paragraph=paragraph, quote=one_line(quote), language=chunk.language, authentic=chunk.info.authentic,
        in_force=chunk.info.in_force(), label=chunk.label(paragraph), note=" ".join(source_notes(chunk, language)),
        verified=chunk.info.verified, official=chunk.info.official,
    )


def article_title(chunk: Chunk) -> str:
    """'Competence of internal affairs bodies' from the heading 'Article 9. Competence of ...'."""
    if not chunk.article or chunk.article == "preamble" or not chunk.heading_path:
        return ""
    heading = chunk.heading_path[-1]
    title = re.sub(r"^\W*(?:Article|Статья|Art\.)\s*[\d-]+(?:\(\d+\))?\s*[.\-—–:]?\s*", "", heading).strip(" *#")
    return "" if title == heading or len(title) < 3 else title[:150]


def label_with_title(label: str, chunk: Chunk, quote: str) -> str:
    """The label with the article's title, unless the title states a number the quote and label
    do not (an answer never shows an unquoted number)."""
    title = article_title(chunk)
    if not title or numbers_in(title) - numbers_in(quote) - numbers_in(label):
        return label
    return f"{label} («{title}»)"


def not_found_text(hits: list[Hit], language: str, reasons: tuple = ()) -> str:
    """The fixed not-found message, why (the decision's reasons), and the closest provisions."""
    lang = framing_language(language)
    closest = [h.chunk.label() for h in hits[:3]]
    text = NOT_FOUND[lang]
    explained = [DECLINE_REASONS[lang][r.code].format(about=r.about) for r in reasons if r.code in DECLINE_REASONS[lang]]
    if explained:
        text += "\n\n" + "\n".join(explained)
    if closest:
        text += "\n\n" + CLOSEST[lang] + "\n" + "\n".join(f"- {label}" for label in closest)
    return text
