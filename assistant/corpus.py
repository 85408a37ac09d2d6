"""Read a folder of corpus files into SourceDocs.

Markdown with YAML front matter is the native format (keys in docs/design.md; unknown keys are
kept). Plain ``.md``, ``.txt``, ``.html`` and ``.pdf`` files without front matter are accepted
too: doc_id comes from the file name and the language from the script of the text. For HTML and
PDF, character offsets refer to the extracted text.

A file that cannot be read is reported as a ``CorpusFileError`` and skipped; the rest is loaded.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import CorpusFileError, CorpusNotFound
from .types import DocInfo, SourceDoc

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
_LANG_SUFFIX = re.compile(r"\.(en|ru|kk|zh|de|fr)$")
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@dataclass
class LoadResult:
    docs: list[SourceDoc] = field(default_factory=list)
    problems: list[CorpusFileError] = field(default_factory=list)


def corpus_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise CorpusNotFound(
            f"Corpus folder {folder} does not exist. Point LEGAL_ASSISTANT_CORPUS_DIR (or the DIR "
            "argument of `legal-assistant ingest`) at a folder of .md/.txt/.html/.pdf files."
        )
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def load_corpus(folder: Path) -> LoadResult:
    """Load every readable file; collect a problem for each file that is not."""
    result = LoadResult()
    seen: dict[tuple[str, str], str] = {}
    for path in corpus_files(folder):
        name = str(path.relative_to(folder))
        try:
            doc = load_file(path, name=name)
        except CorpusFileError as problem:
            result.problems.append(problem)
            continue
        key = (doc.doc_id, doc.language)
        if key in seen:
            result.problems.append(
                CorpusFileError(name, f"duplicate doc_id {doc.doc_id!r} in language {doc.language!r} "
                                      f"(already loaded from {seen[key]})")
            )
            continue
        seen[key] = name
        result.docs.append(doc)
    return result


def load_file(path: Path, name: str | None = None) -> SourceDoc:
    name = name or path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusFileError(name, f"cannot be read ({exc.strerror or exc})") from None
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(raw, name)
    else:
        text = _decode(raw, name)
        if suffix in (".html", ".htm"):
            text = html_to_text(text)
    if not text.strip():
        raise CorpusFileError(name, "is empty")
    meta, body_start = split_front_matter(text, name)
    return SourceDoc(info=doc_info(meta, path, text[body_start:]), text=text, body_start=body_start, metadata=meta)


def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:8192]:
        raise CorpusFileError(name, "looks binary (NUL bytes), not a text document")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusFileError(name, f"is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from None
    return text.removeprefix("\ufeff")


def _pdf_text(raw: bytes, name: str) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        return "\n\n".join((page.extract_text() or "") for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise CorpusFileError(name, f"is not a readable PDF ({exc})") from None


def split_front_matter(text: str, name: str = "") -> tuple[dict[str, Any], int]:
    """Return (front matter, offset where the body starts). No front matter -> ({}, 0)."""
    if not text.startswith("---"):
        return {}, 0
    first_newline = text.find("\n")
    if text[:first_newline].strip() != "---":
        return {}, 0
    match = re.compile(r"^---[ \t]*$", re.M).search(text, first_newline + 1)
    if match is None:
        raise CorpusFileError(name, "front matter opened with '---' is never closed")
    try:
        meta = yaml.safe_load(text[first_newline + 1:match.start()]) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" near line {where.line + 2}" if where else ""
        raise CorpusFileError(name, f"front matter is not valid YAML{line}") from None
    if not isinstance(meta, dict):
        raise CorpusFileError(name, "front matter is not a mapping of keys to values")
    end = match.end()
    if text[end:end + 1] == "\n":
        end += 1
    return meta, end


def doc_info(meta: dict[str, Any], path: Path, body: str) -> DocInfo:
    stem = path.name.split(".")[0] if meta.get("doc_id") is None else ""
    file_lang = _LANG_SUFFIX.search(path.stem)
    language = str(meta.get("language") or (file_lang.group(1) if file_lang else guess_language(body)))
    doc_id = str(meta.get("doc_id") or stem)
    title = str(meta.get("title") or _first_heading(body) or doc_id)
    return DocInfo(
        doc_id=doc_id,
        language=language,
        title=title,
        short_title=str(meta.get("short_title") or title[:80]),
        jurisdiction=str(meta.get("jurisdiction") or ""),
        kind=str(meta.get("kind") or "document"),
        authentic=bool(meta.get("authentic", True)),
        in_force_from=_str(meta.get("in_force_from")),
        in_force_until=_str(meta.get("in_force_until")),
        superseded_by=_str(meta.get("superseded_by")),
        completeness=_str(meta.get("completeness")),
        source_file=path.name,
    )


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _first_heading(body: str) -> str:
    for line in body.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:200]
    return ""


def guess_language(text: str) -> str:
    """Script-based guess: zh (Han), kk (Cyrillic with Kazakh letters), ru (Cyrillic), else en."""
    sample = text[:20000]
    han = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    cyr = sum(1 for ch in sample if "\u0400" <= ch <= "\u04ff")
    lat = sum(1 for ch in sample if ch.isascii() and ch.isalpha())
    if han > max(cyr, lat) / 2:
        return "zh"
    if cyr > lat:
        kaz = sum(1 for ch in sample if ch in _KAZAKH_LETTERS)
        return "kk" if kaz > cyr * 0.01 else "ru"
    return "en"


class _TextExtractor(html.parser.HTMLParser):
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
        if tag in ("h1", "h2", "h3", "h4"):
            self.parts.append("#" * int(tag[1]) + " ")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextExtractor()
    parser.feed(markup)
    text = "".join(parser.parts)
    return re.sub(r"\n\s*\n\s*\n+", "\n\n", text).strip() + "\n"
