"""Scale-out with the real parts: a `chroma run` server on a temporary folder, the real e5 embedder,
`legal-assistant ingest` / `ask` as separate processes and two `legal-assistant serve` processes
sharing the one Chroma server (each with its own local cache folder).

- an ingest through the server is answered the same, citation for citation, by every process;
- a later ingest by one process reaches the serving processes without a restart;
- while the Chroma server is down, `ask` fails with one clear line and exit code 4, the API with a
  503; after the server restarts on the same folder, both work again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fakes import free_port, write_corpus
from processes import wait_until_ok

pytestmark = pytest.mark.integration

FINE = "What is the fine for living without registration for more than one month?"
QUOTA = "Do seasonal workers need a quota permit?"
QUOTA_ACT = """---
doc_id: quota-act
title: Demo Act on Seasonal Work Quotas
short_title: Quota Act
jurisdiction: KZ
kind: law
language: en
authentic: true
---

Article 1. Quota permits
1. Seasonal workers need a quota permit issued by the local executive body before they start work.
"""


class ChromaServer:
    """`chroma run --path DIR --port N` on loopback; stop() and start() again on the same folder."""

    def __init__(self, folder: Path, log: Path):
        self.folder, self.log, self.port = folder, log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        chroma = Path(sys.executable).with_name("chroma")
        with self.log.open("a") as sink:
            self.proc = subprocess.Popen([str(chroma), "run", "--path", str(self.folder), "--host", "127.0.0.1",
                                          "--port", str(self.port)], stdout=sink, stderr=subprocess.STDOUT)
        wait_until_ok(f"{self.url}/api/v2/heartbeat", self.proc, self.log)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture
def chroma(tmp_path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "chroma-server", tmp_path / "chroma.log")
    server.start()
    yield server
    server.stop()


def _env(chroma: ChromaServer, corpus: Path, data: Path) -> dict[str, str]:
    return {**os.environ, "LEGAL_ASSISTANT_CHROMA_URL": chroma.url, "LEGAL_ASSISTANT_CORPUS_DIR": str(corpus),
            "LEGAL_ASSISTANT_DATA_DIR": str(data), "LEGAL_ASSISTANT_EMBEDDING": "e5"}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def servers(chroma, tmp_path) -> Iterator[list[str]]:
    """Two `legal-assistant serve` processes on the Chroma server, started after a first ingest."""
    corpus = write_corpus(tmp_path / "corpus")
    ingest = _cli(_env(chroma, corpus, tmp_path / "app-a"), "ingest")
    assert ingest.returncode == 0, ingest.stderr
    procs, urls = [], []
    for name in ("app-b", "app-c"):
        port, log = free_port(), tmp_path / f"{name}.log"
        with log.open("w") as sink:
            procs.append(subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                                          env=_env(chroma, corpus, tmp_path / name), stdout=sink, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
        wait_until_ok(f"{urls[-1]}/api/health", procs[-1], log)
    yield urls
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=30)


def _citations(answer: dict) -> list[tuple]:
    return [(c["chunk_id"], c["label"], c["quote"]) for c in answer["citations"]]


def _api_ask(url: str, question: str) -> httpx.Response:
    return httpx.post(f"{url}/api/ask", json={"question": question}, timeout=120)


def test_processes_share_one_chroma_server(chroma, servers, tmp_path):
    corpus = tmp_path / "corpus"
    cli_env = _env(chroma, corpus, tmp_path / "app-d")

    # one ingest, the same answer from every process
    asked = _cli(cli_env, "ask", FINE, "--json")
    assert asked.returncode == 0, asked.stderr
    from_cli = json.loads(asked.stdout)
    from_b, from_c = (_api_ask(url, FINE).json() for url in servers)
    assert from_cli["status"] == from_b["status"] == from_c["status"] == "answered"
    assert _citations(from_cli) == _citations(from_b) == _citations(from_c)
    assert from_b["citations"][0]["doc_id"] == "demo-code"

    # an ingest by another process reaches the serving ones without a restart
    assert all(d["doc_id"] != "quota-act" for d in httpx.get(f"{servers[0]}/api/corpus").json()["documents"])
    (corpus / "quota.en.md").write_text(QUOTA_ACT, encoding="utf-8")
    ingest = _cli(cli_env, "ingest")
    assert ingest.returncode == 0 and "1 added" in ingest.stdout, ingest.stderr
    for url in servers:
        assert "quota-act" in {d["doc_id"] for d in httpx.get(f"{url}/api/corpus").json()["documents"]}
        answer = _api_ask(url, QUOTA).json()
        assert answer["hits"][0]["doc_id"] == "quota-act"

    # the Chroma server goes down: one clear line and exit 4 from the CLI, a 503 from the API
    chroma.stop()
    down = _cli(cli_env, "ask", FINE)
    assert down.returncode == 4
    assert down.stderr.strip().startswith(f"Error: Cannot reach the Chroma server at {chroma.url}")
    assert "Traceback" not in down.stderr and len(down.stderr.strip().splitlines()) == 1
    response = _api_ask(servers[0], FINE)
    assert response.status_code == 503 and "Cannot reach the Chroma server" in response.json()["error"]
    assert httpx.get(f"{servers[1]}/api/health").status_code == 503

    # restarted on the same folder: everything answers again, the serving processes included
    chroma.start()
    again = _cli(cli_env, "ask", FINE, "--json")
    assert again.returncode == 0, again.stderr
    assert _citations(json.loads(again.stdout)) == _citations(from_cli)
    for url in servers:
        response = _api_ask(url, FINE)
        assert response.status_code == 200 and _citations(response.json()) == _citations(from_cli)
