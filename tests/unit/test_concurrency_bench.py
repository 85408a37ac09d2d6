"""`legal-assistant bench --concurrency N`: the session plans, the follow-up check, the summary,
and a short run against a served app (fake embedder, loopback)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assistant.evaluation.concurrency import (
    Exchange,
    follow_up_resolved,
    render,
    run_load,
    session_plans,
    summarize,
)
from assistant.server import serve
from fakes import free_port

QUESTIONS = ["What is the fine for living without registration for more than one month?",
             "Can a Union citizen reside in another Member State for three months?",
             "What must a landlord do about unregistered persons?"]


def test_each_session_gets_its_own_questions_and_a_follow_up_after_each():
    plans = session_plans(QUESTIONS, sessions=2, per_session=2, follow_ups=["and then?", "is that so?"])
    assert plans == [[(QUESTIONS[0], "and then?"), (QUESTIONS[1], "is that so?")],
                     [(QUESTIONS[2], "is that so?"), (QUESTIONS[0], "and then?")]]
    with pytest.raises(ValueError):
        session_plans([], 1, 1)


def test_a_follow_up_counts_as_resolved_only_with_its_own_question():
    assert follow_up_resolved("Q one and then?", "Q one", "and then?")
    assert not follow_up_resolved("Q two and then?", "Q one", "and then?")
    assert not follow_up_resolved("and then?", "Q one", "and then?")


def test_the_summary_counts_errors_resolution_and_latency():
    exchanges = [Exchange(0, "question", 1000, True, answer_status="answered"),
                 Exchange(0, "follow_up", 3000, True, answer_status="not_found", resolved=True),
                 Exchange(1, "question", 2000, False, "HTTP 503: down")]
    result = summarize(exchanges, wall_s=4.0, sessions=2, per_session=1, load={"before": 0.1, "max": 1.0, "mean": 0.5,
                                                                                  "after": 0.9})
    assert result["errors"] == 1 and result["error_examples"] == ["HTTP 503: down"]
    assert (result["follow_ups"], result["follow_ups_resolved"], result["not_found"]) == (1, 1, 1)
    assert result["latency"]["question"]["n"] == 1 and result["latency"]["all"]["max_ms"] == 3000
    assert result["throughput_rps"] == 0.75
    text = render(result)
    assert "errors: 1" in text and "1/1" in text and "| questions (POST /api/ask) | 1 | 1.00 s |" in text


def test_sessions_at_once_through_the_http_api(fake_assistant):
    running = serve(fake_assistant, "127.0.0.1", free_port(), block=False, quiet=True)
    try:
        result = run_load(running.url, sessions=4, per_session=2, questions=QUESTIONS, timeout=60)
    finally:
        running.close()
    assert result["requests"] == 16 and result["errors"] == 0
    assert result["follow_ups"] == result["follow_ups_resolved"] == 8
    assert result["latency"]["all"]["p95_ms"] >= result["latency"]["all"]["p50_ms"] > 0


def test_the_bench_command_reaches_a_running_server(fake_assistant, tmp_path):
    from assistant.cli import cli

    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "q1", "question": "%s", "answerable": false}\n' % QUESTIONS[0], encoding="utf-8")
    running = serve(fake_assistant, "127.0.0.1", free_port(), block=False, quiet=True)
    try:
        result = CliRunner().invoke(cli, ["bench", "--concurrency", "2", "--url", running.url, "--questions",
                                          str(questions), "--output", str(tmp_path / "out")])
    finally:
        running.close()
    assert result.exit_code == 0, result.output
    assert "2 sessions × 3 questions" in result.output and "errors: 0" in result.output
    assert (tmp_path / "out" / "concurrency.json").exists()
