"""Command line (click): a stable contract that scripts and tests rely on (ARCHITECTURE.md §6).

This module is the group and the registration of its commands only; each command lives in
`p2p_tui/commands/` (the vault's own in `vault`, the demo in `demo`, the console in `console`).
Exit codes: 0 ok, 1 invalid input or failed operation (the message names the row/field or the cause),
2 usage, 3 wrong passphrase, 4 vault damaged or tampered, 5 vault in use by another process
(`p2p_tui.commands.base.exit_codes`).
"""

from __future__ import annotations

import click

from p2p_tui import __version__
from p2p_tui.commands import (
    console,
    demo,
    dictionary,
    export,
    honoraria,
    importing,
    informal,
    keys,
    log,
    match,
    member_survey,
    purge,
    queue,
    report,
    vault,
)
from p2p_tui.commands.base import common_options
from p2p_tui.hardening import harden


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@console.console_options
@click.version_option(__version__, prog_name="p2p-tui")
@click.pass_context
def main(ctx: click.Context) -> None:
    """p2p-tui: the coordinator's console for a physician Peer-to-Peer support program.

    With no command, opens the console on the vault (unlocking it, or creating it if it does not
    exist). Everything is kept in one encrypted file; nothing leaves this machine.
    """
    harden()
    if ctx.invoked_subcommand is None:
        console.open_default()


main.add_command(vault.init, "init")
main.add_command(vault.check, "check")
main.add_command(vault.passwd, "passwd")
main.add_command(vault.backup, "backup")
main.add_command(vault.restore, "restore")
main.add_command(demo.command, "demo")
main.add_command(importing.command, "import")
main.add_command(match.command, "match")
main.add_command(queue.command, "queue")
main.add_command(report.command, "report")
main.add_command(honoraria.command, "honoraria")
main.add_command(member_survey.group, "member-survey")
main.add_command(informal.group, "informal")
main.add_command(export.command, "export-deidentified")
main.add_command(purge.command, "purge")
main.add_command(log.command, "log")
main.add_command(dictionary.command, "dictionary")
main.add_command(keys.command, "keys")
