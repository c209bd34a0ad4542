"""Rotated backups: the file about to be replaced is hard-linked into `<vault>.backups/`.

Each backup is a whole vault, encrypted under the keys it had when it was written. Names carry only the
time (UTC) and the generation, never anything from inside the vault.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from p2p_tui.vault import fs
from p2p_tui.vault.format import peek_generation

NAME = re.compile(r"^(\d{8}T\d{6}\.\d{6})Z-g(\d{10})\.p2pvault$")
STAMP = "%Y%m%dT%H%M%S.%f"


@dataclass(frozen=True)
class Policy:
    """How many backups to keep: the last `keep_last`, and the newest of each of `keep_days` days."""

    keep_last: int = 10
    keep_days: int = 14


@dataclass(frozen=True)
class Backup:
    """One backup file and what its name says."""

    path: Path
    taken_at: datetime
    generation: int

    def header_intact(self) -> bool:
        """Whether its header is intact and says its generation (reads the header only, no KDF)."""
        return peek_generation(self.path) == self.generation


def utc(now: datetime | None) -> datetime:
    """`now` in UTC (a naive value is taken as local time), or the current time."""
    return (now or datetime.now(UTC)).astimezone(UTC)


def folder(vault: Path) -> Path:
    """The backups folder of a vault: beside the real file, whatever link the vault was named by."""
    real = fs.real_path(vault)
    return real.with_name(real.name + ".backups")


def take(vault: Path, generation: int, now: datetime | None = None) -> Path | None:
    """Hard-link (or, where links are impossible, copy) the current vault file into the folder, and
    make the new name durable (the folder is synced, and the vault's folder when the backups folder
    is new) before the caller replaces the vault.

    Returns the new backup, or None when a backup of this generation already exists (a save that
    failed and was retried must not fill the folder with copies of one generation and rotate the
    older ones away).
    """
    target_dir = folder(vault)
    if not target_dir.is_dir():
        target_dir.mkdir(mode=0o700)
        fs.sync_dir(target_dir.parent)
    suffix = f"Z-g{generation:010d}.p2pvault"
    if any(name.endswith(suffix) for name in os.listdir(target_dir)):
        return None
    now = utc(now)
    target = target_dir / f"{now.strftime(STAMP)}{suffix}"
    fs.link_or_copy(vault, target)
    fs.sync_dir(target_dir)
    return target


def listing(vault: Path) -> list[Backup]:
    """Every backup of a vault, newest first."""
    found = []
    try:
        entries = list(os.scandir(folder(vault)))
    except FileNotFoundError:
        return []
    for entry in entries:
        match = NAME.match(entry.name)
        if not match:
            continue
        try:
            taken = datetime.strptime(match[1], STAMP).replace(tzinfo=UTC)
        except ValueError:  # digits that are no date: not one of ours
            continue
        found.append(Backup(Path(entry.path), taken, int(match[2])))
    found.sort(key=lambda b: (b.taken_at, b.generation), reverse=True)
    return found


def to_keep(backups: list[Backup], policy: Policy, now: datetime) -> set[Path]:
    """The backups the policy keeps: the newest `keep_last`, plus the newest of each recent day."""
    keep = {b.path for b in backups[: policy.keep_last]}
    seen_days: set[str] = set()
    horizon = now - timedelta(days=policy.keep_days)
    for b in backups:  # newest first, so the first seen of a day is its newest
        day = b.taken_at.strftime("%Y-%m-%d")
        if b.taken_at >= horizon and day not in seen_days:
            seen_days.add(day)
            keep.add(b.path)
    return keep


def rotate(vault: Path, policy: Policy, now: datetime | None = None) -> None:
    """Delete the backups the policy no longer keeps.

    Every one is tried; then the first failure, if any, is raised (an OSError): never swallowed.
    """
    now = utc(now)
    backups = listing(vault)
    keep = to_keep(backups, policy, now)
    failed: OSError | None = None
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink(missing_ok=True)
            except OSError as exc:
                failed = failed or exc
    if failed is not None:
        raise failed
