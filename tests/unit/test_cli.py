"""The `legal-assistant` command over the small synthetic corpus and the fake embedder: exit codes,
the --json schema, clean error messages."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant import Assistant, Settings, __version__
from assistant import cli as cli_module
from assistant.cli import cli

ANSWERABLE = "What is the fine for living without registration for more than one month?"
UNANSWERABLE = "What is the price of bread on Mars?"
ANSWER_KEYS = {"schema_version", "question", "query", "status", "text", "citations", "warnings", "hits",
               "timings_ms", "evidence", "mode", "settings_hash", "verification"}
CITATION_KEYS = {"n", "chunk_id", "doc_id", "short_title", "article", "paragraph", "quote", "language",
                 "authentic", "in_force", "label", "note", "verified", "official"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def use(monkeypatch):
    """Make the CLI use the given Assistant."""

    def _use(bot: Assistant) -> Assistant:
        monkeypatch.setattr(cli_module, "_assistant", lambda: bot)
        return bot

    return _use


@pytest.fixture
def with_index(use, fake_assistant) -> Assistant:
    return use(fake_assistant)


@pytest.fixture
def without_index(use, tmp_path, small_corpus, fake_embeddings) -> Assistant:
    settings = Settings(corpus_dir=small_corpus, data_dir=tmp_path / "empty", embedding="fake")
    return use(Assistant(settings, embeddings=fake_embeddings))


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"legal-assistant, version {__version__}"


def test_help_documents_exit_codes(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output
    for command in ("ingest", "ask", "chat", "serve", "corpus", "eval", "bench"):
        assert command in result.output


def test_ask_answers_with_numbered_sources(runner, with_index):
    result = runner.invoke(cli, ["ask", ANSWERABLE])
    assert result.exit_code == 0, result.output
    assert "Demo Code, Art. 7(1) («Living without registration») provides [1]" in result.stdout
    assert "Sources:\n  [1] Demo Code, Art. 7(1) (English, authentic text, in force)" in result.stdout


def test_ask_json_schema(runner, with_index):
    result = runner.invoke(cli, ["ask", "--json", ANSWERABLE])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == ANSWER_KEYS
    assert data["schema_version"] == 1
    assert data["status"] == "answered"
    assert data["question"] == ANSWERABLE
    assert set(data["citations"][0]) == CITATION_KEYS
    assert data["citations"][0]["n"] == 1 and data["citations"][0]["article"] == "7"
    assert set(data["hits"][0]) == {"chunk_id", "doc_id", "language", "article", "paragraph", "score",
                                    "dense_rank", "bm25_rank"}


def test_ask_json_is_unicode_not_escaped(runner, with_index):
    result = runner.invoke(cli, ["ask", "--json", "Какой штраф за проживание без регистрации?"])
    assert result.exit_code in (0, 1)
    assert "Какой штраф" in result.stdout


def test_ask_not_found_exits_1(runner, with_index):
    result = runner.invoke(cli, ["ask", UNANSWERABLE])
    assert result.exit_code == 1
    assert result.stdout.startswith("Not found in the corpus")
    data = json.loads(runner.invoke(cli, ["ask", "--json", UNANSWERABLE]).stdout)
    assert data["status"] == "not_found" and data["citations"] == []


def test_ask_passes_filters(runner, use, fake_assistant, monkeypatch):
    seen = {}

    def spy(question, **options):
        seen.update(options)
        return Assistant.ask(fake_assistant, question, **options)

    monkeypatch.setattr(fake_assistant, "ask", spy)
    use(fake_assistant)
    result = runner.invoke(cli, ["ask", ANSWERABLE, "--jurisdiction", "kz", "--language", "EN", "--k", "3",
                                 "--mode", "extractive"])
    assert result.exit_code == 0
    assert seen == {"jurisdiction": "KZ", "language": "en", "k": 3, "mode": "extractive"}


def test_jurisdiction_filter_excludes_other_sources(runner, with_index):
    data = json.loads(runner.invoke(cli, ["ask", "--json", ANSWERABLE, "--jurisdiction", "EU"]).stdout)
    assert all(h["doc_id"] == "eu-fragment" for h in data["hits"])


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question_is_a_usage_error(runner, with_index, question):
    result = runner.invoke(cli, ["ask", question])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error: The question is empty" in result.stderr
    assert "Traceback" not in result.output


def test_missing_index_names_the_ingest_command(runner, without_index):
    result = runner.invoke(cli, ["ask", ANSWERABLE])
    assert result.exit_code == 3
    assert "legal-assistant ingest" in result.stderr
    assert "Traceback" not in result.output
    assert runner.invoke(cli, ["corpus"]).exit_code == 3
    assert runner.invoke(cli, ["chat"], input="hello\n").exit_code == 3


def test_other_library_errors_exit_4(runner, use, tmp_path, fake_embeddings):
    settings = Settings(corpus_dir=tmp_path / "nowhere", data_dir=tmp_path / "data", embedding="fake")
    use(Assistant(settings, embeddings=fake_embeddings))
    result = runner.invoke(cli, ["ingest"])
    assert result.exit_code == 4, result.output
    assert "Error: " in result.stderr and "corpus" in result.stderr.lower()
    assert "Traceback" not in result.output


def test_bad_option_is_a_usage_error(runner, with_index):
    assert runner.invoke(cli, ["ask", ANSWERABLE, "--mode", "oracle"]).exit_code == 2
    assert runner.invoke(cli, ["ask"]).exit_code == 2


def test_a_bad_setting_in_the_environment_is_one_line_and_a_usage_error(monkeypatch, capsys):
    monkeypatch.setenv("LEGAL_ASSISTANT_EMBEDDING_PRECISION", "fp8")
    monkeypatch.setattr("sys.argv", ["legal-assistant", "corpus"])
    with pytest.raises(SystemExit) as stop:
        cli_module.main()
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.count("\n") == 1 and "LEGAL_ASSISTANT_EMBEDDING_PRECISION='fp8'" in err and "'bf16'" in err


def test_ingest_prints_summary_and_is_incremental(runner, without_index, small_corpus):
    first = runner.invoke(cli, ["ingest", str(small_corpus)])
    assert first.exit_code == 0, first.output
    assert "5 added" in first.stdout
    again = runner.invoke(cli, ["ingest", str(small_corpus)])
    assert "0 added" in again.stdout and "5 unchanged" in again.stdout
    rebuilt = runner.invoke(cli, ["ingest", str(small_corpus), "--rebuild"])
    assert rebuilt.exit_code == 0 and "5 added" in rebuilt.stdout


def test_corpus_table(runner, with_index):
    result = runner.invoke(cli, ["corpus", "--wide"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "LANG", "VERSION", "STATUS", "TITLE", "COMPLETENESS"]
    old = next(line for line in lines if line.startswith("old-charter"))
    assert "superseded 2020-01-01" in old and "authentic" in old
    demo_ru = next(line for line in lines if line.startswith("demo-code") and " ru " in line)
    assert "in force" in demo_ru and "not stated" in demo_ru
    assert "FRAGMENTS ONLY: Article 2 present; Article 5 missing." in result.stdout
    assert "4 documents, 5 language versions" in result.stdout


def test_corpus_table_fits_the_width():
    rows = [{"doc_id": "x", "language": "zh", "authentic": True, "in_force": True, "title": "中华人民共和国" * 10,
             "completeness": "PARTIAL " * 40}]
    table = cli_module.corpus_table(rows, width=100)
    assert all(cli_module._cells(line) <= 100 for line in table.splitlines())


def test_corpus_json(runner, with_index):
    data = json.loads(runner.invoke(cli, ["corpus", "--json"]).stdout)
    assert data["schema_version"] == 1
    assert {d["doc_id"] for d in data["documents"]} == {"demo-code", "old-charter", "new-charter", "eu-fragment"}


def test_chat_uses_history_and_shows_the_resolved_query(runner, with_index):
    result = runner.invoke(cli, ["chat"], input=f"{ANSWERABLE}\nand if it happens again within a year?\nexit\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Sources:") == 2
    assert f"(searched as: {ANSWERABLE}" in result.stdout


@pytest.mark.parametrize("ending", ["", "\n", "quit\n"])
def test_chat_ends_on_eof_empty_line_or_quit(runner, with_index, ending):
    result = runner.invoke(cli, ["chat"], input=ending)
    assert result.exit_code == 0
    assert "Sources:" not in result.stdout


def test_serve_builds_a_missing_index_then_serves(runner, without_index, monkeypatch):
    import uvicorn

    served = {}

    def fake_run(server):
        served.update(host=server.config.host, port=server.config.port, app=server.config.app)

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    result = runner.invoke(cli, ["serve", "--port", "7999"])
    assert result.exit_code == 0, result.output
    assert without_index.has_index()
    assert served["host"] == "127.0.0.1" and served["port"] == 7999
    assert {"/api/ask", "/api/chat", "/api/corpus", "/api/health"} <= {getattr(r, "path", "") for r in served["app"].routes}

