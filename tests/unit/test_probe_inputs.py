"""Probes of issue 10, items 3, 4 and 6, kept in the suite: hostile and careless input to the
Python API, the HTTP API and the command line. Every case gets an answer or one clear library error
(an ``AssistantError`` subclass, a 4xx line, an ``Error:`` line with the documented exit code),
never another exception or a traceback; filters the corpus lacks are errors that list the valid
values; input that is no question is not answered with unrelated quotes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from assistant import AssistantError
from assistant import cli as cli_module
from assistant.server import create_app

FINE = "What is the fine for living without registration for more than one month?"


def _error_or_answer(call):
    """The answer, or the AssistantError raised; any other exception fails the test."""
    try:
        return call()
    except AssistantError as exc:
        return exc


# ------------------------------------------------------------------ questions that are no text
@pytest.mark.parametrize("question", [123, 4.5, b"registration fine", ["registration"], {"q": 1}, object()],
                         ids=["int", "float", "bytes", "list", "dict", "object"])
def test_a_question_that_is_not_text_is_a_library_error_saying_so(fake_assistant, question):
    outcome = _error_or_answer(lambda: fake_assistant.ask(question))
    assert isinstance(outcome, AssistantError) and "must be text" in str(outcome)


@pytest.mark.parametrize("question", ["\ud800", "registration \udcff fine", "fine \udfff"], ids=["lone-high", "escaped-byte", "lone-low"])
def test_a_question_with_an_unpaired_surrogate_is_a_library_error(fake_assistant, question):
    outcome = _error_or_answer(lambda: fake_assistant.ask(question))
    assert isinstance(outcome, AssistantError) and "surrogate" in str(outcome)


def test_control_characters_in_a_question_are_read_as_spaces(fake_assistant):
    answer = fake_assistant.ask("\x00What is the fine\x07 for living without registration\x1b[31m for more than one month?")
    assert answer.status == "answered" and "seven monthly indicators" in answer.text
    assert "\x00" not in answer.question and "\x1b" not in answer.question


@pytest.mark.parametrize("size", [4001, 50_000, 100_000])
def test_an_over_long_question_is_refused_with_the_limit(fake_assistant, size):
    outcome = _error_or_answer(lambda: fake_assistant.ask("registration fine " * (size // 18 + 1)))
    assert isinstance(outcome, AssistantError) and "4,000" in str(outcome)


# ------------------------------------------------------------------ options
@pytest.mark.parametrize("options", [{"k": "5"}, {"k": 0}, {"k": -1}, {"k": 10**6}, {"k": 2.5}, {"k": True},
                                     {"mode": "bogus"}, {"mode": 1}, {"decline": "no"}],
                         ids=["k-str", "k-0", "k-neg", "k-huge", "k-float", "k-bool", "mode-bogus", "mode-int", "decline-str"])
def test_a_bad_option_is_a_library_error_naming_it(fake_assistant, options):
    outcome = _error_or_answer(lambda: fake_assistant.ask(FINE, **options))
    assert isinstance(outcome, AssistantError) and next(iter(options)) in str(outcome)


@pytest.mark.parametrize("name, value, valid", [
    ("jurisdiction", "XX", "EU, KZ"), ("language", "zz", "en, ru"), ("doc_id", "nope", "demo-code, eu-fragment"),
    ("jurisdiction", 5, "EU, KZ"), ("language", "\udcff", "en, ru"),
])
def test_a_filter_the_corpus_lacks_is_an_error_listing_the_valid_values(fake_assistant, name, value, valid):
    outcome = _error_or_answer(lambda: fake_assistant.ask(FINE, **{name: value}))
    assert isinstance(outcome, AssistantError) and valid in str(outcome)


def test_filters_are_read_in_any_case(fake_assistant):
    answer = fake_assistant.ask(FINE, jurisdiction="kz", language="EN")
    assert answer.status == "answered" and {c.language for c in answer.citations} == {"en"}


@pytest.mark.parametrize("question", ["{0}", "-1", "1' OR '1'='1", "${jndi:ldap://x/a}", "%s%s%s%n", "0x41414141", "!!!???"])
def test_input_that_is_no_question_is_not_answered(fake_assistant, question):
    answer = fake_assistant.ask(question)
    assert answer.status == "not_found" and answer.citations == []
    assert "no_known_words" in answer.evidence["reasons"]


# ------------------------------------------------------------------ histories
@pytest.mark.parametrize("history", ["a string", 42, [1, 2], [{"role": "user"}], [{"role": "system", "content": "x"}],
                                     [("only one",)], [(1, 2)], [("x" * 50_000, "y")], [("q", "a")] * 201,
                                     [("\ud800", "a")]],
                         ids=["str", "int", "ints", "no-content", "bad-role", "one-tuple", "non-text", "50k-turn",
                              "201-turns", "surrogate"])
def test_a_malformed_or_over_long_history_is_a_library_error(fake_assistant, history):
    outcome = _error_or_answer(lambda: fake_assistant.chat("and for foreigners?", history))
    assert isinstance(outcome, AssistantError) and "istory" in str(outcome)


def test_a_history_within_the_limits_is_used(fake_assistant):
    history = [("What is the fine for living without registration?", "...")] * 100
    answer = fake_assistant.chat("and what if it happens again within a year?", history)
    assert answer.query.startswith("What is the fine for living without registration?")


# ------------------------------------------------------------------ HTTP API
@pytest.fixture
def client(fake_assistant) -> TestClient:
    return TestClient(create_app(fake_assistant), raise_server_exceptions=False)


@pytest.mark.parametrize("body, fragment", [
    (json.dumps({"question": FINE, "jurisdiction": "XX"}), "EU, KZ"),
    (json.dumps({"question": FINE, "language": "zz"}), "en, ru"),
    (json.dumps({"question": FINE, "doc_id": "nope"}), "demo-code"),
    (json.dumps({"question": "x" * 5000}), "4000"),
    (json.dumps({"question": "\ud800 fine"}), "valid string"),  # an escaped lone surrogate is valid JSON
    (b'{"question": "\xff\xfe registration fine"}', "parsing the body"),  # not UTF-8
], ids=["jurisdiction", "language", "doc_id", "too-long", "surrogate", "invalid-utf8"])
def test_the_http_api_answers_bad_values_with_one_4xx_line(client, body, fragment):
    response = client.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500 and set(response.json()) == {"error"}
    assert fragment in response.json()["error"] and "\n" not in response.json()["error"]


def test_the_http_api_refuses_an_over_long_history_turn(client):
    response = client.post("/api/chat", json={"message": "and for foreigners?",
                                              "history": [{"role": "user", "content": "x" * 50_000}]})
    assert response.status_code == 422 and set(response.json()) == {"error"}


# ------------------------------------------------------------------ command line
@pytest.fixture
def cli_over(monkeypatch, fake_assistant):
    monkeypatch.setattr(cli_module, "_assistant", lambda: fake_assistant)
    return CliRunner()


def _one_error_line(result, code: int) -> None:
    assert result.exit_code == code, (result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output


@pytest.mark.parametrize("args, code", [
    (["ask", "\udcff\udcfe registration fine \udcc3"], 2),
    (["ask", FINE, "-j", "XX"], 2),
    (["ask", FINE, "-l", "zz"], 2),
    (["ask", "x" * 5000], 2),
    (["chat", "-j", "XX"], 2),
], ids=["invalid-utf8", "jurisdiction", "language", "too-long", "chat-filter"])
def test_the_cli_gives_one_error_line_and_the_usage_code(cli_over, args, code):
    _one_error_line(cli_over.invoke(cli_module.cli, args), code)


@pytest.mark.parametrize("variable, value", [("LEGAL_ASSISTANT_K", "abc"), ("LEGAL_ASSISTANT_MODE", "bogus"),
                                             ("LEGAL_ASSISTANT_CONCURRENCY", "0")])
def test_a_bad_setting_is_one_line_and_exit_2(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(cli_module.cli, ["ask", FINE])
    _one_error_line(result, 2)
    assert variable in result.stderr


@pytest.mark.parametrize("overrides", [{"k": "abc"}, {"mode": "bogus"}, {"concurrency": 0}])
def test_a_bad_setting_given_in_python_is_an_assistant_error(overrides):
    from assistant import Assistant

    with pytest.raises(AssistantError, match=f"LEGAL_ASSISTANT_{next(iter(overrides)).upper()}"):
        Assistant(**overrides)


def test_a_message_too_long_in_chat_is_reported_and_the_conversation_goes_on(cli_over):
    result = cli_over.invoke(cli_module.cli, ["chat"], input="x" * 5000 + "\n" + FINE + "\nexit\n")
    assert result.exit_code == 0 and "4,000" in result.stderr and "seven monthly indicators" in result.stdout
