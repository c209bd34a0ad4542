"""`p2p-tui dictionary [--format md|csv]`: every table and field the vault stores, for a privacy review.

Needs no vault: it is generated from the program's own schema (`services/admin/dictionary.py`).
"""

from __future__ import annotations

import click

from p2p_tui.services.admin import dictionary


@click.command("dictionary")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv"]),
    default="md",
    show_default=True,
    help="Markdown or CSV.",
)
def command(fmt: str) -> None:
    """List every table and field the vault stores: its meaning, whether it identifies a person
    (yes, indirect, no) and when it is purged. docs/DATA-DICTIONARY.md is this command's Markdown."""
    click.echo(dictionary.markdown() if fmt == "md" else dictionary.csv(), nl=False)
