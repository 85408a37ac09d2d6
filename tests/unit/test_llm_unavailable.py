"""LLM mode when no model answers, and what verification reports: a server that cannot be reached
gives its own warning (not 'could not be verified') and the extractive answer; the answer JSON
says whether a model answered and which of its sentences verification dropped, and why."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assistant import cli as cli_module
from assistant.prompts import LLM_FALLBACK, LLM_UNAVAILABLE
from fakes import ScriptedChatModel, free_port

FINE_QUESTION = "What is the fine for living without registration for more than one month?"


def _unreachable_openai_server(bot):
    """The real openai backend, pointed at a loopback port where nothing listens."""
    return bot.configured(llm_backend="openai", llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout_s=5.0)


def test_an_unreachable_llm_server_says_no_model_answered_and_shows_the_extractive_answer(fake_assistant):
    answer = _unreachable_openai_server(fake_assistant).ask(FINE_QUESTION, mode="llm")
    assert answer.status == "answered" and "seven monthly indicators" in answer.text
    assert answer.warnings[0].startswith(LLM_UNAVAILABLE.split("{")[0]) and "Connection" in answer.warnings[0]
    assert all(LLM_FALLBACK not in w for w in answer.warnings)
    assert answer.verification == {"model_answered": False, "error": answer.verification["error"], "kept": 0, "dropped": []}


def test_ask_json_reports_that_no_model_answered(fake_assistant, monkeypatch):
    monkeypatch.setattr(cli_module, "_assistant", lambda: _unreachable_openai_server(fake_assistant))
    result = CliRunner().invoke(cli_module.cli, ["ask", FINE_QUESTION, "--mode", "llm", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] == "llm" and data["verification"]["model_answered"] is False
    assert data["warnings"][0].startswith("No language model answered")


def test_a_model_answer_that_fails_verification_is_reported_sentence_by_sentence(fake_assistant):
    bot = fake_assistant.configured(llm=ScriptedChatModel(["Registration is easy. The fine is 10 monthly indicators [1]."]))
    answer = bot.ask(FINE_QUESTION, mode="llm")
    assert answer.warnings[0] == LLM_FALLBACK and "seven monthly indicators" in answer.text
    assert answer.verification == {"model_answered": True, "kept": 0, "dropped": [
        {"sentence": "Registration is easy.", "reason": "no citation marker"},
        {"sentence": "The fine is 10 monthly indicators [1].", "reason": "states numbers its sources do not: 10"}]}
    assert answer.to_json()["verification"] == answer.verification


def test_a_verified_model_answer_reports_what_was_kept_and_dropped(fake_assistant):
    hits = fake_assistant.retrieve(FINE_QUESTION, k=8)
    n = 1 + next(i for i, h in enumerate(hits[:5]) if "seven monthly" in h.chunk.text)
    bot = fake_assistant.configured(llm=ScriptedChatModel([f"The fine is seven monthly indicators [{n}]. Foreigners pay more."]))
    answer = bot.ask(FINE_QUESTION, mode="llm")
    assert answer.text == "The fine is seven monthly indicators [1]."
    assert answer.verification == {"model_answered": True, "kept": 1,
                                   "dropped": [{"sentence": "Foreigners pay more.", "reason": "no citation marker"}]}


def test_extractive_answers_carry_no_verification(fake_assistant):
    assert fake_assistant.ask(FINE_QUESTION).to_json()["verification"] is None


def test_a_model_that_finds_no_answer_is_recorded_as_having_answered(fake_assistant):
    from assistant.prompts import CANNOT_ANSWER_PHRASE

    answer = fake_assistant.configured(llm=ScriptedChatModel([CANNOT_ANSWER_PHRASE])).ask(FINE_QUESTION, mode="llm")
    assert answer.status == "not_found" and answer.verification == {"model_answered": True, "kept": 0, "dropped": []}


def test_a_model_that_cannot_be_loaded_gives_the_extractive_answer_with_the_reason(fake_assistant, monkeypatch):
    bot = fake_assistant.configured(llm_backend="llamacpp", llm_model="")
    for answer in (bot.ask(FINE_QUESTION, mode="llm"), bot.chat("and if repeated within a year?", [(FINE_QUESTION, "...")], mode="llm")):
        assert answer.status == "answered" and "seven monthly indicators" in answer.text
        assert answer.warnings[0].startswith("No language model answered") and "LEGAL_ASSISTANT_LLM_MODEL" in answer.warnings[0]
    monkeypatch.setattr(cli_module, "_assistant", lambda: bot)
    assert CliRunner().invoke(cli_module.cli, ["ask", FINE_QUESTION, "--mode", "llm"]).exit_code == 0  # as the README says
