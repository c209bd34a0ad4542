"""Scaffold: replaced by the real command in this session."""

from __future__ import annotations

import click


@click.command("purge")
def command() -> None:
    """Not built yet."""
    raise click.ClickException("not built yet")
