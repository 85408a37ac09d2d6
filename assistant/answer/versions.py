"""Language versions of a provision: quote the one the user reads, or the authentic one.

A Russian question answered from the English text of an act that also exists in Russian is
quoted in Russian; a Kazakh question (the corpus holds almost nothing in Kazakh) is quoted in the
authentic language of the act."""

from __future__ import annotations

from ..types import Chunk, Hit
from .context import AnswerContext
from .extractive import Quote, counterpart_quote


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


def in_reader_language(quotes: list[Quote], language: str, context: AnswerContext, question: str) -> list[Quote]:
    """Each quote swapped for the same provision's text in the preferred language version, when the corpus has it."""
    df, n_docs = context.frequencies()
    out = []
    for quote in quotes:
        chunk = quote.chunk
        if chunk.language == language or not chunk.article or chunk.article == "preamble":
            out.append(quote)
            continue
        versions = [c for c in context.index.by_article(chunk.article, [chunk.doc_id]) if c.role == chunk.role]
        target = preferred_language(chunk, language, versions)
        candidates = best_standing([c for c in versions if c.language == target]) if target and target != chunk.language else []
        swapped = counterpart_quote(quote, candidates, question, df, n_docs) if candidates else None
        out.append(swapped or quote)
    return out


def best_standing(versions: list[Chunk]) -> list[Chunk]:
    """The chunks of the one file of highest standing among them: where several files claim the
    same language version of an act, a quote is never swapped into the one of lower standing."""
    if not versions:
        return []
    best = max(versions, key=lambda c: c.info.standing())
    return [c for c in versions if c.info.source_file == best.info.source_file]


def one_per_provision(quotes: list[Quote]) -> list[Quote]:
    """One quote per provision (doc, article, paragraph); language versions count as one. Files that
    claim the same language version of a document do not: each gives its own text, and both are kept
    (the answer says they disagree, see conflicts.py)."""
    seen: dict[tuple, set[tuple[str, str]]] = {}
    out = []
    for quote in quotes:
        key = (quote.chunk.doc_id, quote.chunk.article or quote.chunk.id, quote.paragraph)
        mine = (quote.chunk.language, quote.chunk.info.source_file)
        versions = seen.setdefault(key, set())
        if versions and not any(language == mine[0] and file != mine[1] for language, file in versions):
            continue
        versions.add(mine)
        out.append(quote)
    return out


def counterpart_hits(quotes: list[Quote], hits: list[Hit]) -> list[Hit]:
    """Hits for quoted language versions that retrieval did not return itself (the same provision
    as a retrieved chunk, in the question's or the authentic language): every citation points at a hit."""
    by_provision = {(h.chunk.doc_id, h.chunk.article): h for h in hits}
    returned = {h.chunk.id for h in hits}
    extra = []
    for quote in quotes:
        if quote.chunk.id not in returned:
            source = by_provision.get((quote.chunk.doc_id, quote.chunk.article))
            extra.append(Hit(chunk=quote.chunk, score=source.score if source else 0.0))
            returned.add(quote.chunk.id)
    return extra
