"""Split a SourceDoc into provision-level Chunks.

Rules (see tests/unit/test_chunking.py for each heading style):
- An article heading (``Article 6-1.``, ``### Article 21``, ``Статья 492.``, ``第十五条``, ``5-бап``)
  starts a new provision; no chunk ever straddles two articles.
- Chapter/section/part headings (Markdown ``#`` or words like Chapter/Глава/Раздел/第一章) end the
  current article and form the heading path carried by every chunk below them.
- ``Footnote.`` / ``Сноска.`` lines (amendment history) and ``Source:`` provenance notes become
  separate chunks tagged ``footnote``.
- ``Table N`` blocks (tab-separated rows) are kept whole, tagged ``table``.
- Text under a References / Bibliography / Список литературы heading is tagged ``bibliography``:
  a list of works cited is not something an answer should quote.
- A block longer than the size cap is split at paragraph (``1.``) boundaries, then item (``1)``)
  boundaries, then blank lines, lines and sentences.

Each chunk's text is exactly ``doc.text[start:end]``; together the chunks cover every
non-whitespace character of the document body.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .types import Chunk, ChunkRole, SourceDoc

# Bump when the rules below change, so that ingest re-chunks every file.
CHUNKER_VERSION = 7

# Kinds of document whose "Article N" lines are prose, not provisions (papers, guidance).
_NON_LEGAL_KINDS = {"article", "paper", "guidance", "document", "commentary"}

_NUM = r"(\d+(?:-\d+)?)"
_ARTICLE_HEADING = re.compile(
    rf"^[^\S\n]*(?:#{{1,6}}[^\S\n]*)?(?:\*\*)?[^\S\n]*"
    rf"(?:Article|ARTICLE|Art\.|Статья|СТАТЬЯ)[^\S\n]+{_NUM}"
    rf"(?=[^\S\n]*(?:$|[.\-—–:(]|\*\*))"
)
_KAZAKH_ARTICLE = re.compile(rf"^[^\S\n]*(?:#{{1,6}}[^\S\n]*)?{_NUM}-бап(?=[ \t.]|$)")
_CHINESE_ARTICLE = re.compile(r"^[\s*]*第([零〇一二三四五六七八九十百千两\d]+)条")
_MD_HEADING = re.compile(r"^[^\S\n]*(#{1,6})[^\S\n]+(.*\S)")
_WORD_HEADING = re.compile(
    r"^[^\S\n]*(?:\*\*)?[^\S\n]*(PART|Part|TITLE|Title|SECTION|Section|Раздел|РАЗДЕЛ|Chapter|CHAPTER|Глава|ГЛАВА|"
    r"бөлім|тарау)[^\S\n]+[\dIVXLCА-Яа-я]+\b"
)
_CHINESE_HEADING = re.compile(r"^[\s*]*第[零〇一二三四五六七八九十百\d]+[章节编]")
_FOOTNOTE = re.compile(r"^[^\S\n]*(?:Footnote|Сноска|Ескерту|Source|Источник)[^\S\n]*[.:]")
_TABLE_START = re.compile(r"^[^\S\n]*(?:<b>|\*\*)?[^\S\n]*(?:Table|Таблица|Кесте)[^\S\n]+\d+", re.I)
_BIBLIOGRAPHY = re.compile(r"^\W*(?:references|bibliography|literature|works cited|список (?:использованной )?литературы|"
                           r"литература|библиография|әдебиеттер(?: тізімі)?|参考文献)\W*$", re.I)
_PARAGRAPH = re.compile(r"^[^\S\n]*(\d+(?:-\d+)?)\.[^\S\n]*\S")
_ITEM = re.compile(r"^[^\S\n]*\d+(?:-\d+)?\)[^\S\n]")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_numeral(text: str) -> int:
    """'十五' -> 15, '二十三' -> 23, '一百零二' -> 102; plain digits pass through."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def article_number(line: str) -> str | None:
    """The article number a heading line starts, or None. '第十五条' -> '15'."""
    for pattern in (_ARTICLE_HEADING, _KAZAKH_ARTICLE):
        match = pattern.match(line)
        if match:
            return match.group(1)
    match = _CHINESE_ARTICLE.match(line)
    if match:
        return str(chinese_numeral(match.group(1)))
    return None


def structural_heading(line: str) -> tuple[int, str] | None:
    """(level, text) for a chapter/section/part heading line, else None."""
    match = _MD_HEADING.match(line)
    if match:
        return len(match.group(1)), _clean_heading(match.group(2))
    match = _WORD_HEADING.match(line)
    if match:
        word = match.group(1).lower()
        level = 2 if word in ("chapter", "глава", "тарау") else 1
        return level, _clean_heading(line)
    if _CHINESE_HEADING.match(line) and len(line.strip()) < 60:
        return 2, _clean_heading(line)
    return None


def _article_heading(line: str) -> str:
    """The heading of an article: the whole line, but only '第二条' where the text runs on after it."""
    match = _CHINESE_ARTICLE.match(line)
    if match:
        return f"第{match.group(1)}条"
    return _clean_heading(line)


def _clean_heading(text: str) -> str:
    text = re.sub(r"</?[bi]>|\*\*|^#+", "", text).strip()
    return text[:120]


@dataclass
class _Line:
    start: int
    end: int  # excluding the newline
    text: str


@dataclass
class _Block:
    start: int
    end: int
    role: ChunkRole
    article: str | None
    heading_path: tuple[str, ...]


def _lines(text: str, start: int) -> list[_Line]:
    out, position = [], start
    for piece in text[start:].split("\n"):
        out.append(_Line(position, position + len(piece), piece))
        position += len(piece) + 1
    return out


def _footnote_continues(line: _Line, nxt: _Line | None) -> bool:
    if nxt is None or not nxt.text.strip():
        return False
    if article_number(nxt.text) or structural_heading(nxt.text) or _FOOTNOTE.match(nxt.text):
        return False
    return not line.text.rstrip().endswith((".", ");", ").", ":"))


def segment(doc: SourceDoc) -> list[_Block]:
    """Cut the body into blocks: one per article/footnote/table/run of other text."""
    legal = doc.info.kind.lower() not in _NON_LEGAL_KINDS
    root = doc.info.short_title or doc.doc_id
    headings: list[tuple[int, str]] = []
    lines = _lines(doc.text, doc.body_start)
    blocks: list[_Block] = []
    article: str | None = None
    article_title = ""
    current: _Block | None = None

    def path() -> tuple[str, ...]:
        base = (root, *(h for _, h in headings))
        return base + ((article_title,) if article else ())

    def open_block(start: int, role: ChunkRole) -> _Block:
        nonlocal current
        if current is not None:
            blocks.append(current)
        current = _Block(start, start, role, article, path())
        return current

    def take_run(first: int, role: ChunkRole, continues) -> int:
        """A footnote or table: its own block from line `first` while `continues(j)`; returns the next line."""
        nonlocal current
        block = open_block(lines[first].start, role)
        last = first
        while last + 1 < len(lines) and continues(last):
            last += 1
        block.end = lines[last].end
        blocks.append(block)
        current = None
        return last + 1

    i = 0
    while i < len(lines):
        line = lines[i]
        number = article_number(line.text) if legal else None
        heading = None if number else structural_heading(line.text)
        if number and number != article:
            article, article_title = number, _article_heading(line.text)
            open_block(line.start, "provision")
        elif heading and not (article and heading[1].startswith(("Article", "Статья"))):
            level, text = heading
            headings = [h for h in headings if h[0] < level] + [(level, text)]
            article = None
            open_block(line.start, "bibliography" if _in_bibliography(headings) else "text")
        elif _FOOTNOTE.match(line.text):
            i = take_run(i, "footnote", lambda j: _footnote_continues(lines[j], lines[j + 1]))
            continue
        elif _TABLE_START.match(line.text) and ("\t" in line.text or (i + 1 < len(lines) and "\t" in lines[i + 1].text)):
            i = take_run(i, "table", lambda j: "\t" in lines[j + 1].text)
            continue
        elif current is None:
            open_block(line.start, "provision" if article else "bibliography" if _in_bibliography(headings) else "text")
        assert current is not None
        current.end = line.end
        i += 1
    if current is not None:
        blocks.append(current)
    blocks = [b for b in blocks if doc.text[b.start:b.end].strip()]
    return _attach_to_articles(doc.text, blocks) if legal else blocks


def _in_bibliography(headings: list[tuple[int, str]]) -> bool:
    return any(_BIBLIOGRAPHY.match(text) for _, text in headings)


def _only_headings(text: str) -> bool:
    return all(structural_heading(line) for line in text.splitlines() if line.strip())


def _attach_to_articles(text: str, blocks: list[_Block]) -> list[_Block]:
    """In a legal act every chunk belongs to an article: a bare chapter heading joins the article
    after it, other text between articles takes the article after it (or, at the end, the one
    before); text before the first article is the preamble."""
    out: list[_Block] = []
    seen_article = False
    for i, block in enumerate(blocks):
        if block.article:
            seen_article = True
            out.append(block)
            continue
        following = next((b for b in blocks[i + 1:] if b.article), None)
        if following is not None and blocks[i + 1] is following and block.role == "text" \
                and _only_headings(text[block.start:block.end]):
            following.start = block.start
            continue
        if not seen_article:
            block.article = "preamble"
        elif following is not None:
            block.article = following.article
        else:
            block.article = out[-1].article if out else "preamble"
        out.append(block)
    return out


def _split_points(text: str, base: int, pattern: re.Pattern[str]) -> list[int]:
    """Offsets (absolute) of lines in text matching pattern, except the first line and the items of
    a list that follows a lead-in ending with ':' (a list stays with its lead-in where it fits)."""
    points = []
    in_list = False
    for i, line in enumerate(_lines(text, 0)):
        if not line.text.strip():
            continue
        starts_piece = bool(pattern.match(line.text))
        if i and starts_piece and not in_list:
            points.append(base + line.start)
        if line.text.rstrip().endswith(":"):
            in_list = True
        elif not starts_piece:
            in_list = False
    return points


def _sentence_points(text: str, base: int) -> list[int]:
    return [base + m.end() for m in re.finditer(r"(?<=[.;!?。；])\s+(?=\S)", text)]


def _pack(start: int, end: int, points: list[int], cap: int) -> list[tuple[int, int]]:
    """Group the pieces between split points greedily into spans of at most cap characters."""
    bounds = [start, *[p for p in points if start < p < end], end]
    spans: list[tuple[int, int]] = []
    span_start = start
    for left, right in zip(bounds, bounds[1:]):
        if right - span_start > cap and left > span_start:
            spans.append((span_start, left))
            span_start = left
    spans.append((span_start, end))
    return spans


def split_span(text: str, start: int, end: int, cap: int, level: int = 0) -> list[tuple[int, int]]:
    """Split text[start:end] under cap at the coarsest boundaries that work."""
    if end - start <= cap:
        return [(start, end)]
    finders = (
        lambda s, b: _split_points(s, b, _PARAGRAPH),
        lambda s, b: _split_points(s, b, _ITEM),
        lambda s, b: [b + m.end() for m in re.finditer(r"\n[^\S\n]*\n", s)],
        lambda s, b: [b + m.end() for m in re.finditer(r"\n", s)],
        _sentence_points,
    )
    for depth in range(level, len(finders)):
        points = finders[depth](text[start:end], start)
        if not points:
            continue
        out: list[tuple[int, int]] = []
        for s, e in _pack(start, end, points, cap):
            out.extend(split_span(text, s, e, cap, depth + 1) if e - s > cap else [(s, e)])
        return out
    return [(start, end)]  # one unbreakable run: kept whole rather than cut mid-word


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_label(text: str) -> str | None:
    """'2' when a piece holds paragraph 2 only, '2–3' for several, None when unnumbered."""
    numbers = [m.group(1) for line in text.splitlines() if (m := _PARAGRAPH.match(line))]
    if not numbers:
        return None
    return numbers[0] if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"


def paragraph_at(text: str, offset: int) -> str | None:
    """Number of the paragraph that holds text[offset] (the last '1.'-style line at or before it)."""
    label = None
    position = 0
    for line in text.splitlines(keepends=True):
        if position > offset:
            break
        match = _PARAGRAPH.match(line)
        if match:
            label = match.group(1)
        position += len(line)
    return label


def chunk_id(doc: SourceDoc, block_role: str, article: str | None, heading_path: tuple[str, ...], text: str) -> str:
    """Derived from everything that is embedded (heading path and text), never from position."""
    key = "|".join((doc.doc_id, doc.language, block_role, article or "", " › ".join(heading_path), text))
    if doc.id_salt:  # one of several files claiming this doc_id and language
        key += "|" + doc.id_salt
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def split_document(doc: SourceDoc, max_chars: int = 1400) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for block in segment(doc):
        if block.role in ("table", "footnote"):
            spans = [(block.start, block.end)]
        else:
            spans = split_span(doc.text, block.start, block.end, max_chars)
        split = len(spans) > 1
        for span_start, span_end in spans:
            start, end = _trim(doc.text, span_start, span_end)
            if start >= end:
                continue
            text = doc.text[start:end]
            paragraph = None
            if split and block.article and block.role == "provision":
                paragraph = paragraph_label(text) or paragraph_at(doc.text[block.start:end], start - block.start)
            cid = chunk_id(doc, block.role, block.article, block.heading_path, text)
            if cid in seen:
                seen[cid] += 1
                cid = f"{cid}-{seen[cid]}"
            else:
                seen[cid] = 0
            chunks.append(
                Chunk(
                    id=cid,
                    info=doc.info,
                    text=text,
                    start=start,
                    end=end,
                    article=block.article,
                    paragraph=paragraph,
                    heading_path=block.heading_path,
                    role=block.role,
                )
            )
    return chunks
