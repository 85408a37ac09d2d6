"""The Gradio chat UI: a thin layer over ``Assistant.chat``.

``build_app(assistant)`` returns the Blocks; ``assistant.server.serve`` mounts them beside the HTTP
API. Each browser session keeps its own conversation in a ``gr.State``; the one ``Assistant`` is
shared read-only, and up to ``settings.concurrency`` sessions are answered at once.

Two API endpoints, one per action (for ``gradio_client``): ``/ask`` (message, jurisdiction,
language -> textbox, chat, sources panel, the answer as JSON schema v1 with structured citations)
and ``/reset``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from .api import Assistant
from .errors import AssistantError, InvalidInput
from .inputs import MAX_QUESTION_CHARS, checked_text
from .types import Answer
from .ui_render import chat_markdown, coverage_html, error_panel, md_escape, sources_panel, stream_prefixes

ALL = "All"
EXAMPLES = [
    "What is the fine for living without registration for more than a month?",
    "Can a Union citizen stay in another Member State for three months without any conditions?",
    "Какой штраф за проживание без регистрации свыше одного месяца?",
    "Какие права гарантирует Конституция на свободу передвижения?",
    "Көші-қон саясатының 2017-2021 жылдарға арналған тұжырымдамасын кім бекітті?",
]
INTRO = """## Internal-migration law assistant
Answers come only from the corpus (Kazakhstan, EU, Russia, China). Every answer quotes the provisions it
rests on; when the corpus does not hold the answer, it says so. Ask in English, Russian or Kazakh.
Not legal advice."""
STREAM_DELAY_S = 0.03
HISTORY_KEPT = 20  # items of a session's conversation handed back with each message (follow-ups read the last few)

CSS = """
.gradio-container { max-width: 1280px !important; }
#sources { font-size: 0.95em; }
#sources .sources-question, #sources .resolved-query { margin-bottom: .4em; }
#sources .resolved-query { padding: .4em .6em; border-radius: 6px; background: var(--block-background-fill);
  border: 1px dashed var(--border-color-primary); }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em .8em; margin: .6em 0; }
.source-card.is-superseded { border-color: #d97706; }
.source-label { font-weight: 600; }
.source-n { color: var(--color-accent); }
.source-doc, .source-meta, .source-note { font-size: .9em; margin-top: .15em; }
.muted { opacity: .7; }
.badge { display: inline-block; border-radius: 999px; padding: 0 .5em; font-size: .85em; border: 1px solid; }
.badge.in-force { color: #15803d; border-color: #15803d; }
.badge.superseded { color: #b45309; border-color: #b45309; font-weight: 600; }
.badge.authentic { color: #1d4ed8; border-color: #1d4ed8; }
.badge.translation { color: #6b7280; border-color: #6b7280; }
.badge.unverified { color: #b91c1c; border-color: #b91c1c; font-weight: 600; }
.article-text { white-space: pre-line; margin-top: .5em; padding: .2em .6em; font-size: .92em; overflow-wrap: anywhere;
  border-left: 3px solid var(--border-color-primary); }
.whole-article .article-text { max-height: 24em; overflow-y: auto; }
.article-text mark { background: #fde68a; color: #111827; padding: 0 .1em; }
.whole-article summary { cursor: pointer; font-size: .88em; margin-top: .3em; }
.not-found { border: 2px solid #b91c1c; border-radius: 8px; padding: .6em .8em; margin: .6em 0;
  background: rgba(185, 28, 28, .06); }
.warning { border-left: 4px solid #d97706; padding: .3em .6em; margin: .4em 0; background: rgba(217, 119, 6, .07); }
.table-wrap { overflow-x: auto; }
table.coverage { border-collapse: collapse; font-size: .9em; }
table.coverage th, table.coverage td { border: 1px solid var(--border-color-primary); padding: .3em .5em;
  vertical-align: top; text-align: left; }
@media (max-width: 640px) {
  .gradio-container { padding: 4px !important; }
  table.coverage, .table-wrap { border: none !important; }
  table.coverage thead { display: none; }
  table.coverage tr { display: block; border: 1px solid var(--border-color-primary); margin-bottom: .6em; }
  table.coverage td { display: block; border: none; padding: .15em .5em; }
  table.coverage td::before { content: attr(data-label) ": "; font-weight: 600; }
  .whole-article .article-text { max-height: 18em; }
}
"""


def new_session() -> dict[str, list]:
    """One browser session: the messages shown, and the plain-text history Assistant.chat reads."""
    return {"messages": [], "history": []}


def _filter(value: str | None) -> str | None:
    return None if not value or value == ALL else value


def _choices(assistant: Assistant) -> tuple[list[str], list[str]]:
    docs = assistant.documents() if assistant.has_index() else []
    jurisdictions = sorted({j.strip() for d in docs for j in d.jurisdiction.split(",") if j.strip()})
    languages = sorted({d.language for d in docs})
    return [ALL, *jurisdictions], [ALL, *languages]


def _doc_lookup(assistant: Assistant) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["doc_id"], r["language"]): r for r in assistant.coverage()} if assistant.has_index() else {}


def respond(assistant: Assistant, message: str, session: dict, jurisdiction: str | None, language: str | None,
            docs: dict | None = None, delay: float = STREAM_DELAY_S) -> Iterator[tuple[str, list, str, dict, dict | None]]:
    """Answer one message; yields (textbox, chat messages, sources panel, session, answer JSON) as the
    answer streams. The answer JSON (schema v1, as ``ask --json``) comes with the last step; an
    empty, over-long or otherwise unusable message is refused with one message (``gr.Error``), for a
    person and an API client alike. A session hands back only its recent turns, so its cost per
    question stays bounded however long the conversation runs."""
    try:
        message = checked_text(message if message is not None else "")
    except InvalidInput as exc:
        raise gr.Error(str(exc)) from None
    messages = session["messages"]
    messages.append({"role": "user", "content": md_escape(message)})
    messages.append({"role": "assistant", "content": "_Searching the corpus…_"})
    yield "", messages, '<div class="sources-empty">Searching the corpus…</div>', session, None
    try:
        answer = assistant.chat(message, session["history"][-HISTORY_KEPT:], jurisdiction=_filter(jurisdiction),
                                language=_filter(language))
    except AssistantError as exc:
        messages[-1]["content"] = f"**Cannot answer.** {md_escape(str(exc))}"
        yield "", messages, error_panel(str(exc)), session, {"error": str(exc)}
        return
    for partial in stream_prefixes(answer.text):
        messages[-1]["content"] = chat_markdown(answer, partial, done=False)
        yield "", messages, gr.skip(), session, None
        time.sleep(delay)
    messages[-1]["content"] = chat_markdown(answer)
    session["history"] = [*session["history"], {"role": "user", "content": message},
                          {"role": "assistant", "content": answer.text}][-HISTORY_KEPT:]
    yield "", messages, _sources(assistant, answer, docs), session, answer.to_json()


def _sources(assistant: Assistant, answer: Answer, docs: dict | None) -> str:
    articles = {c.chunk_id: assistant.article_text(c.chunk_id) for c in answer.citations}
    return sources_panel(answer, articles, docs)


class _Documents:
    """The per-document facts the source cards show, re-read when the index changes (another
    process may ingest while this one serves)."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self._version: str | None = None
        self._docs: dict = {}

    def current(self) -> dict:
        try:
            version = self.assistant.index.version if self.assistant.has_index() else ""
            if version != self._version:
                self._docs, self._version = _doc_lookup(self.assistant), version
        except AssistantError:  # the store is unreachable: the answer itself will say so
            pass
        return self._docs


def build_app(assistant: Assistant) -> gr.Blocks:
    jurisdictions, languages = _choices(assistant)
    documents = _Documents(assistant)
    limit = assistant.settings.concurrency

    def on_message(message: str, session: dict, jurisdiction: str, language: str):
        yield from respond(assistant, message, session, jurisdiction, language, documents.current())

    def reset():
        return [], sources_panel(None), new_session(), None

    def coverage():
        try:
            return coverage_html(assistant.coverage() if assistant.has_index() else [])
        except AssistantError as exc:
            return error_panel(str(exc))

    with gr.Blocks(title="Legal assistant: internal migration", analytics_enabled=False) as app:
        session = gr.State(new_session())
        gr.Markdown(INTRO, elem_id="intro")
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(label="Conversation", show_label=False, elem_id="chat", height=480, latex_delimiters=[],
                                             feedback_options=None, buttons=["copy"], autoscroll=True,
                                             placeholder="Ask about registration, residence, freedom of movement…")
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(label="Question", show_label=False, placeholder="Type a question and press Enter",
                                                  elem_id="question", scale=5, min_width=180, max_lines=6,
                                                  max_length=MAX_QUESTION_CHARS)
                            ask = gr.Button("Ask", variant="primary", elem_id="ask", scale=1, min_width=70)
                        with gr.Row(equal_height=False):
                            jurisdiction = gr.Dropdown(jurisdictions, value=ALL, label="Jurisdiction",
                                                       elem_id="jurisdiction", min_width=120)
                            language = gr.Dropdown(languages, value=ALL, label="Source language",
                                                   elem_id="language", min_width=120)
                            clear = gr.Button("New conversation", elem_id="clear", size="sm", min_width=120)
                        gr.Examples([[q] for q in EXAMPLES], inputs=[question], label="Examples (English, Russian, Kazakh)")
                    with gr.Column(scale=2, min_width=300):
                        sources = gr.HTML(sources_panel(None), label="Sources", elem_id="sources")
                        answer_json = gr.JSON(visible=False, label="Answer (JSON, schema v1)", elem_id="answer-json")
            with gr.Tab("Corpus coverage", id="coverage"):
                coverage_panel = gr.HTML(coverage(), elem_id="coverage")

        gr.on([question.submit, ask.click], on_message, [question, session, jurisdiction, language],
              [question, chatbot, sources, session, answer_json], api_name="ask", concurrency_limit=limit,
              concurrency_id="assistant", show_progress="hidden")
        gr.on([clear.click, chatbot.clear], reset, None, [chatbot, sources, session, answer_json], api_name="reset",
              queue=False)
        app.load(coverage, None, coverage_panel, api_visibility="private", queue=False)
    return app


THEME_FONTS = {"font": ["system-ui", "sans-serif"], "font_mono": ["ui-monospace", "monospace"]}
