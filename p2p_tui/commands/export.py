"""`p2p-tui export-deidentified [--output FILE] [--quarter 2026Q3] [--force]`: the utilization records.

CSV (a header row, then one row per referral, sorted by value) to stdout, or to FILE written
atomically with mode 0600; an existing FILE is never replaced without `--force`. The records carry no
referral id, name or contact. Read-only: the vault file is left byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

import click

from p2p_tui.commands.base import InvalidInput, common_options, open_store, vault_command
from p2p_tui.services import deidentify
from p2p_tui.vault.file import fsync_dir


def write_private(target: Path, text: str, *, force: bool) -> None:
    """Write `text` to `target` atomically with mode 0600; without `force`, never over an existing file.

    The text goes to a temporary file in the same folder (O_EXCL, 0600, fsynced), which then takes the
    target's name: by a hard link when the target must not exist (the link refuses an existing name,
    with no window between a check and the write), by a rename with `force`. Nothing is left behind on
    failure.
    """
    data = text.encode("utf-8")
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if force:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
        fsync_dir(target.parent)
    except FileExistsError:
        raise InvalidInput(f"--output: {target} already exists; choose a new file or add --force") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InvalidInput(f"--output: could not write {target} ({reason}); nothing was written") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _link_new(tmp: Path, target: Path) -> None:
    """Give `tmp` the name `target`, refusing if it exists (a rename where links are not supported)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if target.exists():  # a file system without hard links (a FAT USB stick): check, then rename
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.replace(tmp, target)


@click.command("export-deidentified")
@common_options
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV to FILE (mode 0600) instead of printing it.",
)
@click.option("--quarter", metavar="2026Q3", help="Only the referrals received in this quarter.")
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@vault_command
def command(output: Path | None, quarter: str | None, force: bool) -> None:
    """Export the de-identified utilization records as CSV (one row per referral).

    \b
    Columns: month_received, quarter, career_stage, county, pathway, source, stressors (';'-joined),
    acute_interventional, outcome, days_to_match, days_to_first_contact, follow_up_done, survey_done,
    php_referred, safety_escalation (flags 1/0; an empty number of days: not yet).

    No names, contacts or referral ids. Each row is still one physician's case: keep the file as
    confidential as a report, and share counts (p2p-tui report) rather than rows.
    """
    deidentify.clean_quarter(quarter)  # a bad quarter is refused before the passphrase is asked
    if output is not None and output.exists() and not force:
        raise InvalidInput(f"--output: {output} already exists; choose a new file or add --force")
    store = open_store()
    try:
        with store.lock:
            text = deidentify.export_csv(quarter)
    finally:
        store.close()
    if output is None:
        click.echo(text, nl=False)
        return
    write_private(output, text, force=force)
    rows = text.count("\n") - 1
    click.echo(f"Wrote {rows} records to {output}.", err=True)
