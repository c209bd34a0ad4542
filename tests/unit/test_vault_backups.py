"""Backups: hard links of the replaced file, names, rotation, stale temporary files, file modes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from p2p_tui.vault import Vault, WrongPassphrase, backups
from p2p_tui.vault.backups import Backup, Policy, to_keep
from tests.conftest import CHEAP_KDF, PASSPHRASE

CANARY = b"CANARY-Jane-Doe"
T0 = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def backup_name(when: datetime, generation: int) -> str:
    return f"{when.strftime('%Y%m%dT%H%M%S.%f')}Z-g{generation:010d}.p2pvault"


def kept_generations(vault_path: Path) -> set[int]:
    return {b.generation for b in backups.listing(vault_path)}


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def open_vault(vault_path: Path) -> Iterator[Vault]:
    vault, _ = Vault.create(vault_path, PASSPHRASE, CANARY + b" 1", kdf=CHEAP_KDF)
    yield vault
    vault.close()


# -- hard links and names -------------------------------------------------------------------------------


def test_each_save_after_the_first_hard_links_the_replaced_file(vault_path: Path, open_vault: Vault) -> None:
    folder = backups.folder(vault_path)
    assert folder == vault_path.with_name("program.p2pvault.backups")
    assert not folder.exists()  # creation replaces nothing, so it backs nothing up
    images = {1: CANARY + b" 1"}
    for generation in range(2, 8):
        old = vault_path.stat()
        old_bytes = vault_path.read_bytes()
        when = T0 + timedelta(minutes=generation, microseconds=generation * 1001)
        images[generation] = CANARY + f" {generation}".encode() * generation
        assert open_vault.save(images[generation], now=when) == generation

        backup = folder / backup_name(when, generation - 1)
        assert backup.exists(), sorted(os.listdir(folder))
        info = backup.stat()
        assert info.st_ino == old.st_ino  # the very file that was replaced, not a copy
        assert info.st_dev == old.st_dev
        assert info.st_nlink == 1  # the vault path no longer names it
        assert backup.read_bytes() == old_bytes
        assert vault_path.stat().st_ino != old.st_ino
        assert temp_files(vault_path.parent) == []

    names = sorted(os.listdir(folder))
    assert len(names) == 6  # within the default policy: every backup kept
    for name in names:
        match = backups.NAME.match(name)
        assert match, name
        assert "CANARY" not in name and "Jane" not in name
    listed = backups.listing(vault_path)
    assert [b.generation for b in listed] == [6, 5, 4, 3, 2, 1]  # newest first
    for b in listed:
        assert b.header_intact()
        assert b.path.name == backup_name(b.taken_at, b.generation)
        reopened, image = Vault.open(b.path, PASSPHRASE, lock=False)
        assert reopened.generation == b.generation
        assert image == images[b.generation]


def test_a_backup_keeps_the_keys_it_was_written_under(vault_path: Path, open_vault: Vault) -> None:
    open_vault.save(b"before the change", now=T0)
    open_vault.change_passphrase("new passphrase", b"after the change")
    listed = backups.listing(vault_path)
    newest = listed[0]
    assert newest.generation == 2
    _, image = Vault.open(newest.path, PASSPHRASE, lock=False)
    assert image == b"before the change"
    _, image = Vault.open(vault_path, "new passphrase", lock=False)
    assert image == b"after the change"


def test_saving_without_a_backup_takes_none(vault_path: Path, open_vault: Vault) -> None:
    open_vault.save(b"two", now=T0, backup=False)
    assert backups.listing(vault_path) == []
    open_vault.save(b"three", now=T0 + timedelta(seconds=1))
    assert kept_generations(vault_path) == {2}


# -- rotation -------------------------------------------------------------------------------------------

# (when the save happens, the generations of the backups kept afterwards). Save k backs up generation k.
# Policy(keep_last=3, keep_days=2): the last three, plus the newest of each UTC day not older than 2 days.
ROTATION = [
    *[
        (datetime(2024, 3, 1, 10, k, tzinfo=UTC), set(range(max(1, k - 2), k + 1)))
        for k in range(1, 11)  # ten saves on one day: only the last three survive
    ],
    (datetime(2024, 3, 2, 9, 0, tzinfo=UTC), {9, 10, 11}),
    (datetime(2024, 3, 2, 18, 0, tzinfo=UTC), {10, 11, 12}),
    # Mar 1's newest (g10, 10:10) is within two days of Mar 3 09:00, but not of 15:00.
    (datetime(2024, 3, 3, 9, 0, tzinfo=UTC), {10, 11, 12, 13}),
    (datetime(2024, 3, 3, 15, 0, tzinfo=UTC), {12, 13, 14}),
    # Mar 2's newest (g12, 18:00) falls out of the window at Mar 4 20:00.
    (datetime(2024, 3, 4, 20, 0, tzinfo=UTC), {13, 14, 15}),
    # Mar 3's newest (g14, 15:00) stays: it is within two days of Mar 5 12:0x.
    (datetime(2024, 3, 5, 12, 0, tzinfo=UTC), {14, 15, 16}),
    (datetime(2024, 3, 5, 12, 1, tzinfo=UTC), {14, 15, 16, 17}),
    (datetime(2024, 3, 5, 12, 2, tzinfo=UTC), {14, 15, 16, 17, 18}),
]


def test_rotation_keeps_the_last_few_and_the_newest_of_each_recent_day(
    vault_path: Path, open_vault: Vault
) -> None:
    open_vault.policy = Policy(keep_last=3, keep_days=2)
    images = {1: CANARY + b" 1"}
    for k, (when, expected) in enumerate(ROTATION, start=1):
        images[k + 1] = f"image {k + 1}".encode()
        assert open_vault.save(images[k + 1], now=when) == k + 1
        assert kept_generations(vault_path) == expected, f"after save {k} at {when}"
        assert len(os.listdir(backups.folder(vault_path))) == len(expected)
    for b in backups.listing(vault_path):
        _, image = Vault.open(b.path, PASSPHRASE, lock=False)
        assert image == images[b.generation]


def _backup(name: str, when: datetime, generation: int) -> Backup:
    return Backup(Path("/nonexistent") / name, when, generation)


def _names(kept: set[Path]) -> set[str]:
    return {p.name for p in kept}


def test_to_keep_last_n_and_newest_per_day() -> None:
    now = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
    newest_first = [
        _backup("a", datetime(2024, 6, 10, 11, 0, tzinfo=UTC), 9),
        _backup("b", datetime(2024, 6, 10, 10, 0, tzinfo=UTC), 8),
        _backup("c", datetime(2024, 6, 10, 9, 0, tzinfo=UTC), 7),
        _backup("d", datetime(2024, 6, 9, 23, 59, tzinfo=UTC), 6),
        _backup("e", datetime(2024, 6, 9, 0, 1, tzinfo=UTC), 5),
        _backup("f", datetime(2024, 6, 8, 13, 0, tzinfo=UTC), 4),
        _backup("g", datetime(2024, 6, 8, 12, 0, tzinfo=UTC), 3),  # exactly at the horizon
        _backup("h", datetime(2024, 6, 7, 12, 0, tzinfo=UTC), 2),  # older than the horizon
        _backup("i", datetime(2024, 5, 1, 0, 0, tzinfo=UTC), 1),
    ]
    assert _names(to_keep(newest_first, Policy(keep_last=2, keep_days=2), now)) == {"a", "b", "d", "f"}
    assert _names(to_keep(newest_first, Policy(keep_last=0, keep_days=2), now)) == {"a", "d", "f"}
    assert _names(to_keep(newest_first, Policy(keep_last=0, keep_days=0), now)) == set()
    assert _names(to_keep(newest_first, Policy(keep_last=5, keep_days=0), now)) == set("abcde")
    assert _names(to_keep(newest_first, Policy(keep_last=0, keep_days=3), now)) == {"a", "d", "f", "h"}
    assert _names(to_keep(newest_first, Policy(keep_last=100, keep_days=0), now)) == set("abcdefghi")
    assert _names(to_keep(newest_first, Policy(keep_last=0, keep_days=400), now)) == {"a", "d", "f", "h", "i"}
    assert to_keep([], Policy(), now) == set()


def test_to_keep_at_the_horizon_boundary() -> None:
    now = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
    at = _backup("at", now - timedelta(days=2), 2)
    before = _backup("before", now - timedelta(days=2, microseconds=1), 1)
    assert _names(to_keep([at], Policy(keep_last=0, keep_days=2), now)) == {"at"}
    assert _names(to_keep([before], Policy(keep_last=0, keep_days=2), now)) == set()


def test_to_keep_groups_days_in_utc() -> None:
    now = datetime(2024, 6, 10, 12, 0, tzinfo=UTC)
    # 23:30 and 00:30 UTC are different days even though they are an hour apart.
    late = _backup("late", datetime(2024, 6, 9, 23, 30, tzinfo=UTC), 2)
    early = _backup("early", datetime(2024, 6, 9, 0, 30, tzinfo=UTC), 1)
    next_day = _backup("next", datetime(2024, 6, 10, 0, 30, tzinfo=UTC), 3)
    kept = to_keep([next_day, late, early], Policy(keep_last=0, keep_days=3), now)
    assert _names(kept) == {"next", "late"}


def test_listing_is_newest_first_and_ignores_foreign_files(vault_path: Path) -> None:
    folder = backups.folder(vault_path)
    folder.mkdir()
    stamps = [(T0 + timedelta(hours=h), g) for h, g in [(3, 4), (1, 2), (2, 3), (0, 1), (3, 5)]]
    for when, generation in stamps:
        (folder / backup_name(when, generation)).write_bytes(b"")
    for foreign in ["notes.txt", "x.p2pvault", backup_name(T0, 9) + ".tmp", "20240301T100000Z-g1.p2pvault"]:
        (folder / foreign).write_bytes(b"")
    listed = backups.listing(vault_path)
    assert [b.generation for b in listed] == [5, 4, 3, 2, 1]
    assert all(b.taken_at.tzinfo is not None for b in listed)
    assert listed[-1].taken_at == T0
    assert not any(b.header_intact() for b in listed)  # empty files are not intact vaults


# -- stale temporary files ------------------------------------------------------------------------------


def test_stale_temp_files_are_removed_by_a_locked_open_only(vault_path: Path) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, b"image", kdf=CHEAP_KDF)
    vault.close()
    folder = vault_path.parent
    stale = [folder / f".{vault_path.name}.{h}.tmp" for h in ("0123456789ab", "a1b2c3d4e5f6")]
    for path in stale:
        path.write_bytes(b"ciphertext of an interrupted save")
    others = [
        folder / ".other.p2pvault.0123456789ab.tmp",  # another vault's temp file
        folder / f"{vault_path.name}.0123456789ab.tmp",  # no leading dot
        folder / f".{vault_path.name}.0123456789ab.bak",
        folder / "notes.tmp",
    ]
    for path in others:
        path.write_bytes(b"not ours")

    Vault.open(vault_path, PASSPHRASE, lock=False)
    assert all(path.exists() for path in stale)

    vault, image = Vault.open(vault_path, PASSPHRASE)
    try:
        assert image == b"image"
        assert not any(path.exists() for path in stale)
        assert all(path.read_bytes() == b"not ours" for path in others)
    finally:
        vault.close()


def test_a_failed_open_removes_no_temp_files(vault_path: Path) -> None:
    Vault.create(vault_path, PASSPHRASE, b"image", kdf=CHEAP_KDF, lock=False)
    stale = vault_path.parent / f".{vault_path.name}.0123456789ab.tmp"
    stale.write_bytes(b"x")
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_path, "wrong", lock=True)
    assert stale.exists()


# -- file modes -----------------------------------------------------------------------------------------


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """A umask of 0, so the modes seen are the ones the vault asks for, not the umask's doing."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_vault_and_backups_are_private(vault_path: Path, permissive_umask: None) -> None:
    vault, _ = Vault.create(vault_path, PASSPHRASE, b"one", kdf=CHEAP_KDF)
    try:
        assert mode(vault_path) == 0o600
        for i in range(3):
            vault.save(f"image {i}".encode(), now=T0 + timedelta(minutes=i))
            assert mode(vault_path) == 0o600
        folder = backups.folder(vault_path)
        assert mode(folder) == 0o700
        listed = backups.listing(vault_path)
        assert len(listed) == 3
        for b in listed:
            assert mode(b.path) == 0o600
        assert mode(vault_path.with_name(vault_path.name + ".lock")) == 0o600
    finally:
        vault.close()


def test_a_vault_in_a_new_folder_gets_a_private_folder(tmp_path: Path, permissive_umask: None) -> None:
    path = tmp_path / "new" / "program.p2pvault"
    Vault.create(path, PASSPHRASE, b"one", kdf=CHEAP_KDF, lock=False)
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600


def test_a_foreign_file_with_an_impossible_date_never_breaks_a_save(tmp_path: Path) -> None:
    path = tmp_path / "v.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, b"one", kdf=CHEAP_KDF)
    vault.save(b"two")
    (backups.folder(path) / "20241399T999999.000000Z-g0000000001.p2pvault").write_bytes(b"x")
    assert vault.save(b"three") == 3
    assert all(b.taken_at.year < 9999 for b in backups.listing(path))
    vault.close()


def test_a_naive_now_is_taken_as_local_time(tmp_path: Path) -> None:
    path = tmp_path / "v.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, b"one", kdf=CHEAP_KDF)
    vault.save(b"two", now=datetime(2026, 1, 2, 3, 4, 5))  # noqa: DTZ001 - on purpose
    vault.save(b"three", now=datetime(2026, 1, 3, 3, 4, 5))  # noqa: DTZ001
    assert [b.generation for b in backups.listing(path)] == [2, 1]
    vault.close()


def test_a_pipe_named_like_a_backup_is_passed_over_not_read(tmp_path: Path) -> None:
    """Atk 9 (second round): `check` hung for ever on a FIFO in the backups folder."""
    import os

    from p2p_tui.vault.format import peek_generation

    fifo = tmp_path / "20261202T150300.000000Z-g0000000010.p2pvault"
    os.mkfifo(fifo)
    assert peek_generation(fifo) is None  # returns at once: opening it would block
