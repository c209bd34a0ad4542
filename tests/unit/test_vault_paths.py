"""A vault named through a symbolic link or a path with `..` (issue 9, item 7): the real path is resolved
once, at open, and the lock, the temporary file, the backups and the replace all work on it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from p2p_tui.store import Store
from p2p_tui.store import restore as restoring
from p2p_tui.vault import RefusedOutput, Vault, VaultLocked, backups, peek_generation
from p2p_tui.vault.lock import VaultLock, lock_path
from tests.conftest import CHEAP_KDF, PASSPHRASE


@pytest.fixture
def real(tmp_path: Path) -> Path:
    """A vault (generation 1, image b"one") in its own folder."""
    folder = tmp_path / "real"
    folder.mkdir()
    path = folder / "program.p2pvault"
    vault, _ = Vault.create(path, PASSPHRASE, b"one", kdf=CHEAP_KDF)
    vault.close()
    return path


@pytest.fixture
def link(tmp_path: Path, real: Path) -> Path:
    """A symbolic link to the vault, in another folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = elsewhere / "linked.p2pvault"
    path.symlink_to(real)
    return path


def test_a_save_through_a_link_writes_the_real_file_and_keeps_the_link(real: Path, link: Path) -> None:
    vault, image = Vault.open(link, PASSPHRASE)
    try:
        assert image == b"one"
        assert vault.path == real
        assert vault.save(b"two") == 2
    finally:
        vault.close()
    assert link.is_symlink() and link.resolve() == real
    assert peek_generation(real) == 2
    _, image = Vault.open(real, PASSPHRASE, lock=False)
    assert image == b"two"
    # The backup and the lock sit beside the real file; nothing was made beside the link.
    assert [b.generation for b in backups.listing(real)] == [1]
    assert backups.listing(link) == backups.listing(real)
    assert sorted(p.name for p in link.parent.iterdir()) == ["linked.p2pvault"]
    assert lock_path(real).exists()


@pytest.mark.parametrize("name", ["link", "dotdot"])
def test_every_name_of_one_vault_takes_the_same_lock(real: Path, link: Path, name: str) -> None:
    other = link if name == "link" else real.parent / ".." / real.parent.name / real.name
    assert lock_path(other) == lock_path(real)
    first, _ = Vault.open(real, PASSPHRASE)
    try:
        with pytest.raises(VaultLocked):
            Vault.open(other, PASSPHRASE)
    finally:
        first.close()
    second, _ = Vault.open(other, PASSPHRASE)
    try:
        with pytest.raises(VaultLocked):
            Vault.open(real, PASSPHRASE)
        with pytest.raises(VaultLocked):
            VaultLock(real).acquire()
    finally:
        second.close()


def test_the_temporary_file_is_made_beside_the_real_file(
    real: Path, link: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from p2p_tui.vault import fs

    made: list[Path] = []
    create = fs.create_private

    def recording(path: Path) -> int:
        made.append(Path(path))
        return create(path)

    monkeypatch.setattr(fs, "create_private", recording)
    vault, _ = Vault.open(link, PASSPHRASE)
    try:
        vault.save(b"two")
    finally:
        vault.close()
    assert [p.parent for p in made] == [real.parent]
    assert made[0].name.startswith(f".{real.name}.")


def test_a_vault_created_through_a_dangling_link_is_made_where_it_points(tmp_path: Path) -> None:
    target = tmp_path / "store" / "program.p2pvault"
    target.parent.mkdir()
    named = tmp_path / "named.p2pvault"
    named.symlink_to(target)
    vault, _ = Vault.create(named, PASSPHRASE, b"new", kdf=CHEAP_KDF)
    try:
        assert vault.path == target
        vault.save(b"newer")
    finally:
        vault.close()
    assert named.is_symlink() and target.is_file() and not target.is_symlink()
    assert peek_generation(named) == peek_generation(target) == 2


def test_a_store_and_a_restore_through_a_link_keep_the_link(tmp_path: Path) -> None:
    created = tmp_path / "store.p2pvault"
    made, _ = Store.create(created, PASSPHRASE, kdf=CHEAP_KDF)
    made.close()
    named = tmp_path / "store-link.p2pvault"
    named.symlink_to(created)
    store = Store.open(named, PASSPHRASE)
    try:
        assert store.vault.path == created
        store.save_now()
    finally:
        store.close()
    assert named.is_symlink()
    source = backups.listing(created)[0].path
    generation = restoring.restore_from(named, source, PASSPHRASE)
    assert named.is_symlink() and peek_generation(created) == generation
    assert not os.path.exists(f"{named}.backups") and not os.path.exists(f"{named}.lock")


@pytest.mark.parametrize(
    "where",
    [
        lambda v: v.with_name(v.name + ".backups") / "new.p2pvault",  # inside its backups folder
        lambda v: v.with_name(v.name + ".backups") / "deeper" / "new.p2pvault",
        lambda v: v.with_name(v.name + ".backups"),  # named as its backups folder (none made yet)
    ],
    ids=["in the backups", "deeper in the backups", "as the backups folder"],
)
def test_a_new_vault_is_never_made_inside_another_vaults_own_files(
    tmp_path: Path, where: Callable[[Path], Path]
) -> None:
    """Atk 9, minor: init took a path inside another vault's backups folder."""
    first = tmp_path / "program.p2pvault"
    Vault.create(first, PASSPHRASE, b"one", kdf=CHEAP_KDF)[0].close()
    with pytest.raises(RefusedOutput, match="Refusing to create a vault"):
        Vault.create(where(first), PASSPHRASE, b"two", kdf=CHEAP_KDF)
    Vault.create(tmp_path / "demo.p2pvault", PASSPHRASE, b"beside", kdf=CHEAP_KDF)[0].close()  # still fine
