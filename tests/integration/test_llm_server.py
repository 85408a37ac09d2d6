"""LLM mode against a real inference server: `python -m llama_cpp.server` (installed by the `llm`
extra) serving the tiny SmolLM2 GGUF on a loopback port, and `legal-assistant ask --mode llm` with
the openai backend, end to end in a separate process. Then the server stops, and the same command
says that no language model answered. The model is too small to be right; this shows the plumbing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SHARED_CORPUS
from fakes import free_port
from processes import wait_until_ok

pytestmark = [pytest.mark.integration, pytest.mark.llm]

QUESTION = "What is the fine for living without registration for more than a month?"


@pytest.fixture
def llm_server(smollm2_gguf, tmp_path) -> Iterator[tuple[str, subprocess.Popen]]:
    pytest.importorskip("llama_cpp.server.app", reason="the llm extra installs what llama_cpp.server needs")
    port = free_port()
    log = tmp_path / "llama-server.log"  # a file, not a pipe: llama.cpp logs enough to fill a pipe and stall
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(smollm2_gguf), "--host",
                                 "127.0.0.1", "--port", str(port), "--n_ctx", "4096"], stdout=sink, stderr=subprocess.STDOUT)
    try:
        wait_until_ok(f"http://127.0.0.1:{port}/v1/models", proc, log)
        yield f"http://127.0.0.1:{port}/v1", proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _ask_llm(base_url: str, data_dir: Path) -> tuple[int, dict]:
    env = {**os.environ, "LEGAL_ASSISTANT_DATA_DIR": str(data_dir), "LEGAL_ASSISTANT_CORPUS_DIR": str(SHARED_CORPUS),
           "LEGAL_ASSISTANT_LLM_BACKEND": "openai", "LEGAL_ASSISTANT_LLM_BASE_URL": base_url,
           "LEGAL_ASSISTANT_LLM_MAX_TOKENS": "120", "LEGAL_ASSISTANT_LLM_TIMEOUT_S": "300"}
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", QUESTION, "--mode", "llm", "--json"], env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_ask_in_llm_mode_through_a_real_llama_cpp_server(real_assistant, llm_server):
    base_url, server = llm_server
    _, answer = _ask_llm(base_url, real_assistant.settings.data_dir)
    assert answer["mode"] == "llm" and answer["verification"]["model_answered"] is True
    assert not any(w.startswith("No language model answered") for w in answer["warnings"])
    assert {c["chunk_id"] for c in answer["citations"]} <= {h["chunk_id"] for h in answer["hits"]}
    dropped = answer["verification"]["dropped"]
    assert all(d["reason"] and d["sentence"] for d in dropped)
    if answer["verification"]["kept"] == 0 and answer["status"] == "answered":
        assert "could not be verified" in answer["warnings"][0]  # the extractive answer, and why

    server.terminate()
    server.wait(timeout=30)
    code, answer = _ask_llm(base_url, real_assistant.settings.data_dir)
    assert code == 0 and answer["status"] == "answered" and answer["citations"]  # the extractive answer
    assert answer["warnings"][0].startswith("No language model answered")
    assert answer["verification"]["model_answered"] is False
