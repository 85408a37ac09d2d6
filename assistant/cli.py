"""The ``legal-assistant`` command: a thin layer over ``assistant.api.Assistant``.

Exit codes (stable; scripts may rely on them):

  0  success (for ``ask``: the corpus answered the question)
  1  ``ask`` ran, but the corpus does not answer the question (status ``not_found``)
  2  usage error: unknown option, bad value (also of a LEGAL_ASSISTANT_* variable), empty question
  3  no index yet: build it with ``legal-assistant ingest``
  4  any other error the library reports (corpus folder missing, embedding backend mismatch,
     LLM unavailable, ...)

``ask --json`` prints one JSON object: ``Answer.to_dict()`` plus ``"schema_version": 1``.
Errors never print a traceback: a one-line message goes to stderr.
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
import textwrap
import unicodedata
from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError

from . import __version__
from .api import Assistant
from .errors import AssistantError, EmptyQuestion, IndexNotBuilt, InvalidInput, InvalidSettings
from .settings import settings_error_message
from .types import JSON_SCHEMA_VERSION, Answer

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_NO_INDEX, EXIT_ERROR = 0, 1, 2, 3, 4
HISTORY_KEPT = 20  # items of the conversation handed back with each message (follow-ups read the last few)
LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "kk": "Kazakh", "zh": "Chinese"}
EXIT_CODES_HELP = """\b
Exit codes: 0 ok; 1 the corpus does not answer (ask); 2 usage error or empty question;
3 no index yet (run `legal-assistant ingest`); 4 other error."""


def _assistant() -> Assistant:
    """The one place the CLI builds its Assistant (settings from LEGAL_ASSISTANT_* or defaults).
    Tests replace this function."""
    return Assistant()


def _fail(message: str, code: int) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(code)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into a one-line message on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (InvalidInput, InvalidSettings) as exc:
            _fail(str(exc), EXIT_USAGE)
        except IndexNotBuilt as exc:
            _fail(str(exc), EXIT_NO_INDEX)
        except AssistantError as exc:
            _fail(str(exc), EXIT_ERROR)
        except UnicodeDecodeError as exc:  # a line typed into `chat` that is not UTF-8
            _fail(f"the input is not valid UTF-8 ({exc.reason} at byte {exc.start}); type UTF-8 text.", EXIT_USAGE)
        except OSError as exc:  # the disk or the data folder refused a read or write
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), EXIT_ERROR)

    return wrapper


def _require_index(bot: Assistant) -> None:
    if not bot.has_index():
        raise IndexNotBuilt(f"No index in {bot.settings.data_dir} yet. Build it with `legal-assistant ingest`.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="legal-assistant")
def cli() -> None:
    """Offline legal assistant over internal-migration law (KZ, EU, RU, CN)."""


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--rebuild", is_flag=True, help="Delete the index and build it anew.")
@handle_errors
def ingest(directory: str | None, rebuild: bool) -> None:
    """Build or update the index from a corpus folder (default: the configured corpus).

    Only new or changed files are embedded; a progress bar shows the embedding."""
    bot = _assistant()
    click.echo(f"Indexing {directory or bot.settings.corpus_dir} into {bot.settings.data_dir}", err=True)
    report = bot.ingest(directory, rebuild=rebuild, progress=True)
    click.echo(report.summary())


# ------------------------------------------------------------------------------- ask / chat
def answer_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--jurisdiction", "-j", help="Only sources of this jurisdiction (KZ, EU, RU, CN)."),
        click.option("--language", "-l", help="Only sources in this language (en, ru, kk, zh)."),
        click.option("--k", "k", type=click.IntRange(1, 50), help="How many passages to retrieve."),
        click.option("--mode", type=click.Choice(["extractive", "llm"]),
                     help="extractive (default): quotes only; llm: a local model writes, quotes verify."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(jurisdiction: str | None, language: str | None, k: int | None, mode: str | None) -> dict[str, Any]:
    return {"jurisdiction": jurisdiction.upper() if jurisdiction else None,
            "language": language.lower() if language else None, "k": k, "mode": mode}


def format_answer(answer: Answer, *, show_query: bool = False) -> str:
    """The answer as plain text: resolved query, text, warnings, numbered sources."""
    lines = []
    if show_query and answer.query and answer.query != answer.question:
        lines += [f"(searched as: {answer.query})", ""]
    lines.append(answer.text)
    for warning in answer.warnings:
        lines += ["", f"! {warning}"]
    if answer.citations:
        lines += ["", "Sources:"]
        shown_note = ""
        for c in answer.citations:
            status = ", ".join([LANGUAGE_NAMES.get(c.language, c.language),
                                "authentic text" if c.authentic else "translation",
                                "in force" if c.in_force else "SUPERSEDED", *([] if c.verified else ["UNVERIFIED"])])
            lines.append(f"  [{c.n}] {c.label} ({status})")
            if c.note and c.note != shown_note:
                lines.append(textwrap.fill(c.note, width=100, initial_indent="      ", subsequent_indent="      "))
            shown_note = c.note
    return "\n".join(lines)


def argument_text(value: str, what: str) -> str:
    """A command-line argument as text: bytes that are not UTF-8 reach Python as lone surrogates
    (U+DC80..U+DCFF); they are a usage error naming the first such byte, not a crash further on."""
    for position, ch in enumerate(value):
        if "\udc80" <= ch <= "\udcff":
            raise InvalidInput(f"The {what} is not valid UTF-8 (byte 0x{ord(ch) - 0xDC00:02x} at position {position}); "
                               "pass it as UTF-8 text.")
    return value


def answer_json(answer: Answer) -> str:
    return json.dumps(answer.to_json(), ensure_ascii=False, indent=2)


@cli.command(epilog=EXIT_CODES_HELP)
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (schema_version 1).")
@answer_options
@handle_errors
def ask(question: str, as_json: bool, jurisdiction: str | None, language: str | None, k: int | None,
        mode: str | None) -> None:
    """Answer one QUESTION with cited, quoted provisions."""
    question = argument_text(question, "question")
    if not question.strip():
        raise EmptyQuestion("The question is empty: type a question about internal-migration law.")
    bot = _assistant()
    _require_index(bot)
    answer = bot.ask(question, **_filters(jurisdiction, language, k, mode))
    click.echo(answer_json(answer) if as_json else format_answer(answer))
    sys.exit(EXIT_OK if answer.status == "answered" else EXIT_NOT_FOUND)


@cli.command()
@answer_options
@handle_errors
def chat(jurisdiction: str | None, language: str | None, k: int | None, mode: str | None) -> None:
    """A conversation in the terminal: follow-ups use the history.

    An empty line, `exit`, `quit` or end of input (Ctrl-D) ends it."""
    bot = _assistant()
    _require_index(bot)
    options = _filters(jurisdiction, language, k, mode)
    bot.filters(options["jurisdiction"], options["language"])  # a filter the corpus lacks ends it here, with the valid values
    history: list[dict[str, str]] = []
    click.echo("Ask about internal-migration law (KZ, EU, RU, CN). Empty line or `exit` to quit.")
    while True:
        try:
            message = click.prompt("you", default="", show_default=False, prompt_suffix="> ").strip()
        except click.Abort:  # EOF or Ctrl-C
            click.echo()
            break
        if not click.get_text_stream("stdin").isatty():
            click.echo(message)  # piped input: show what was asked
        if not message or message.lower() in {"exit", "quit"}:
            break
        try:
            answer = bot.chat(message, history, **options)
        except InvalidInput as exc:  # one bad message (too long, not text) does not end the conversation
            click.secho(f"Error: {exc}", fg="red", err=True)
            continue
        click.echo(format_answer(answer, show_query=True))
        click.echo()
        history = [*history, {"role": "user", "content": message}, {"role": "assistant", "content": answer.text}][-HISTORY_KEPT:]


# ------------------------------------------------------------------------------- serve / corpus
@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@handle_errors
def serve(host: str, port: int) -> None:
    """Serve the chat UI at / and the HTTP API at /api (builds the index first if it is missing).

    \b
    POST /api/ask, POST /api/chat (the `ask --json` answer), GET /api/corpus, GET /api/health;
    OpenAPI at /openapi.json and /docs."""
    from .server import serve as run_server

    run_server(_assistant(), host, port)


def _cells(text: str) -> int:
    """Terminal cells the text takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    """Shorten to ``width`` terminal cells and pad to exactly that."""
    if _cells(text) > width:
        while _cells(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - _cells(text))


def corpus_table(rows: list[dict[str, Any]], width: int | None = None) -> str:
    """One line per document and language version; title and completeness share what the fixed
    columns leave of ``width``. ``width`` 0: nothing shortened, full titles instead of short ones."""
    header = {"doc_id": "ID", "language": "LANG", "version": "VERSION", "status": "STATUS", "title": "TITLE",
              "completeness": "COMPLETENESS"}
    table = [header, *(_row(r, full_title=width == 0) for r in rows)]
    widths = {key: max(_cells(row[key]) for row in table) for key in header}
    if width is None:
        width = max(shutil.get_terminal_size((120, 24)).columns, 100)
    if width:
        free = width - sum(widths[k] + 2 for k in ("doc_id", "language", "version", "status"))
        widths["title"] = min(widths["title"], max(20, free // 2))
        widths["completeness"] = max(20, free - widths["title"] - 2)
    lines = ["  ".join(_clip(row[key], w) for key, w in widths.items()).rstrip() for row in table]
    return "\n".join(lines)


def _row(r: dict[str, Any], full_title: bool = False) -> dict[str, str]:
    status = "in force" if r["in_force"] else f"superseded {r.get('in_force_until') or ''}".strip()
    title = r.get("title") if full_title else (r.get("short_title") or r.get("title"))
    return {"doc_id": r["doc_id"], "language": r["language"], "version": "authentic" if r["authentic"] else "translation",
            "status": status, "title": " ".join(str(title or "").split()),
            "completeness": " ".join(str(r.get("completeness") or "not stated").split())}


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the coverage rows as JSON.")
@click.option("--wide", is_flag=True, help="Do not shorten titles and completeness notes.")
@handle_errors
def corpus(as_json: bool, wide: bool) -> None:
    """List the indexed documents: language, authentic or translation, in force, completeness."""
    bot = _assistant()
    _require_index(bot)
    rows = bot.coverage()
    if as_json:
        click.echo(json.dumps({"schema_version": JSON_SCHEMA_VERSION, "documents": rows}, ensure_ascii=False, indent=2))
        return
    click.echo(corpus_table(rows, width=0 if wide else None))
    fragments = sum(1 for r in rows if not r.get("complete", True))
    click.echo(textwrap.fill(
        f"{len({r['doc_id'] for r in rows})} documents, {len(rows)} language versions; {fragments} versions are not "
        "marked complete (see COMPLETENESS; --wide shows full titles and notes).", width=100))


def _register_evaluation_commands() -> None:
    from .evaluation.commands import bench_command, eval_command

    cli.add_command(eval_command, "eval")
    cli.add_command(bench_command, "bench")


_register_evaluation_commands()


def main() -> None:
    try:
        cli()
    except ValidationError as exc:  # a bad LEGAL_ASSISTANT_* value, met when settings are read
        _fail(settings_error_message(exc), EXIT_USAGE)


if __name__ == "__main__":
    main()
