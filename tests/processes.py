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


TESTS = Path(__file__).resolve().parent


def fake_cli(args: list[str], data_dir: Path, corpus: Path, delay: float = 0.0, wrap: list[str] | None = None,
             start: bool = False, timeout: float = 120):
    """Run ``legal-assistant ARGS`` with the fake embedder in a child process; the finished process
    (stdout, stderr, returncode), or the running one with ``start``. ``wrap`` prefixes the command
    (e.g. to run it in another mount namespace)."""
    import os
    import sys

    env = {**os.environ, "LEGAL_ASSISTANT_DATA_DIR": str(data_dir), "LEGAL_ASSISTANT_CORPUS_DIR": str(corpus),
           "LEGAL_ASSISTANT_EMBEDDING": "fake", "FAKE_EMBED_DELAY": str(delay),
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    command = [*(wrap or []), sys.executable, str(TESTS / "fake_cli.py"), *args]
    if start:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
