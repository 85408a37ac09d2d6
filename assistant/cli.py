"""The ``legal-assistant`` command: a thin layer over ``assistant.api.Assistant``."""

from __future__ import annotations

import sys

import click

from . import __version__
from .api import Assistant
from .errors import AssistantError


def _fail(exc: Exception, code: int = 1) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="legal-assistant")
def cli() -> None:
    """Offline legal assistant over internal-migration law (KZ, EU, RU, CN)."""


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--rebuild", is_flag=True, help="Delete the index and build it anew.")
def ingest(directory: str | None, rebuild: bool) -> None:
    """Build or update the index from a corpus folder (default: the configured corpus)."""
    try:
        report = Assistant().ingest(directory, rebuild=rebuild)
    except AssistantError as exc:
        _fail(exc)
    click.echo(report.summary())


@cli.command()
@click.argument("question")
def ask(question: str) -> None:
    """Answer one question with cited, quoted provisions."""
    try:
        answer = Assistant().ask(question)
    except AssistantError as exc:
        _fail(exc)
    click.echo(answer.text)
    for citation in answer.citations:
        click.echo(f"[{citation.n}] {citation.label}")


def _register_evaluation_commands() -> None:
    from .evaluation.commands import bench_command, eval_command

    cli.add_command(eval_command, "eval")
    cli.add_command(bench_command, "bench")


_register_evaluation_commands()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
