"""One ingest at a time per data folder, across processes: an advisory lock (``fcntl.flock``) on
``data_dir/ingest.lock``. A second ``ingest`` (or ``ingest --rebuild``) waits for the first to
finish, says that it waits, then does its own work on the result; nothing is lost and nothing
crashes. The lock is released when its holder ends, even by ``kill -9``."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import DataDirUnusable
from .store_folders import check_data_dir

LOCK_FILE = "ingest.lock"


@contextlib.contextmanager
def ingest_lock(data_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    check_data_dir(data_dir)
    path = Path(data_dir) / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DataDirUnusable(f"Cannot ingest into {data_dir} ({exc.strerror or exc}): the folder is read-only or cannot be "
                              "created. An index there can still be read; ingest into a writable folder.") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"Another ingest into {data_dir} is running; waiting for it to finish…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
