"""The vault's own commands: `init`, `check`, `passwd`, `backup --to FILE`, `restore [--from FILE]`.

Each works on `--vault` (or the default vault) and takes the passphrase from `--passphrase-file`, the
environment or a prompt (`p2p_tui.commands.base`); the exit codes are the command line's (ARCHITECTURE.md
§6).
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import click

from p2p_tui.commands.base import (
    InvalidInput,
    ask_passphrase,
    common_options,
    given_passphrase,
    interactive,
    new_passphrase,
    opened_store,
    shown,
    vault_command,
    vault_path,
)
from p2p_tui.services.admin import audit
from p2p_tui.store import Store
from p2p_tui.store import restore as restoring
from p2p_tui.vault import VaultExists, VaultWriteError, peek_generation, private_file
from p2p_tui.vault import backups as vault_backups


@click.command("init")
@common_options
@vault_command
def init() -> None:
    """Create a new, empty vault and print its recovery code (shown once)."""
    path = vault_path()
    if path.exists():
        raise VaultExists(f"A vault already exists at {path}.", "Open it with: p2p-tui")
    passphrase = new_passphrase(prompt="Choose a passphrase")
    click.echo("Creating the vault (tuning the key derivation to this machine)...", err=True)
    store, code = Store.create(path, passphrase)
    store.close()
    click.echo(f"Created {shown(path)}")
    show_recovery_code(code)


def show_recovery_code(code: str) -> None:
    """Print the recovery code once, with what it is for."""
    click.echo("")
    click.echo("Recovery code (shown only now; write it on paper and keep it locked away):")
    click.echo(f"    {code}")
    click.echo("It opens the vault if the passphrase is forgotten: p2p-tui passwd --recovery")


@click.command("check")
@common_options
@vault_command
def check() -> None:
    """Unlock the vault and check it: integrity, schema, backups, the audit trail's hash chain.

    The chain shows an entry removed or changed by anything but p2p-tui. Its hash has no key and its
    head is kept in the same vault, so someone holding the passphrase can rewrite the trail and
    recompute the chain: check cannot see that. Compare with an older backup or an exported log.
    """
    with opened_store() as store:
        with store.lock:
            conn = store.db.raw()
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            fk_problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            schema = store.db.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
            from p2p_tui.services.reporting import deidentify

            stale = deidentify.check_consistency()
            trail = audit.verify()
        found = vault_backups.listing(store.vault.path)
        intact = sum(1 for b in found if b.header_intact())
        click.echo(f"vault:        {shown(store.vault.path)}")
        click.echo(f"generation:   {store.vault.generation}")
        click.echo(f"schema:       {schema}")
        click.echo(f"integrity:    {', '.join(integrity)}")
        click.echo(f"foreign keys: {'ok' if not fk_problems else f'{len(fk_problems)} problems'}")
        click.echo(f"backups:      {len(found)} ({intact} with an intact header)")
        click.echo(f"de-identified records: {'ok' if not stale else f'{len(stale)} out of date'}")
        click.echo(f"audit trail:  {trail.entries} entries, {'chain intact' if trail.ok else 'BROKEN'}")
        ok = integrity == ["ok"] and not fk_problems and not stale
    if not trail.ok:
        sys.stdout.flush()  # the report's lines first, each whole, then the error on its own lines
        click.echo(f"Error: the audit trail is broken: {trail.why}.", err=True)
        click.echo("The vault's history was edited outside p2p-tui; keep this file for review.", err=True)
        sys.exit(4)
    if not ok:
        click.echo("Error: the database inside the vault is inconsistent.", err=True)
        click.echo(f"Restore from a backup: p2p-tui restore --vault {shown(vault_path())}", err=True)
        sys.exit(4)


@click.command("passwd")
@common_options
@click.option("--recovery", is_flag=True, help="Unlock with the recovery code instead.")
@click.option(
    "--new-passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the new passphrase from FILE instead of asking.",
)
@vault_command
def passwd(recovery: bool, new_passphrase_file: Path | None) -> None:
    """Change the passphrase (re-wraps its key slot; the data and recovery code stay)."""
    with opened_store(recovery=recovery) as store:
        if (
            new_passphrase_file is None and given_passphrase() is not None
        ):  # it holds the old one (or the code)
            raise click.UsageError("give the new passphrase with --new-passphrase-file")
        value = new_passphrase(new_passphrase_file)
        store.change_passphrase(value)
        click.echo("Passphrase changed. Backups made before now still open with the old one.")


@click.command("backup")
@common_options
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the copy (an encrypted vault, same passphrase).",
)
@vault_command
def backup(target: Path) -> None:
    """Write a verified, encrypted copy of the vault to FILE."""
    if target.exists():
        raise InvalidInput(f"--to: {target} already exists; choose a new file")
    with opened_store() as store:
        store.saver.flush()
        data = store.vault.path.read_bytes()
        _write_private(target, data, store.vault.generation, store.vault.path)
        with store.atomic():  # once written (a refused copy is no export)
            audit.record("export", table="backup")
    click.echo(f"Backup written to {shown(target)} (generation {peek_generation(target)}).")


def _write_private(target: Path, data: bytes, generation: int, vault: Path) -> None:
    """Write a verified copy atomically with mode 0600, or raise VaultWriteError leaving nothing; never
    over or beside `vault` (RefusedOutput)."""
    try:
        private_file.write_private(target, data, overwrite=False, vault=vault)
        if peek_generation(target) != generation:
            target.unlink()
            raise OSError(errno.EIO, "the copy does not read back as written")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise VaultWriteError(
            f"The backup could not be written ({reason}); nothing was left at {target}.",
            "Free space or choose another place, then try again.",
        ) from exc


@click.command("restore")
@common_options
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Restore this backup file (otherwise the backups are listed to choose from).",
)
@click.option("--yes", "newest", is_flag=True, help="Restore the newest backup that opens, without asking.")
@vault_command
def restore(source: Path | None, newest: bool) -> None:
    """List the backups (date, generation, whether each opens) and restore one over the vault.

    Without a terminal to answer the question, pass --from FILE or --yes.
    """
    path = vault_path()
    passphrase = ask_passphrase("Passphrase of the backup")
    if source is None:
        found = vault_backups.listing(path)
        if not found:
            click.echo(f"No backups of {shown(path)}.")
            return
        click.echo(f"{'#':>3}  {'taken (local time)':19}  {'generation':>10}  opens")
        verdicts = [_opens(b, passphrase) for b in found]
        for i, (b, verdict) in enumerate(zip(found, verdicts, strict=True), 1):
            local = b.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            click.echo(f"{i:>3}  {local:19}  {b.generation:>10}  {verdict}")
        if newest:
            opening = [b for b, verdict in zip(found, verdicts, strict=True) if verdict == "yes"]
            if not opening:
                raise InvalidInput("none of the backups opens with this passphrase: nothing restored")
            source = opening[0].path
        else:
            source = found[_which(len(found)) - 1].path
    restore_from(path, source, passphrase)


NO_ANSWER = (
    "nothing restored: no answer to which backup (without a terminal, pass --from FILE, one of those "
    "listed, or --yes for the newest that opens)"
)


def _which(count: int) -> int:
    """The number of the backup to restore: asked on a terminal; read from standard input without
    one (no question printed, and no answer is the usage error that says what to pass)."""
    if interactive():
        try:
            return int(
                click.prompt(
                    "Restore which (number; Ctrl+C to cancel)", type=click.IntRange(1, count), err=True
                )
            )
        except click.Abort:
            raise click.UsageError(NO_ANSWER) from None
    answer = sys.stdin.readline().strip()
    if not answer:
        raise click.UsageError(NO_ANSWER)
    if not answer.isdigit() or not 1 <= int(answer) <= count:
        raise click.UsageError(f"nothing restored: answer a number from 1 to {count}")
    return int(answer)


def _opens(candidate: vault_backups.Backup, passphrase: str) -> str:
    verdict = restoring.check(candidate, passphrase)
    return "yes" if verdict.opens else f"no ({verdict.why_not})"


def restore_from(path: Path, source: Path, passphrase: str) -> None:
    """Replace the vault with a backup; the current file is kept as a backup first."""
    new_generation = restoring.restore_from(path, source, passphrase)
    click.echo(f"Restored {shown(source.name)} into {shown(path)} as generation {new_generation}.")
