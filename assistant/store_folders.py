"""Where the embedded Chroma store lives in the data folder, one complete generation at a time.

Readers never see an index being written: an ingest that changes anything writes a new generation
folder beside the current one (a copy of it, or an empty one for ``--rebuild``), and only when it
is complete does the pointer file ``current-store`` name it (written beside and renamed over, so
the switch is atomic). A process that answers reads the pointer before each question and opens the
new generation when it changes: no restart. The generation before the current one is kept for
readers still finishing a question on it; older ones are removed by the next ingest.

A data folder written by an earlier version holds one store named ``chroma`` and no pointer: it is
read as the current generation. A folder that cannot be written (a read-only mount, an image) is
read from a private copy of its current generation, since Chroma writes even when only asked.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from .errors import DataDirUnusable, IndexCorrupt

POINTER = "current-store"
LEGACY = "chroma"
PREFIX = "chroma-"

_copies: dict[tuple[str, float], Path] = {}
_copies_lock = threading.Lock()


def check_data_dir(data_dir: Path) -> None:
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirUnusable(f"The data folder {data_dir} is a file, not a folder. Point LEGAL_ASSISTANT_DATA_DIR at a "
                              "folder (it is created if missing).")


def current_folder(data_dir: Path) -> Path | None:
    """The generation folder readers use now; None before the first ingest."""
    check_data_dir(data_dir)
    try:
        name = (data_dir / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        name = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"The index pointer {data_dir / POINTER} cannot be read ({exc}); rebuild the index with "
                           "`legal-assistant ingest --rebuild`.") from None
    if name:
        folder = data_dir / name
        if not name.startswith(PREFIX) or "/" in name or not folder.is_dir():
            raise IndexCorrupt(f"The index pointer {data_dir / POINTER} names {name[:80]!r}, which is not a store folder; "
                               "rebuild the index with `legal-assistant ingest --rebuild`.")
        return folder
    legacy = data_dir / LEGACY
    return legacy if legacy.is_dir() else None


def writable(folder: Path) -> bool:
    """Can this process write in the folder (and the files Chroma keeps there)?"""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    sqlite = folder / "chroma.sqlite3"
    return os.access(folder, os.W_OK) and (not sqlite.exists() or os.access(sqlite, os.W_OK))


def readable_copy(folder: Path) -> Path:
    """A private, writable copy of a generation folder this process cannot write, made once per
    process and generation, removed at exit."""
    key = (str(folder), (folder / "chroma.sqlite3").stat().st_mtime if (folder / "chroma.sqlite3").exists() else 0.0)
    with _copies_lock:
        if key not in _copies:
            target = Path(tempfile.mkdtemp(prefix="legal-assistant-readonly-")) / folder.name
            shutil.copytree(folder, target)
            atexit.register(shutil.rmtree, target.parent, True)
            _copies[key] = target
        return _copies[key]


def new_folder(data_dir: Path, copy_of: Path | None) -> Path:
    """A new generation folder: a copy of ``copy_of``, or empty."""
    check_data_dir(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        folder = data_dir / f"{PREFIX}{uuid.uuid4().hex[:12]}"
        if copy_of is not None:
            shutil.copytree(copy_of, folder)
        else:
            folder.mkdir()
    except OSError as exc:
        raise DataDirUnusable(f"Cannot write a new index into {data_dir} ({exc.strerror or exc}): the folder is read-only "
                              "or full. An index there can still be read; ingest into a writable folder.") from None
    return folder


def switch_to(data_dir: Path, folder: Path) -> None:
    """Make ``folder`` the current generation (atomically), then remove generations older than the
    previous one."""
    try:
        previous = current_folder(data_dir)
    except IndexCorrupt:  # a damaged pointer is what --rebuild repairs
        previous = None
    tmp = data_dir / f".{POINTER}.{uuid.uuid4().hex[:8]}"
    tmp.write_text(folder.name, encoding="utf-8")
    os.replace(tmp, data_dir / POINTER)
    keep = {folder.name, previous.name if previous is not None else ""}
    for old in data_dir.iterdir():
        if old.is_dir() and (old.name.startswith(PREFIX) or old.name == LEGACY) and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
