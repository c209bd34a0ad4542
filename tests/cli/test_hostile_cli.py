"""Issue 9, item 5: what once ended in a traceback ends in a message naming the cause, and exit 1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.store import Store
from p2p_tui.vault import lock
from tests.conftest import CHEAP_KDF, PASSPHRASE


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"P2P_TUI_PASSPHRASE": PASSPHRASE, **(env or {})})


@pytest.fixture
def vault(vault_path: Path) -> Path:
    Store.create(vault_path, PASSPHRASE, kdf=CHEAP_KDF)[0].close()
    return vault_path


def no_traceback(result: Result) -> None:
    assert result.exit_code == 1, result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


def test_a_folder_that_cannot_be_written_is_named(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(lock.os, "open", refuse)
    for command in (["queue"], ["check"], ["report", "--quarter", "2026Q3"], ["purge", "--dry-run"]):
        result = run(*command, "--vault", str(vault))
        no_traceback(result)
        assert "Permission denied" in result.output and ".lock" in result.output, command


def test_init_under_a_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    result = run("init", "--vault", str(tmp_path / "a-file" / "v.p2pvault"))
    no_traceback(result)
    assert "a-file" in result.output


def test_a_backups_path_that_is_a_file_is_named(vault: Path) -> None:
    backups = Path(str(vault) + ".backups")
    if backups.exists():
        for child in backups.iterdir():
            child.unlink()
        backups.rmdir()
    backups.write_text("not a folder")
    result = run("check", "--vault", str(vault))
    no_traceback(result)
    assert ".backups" in result.output


def test_a_passphrase_file_not_in_utf8_is_refused_and_one_with_a_bom_opens(
    vault: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"\xff\xfe caf\xe9")
    result = run(
        "check", "--vault", str(vault), "--passphrase-file", str(bad), env={"P2P_TUI_PASSPHRASE": ""}
    )
    no_traceback(result)
    assert "UTF-8" in result.output
    notepad = tmp_path / "notepad.txt"
    notepad.write_bytes(b"\xef\xbb\xbf" + PASSPHRASE.encode() + b"\r\n")
    result = CliRunner().invoke(
        main, ["check", "--vault", str(vault), "--passphrase-file", str(notepad)], env={}
    )
    assert result.exit_code == 0, result.output


def test_an_id_too_large_for_sqlite_and_a_date_at_the_calendars_end(vault: Path) -> None:
    result = run("match", str(2**70), "--vault", str(vault))
    no_traceback(result)
    assert "referral_id" in result.output
    for command in (["queue", "--on", "9999-12-31"], ["match", "1", "--on", "9999-12-31"]):
        result = run(*command, "--vault", str(vault))
        no_traceback(result)
        assert "--on" in result.output and "2999-12-31" in result.output


def test_a_crash_of_the_console_exits_non_zero(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from p2p_tui.tui import app as app_module

    class Crashed(app_module.P2PApp):
        def run(self, *args: Any, **kwargs: Any) -> Any:
            return None  # as after an unhandled exception: Textual shows its report, returns

        @property
        def return_code(self) -> int | None:
            return 1  # what Textual leaves after a fatal error

    monkeypatch.setattr(app_module, "P2PApp", Crashed)
    result = run("--vault", str(vault))
    assert result.exit_code == 1


# -- atk 9, F8: no unbounded read of a device, a pipe or a huge file ------------------------------


def test_a_pipe_given_as_the_vault_is_refused_before_any_lock_or_read(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = run("--vault", str(pipe), "queue", env={"P2P_TUI_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 1 and "is not a vault file" in result.output, result.output
    no_traceback(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no lock file beside it


def test_an_import_of_a_pipe_or_an_oversized_file_is_refused_before_reading(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from p2p_tui.commands import base

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    result = run(
        "--vault", str(vault), "import", "referrals", str(pipe), env={"P2P_TUI_PASSPHRASE": PASSPHRASE}
    )
    assert result.exit_code == 1 and "file: is not a regular file" in result.output, result.output
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(base, "INPUT_LIMIT", 1024)
    monkeypatch.setattr(base.read_input, "__defaults__", (1024,))
    result = run(
        "--vault", str(vault), "import", "referrals", str(big), env={"P2P_TUI_PASSPHRASE": PASSPHRASE}
    )
    assert result.exit_code == 1 and "file: is larger than 1 KiB" in result.output, result.output
    no_traceback(result)


# -- atk 9, minor notes -------------------------------------------------------------------------


def test_a_file_name_with_an_escape_is_never_echoed_raw(vault: Path, tmp_path: Path) -> None:
    named = tmp_path / "x\x1b]0;owned\x07.p2pvault"
    named.write_bytes(b"not a vault")
    for args in (
        ("restore", "--from", str(named)),
        ("import", "referrals", str(tmp_path / "no\x1b[2Jne.csv")),
    ):
        result = run("--vault", str(vault), *args)
        assert result.exit_code != 0 and "\x1b" not in result.output and "\x07" not in result.output
        assert "\ufffd" in result.output or "\\x1b" in result.output, result.output  # shown inert


@pytest.mark.parametrize("day", ["２０２６-01-01", "2026-0１-01"])
def test_a_date_in_other_digits_is_refused(vault: Path, day: str) -> None:
    for command in (("queue", "--on", day), ("log", "--since", day), ("match", "1", "--on", day)):
        result = run("--vault", str(vault), *command)
        assert result.exit_code in (1, 2) and "YYYY-MM-DD" in result.output, result.output


def test_a_closed_output_pipe_is_quiet(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from p2p_tui.commands import base

    def closed(*_: Any, **__: Any) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    redirected: list[int] = []
    monkeypatch.setattr(base.os, "dup2", lambda _fd, to: redirected.append(to))  # not pytest's own stdout

    with pytest.raises(SystemExit) as caught, base.exit_codes():
        closed()
    assert caught.value.code == base.BROKEN_PIPE and len(redirected) == 1


def test_passwd_recovery_takes_the_code_as_the_passphrase_is_given_or_says_how(
    vault: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main, ["--vault", str(vault), "passwd", "--recovery"], env={"P2P_TUI_PASSPHRASE": None}, input=""
    )
    assert result.exit_code == 2 and "--passphrase-file" in result.output and "Aborted" not in result.output
    wrong = "0000-0000-0000-0000-0000-0000-0000"
    new = tmp_path / "new.txt"
    new.write_text("an entirely different long passphrase 42\n", encoding="utf-8")
    result = run(
        "--vault",
        str(vault),
        "passwd",
        "--recovery",
        "--new-passphrase-file",
        str(new),
        env={"P2P_TUI_PASSPHRASE": wrong},
    )
    assert result.exit_code == 3, result.output  # the code was read (and refused), not asked for
