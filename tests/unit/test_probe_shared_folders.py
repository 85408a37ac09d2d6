"""Probes of issue 10, items 4 and 5, kept in the suite: processes that share a data folder, and data
folders that are damaged, read-only or not folders at all. Real child processes (the command line
with the fake embedder, tests/fake_cli.py) where processes are what is tested."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from assistant import Assistant, AssistantError, Settings
from fakes import FAKE_THRESHOLDS, FakeEmbeddings, write_corpus
from processes import fake_cli

FINE = "What is the fine for living without registration for more than one month?"
EXTRA = ("---\ndoc_id: quota-act\ntitle: Quota Act\njurisdiction: KZ\nlanguage: en\nsource: https://example.org/quota\n---\n\n"
         "Article 1. Quota\nSeasonal workers need a quota permit.\n")


def _bot(data: Path, corpus: Path, embeddings=None) -> Assistant:
    return Assistant(Settings(corpus_dir=corpus, data_dir=data, embedding="fake", **FAKE_THRESHOLDS),
                     embeddings=embeddings or FakeEmbeddings())


class SlowEmbeddings(FakeEmbeddings):
    def embed_documents(self, texts):
        time.sleep(0.05 * len(texts))
        return super().embed_documents(texts)


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    corpus = write_corpus(tmp_path / "corpus")
    _bot(tmp_path / "data", corpus).ingest(progress=False)
    return tmp_path / "data", corpus


def _one_line(result, code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


# ------------------------------------------------------------------ processes sharing a data folder
def test_two_rebuilds_at_once_both_succeed_and_leave_one_complete_index(built):
    data, corpus = built
    first = fake_cli(["ingest", "--rebuild"], data, corpus, delay=0.1, start=True)
    time.sleep(1.0)
    second = fake_cli(["ingest", "--rebuild"], data, corpus, delay=0.1, start=True)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert any("waiting for it to finish" in err for _, err in outputs)
    bot = _bot(data, corpus)
    clean = _bot(data.parent / "clean", corpus)
    clean.ingest(progress=False)
    assert sorted(bot.index.chunks) == sorted(clean.index.chunks) and bot.ask(FINE).status == "answered"
    assert len(list(data.glob("chroma-*"))) <= 2  # the current generation and the one before


def test_concurrent_ingests_of_different_corpora_leave_no_orphans(built, tmp_path):
    data, corpus = built
    other = write_corpus(tmp_path / "other", {"quota.en.md": EXTRA})
    runs = [fake_cli(["ingest", str(folder)], data, corpus, delay=0.05, start=True) for folder in (corpus, other)]
    assert [p.wait(timeout=120) for p in runs] == [0, 0]
    chunks = sorted(_bot(data, corpus).index.chunks)
    clean = {name: sorted(_bot(tmp_path / f"clean-{name}", folder).index.chunks if _bot(tmp_path / f"clean-{name}", folder)
                          .ingest(progress=False) else []) for name, folder in (("a", corpus), ("b", other))}
    assert chunks in (clean["a"], clean["b"])


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuild", "update"])
def test_a_reader_keeps_answering_during_a_rebuild_or_an_update(built, rebuild):
    data, corpus = built
    if not rebuild:  # an update that rewrites a file the answers quote
        path = corpus / "demo-code.en.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Living at a place", "Residing at a place"), encoding="utf-8")
    reader = _bot(data, corpus)
    assert reader.ask(FINE).status == "answered"
    statuses, errors, done = [], [], threading.Event()

    def ask_until_done():
        while not done.is_set():
            try:
                statuses.append(reader.ask(FINE).status)
            except Exception as exc:  # noqa: BLE001 - the probe counts every failure
                errors.append(repr(exc))

    thread = threading.Thread(target=ask_until_done)
    thread.start()
    try:
        _bot(data, corpus, SlowEmbeddings()).ingest(rebuild=rebuild, progress=False)
    finally:
        done.set()
        thread.join(timeout=60)
    assert errors == [] and statuses and set(statuses) == {"answered"}


def test_a_running_process_sees_a_rebuild_by_another_process_without_restarting(built):
    data, corpus = built
    reader = _bot(data, corpus)
    assert "quota-act" not in {d.doc_id for d in reader.documents()}
    (corpus / "quota.en.md").write_text(EXTRA, encoding="utf-8")
    result = fake_cli(["ingest", "--rebuild"], data, corpus)
    assert result.returncode == 0, result.stderr
    hits = reader.retrieve("seasonal workers quota permit", k=3, doc_id="quota-act")
    assert hits and hits[0].chunk.doc_id == "quota-act"


def test_a_killed_ingest_leaves_the_last_complete_index_answering(built):
    data, corpus = built
    (corpus / "quota.en.md").write_text(EXTRA, encoding="utf-8")
    running = fake_cli(["ingest", "--rebuild"], data, corpus, delay=0.5, start=True)
    time.sleep(4)
    running.kill()
    running.wait(timeout=30)
    assert fake_cli(["ask", FINE], data, corpus).returncode == 0
    assert fake_cli(["ingest"], data, corpus).returncode == 0
    assert "quota-act" in {d.doc_id for d in _bot(data, corpus).documents()}


# ------------------------------------------------------------------ data folders that are not what they should be
def test_a_data_folder_that_is_a_file_is_one_line_and_exit_4(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    (tmp_path / "data").write_text("not a folder", encoding="utf-8")
    for args in (["ask", FINE], ["ingest"]):
        assert "is a file, not a folder" in _one_line(fake_cli(args, tmp_path / "data", corpus), 4)
    with pytest.raises(AssistantError, match="is a file"):
        _bot(tmp_path / "data", corpus).ask(FINE)


def _damage(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.write(b"this is not a database " * 200)


def test_a_damaged_store_is_one_line_naming_rebuild_and_rebuild_repairs_it(built):
    data, corpus = built
    _damage(next(data.glob("chroma-*")) / "chroma.sqlite3")
    assert "--rebuild" in _one_line(fake_cli(["ask", FINE], data, corpus), 4)
    assert "--rebuild" in _one_line(fake_cli(["ingest"], data, corpus), 4)
    assert fake_cli(["ingest", "--rebuild"], data, corpus).returncode == 0
    assert fake_cli(["ask", FINE], data, corpus).returncode == 0


def test_a_damaged_pointer_is_one_line_and_rebuild_repairs_it(built):
    data, corpus = built
    (data / "current-store").write_text("../../etc", encoding="utf-8")
    assert "--rebuild" in _one_line(fake_cli(["ask", FINE], data, corpus), 4)
    assert fake_cli(["ingest", "--rebuild"], data, corpus).returncode == 0
    assert fake_cli(["ask", FINE], data, corpus).returncode == 0


@pytest.mark.parametrize("name", ["vectors.sqlite", "manifest.json", "chunks.jsonl", "bm25/version.txt"])
def test_a_damaged_cache_file_is_rebuilt_and_answers_go_on(built, name):
    data, corpus = built
    path = data / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00garbage{" * 100)
    result = fake_cli(["ask", FINE], data, corpus)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert fake_cli(["ingest"], data, corpus).returncode == 0


def _read_only(folder: Path) -> list[str]:
    """A command prefix that runs its command with ``folder`` mounted read-only (as root, in a
    mount namespace of its own), or chmod for other users."""
    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
        return []
    if not shutil.which("unshare"):
        pytest.skip("unshare is needed to mount a folder read-only as root")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a mount namespace here")
    script = f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh"]


def test_a_read_only_data_folder_still_answers_and_ingest_says_why_it_cannot_write(built):
    data, corpus = built
    wrap = _read_only(data)
    try:
        answered = fake_cli(["ask", FINE], data, corpus, wrap=wrap)
        assert answered.returncode == 0 and "seven monthly indicators" in answered.stdout, answered.stderr
        listed = fake_cli(["corpus"], data, corpus, wrap=wrap)
        assert listed.returncode == 0 and "demo-code" in listed.stdout
        (corpus / "quota.en.md").write_text(EXTRA, encoding="utf-8")
        assert "read-only" in _one_line(fake_cli(["ingest"], data, corpus, wrap=wrap), 4)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(data)], check=False)
