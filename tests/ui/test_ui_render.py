"""Fast tests of the UI without a browser: the pure renderers, and one chat turn through the
Gradio handler over the small synthetic corpus."""

from __future__ import annotations

import re

import pytest

from assistant.types import Answer, Citation
from assistant.ui_render import (
    chat_markdown,
    coverage_html,
    highlight,
    md_escape,
    quote_in_article,
    quote_spans,
    source_card,
    sources_panel,
    stream_prefixes,
    tidy,
)


def citation(**overrides) -> Citation:
    values = dict(n=1, chunk_id="c1", doc_id="demo-code", short_title="Demo Code", article="7", paragraph="1",
                  quote="subject to a fine of seven monthly indicators.", language="en", authentic=True,
                  in_force=True, label="Demo Code, Art. 7(1)", note="")
    values.update(overrides)
    return Citation(**values)


def answer(**overrides) -> Answer:
    values = dict(question="What is the fine?", text="Demo Code, Art. 7(1) provides [1]: “a fine”", status="answered",
                  citations=[citation()], query="What is the fine?")
    values.update(overrides)
    return Answer(**values)


# ------------------------------------------------------------------------------ escaping
@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a & b", '"quoted"'])
def test_md_escape_leaves_no_markup(raw):
    escaped = md_escape(raw)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped
    assert re.sub(r"&(amp|lt|gt|quot|#x27);", "", escaped).count("&") == 0


@pytest.mark.parametrize("raw", ["**bold**", "# heading", "1. item", "[link](http://x)", "$x$", "a_b_c", "`code`"])
def test_md_escape_neutralises_markdown(raw):
    escaped = md_escape(raw)
    for char in "*#.[]()$_`":
        assert escaped.count(char) == escaped.count("\\" + char)


def test_source_text_is_escaped_in_every_html_view():
    evil = "<script>alert('x')</script>"
    card = source_card(citation(quote=evil, label=evil, note=evil), f"Article 7. {evil} more", {"title": evil})
    panel = sources_panel(answer(question=evil, query=evil + " follow", warnings=[evil], citations=[citation(label=evil)]))
    table = coverage_html([{"doc_id": evil, "title": evil, "language": "en", "authentic": True, "in_force": True,
                            "completeness": evil, "articles": [evil], "jurisdiction": evil}])
    for html_text in (card, panel, table, chat_markdown(answer(text=evil, warnings=[evil]))):
        assert "<script" not in html_text


# ------------------------------------------------------------------------------ highlighting
def test_quote_spans_exact_then_whitespace_and_case_insensitive():
    text = "1. Living without\n  registration - Subject to a fine."
    assert quote_spans(text, "Living without") == [(3, 17)]
    start, end = quote_spans(text, "living without registration - subject to a fine.")[0]
    assert text[start:end].startswith("Living") and text[start:end].endswith("fine.")


def test_quote_spans_pieces_around_an_ellipsis_and_misses():
    text = "The first sentence is here. Something else. The second sentence is there."
    spans = quote_spans(text, "The first sentence is here … The second sentence is there.")
    assert [text[s:e] for s, e in spans] == ["The first sentence is here", "The second sentence is there."]
    assert quote_spans(text, "not in the text at all") == []
    assert quote_spans(text, "   ") == []


def test_highlight_marks_and_escapes():
    assert highlight("a <b> c", [(2, 5)]) == "a <mark>&lt;b&gt;</mark> c"
    assert highlight("abc", []) == "abc"


def test_quote_in_short_article_shows_it_all():
    out = quote_in_article("Article 7. Title\n1. Living - subject to a fine.", "subject to a fine.")
    assert "<mark>subject to a fine.</mark>" in out and "Article 7. Title" in out and "<details" not in out


def test_quote_in_long_article_shows_an_excerpt_and_the_whole_on_demand():
    article = "Article 9.\n" + "\n".join(f"{i}. filler sentence number {i} of the article." for i in range(1, 80))
    out = quote_in_article(article, "40. filler sentence number 40 of the article.")
    excerpt = out.split("<details")[0]
    assert "<mark>40. filler sentence number 40" in excerpt
    assert excerpt.count("filler") < 20 and "… " in excerpt
    assert "<details" in out and "79. filler" in out


def test_quote_not_found_in_article_is_still_shown():
    out = quote_in_article("Article 1. Something else.", "a quote from elsewhere")
    assert "<mark>a quote from elsewhere</mark>" in out and "Something else" in out


def test_tidy_drops_indentation_and_blank_lines():
    assert tidy("  1. a\n\n\u3000\u30002. b\n\u00a0 \n3. c ") == "1. a\n2. b\n3. c"
    assert tidy("## Article 6 — Right\n### Article 7\n#hashtag") == "Article 6 — Right\nArticle 7\n#hashtag"


# ------------------------------------------------------------------------------ chat and panels
def test_chat_markdown_numbered_citations_with_status():
    text = chat_markdown(answer(citations=[citation(), citation(n=2, label="Old, Art. 3", in_force=False,
                                                                authentic=False, language="ru")]))
    assert "**\\[1\\]** Demo Code, Art\\. 7\\(1\\) — English · authentic text · in force" in text
    assert "**\\[2\\]** Old, Art\\. 3 — Russian · translation · superseded" in text


def test_chat_markdown_while_streaming_has_no_sources_yet():
    partial = chat_markdown(answer(), "Demo Code", done=False)
    assert "Sources" not in partial and partial.endswith("Demo Code")


def test_chat_markdown_shows_the_resolved_query_of_a_follow_up():
    follow = answer(question="and for foreigners?", query="What is the fine? and for foreigners?")
    assert chat_markdown(follow).startswith("_Searched as: “What is the fine? and for foreigners?”_")
    assert "Searched as" not in chat_markdown(answer())


def test_not_found_is_marked_in_chat_and_panel():
    nf = answer(text="Not found in the corpus: nothing.\n\n- Closest", status="not_found", citations=[])
    assert chat_markdown(nf).startswith("**Not found in the corpus\\: nothing\\.**")
    panel = sources_panel(nf)
    assert 'class="not-found"' in panel and "source-card" not in panel


def test_source_card_facts():
    card = source_card(citation(in_force=False, authentic=False, language="ru", note="Unofficial."),
                       "Article 7.\n1. Living - subject to a fine of seven monthly indicators.",
                       {"title": "Demo Code on Residence Offences", "superseded_by": "new-code",
                        "in_force_until": "2020-01-01"})
    for fact in ("[1]", "Demo Code, Art. 7(1)", "Demo Code on Residence Offences", "(demo-code)",
                 "Article 7, paragraph 1", "Russian", "translation", "superseded", "replaced by new-code on 2020-01-01",
                 "Unofficial.", "<mark>subject to a fine of seven monthly indicators.</mark>"):
        assert fact in card, fact
    assert "is-superseded" in card


def test_stream_prefixes_grow_to_the_full_text():
    text = " ".join(f"word{i}" for i in range(50))
    prefixes = list(stream_prefixes(text, steps=10))
    assert prefixes[-1] == text
    assert all(text.startswith(p) for p in prefixes)
    assert all(len(a) < len(b) for a, b in zip(prefixes, prefixes[1:]))
    assert 5 <= len(prefixes) <= 12
    assert list(stream_prefixes("")) == [""]


def test_coverage_html_holds_and_misses(fake_assistant):
    out = coverage_html(fake_assistant.coverage())
    assert "4 documents, 5 language versions" in out
    assert "What is missing" in out
    assert "FRAGMENTS ONLY: Article 2 present; Article 5 missing." in out
    assert "superseded by new-charter" in out
    assert "is no longer in force" in out
    assert coverage_html([]).count("legal-assistant ingest") == 1


# ------------------------------------------------------------------------------ the Gradio handler
def test_respond_streams_then_answers_and_keeps_history(fake_assistant):
    from assistant.ui import new_session, respond

    session = new_session()
    steps = list(respond(fake_assistant, "What is the fine for living without registration for more than one month?",
                         session, "All", "All", delay=0))
    assert len(steps) >= 3  # placeholder, streamed text, final
    textbox, messages, panel, session, data = steps[-1]
    assert textbox == "" and [m["role"] for m in messages] == ["user", "assistant"]
    assert "Sources" in messages[-1]["content"] and "source-card" in panel
    assert "<mark>" in panel
    assert session["history"][0]["content"].startswith("What is the fine")
    assert all(step[4] is None for step in steps[:-1])  # the structured answer comes once, complete
    assert data["schema_version"] == 1 and data["citations"][0]["doc_id"] == "demo-code"

    *_, (_, messages, panel, session, data) = respond(fake_assistant, "and if repeated within a year?", session, "KZ",
                                                      "en", delay=0)
    assert len(messages) == 4
    assert "Searched as" in messages[-1]["content"]
    assert 'class="resolved-query"' in panel and "registration" in panel
    assert data["query"].startswith("What is the fine") and data["query"].endswith("and if repeated within a year?")


def test_respond_refuses_an_empty_message_with_one_clear_message(fake_assistant):
    import gradio as gr

    from assistant.ui import new_session, respond

    session = new_session()
    with pytest.raises(gr.Error, match="The question is empty"):
        list(respond(fake_assistant, "   ", session, None, None, delay=0))
    assert session["messages"] == []


@pytest.mark.parametrize("message, fragment", [("x" * 4001, "limit is 4,000"), ("fine \ud800", "surrogate")])
def test_respond_refuses_an_over_long_or_broken_message_with_one_clear_message(fake_assistant, message, fragment):
    import gradio as gr

    from assistant.ui import new_session, respond

    session = new_session()
    with pytest.raises(gr.Error, match=fragment):
        list(respond(fake_assistant, message, session, None, None, delay=0))
    assert session["messages"] == [] and session["history"] == []


def test_a_long_session_hands_back_only_its_recent_turns(fake_assistant):
    from assistant.ui import HISTORY_KEPT, new_session, respond

    session = new_session()
    session["history"] = [{"role": "user", "content": "What is the fine?"}, {"role": "assistant", "content": "..."}] * 150
    *_, (_, _, _, session, data) = respond(fake_assistant, "and if repeated within a year?", session, None, None, delay=0)
    assert data["status"] == "answered" and len(session["history"]) == HISTORY_KEPT


def test_respond_reports_library_errors_in_the_chat_and_the_panel(tmp_path, fake_embeddings):
    from assistant import Assistant, Settings
    from assistant.ui import new_session, respond

    empty = Assistant(Settings(data_dir=tmp_path / "none", embedding="fake"), embeddings=fake_embeddings)
    *_, (_, messages, panel, session, data) = respond(empty, "a question", new_session(), None, None, delay=0)
    assert "legal-assistant ingest" in messages[-1]["content"].replace("\\", "")
    assert "Cannot answer" in panel and session["history"] == []
    assert "legal-assistant ingest" in data["error"]


def test_build_app_without_a_browser(fake_assistant):
    import gradio as gr

    from assistant.ui import build_app

    app = build_app(fake_assistant)
    assert isinstance(app, gr.Blocks)
    ids = {getattr(block, "elem_id", None) for block in app.blocks.values()}
    assert {"chat", "question", "ask", "sources", "jurisdiction", "language", "coverage"} <= ids


def test_the_ui_reports_an_unreachable_chroma_server_instead_of_failing(fake_assistant, monkeypatch):
    from assistant.errors import StoreUnavailable
    from assistant.ui import _Documents, new_session, respond

    documents = _Documents(fake_assistant)
    known = documents.current()
    assert ("demo-code", "en") in known

    def down(*_, **__):
        raise StoreUnavailable("Cannot reach the Chroma server at http://127.0.0.1:9")

    monkeypatch.setattr(fake_assistant.index.store, "state", down)
    assert documents.current() == known
    *_, (_, messages, panel, _, data) = respond(fake_assistant, "What is the fine?", new_session(), None, None, delay=0)
    assert "Cannot reach the Chroma server" in panel and data == {"error": "Cannot reach the Chroma server at http://127.0.0.1:9"}
