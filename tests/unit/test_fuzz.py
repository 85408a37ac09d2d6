"""Fuzzing the front doors (issue 10, "Must show"): generated questions, options, filters and
histories, including unpaired surrogates, invalid UTF-8 (as the command line receives it), control
characters and 100,000-character inputs. The Python API answers or raises an ``AssistantError``,
never anything else; the command line exits with a documented code and never prints a traceback.
How long each call took is collected and printed (``pytest -s``), not asserted."""

from __future__ import annotations

import statistics
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import Answer, Assistant, AssistantError, Settings
from assistant import cli as cli_module
from fakes import FAKE_THRESHOLDS, FakeEmbeddings, write_corpus
from processes import fake_cli

ANY_CHAR = st.characters(blacklist_categories=())  # surrogates (Cs) and control characters included
NONSENSE = ["{0}", "-1", "1' OR '1'='1", "${jndi:ldap://x/a}", "%s%n", "<script>alert(1)</script>", "../../etc/passwd",
            "\x00", "\u202e", "\ud800", "\udcff\udcfe", "🙂" * 50]
LEGAL = ["What is the fine for living without registration for more than one month?", "Какой штраф за проживание без регистрации?",
         "and for foreigners?", "Article 7", "ст. 7"]
PLAIN = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300)
TEXT = st.one_of(
    PLAIN, PLAIN, st.sampled_from(LEGAL), st.builds(lambda a, b: f"{a} {b}", st.sampled_from(LEGAL), PLAIN),
    st.text(ANY_CHAR, max_size=300),
    st.sampled_from(NONSENSE),
    st.builds(lambda piece, times: piece * times, st.text(ANY_CHAR, min_size=1, max_size=4), st.integers(1, 30_000)),
    st.just("registration fine " * 5_600),  # 100,800 characters
    st.builds(lambda a, b: a + b, st.sampled_from(LEGAL), st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), max_size=3)),
)
ODD_VALUE = st.one_of(st.sampled_from(["KZ", "kz", "EU", "en", "ru", "demo-code", "", "XX", "zz"]), st.text(ANY_CHAR, max_size=20),
                      st.integers(), st.floats(allow_nan=True), st.booleans(), st.lists(st.integers(), max_size=2))
VALUE = st.one_of(st.none(), st.none(), st.none(), ODD_VALUE)  # mostly no filter, so that most questions get answered
K = st.one_of(st.none(), st.none(), st.none(), st.integers(-3, 60), st.sampled_from(["5", 2.5, True, b"5"]))
TURN = st.one_of(st.tuples(TEXT, TEXT), st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant", "system", 3]),
                                                                "content": st.one_of(TEXT, st.integers())}),
                 st.text(max_size=5), st.integers(), st.tuples(TEXT))
HISTORY = st.one_of(st.none(), st.lists(st.tuples(PLAIN, PLAIN), max_size=6), st.lists(st.tuples(PLAIN, PLAIN), max_size=6),
                    st.lists(TURN, max_size=6), st.text(max_size=20), st.integers(),
                    st.builds(lambda n: [("What is the fine?", "...")] * n, st.integers(150, 260)))
TIMINGS: dict[str, list[float]] = {"api": [], "cli": []}
OUTCOMES: dict[str, int] = {}


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Assistant:
    root = tmp_path_factory.mktemp("fuzz")
    assistant = Assistant(Settings(corpus_dir=write_corpus(root / "corpus"), data_dir=root / "data", embedding="fake",
                                   **FAKE_THRESHOLDS), embeddings=FakeEmbeddings())
    assistant.ingest(progress=False)
    return assistant


def _timed(kind: str, call):
    started = time.perf_counter()
    try:
        return call()
    finally:
        TIMINGS[kind].append(time.perf_counter() - started)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=TEXT, k=K, mode=st.one_of(st.none(), st.none(), st.none(), st.sampled_from(["extractive", "llm", "bogus", 1])),
       jurisdiction=VALUE, language=VALUE, doc_id=VALUE)
def test_ask_answers_or_raises_an_assistant_error(bot, question, k, mode, jurisdiction, language, doc_id):
    if mode == "llm":
        mode = "extractive"  # no model server here; LLM failures are covered in test_llm_unavailable.py
    try:
        answer = _timed("api", lambda: bot.ask(question, k=k, mode=mode, jurisdiction=jurisdiction, language=language,
                                               doc_id=doc_id))
    except AssistantError as exc:
        OUTCOMES[type(exc).__name__] = OUTCOMES.get(type(exc).__name__, 0) + 1
        return
    OUTCOMES[answer.status] = OUTCOMES.get(answer.status, 0) + 1
    assert isinstance(answer, Answer) and answer.status in ("answered", "not_found")
    hits = {h.chunk.id for h in answer.hits}
    assert all(c.chunk_id in hits for c in answer.citations)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(message=TEXT, history=HISTORY, jurisdiction=VALUE, language=VALUE)
def test_chat_answers_or_raises_an_assistant_error(bot, message, history, jurisdiction, language):
    try:
        answer = _timed("api", lambda: bot.chat(message, history, jurisdiction=jurisdiction, language=language))
    except AssistantError as exc:
        OUTCOMES[type(exc).__name__] = OUTCOMES.get(type(exc).__name__, 0) + 1
        return
    OUTCOMES[answer.status] = OUTCOMES.get(answer.status, 0) + 1
    assert isinstance(answer, Answer)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=st.one_of(PLAIN, st.builds(lambda a, b: f"{a} {b}", st.sampled_from(LEGAL), PLAIN)),
       history=st.lists(st.tuples(PLAIN, PLAIN), max_size=4))
def test_any_text_within_the_limits_is_answered_or_declined(bot, question, history):
    try:
        answer = _timed("api", lambda: bot.chat(question, history))
    except AssistantError as exc:  # only what the caps and checks refuse: empty after control characters
        OUTCOMES[type(exc).__name__] = OUTCOMES.get(type(exc).__name__, 0) + 1
        assert not question.strip() or "empty" in str(exc)
        return
    OUTCOMES[answer.status] = OUTCOMES.get(answer.status, 0) + 1
    assert {c.chunk_id for c in answer.citations} <= {h.chunk.id for h in answer.hits}


CLI_TEXT = st.one_of(TEXT.filter(lambda t: "\x00" not in t), st.sampled_from(["", "   "]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(question=CLI_TEXT, options=st.lists(st.tuples(st.sampled_from(["-j", "-l", "--k", "--mode"]), CLI_TEXT), max_size=3),
       as_json=st.booleans())
def test_the_cli_exits_with_a_documented_code_and_no_traceback(bot, monkeypatch, question, options, as_json):
    monkeypatch.setattr(cli_module, "_assistant", lambda: bot)
    args = ["ask", question, *(["--json"] if as_json else []), *[part for option in options for part in option]]
    result = _timed("cli", lambda: CliRunner().invoke(cli_module.cli, args))
    assert result.exit_code in (0, 1, 2, 3, 4), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("raw", [[b"\xff\xfe registration fine \xc3"], [b"fine \xed\xa0\x80"], [b"\xc0\xaf"],
                                 [b"fine", b"-j", b"\xff"], [b"fine", b"-l", b"r\xffu"]])
def test_invalid_utf8_on_a_real_command_line_is_one_line_and_exit_2(tmp_path, raw):
    corpus = write_corpus(tmp_path / "corpus")
    args = [part.decode("utf-8", "surrogateescape") for part in raw]  # what Python makes of such argv bytes
    result = fake_cli(["ingest"], tmp_path / "data", corpus)
    result = fake_cli(["ask", *args], tmp_path / "data", corpus)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and ("UTF-8" in lines[0] or "valid values" in lines[0])


def test_zz_report_timings():
    """Prints how long the fuzzed calls took (run with -s); asserts only that the fuzzing ran."""
    for kind, values in TIMINGS.items():
        if values:
            ordered = sorted(values)
            print(f"\n{kind}: {len(values)} calls, median {statistics.median(values) * 1000:.0f} ms, "
                  f"p99 {ordered[int(len(ordered) * 0.99) - 1] * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms")
    print("api outcomes:", dict(sorted(OUTCOMES.items())))
    assert len(TIMINGS["api"]) + len(TIMINGS["cli"]) >= 500
