"""No output over the vault (issue 9, item 1): the one private-file writer refuses the vault, its lock,
its backups folder and the vault's own folder, under whatever name they are reached."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from p2p_tui.vault import RefusedOutput, Vault, fs, private_file
from p2p_tui.vault.backups import folder as backups_folder
from p2p_tui.vault.lock import lock_path
from tests.conftest import CHEAP_KDF, PASSPHRASE


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A vault with one backup, in its own folder `home`, beside a folder `other`."""
    path = tmp_path / "home" / "program.p2pvault"
    made, _ = Vault.create(path, PASSPHRASE, b"one", kdf=CHEAP_KDF)
    try:
        made.save(b"two")
    finally:
        made.close()
    (tmp_path / "other").mkdir()
    return path


def _linked_file(vault: Path) -> Path:
    target = vault.parent.parent / "other" / "looks-harmless.csv"
    target.symlink_to(vault)
    return target


def _linked_folder(vault: Path) -> Path:
    folder = vault.parent.parent / "other" / "shortcut"
    folder.symlink_to(vault.parent, target_is_directory=True)
    return folder / "report.csv"


def _hard_link(vault: Path) -> Path:
    target = vault.parent.parent / "other" / "same-inode.csv"
    os.link(vault, target)
    return target


REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "the vault": (lambda v: v, "the vault itself"),
    "the vault by ..": (lambda v: v.parent / ".." / v.parent.name / v.name, "the vault itself"),
    "a link to the vault": (_linked_file, "the vault itself"),
    "a hard link to the vault": (_hard_link, "the vault itself"),
    "the lock": (lock_path, "lock"),
    "the backups folder": (backups_folder, "backups folder"),
    "a backup": (lambda v: next(backups_folder(v).iterdir()), "backups folder"),
    "a new file in the backups": (lambda v: backups_folder(v) / "new.csv", "backups folder"),
    "deeper in the backups": (lambda v: backups_folder(v) / "sub" / "x.csv", "backups folder"),
    "a new file beside the vault": (lambda v: v.parent / "report.csv", "own folder"),
    "a temp-file name beside it": (lambda v: v.parent / f".{v.name}.0123.tmp", "own folder"),
    "beside it through a linked folder": (_linked_folder, "own folder"),
}


def listing(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("overwrite", [True, False])
@pytest.mark.parametrize("case", list(REFUSED))
def test_an_output_over_or_beside_the_vault_is_refused_and_nothing_is_written(
    vault: Path, case: str, overwrite: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, why = REFUSED[case]
    target = make(vault)
    root = vault.parent.parent
    before = listing(root)

    def forbidden(_path: Path) -> int:
        raise AssertionError("a file was created before the refusal")

    monkeypatch.setattr(fs, "create_private", forbidden)
    with pytest.raises(RefusedOutput) as raised:
        private_file.write_private(target, b"plain,text\n", overwrite=overwrite, vault=vault)
    exc = raised.value
    assert exc.exit_code == 1
    assert str(target) in exc.message and why in exc.message and "Nothing was written" in exc.message
    assert "another folder" in exc.next_step
    assert listing(root) == before


@pytest.mark.parametrize(
    "name", ["program.p2pvault", "program.p2pvault.lock", "program.p2pvault.backups", "x.csv"]
)
def test_the_vault_is_protected_under_whatever_name_the_command_was_given(vault: Path, name: str) -> None:
    link = vault.parent.parent / "other" / "vault-link.p2pvault"
    link.symlink_to(vault)
    with pytest.raises(RefusedOutput):
        private_file.check_output(vault.parent / name, link)


@pytest.mark.parametrize(
    "where",
    [
        lambda v: v.parent.parent / "other" / "report.csv",  # another folder
        lambda v: v.parent / "reports" / "report.csv",  # a folder of its own inside the vault's folder
    ],
    ids=["another folder", "a subfolder of the vault's folder"],
)
def test_outputs_elsewhere_are_written_private(vault: Path, where: Callable[[Path], Path]) -> None:
    target = where(vault)
    target.parent.mkdir(exist_ok=True)
    private_file.write_private(target, b"a,b\n", overwrite=False, vault=vault)
    assert target.read_bytes() == b"a,b\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(FileExistsError):
        private_file.write_private(target, b"again", overwrite=False, vault=vault)
    private_file.write_private(target, b"again", overwrite=True, vault=vault)
    assert target.read_bytes() == b"again"


def test_without_a_vault_nothing_is_refused_for_its_place(tmp_path: Path) -> None:
    """`vault=None` is for writes no vault is concerned with (tests, benchmarks): only the file rules."""
    target = tmp_path / "program.p2pvault"
    private_file.write_private(target, b"x", overwrite=False, vault=None)
    assert target.read_bytes() == b"x"


def _fifo(root: Path) -> Path:
    os.mkfifo(root / "a-pipe")
    return root / "a-pipe"


def _folder(root: Path) -> Path:
    (root / "a-folder").mkdir()
    return root / "a-folder"


def _dangling(root: Path) -> Path:
    (root / "to-nothing").symlink_to(root / "nowhere" / "x.csv")
    return root / "to-nothing"


@pytest.mark.parametrize("overwrite", [True, False])
@pytest.mark.parametrize("make", [_fifo, _folder, _dangling], ids=["a pipe", "a folder", "a link to nothing"])
def test_a_target_that_is_not_a_regular_file_is_refused_and_left_alone(
    tmp_path: Path, make: Callable[[Path], Path], overwrite: bool
) -> None:
    target = make(tmp_path)
    before = os.lstat(target)
    with pytest.raises(
        RefusedOutput, match="Refusing to write .*: it is (not a regular file|a symbolic link)"
    ):
        private_file.write_private(target, b"data", overwrite=overwrite, vault=None)
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_link_to_a_file_outside_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    real = tmp_path / "out" / "report.csv"
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    private_file.write_private(link, b"new", overwrite=True, vault=None)
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
