"""CLI commands `eval` and `bench` (registered by assistant.cli)."""

import click


@click.command("eval")
def eval_command() -> None:
    """Evaluate on a questions file (not implemented yet)."""
    raise click.ClickException("not implemented yet")


@click.command("bench")
def bench_command() -> None:
    """Run the benchmarks (not implemented yet)."""
    raise click.ClickException("not implemented yet")
