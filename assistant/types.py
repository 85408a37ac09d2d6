"""The data the package passes around: SourceDoc -> Chunk -> Hit -> Citation -> Answer."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh", "zh": "Chinese"}
ChunkRole = Literal["provision", "footnote", "table", "text", "bibliography"]
AnswerStatus = Literal["answered", "not_found"]
# The version of the answer's JSON (`ask --json`, POST /api/ask, the UI's `ask` endpoint); fields
# are only added within a version.
JSON_SCHEMA_VERSION = 1


def _parse_date(value: Any) -> date | None:
    if value in (None, "", "null"):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class DocInfo:
    """Document-level facts every chunk of a document carries."""

    doc_id: str
    language: str
    title: str
    short_title: str
    jurisdiction: str = ""
    kind: str = ""
    authentic: bool = True
    in_force_from: str = ""
    in_force_until: str = ""
    superseded_by: str = ""
    completeness: str = ""
    source_file: str = ""
    source: str = ""  # where the text was taken from (front matter ``source``); empty: unverified
    official: bool = False  # front matter ``official: true``: the text is the official publication

    def in_force(self, on: date | None = None) -> bool:
        until = _parse_date(self.in_force_until)
        return until is None or until > (on or date.today())

    @property
    def verified(self) -> bool:
        """Does the document say where its text comes from? One that does not is unverified."""
        return bool(self.source.strip())

    def standing(self) -> tuple[int, int, int, int]:
        """How far the text can be relied on, best first when sorted in reverse: a stated source,
        the official publication, the authentic language version, in force."""
        return int(self.verified), int(self.official), int(self.authentic), int(self.in_force())

    def is_fragmentary(self) -> bool:
        """True unless the completeness note calls this language version complete. A note may
        speak per language ("Russian: complete. English: PARTIAL ..."); otherwise it must start
        with COMPLETE."""
        name = LANGUAGE_NAMES.get(self.language)
        per_language = re.search(rf"\b{name}\s*:\s*(\w+)", self.completeness, re.I) if name else None
        if per_language:
            return not per_language.group(1).lower().startswith("complete")
        text = self.completeness.upper()
        return bool(text) and not text.startswith("COMPLETE")


class _OfDocument:
    """What a piece of a document says about its document: ``doc_id`` and ``language`` (from ``info``)."""

    info: DocInfo

    @property
    def doc_id(self) -> str:
        return self.info.doc_id

    @property
    def language(self) -> str:
        return self.info.language


@dataclass(frozen=True)
class SourceDoc(_OfDocument):
    """One corpus file: its text, where the body starts, and its front matter."""

    info: DocInfo
    text: str
    body_start: int
    metadata: dict[str, Any] = field(default_factory=dict)
    id_salt: str = ""  # set when several files claim this doc_id and language: their chunks get ids of their own

    @property
    def body(self) -> str:
        return self.text[self.body_start:]


@dataclass(frozen=True)
class Chunk(_OfDocument):
    """A provision-level piece of a document. ``text == source_text[start:end]``."""

    id: str
    info: DocInfo
    text: str
    start: int
    end: int
    article: str | None = None
    paragraph: str | None = None
    heading_path: tuple[str, ...] = ()
    role: ChunkRole = "provision"

    def label(self, paragraph: str | None = None) -> str:
        """Human citation label, e.g. 'Code on Administrative Offences (KZ), Art. 492(2)'.
        ``paragraph`` overrides the chunk's own paragraph range (a quote may sit in one paragraph)."""
        parts = [self.info.short_title or self.info.title or self.doc_id]
        paragraph = paragraph or self.paragraph
        if self.article == "preamble":
            parts.append("preamble")
        elif self.article:
            parts.append(f"Art. {self.article}" + (f"({paragraph})" if paragraph else ""))
        elif self.heading_path:
            parts.append(self.heading_path[-1])
        return ", ".join(parts)

    def search_text(self) -> str:
        """What the rankers see: the heading path, then the text."""
        return " › ".join(self.heading_path) + "\n" + self.text if self.heading_path else self.text


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and each ranker's rank (1-based; None = not ranked)."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None
    reference_match: bool = False
    dense_similarity: float | None = None
    sentence_similarity: float | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    chunk_id: str
    doc_id: str
    short_title: str
    article: str | None
    paragraph: str | None
    quote: str
    language: str
    authentic: bool
    in_force: bool
    label: str
    note: str = ""
    verified: bool = True  # False: the document names no source; the note says so
    official: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    text: str
    status: AnswerStatus
    citations: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, float] = field(default_factory=dict)
    query: str = ""
    mode: str = "extractive"
    settings_hash: str = ""
    # LLM mode: whether a model answered, and which of its sentences verification dropped and why
    verification: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "query": self.query,
            "status": self.status,
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "warnings": list(self.warnings),
            "hits": [
                {
                    "chunk_id": h.chunk.id,
                    "doc_id": h.chunk.doc_id,
                    "language": h.chunk.language,
                    "article": h.chunk.article,
                    "paragraph": h.chunk.paragraph,
                    "score": round(h.score, 6),
                    "dense_rank": h.dense_rank,
                    "bm25_rank": h.bm25_rank,
                }
                for h in self.hits
            ],
            "timings_ms": {k: round(v, 1) for k, v in self.timings.items()},
            "evidence": dict(self.evidence),
            "mode": self.mode,
            "settings_hash": self.settings_hash,
            "verification": self.verification,
        }

    def to_json(self) -> dict[str, Any]:
        """The answer as every front door serves it: ``to_dict()`` with the schema version."""
        return {"schema_version": JSON_SCHEMA_VERSION, **self.to_dict()}
