"""Warnings about what the cited sources are: superseded acts (with the successor's matching
provision), fragmentary documents, provisions the question names that the corpus lacks."""

from __future__ import annotations

from ..index import Index
from ..prompts import MISSING_PROVISION, SUPERSEDED, SUPERSEDED_MATCH
from ..references import document_hints, parse_references
from ..types import Chunk, DocInfo


def _title(index: Index, doc_id: str) -> str:
    for info in index.documents():
        if info.doc_id == doc_id:
            return info.short_title
    return doc_id


def corresponding_provision(index: Index, chunk: Chunk) -> Chunk | None:
    """The successor act's provision closest in meaning to a superseded one (dense search)."""
    successor = chunk.info.superseded_by
    if not successor:
        return None
    found = index.dense_search(chunk.text, 5, where={"doc_id": successor})
    for cid, _ in found:
        candidate = index.chunks.get(cid)
        if candidate is not None and candidate.role == "provision" and candidate.article not in (None, "preamble"):
            return candidate
    return None


def superseded_warning(index: Index, chunk: Chunk, language: str) -> str:
    info = chunk.info
    successor = _title(index, info.superseded_by) if info.superseded_by else "a later act"
    text = SUPERSEDED.get(language, SUPERSEDED["en"]).format(
        title=info.short_title, until=info.in_force_until, successor=successor)
    match = corresponding_provision(index, chunk)
    if match is not None:
        text += SUPERSEDED_MATCH.get(language, SUPERSEDED_MATCH["en"]).format(label=match.label())
    return text


def absent_articles(index: Index, question: str) -> list[tuple[DocInfo, list[str]]]:
    """Each document the question names with the articles it names that the corpus does not hold of it."""
    refs = parse_references(question)
    if not refs:
        return []
    documents: list[DocInfo] = index.documents()
    hinted = sorted(document_hints(question, documents))
    # an article that one of the named documents holds is not missing (the hint may be loose)
    refs = [r for r in refs if not index.by_article(r.article, hinted)]
    out = []
    for doc_id in hinted:
        info = next(d for d in documents if d.doc_id == doc_id)
        if refs:
            out.append((info, [r.article for r in refs]))
    return out


def missing_provisions(index: Index, question: str, language: str) -> list[str]:
    """A warning for each article the question names in a document that does not hold it."""
    return [MISSING_PROVISION.get(language, MISSING_PROVISION["en"]).format(
                refs=", ".join(f"Art. {a}" for a in absent), title=info.short_title,
                completeness=_short(info.completeness or "no note on completeness"))
            for info, absent in absent_articles(index, question)]


def _short(text: str, limit: int = 220) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
