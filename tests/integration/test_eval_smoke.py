"""Smoke evaluation on a few dev questions with the real e5 index: fails when the evaluation crashes
or when any citation points at a chunk the answer did not retrieve (citation validity < 1.0)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.evaluation import run_evaluation

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
SHARED_EVALS = REPO.parent / "shared" / "evals" / "dev.jsonl"

pytestmark = pytest.mark.integration

SMOKE_IDS = ("dev-reg-01", "dev-reg-09", "dev-eu-05", "dev-na-02")


@pytest.fixture
def smoke_questions(tmp_path: Path) -> Path:
    if not SHARED_EVALS.exists():
        pytest.skip("../shared/evals/dev.jsonl is not beside the repository")
    lines = [line for line in SHARED_EVALS.read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["id"] in SMOKE_IDS]
    assert len(lines) == len(SMOKE_IDS)
    path = tmp_path / "smoke.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_smoke_evaluation_cites_only_retrieved_chunks(real_assistant, smoke_questions, tmp_path):
    results = run_evaluation(smoke_questions, tmp_path / "out", k=5, assistant=real_assistant, progress=False)
    assert results["n_questions"] == len(SMOKE_IDS)
    assert results["answer"]["citation_validity"] == 1.0
    assert (tmp_path / "out" / "report.md").exists()


def test_eval_command_runs_end_to_end(real_assistant, smoke_questions, tmp_path):
    """The CLI in a fresh process, against the same (already built) index."""
    env = {"LEGAL_ASSISTANT_DATA_DIR": str(real_assistant.settings.data_dir), "LEGAL_ASSISTANT_CORPUS_DIR": str(SHARED_CORPUS),
           "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "eval", "--questions", str(smoke_questions),
                           "--output", str(tmp_path / "cli-out")], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads((tmp_path / "cli-out" / "results.json").read_text(encoding="utf-8"))
    assert results["answer"]["citation_validity"] == 1.0
    assert "hit@5" in proc.stdout
