"""Read a folder of corpus files into SourceDocs.

Markdown with YAML front matter is the native format (keys in docs/design.md; unknown keys are
kept). Plain ``.md``, ``.txt``, ``.html`` and ``.pdf`` files without front matter are accepted
too: doc_id comes from the file name and the language from the script of the text. For HTML and
PDF, character offsets refer to the extracted text.

A file that cannot be read is reported as a ``CorpusFileError`` and skipped; the rest is loaded.
So is a file the loader must not trust: a symbolic link that leads out of the corpus folder, a file
over the size cap, front matter whose values have the wrong type (``authentic: 'false'`` is a
string, not false; ``doc_id: [1, 2]`` is a list) or whose title reads as an instruction. Two files
that claim the same doc_id and language are both loaded, each with chunk ids of its own, and reported
with both names: neither is silently preferred (answers that quote them where they differ say so).
"""

from __future__ import annotations

import html.parser
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import CorpusFileError, CorpusNotFound
from .guard import looks_like_instruction
from .types import DocInfo, SourceDoc

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
_LANG_SUFFIX = re.compile(r"\.(en|ru|kk|zh|de|fr)$")
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Front-matter keys with a fixed type (None is allowed for every one: the key is then absent).
_TEXT_KEYS = ("doc_id", "title", "short_title", "jurisdiction", "kind", "language", "completeness", "source",
              "license", "superseded_by", "supersedes")
_FLAG_KEYS = ("authentic", "official")
_DATE_KEYS = ("adopted", "in_force_from", "in_force_until")


@dataclass
class LoadResult:
    docs: list[SourceDoc] = field(default_factory=list)
    problems: list[CorpusFileError] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # one line per doc_id + language claimed by several files


def corpus_files(folder: Path) -> list[Path]:
    """Every file of a corpus suffix under the folder, symbolic links included (``load_corpus``
    refuses those that lead outside it); linked folders are not entered."""
    if not folder.is_dir():
        raise CorpusNotFound(
            f"Corpus folder {folder} does not exist. Point LEGAL_ASSISTANT_CORPUS_DIR (or the DIR "
            "argument of `legal-assistant ingest`) at a folder of .md/.txt/.html/.pdf files."
        )
    found = []
    for root, _dirs, names in os.walk(folder, followlinks=False):
        found += [Path(root) / n for n in names if Path(n).suffix.lower() in SUFFIXES]
    return sorted(found)


def load_corpus(folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadResult:
    """Load every readable file; collect a problem for each file that is not."""
    result = LoadResult()
    root = folder.resolve() if folder.is_dir() else folder
    claimed: dict[tuple[str, str], list[SourceDoc]] = {}
    for path in corpus_files(folder):
        name = str(path.relative_to(folder))
        try:
            doc = load_file(path, name=name, root=root, max_bytes=max_bytes)
        except CorpusFileError as problem:
            result.problems.append(problem)
            continue
        claimed.setdefault((doc.doc_id, doc.language), []).append(doc)
    for (doc_id, language), docs in claimed.items():
        if len(docs) > 1:
            names = [d.info.source_file for d in docs]
            result.duplicates.append(f"doc_id {doc_id!r} in language {language!r} is claimed by {len(docs)} files: "
                                     f"{', '.join(names)}; all are indexed and none is preferred (answers quoting them "
                                     "where they differ say so). Give each its own doc_id, or remove all but one.")
            docs = [SourceDoc(info=d.info, text=d.text, body_start=d.body_start, metadata=d.metadata,
                              id_salt=d.info.source_file) for d in docs]
        result.docs.extend(docs)
    result.docs.sort(key=lambda d: d.info.source_file)
    return result


def inside(path: Path, root: Path) -> bool:
    """Does the path, with every link followed, lie within the root folder?"""
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def load_file(path: Path, name: str | None = None, root: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDoc:
    name = name or path.name
    if root is not None and not inside(path, root):
        raise CorpusFileError(name, "is a symbolic link to a file outside the corpus folder; skipped (copy the file in instead)")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusFileError(name, f"is {size / 1024 / 1024:.1f} MB, over the limit of {max_bytes / 1024 / 1024:g} MB per "
                                        "file; skipped (raise LEGAL_ASSISTANT_MAX_FILE_MB to take it)")
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
    check_front_matter(meta, name)
    return SourceDoc(info=doc_info(meta, path, text[body_start:]), text=text, body_start=body_start, metadata=meta)


def check_front_matter(meta: dict[str, Any], name: str) -> None:
    """Each known key has its type: text, true/false, or a date (YYYY-MM-DD); a title does not
    address the assistant. The first offence is the file's problem."""
    for key in _TEXT_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise CorpusFileError(name, f"front matter key {key!r} must be text, not {_kind(value)} {value!r} "
                                        "(put it in quotes if it is meant as text)")
    for key in _FLAG_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, bool):
            raise CorpusFileError(name, f"front matter key {key!r} must be true or false, not {_kind(value)} {value!r}")
    for key in _DATE_KEYS:
        value = meta.get(key)
        if value is not None and not isinstance(value, date) and not (isinstance(value, str) and _is_date(value)):
            raise CorpusFileError(name, f"front matter key {key!r} must be a date (YYYY-MM-DD), not {value!r}")
    if isinstance(meta.get("doc_id"), str) and not re.fullmatch(r"[\w.-]{1,200}", meta["doc_id"]):
        raise CorpusFileError(name, f"front matter doc_id {meta['doc_id']!r} must be letters, digits, '-', '_' or '.'")
    for key in ("title", "short_title"):
        if isinstance(meta.get(key), str) and looks_like_instruction(meta[key]):
            raise CorpusFileError(name, f"front matter {key} reads as an instruction to the assistant, not a title")


def _kind(value: Any) -> str:
    return {bool: "the boolean", int: "the number", float: "the number", list: "the list", dict: "the mapping",
            str: "the string"}.get(type(value), type(value).__name__)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text.strip()[:10])
    except ValueError:
        return False
    return True


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
        authentic=meta.get("authentic") is not False,
        in_force_from=_str(meta.get("in_force_from")),
        in_force_until=_str(meta.get("in_force_until")),
        superseded_by=_str(meta.get("superseded_by")),
        completeness=_str(meta.get("completeness")),
        source_file=path.name,
        source=_str(meta.get("source")).strip(),
        official=meta.get("official") is True,
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
