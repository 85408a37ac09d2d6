"""Sources that disagree: two texts for what they claim is the same provision, or an unverified
source stating other figures than a verified one. The answer then leads with the source of higher
standing (a stated source, the official publication, the authentic text, in force: ``DocInfo.standing``)
and says so visibly. Pure functions over chunks and the index's per-article map.

What counts as the same provision: the same article of the same act, where "the same act" is the
same doc_id in the same language (several files claiming it) or another doc_id of the same
jurisdiction with the same title or short title. Language versions of one act are translations of
each other, not conflicts; they differ in words by nature, so between languages only the figures
they state are compared."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..index import Index
from ..text import fold
from ..types import Chunk, DocInfo
from .verify import numbers_in

_LEADING_NUMBER = re.compile(r"^\s*\d+(?:-\d+)?[.)]\s*", re.M)


@dataclass(frozen=True)
class Conflict:
    """``better`` and ``worse`` give different texts for one provision (kind "same_provision"), or
    ``worse`` is an unverified source stating other figures than ``better`` ("other_figures")."""

    better: Chunk
    worse: Chunk
    kind: str
    tie: bool = False  # equal standing: neither can be preferred


def _title_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def jurisdictions(info: DocInfo) -> set[str]:
    return {j.strip().upper() for j in info.jurisdiction.split(",") if j.strip()}


def claims_same_act(a: DocInfo, b: DocInfo) -> bool:
    """Do two documents claim to be the same act (in the same or another language)?"""
    if a.doc_id == b.doc_id:
        return True
    if not jurisdictions(a) & jurisdictions(b):
        return False
    titles_a = {_title_key(t) for t in (a.title, a.short_title) if t}
    titles_b = {_title_key(t) for t in (b.title, b.short_title) if t}
    return bool(titles_a & titles_b)


def figures(text: str) -> set[float]:
    """The numbers a passage states, leaving out the numbers of its paragraphs."""
    return numbers_in(_LEADING_NUMBER.sub(" ", text))


def texts_differ(a: str, a_language: str, b: str, b_language: str) -> bool:
    if a_language == b_language:
        return fold(a) != fold(b)
    return figures(a) != figures(b)


def article_text(index: Index, chunk: Chunk) -> str:
    """The text of the chunk's article as its own file gives it (its provision chunks in order)."""
    parts = [c for c in index.by_article(chunk.article or "", [chunk.doc_id])
             if c.info.source_file == chunk.info.source_file and c.language == chunk.language and c.role == chunk.role]
    return "\n".join(c.text for c in sorted(parts, key=lambda c: c.start)) or chunk.text


def same_provision_elsewhere(index: Index, chunk: Chunk) -> list[Chunk]:
    """Chunks of the same article that another file claiming the same act holds (language versions
    of the chunk's own document excepted)."""
    if not chunk.article or chunk.article == "preamble" or chunk.role != "provision":
        return []
    out = []
    for other in index.by_article(chunk.article):
        if other.info.source_file == chunk.info.source_file or other.role != "provision":
            continue
        if other.doc_id == chunk.doc_id and other.language != chunk.language:
            continue  # a language version of the same document
        if claims_same_act(chunk.info, other.info):
            out.append(other)
    return out


def _pair(a: Chunk, b: Chunk, kind: str) -> Conflict:
    if a.info.standing() == b.info.standing():
        return Conflict(a, b, kind, tie=True)
    better, worse = (a, b) if a.info.standing() > b.info.standing() else (b, a)
    return Conflict(better, worse, kind)


def provision_conflicts(index: Index, chunks: Iterable[Chunk]) -> list[Conflict]:
    """For each given chunk, the other files' texts of the same provision that differ from it (one
    conflict per pair of files and article, the representative chunk of the other file being the
    first of its article)."""
    out: list[Conflict] = []
    seen: set[tuple] = set()
    for chunk in chunks:
        mine = article_text(index, chunk)
        others: dict[str, Chunk] = {}
        for other in same_provision_elsewhere(index, chunk):
            others.setdefault(other.info.source_file, other)
        for other in others.values():
            key = (chunk.article, frozenset((chunk.info.source_file, other.info.source_file)))
            if key in seen:
                continue
            seen.add(key)
            if texts_differ(mine, chunk.language, article_text(index, other), other.language):
                out.append(_pair(chunk, other, "same_provision"))
    return out


def figure_conflicts(quoted: list[tuple[Chunk, str]]) -> list[Conflict]:
    """An unverified quote stating figures that no verified quote of the same jurisdiction states,
    where that one states figures too."""
    out = []
    for chunk, text in quoted:
        if chunk.info.verified or not figures(text):
            continue
        for other, other_text in quoted:
            if other.info.verified and jurisdictions(other.info) & jurisdictions(chunk.info) \
                    and figures(other_text) and not figures(other_text) & figures(text):
                out.append(Conflict(other, chunk, "other_figures"))
                break
    return out


def lead_order(chunks: list[Chunk], conflicts: list[Conflict]) -> list[int]:
    """Positions of the chunks in the order to quote them: in each conflict the better source takes
    the place of the worse one (which moves behind it), then sources naming where their text comes
    from go before those that do not."""
    order = list(range(len(chunks)))
    ids = [c.id for c in chunks]
    for conflict in conflicts:
        if conflict.tie or conflict.better.id not in ids or conflict.worse.id not in ids:
            continue
        better, worse = order.index(ids.index(conflict.better.id)), order.index(ids.index(conflict.worse.id))
        if better > worse:
            order.insert(worse, order.pop(better))
    return sorted(order, key=lambda i: not chunks[i].info.verified)
