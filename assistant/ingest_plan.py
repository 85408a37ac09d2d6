"""What an ingest must do, decided without touching the store: which files are new, changed,
gone or unchanged, which chunks to write and which to delete. Pure: the index carries the plan out.

A file is unchanged when its content hash (which also covers the chunker version and size cap)
matches what the store holds for it; then none of its chunks is touched. A file that is still in
the folder but cannot be read now keeps its stored chunks: nothing is lost to a bad edit."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .chunk_records import Provenance
from .chunking import CHUNKER_VERSION
from .types import Chunk, SourceDoc


@dataclass(frozen=True)
class StoredFile:
    """What the store holds for one corpus file: its content hash and its chunks, in file order."""

    sha256: str
    chunk_ids: tuple[str, ...]


@dataclass
class FileChanges:
    """Corpus files by what an ingest does with them (names as the loader gives them)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why it cannot be read)


@dataclass
class IngestPlan(FileChanges):
    keep: list[str] = field(default_factory=list)  # stored chunk ids that stay as they are
    write: list[tuple[Chunk, Provenance]] = field(default_factory=list)  # chunks of new or changed files
    delete: list[str] = field(default_factory=list)  # stored chunk ids no file wants any more

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.write or self.delete)

    def chunk_count(self) -> int:
        return len(self.keep) + len(self.write)


def file_hash(text: str, max_chars: int) -> str:
    """The content hash of a corpus file under the current chunking rules."""
    return hashlib.sha256(f"{CHUNKER_VERSION}\n{max_chars}\n{text}".encode()).hexdigest()


def stored_files(provenances: Iterable[tuple[str, Provenance]]) -> dict[str, StoredFile]:
    """Group stored chunks (id, provenance) by file, each file's chunks in their order in the file."""
    grouped: dict[str, list[tuple[int, str, str]]] = {}
    for chunk_id, prov in provenances:
        grouped.setdefault(prov.source_file, []).append((prov.seq, chunk_id, prov.file_sha256))
    out = {}
    for name, rows in grouped.items():
        rows.sort()
        out[name] = StoredFile(sha256=rows[0][2], chunk_ids=tuple(cid for _, cid, _ in rows))
    return out


def plan_ingest(stored: Mapping[str, StoredFile], docs: Sequence[SourceDoc], problems: Sequence[tuple[str, str]],
                digest: Callable[[SourceDoc], str], split: Callable[[SourceDoc], list[Chunk]]) -> IngestPlan:
    plan = IngestPlan(skipped=list(problems))
    wanted: set[str] = set()
    seen_files: set[str] = set()
    for doc in docs:
        name = doc.info.source_file
        seen_files.add(name)
        sha = digest(doc)
        previous = stored.get(name)
        if previous and previous.sha256 == sha:
            plan.unchanged.append(name)
            plan.keep.extend(cid for cid in previous.chunk_ids if cid not in wanted)
            wanted.update(previous.chunk_ids)
            continue
        (plan.updated if previous else plan.added).append(name)
        for seq, chunk in enumerate(split(doc)):
            if chunk.id not in wanted:
                plan.write.append((chunk, Provenance(name, sha, seq)))
                wanted.add(chunk.id)
    unreadable = {Path(name).name for name, _ in problems}
    for name, previous in stored.items():
        if name in seen_files:
            continue
        if Path(name).name in unreadable:
            plan.keep.extend(cid for cid in previous.chunk_ids if cid not in wanted)
            wanted.update(previous.chunk_ids)
        else:
            plan.removed.append(name)
    plan.delete = [cid for previous in stored.values() for cid in previous.chunk_ids if cid not in wanted]
    return plan
