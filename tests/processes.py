"""For tests that start real servers as child processes (Chroma, llama_cpp.server, serve)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest


def wait_until_ok(url: str, proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    """Return once GET url answers 200; fail the test (with the end of the log) if the process exits
    or nothing answers in time. Child processes log to a file: a pipe nobody reads can fill and stall them."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{' '.join(map(str, proc.args[:3]))} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"nothing answered on {url}: {log.read_text(errors='replace')[-2000:]}")
