"""``legal-assistant serve``: one FastAPI app with the HTTP API under ``/api`` and the chat UI at ``/``.

    POST /api/ask      {"question": "...", "k": 5, "jurisdiction": "KZ", ...}  -> the `ask --json` answer
    POST /api/chat     {"message": "...", "history": [{"role": "user", "content": "..."}, ...]}  -> the same
    GET  /api/corpus   the documents, as `corpus --json`
    GET  /api/health   200 when the index is loaded and its store reachable, else 503
    GET  /openapi.json, /docs

A bad request gets a 4xx answer ``{"error": "<one line>"}``; a library error a 5xx one, never a
traceback. Many sessions are answered at once: the Assistant (index, embedder) is shared read-only,
each chat request brings its own history, and at most ``settings.concurrency`` questions are
answered at the same time by each of the API and the UI."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Literal

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from . import __version__
from .api import Assistant
from .errors import AssistantError, IndexNotBuilt, InvalidInput, LLMUnavailable, StoreUnavailable
from .inputs import MAX_HISTORY_TURNS, MAX_QUESTION_CHARS, MAX_REPLY_CHARS
from .types import JSON_SCHEMA_VERSION
from .ui import CSS, THEME_FONTS, build_app

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Options(_Strict):
    k: int | None = Field(None, ge=1, le=50, description="How many passages to retrieve (default: settings.k).")
    mode: Literal["extractive", "llm"] | None = Field(None, description="extractive (default): quotes only; llm: a model writes, quotes verify.")
    jurisdiction: str | None = Field(None, max_length=16, description="Only sources of this jurisdiction (KZ, EU, RU, CN).")
    language: str | None = Field(None, max_length=8, description="Only sources in this language (en, ru, kk, zh).")
    doc_id: str | None = Field(None, max_length=200, description="Only sources of this document.")

    def as_kwargs(self) -> dict[str, Any]:
        return {"k": self.k, "mode": self.mode, "jurisdiction": self.jurisdiction.upper() if self.jurisdiction else None,
                "language": self.language.lower() if self.language else None, "doc_id": self.doc_id}


class AskRequest(_Options):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="The question, in English, Russian or Kazakh.")


class Turn(_Strict):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_REPLY_CHARS)


class ChatRequest(_Options):
    message: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, description="The new message; follow-ups may lean on the history.")
    history: list[Turn] = Field(default_factory=list, max_length=MAX_HISTORY_TURNS,
                                description="The conversation so far, oldest first.")


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


def validation_message(exc: RequestValidationError) -> str:
    """One line for the first problem: 'question: Field required', 'body: not valid JSON'."""
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "the request body is not valid JSON"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    extra = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid value')}{extra}"


def library_status(exc: AssistantError) -> int:
    if isinstance(exc, InvalidInput):
        return 422
    if isinstance(exc, (IndexNotBuilt, StoreUnavailable, LLMUnavailable)):
        return 503
    return 500


def create_app(assistant: Assistant) -> FastAPI:
    """The FastAPI app: the API routes, then the Gradio UI mounted at ``/``."""
    app = FastAPI(title="Legal assistant: internal-migration law", version=__version__,
                  description="Answers from a fixed corpus of KZ, EU, RU and CN law; every answer quotes and cites "
                              "the provisions it rests on, or says the corpus does not answer.")
    answering = threading.BoundedSemaphore(assistant.settings.concurrency)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        if request.url.path.startswith("/api/") and length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return error_response(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, exc.detail)

    @app.exception_handler(AssistantError)
    async def library_error(_: Request, exc: AssistantError) -> JSONResponse:
        return error_response(library_status(exc), str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error while serving a request")
        return error_response(500, f"internal error ({type(exc).__name__}); the server log has the details")

    @app.post("/api/ask", tags=["answers"], summary="Answer one question (the `ask --json` schema v1)")
    def api_ask(body: AskRequest) -> dict[str, Any]:
        with answering:
            return assistant.ask(body.question, **body.as_kwargs()).to_json()

    @app.post("/api/chat", tags=["answers"], summary="Answer a message in a conversation; the history comes with it")
    def api_chat(body: ChatRequest) -> dict[str, Any]:
        history = [turn.model_dump() for turn in body.history]
        with answering:
            return assistant.chat(body.message, history, **body.as_kwargs()).to_json()

    @app.get("/api/corpus", tags=["corpus"], summary="The indexed documents (`corpus --json`)")
    def api_corpus() -> dict[str, Any]:
        assistant.index.require()
        return {"schema_version": JSON_SCHEMA_VERSION, "documents": assistant.coverage()}

    @app.get("/api/health", tags=["service"], summary="Whether this process can answer")
    def api_health() -> JSONResponse:
        return health(assistant)

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def api_unknown(request: Request, rest: str) -> JSONResponse:
        known = {route.path: sorted(route.methods) for route in app.routes if getattr(route, "include_in_schema", False)}
        path = request.url.path
        if path in known:
            return error_response(405, f"{request.method} is not allowed on {path}; use {', '.join(known[path])}")
        return error_response(404, f"no endpoint {path}; the API has {', '.join(sorted(known))} (see /docs)")

    theme = gr.themes.Soft(**THEME_FONTS)  # system fonts: the machine may be offline
    blocks = build_app(assistant).queue(default_concurrency_limit=assistant.settings.concurrency)
    return gr.mount_gradio_app(app, blocks, path="/", css=CSS, theme=theme, footer_links=["api"], show_error=False,
                               ssr_mode=False)


def health(assistant: Assistant) -> JSONResponse:
    store = assistant.settings.chroma_url or "embedded"
    try:
        assistant.index.require()
        index = assistant.index
        return JSONResponse({"status": "ok", "version": __version__, "store": store, "index_version": index.version,
                             "chunks": len(index.chunks), "documents": len(index.documents())})
    except AssistantError as exc:
        return JSONResponse({"status": "unavailable", "version": __version__, "store": store, "error": str(exc)},
                            status_code=503)


class Running:
    """A server started in a background thread (``serve(..., block=False)``)."""

    def __init__(self, server, thread: threading.Thread, url: str):
        self._server, self._thread, self.url = server, thread, url

    def close(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860, *, block: bool = True,
          quiet: bool = False) -> Running | None:
    """Build the index if it is missing, load it, then serve the API and the UI."""
    import uvicorn

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    if not assistant.has_index():
        print(f"No index yet: building it from {assistant.settings.corpus_dir} (a few minutes the first time)…")
        print(assistant.ingest(progress=True).summary())
    assistant.index.warm()
    assistant.embeddings.embed_query("warm-up")
    app = create_app(assistant)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False))
    url = f"http://{host}:{port}"
    if not quiet:
        print(f"* Running on {url}  (chat UI at /, HTTP API at /api/ask, /api/chat, /api/corpus, /api/health; "
              "OpenAPI at /docs)", flush=True)
    if block:
        server.run()
        return None
    thread = threading.Thread(target=server.run, name="legal-assistant-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError(f"the server did not start on {url}")
    return Running(server, thread, url)
