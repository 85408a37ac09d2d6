"""The sentence: the unit that retrieval scores and the answerer quotes. Pure functions.

A chunk's *quotable spans* are its sentences (list items and numbered paragraphs count as
sentences), without bare headings. Each is embedded once, at ingest, as *contextual text*: the
document's short title and the article or section heading, then the sentence, so that "2. ... seven
monthly settlement indicators" is found by a question about the fine for living without registration
even though the sentence itself never says what it punishes.
"""

from __future__ import annotations

import re

from .chunking import article_number
from .text import sentence_spans
from .types import Chunk

MIN_SENTENCE_CHARS = 12
_SENTENCE_END = (".", "。", ";", "；", ":", "：", "?", "!")
_NUMBERED_HEADING = re.compile(r"\W*\w+\s+[\d-]+\.")


def chunk_heading(chunk: Chunk) -> str:
    return chunk.heading_path[-1] if chunk.heading_path else ""


def is_heading_only(sentence: str, heading: str) -> bool:
    """A line that only repeats a heading ("### Article 3", "Article 492. Living without ...")."""
    stripped = sentence.strip().lstrip("#* \u3000").rstrip("* ").strip()
    if len(stripped) < 6 or sentence.lstrip().startswith("#"):
        return True
    if stripped.endswith(_SENTENCE_END) and not _NUMBERED_HEADING.fullmatch(stripped):
        return False  # a sentence, even when it starts with "第二条" or "Article 5"
    return bool(heading) and (stripped in heading or (article_number(sentence) is not None and len(stripped) <= len(heading) + 3))


def drop_heading_line(text: str, start: int, end: int, heading: str) -> int:
    """Where a span really starts: after a heading line that opens it ("### Article 3\\nEveryone ...")."""
    newline = text.find("\n", start, end)
    if newline != -1 and is_heading_only(text[start:newline], heading):
        return newline + 1
    return start


def quotable_spans(chunk: Chunk) -> list[tuple[int, int]]:
    """(start, end) offsets into ``chunk.text`` of its sentences, bare headings left out."""
    heading = chunk_heading(chunk)
    out = []
    for start, end in sentence_spans(chunk.text):
        start = drop_heading_line(chunk.text, start, end, heading)
        while start < end and chunk.text[start].isspace():
            start += 1
        sentence = chunk.text[start:end]
        if end - start >= MIN_SENTENCE_CHARS and not is_heading_only(sentence, heading):
            out.append((start, end))
    return out


def contextual_text(chunk: Chunk, start: int, end: int) -> str:
    """What is embedded for one sentence: 'short title › heading' on a line, then the sentence."""
    context = " › ".join(part for part in (chunk.info.short_title or chunk.doc_id, chunk_heading(chunk)) if part)
    return f"{context}\n{chunk.text[start:end]}"
