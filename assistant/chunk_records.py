"""How a chunk is kept in the Chroma collection, which is the source of truth: the chunk's text is
the record's document, and everything else about it (document, title, article, paragraph, label,
language, jurisdiction, legal status, offsets, role, the file it came from) is flat metadata, so
that any process reading the collection, embedded or through a Chroma server, can rebuild the
chunk exactly. Pure functions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .types import Chunk, DocInfo

# Bump when the metadata layout changes; records of another schema are upgraded by ingest.
RECORD_SCHEMA = 3  # 3: the document's provenance (source, official)


@dataclass(frozen=True)
class Provenance:
    """Where a stored chunk came from: the corpus file, its content hash, the chunk's place in it."""

    source_file: str
    file_sha256: str
    seq: int


def chunk_metadata(chunk: Chunk, provenance: Provenance) -> dict[str, Any]:
    """The record metadata of a chunk. Chroma keeps only str, int, float and bool values, and drops
    None: absent values are stored as empty strings, the heading path as a JSON list."""
    info = chunk.info
    return {
        "schema": RECORD_SCHEMA,
        "doc_id": info.doc_id,
        "language": info.language,
        "title": info.title,
        "short_title": info.short_title,
        "jurisdiction": info.jurisdiction,
        "kind": info.kind,
        "authentic": bool(info.authentic),
        "in_force": info.in_force(),
        "in_force_from": info.in_force_from,
        "in_force_until": info.in_force_until,
        "superseded_by": info.superseded_by,
        "completeness": info.completeness,
        "source": info.source,
        "official": bool(info.official),
        "article": chunk.article or "",
        "paragraph": chunk.paragraph or "",
        "label": chunk.label(),
        "heading_path": json.dumps(list(chunk.heading_path), ensure_ascii=False),
        "role": chunk.role,
        "start": chunk.start,
        "end": chunk.end,
        "source_file": provenance.source_file,
        "file_sha256": provenance.file_sha256,
        "seq": provenance.seq,
    }


def is_current(metadata: Mapping[str, Any] | None) -> bool:
    """True for a record written with this schema (older records carry no text)."""
    return bool(metadata) and metadata.get("schema") == RECORD_SCHEMA


def chunk_from_record(chunk_id: str, document: str, metadata: Mapping[str, Any]) -> Chunk:
    info = DocInfo(
        doc_id=str(metadata["doc_id"]),
        language=str(metadata["language"]),
        title=str(metadata.get("title", "")),
        short_title=str(metadata.get("short_title", "")),
        jurisdiction=str(metadata.get("jurisdiction", "")),
        kind=str(metadata.get("kind", "")),
        authentic=bool(metadata.get("authentic", True)),
        in_force_from=str(metadata.get("in_force_from", "")),
        in_force_until=str(metadata.get("in_force_until", "")),
        superseded_by=str(metadata.get("superseded_by", "")),
        completeness=str(metadata.get("completeness", "")),
        source_file=str(metadata.get("source_file", "")),
        source=str(metadata.get("source", "")),
        official=metadata.get("official") is True,
    )
    return Chunk(
        id=chunk_id,
        info=info,
        text=document,
        start=int(metadata["start"]),
        end=int(metadata["end"]),
        article=str(metadata.get("article") or "") or None,
        paragraph=str(metadata.get("paragraph") or "") or None,
        heading_path=tuple(json.loads(metadata.get("heading_path") or "[]")),
        role=metadata.get("role", "provision"),
    )


def provenance_of(metadata: Mapping[str, Any]) -> Provenance:
    return Provenance(str(metadata.get("source_file", "")), str(metadata.get("file_sha256", "")),
                      int(metadata.get("seq", 0)))
