"""The command line's contract: commands, passphrase sources and exit codes (ARCHITECTURE.md §6)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from p2p_tui.cli import main
from p2p_tui.store import Store, settings
from p2p_tui.vault import Vault, keys
from tests.conftest import CHEAP_KDF, PASSPHRASE


def run(*args: str, passphrase: str | None = PASSPHRASE, stdin: str | None = None) -> Result:
    env = {"P2P_TUI_PASSPHRASE": passphrase} if passphrase is not None else {}
    return CliRunner().invoke(main, list(args), env=env, input=stdin)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    path = tmp_path / "vault" / "program.p2pvault"  # in a folder of its own: no output may go there
    store, _ = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    with store.atomic():
        settings.put("counties", ["Kings", "Queens", "Prince", "Extra"])
    store.close()
    return path


def counties(path: Path, passphrase: str = PASSPHRASE) -> list[str]:
    store = Store.open(path, passphrase)
    try:
        return list(settings.get("counties"))
    finally:
        store.close()


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("init", "check", "passwd", "backup", "restore", "demo"):
        assert command in result.output


def test_init_creates_a_calibrated_vault_and_prints_the_recovery_code(tmp_path: Path) -> None:
    path = tmp_path / "new.p2pvault"
    result = run("init", "--vault", str(path))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    code = next(line.strip() for line in result.output.splitlines() if keys.normalize_recovery_code(line))
    vault, _ = Vault.open(path, code, recovery=True)
    assert vault.slots[0].kdf.memory_kib >= 64 * 1024  # the creation floor
    vault.close()


def test_init_refuses_a_short_passphrase_and_an_existing_file(vault: Path, tmp_path: Path) -> None:
    short = run("init", "--vault", str(tmp_path / "x.p2pvault"), passphrase="short")
    assert short.exit_code == 1
    assert "passphrase" in short.output and "12" in short.output
    assert not (tmp_path / "x.p2pvault").exists()
    again = run("init", "--vault", str(vault))
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_check_reports_an_intact_vault(vault: Path) -> None:
    result = run("check", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert "integrity:    ok" in result.output
    assert "generation:   2" in result.output


def test_vault_option_goes_before_or_after_the_command(vault: Path) -> None:
    assert run("--vault", str(vault), "check").exit_code == 0


def test_passphrase_file_is_read(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    result = run("check", "--vault", str(vault), "--passphrase-file", str(secret), passphrase=None)
    assert result.exit_code == 0, result.output


def test_passphrase_prompt_when_none_is_given(vault: Path) -> None:
    result = run("check", "--vault", str(vault), passphrase=None, stdin=PASSPHRASE + "\n")
    assert result.exit_code == 0, result.output
    assert PASSPHRASE not in result.output  # never echoed


def test_wrong_passphrase_exits_3_and_changes_nothing(vault: Path) -> None:
    before = vault.read_bytes()
    result = run("check", "--vault", str(vault), passphrase="not the passphrase")
    assert result.exit_code == 3
    assert "not right" in result.output
    assert vault.read_bytes() == before


def test_missing_vault_exits_1_naming_the_next_step(tmp_path: Path) -> None:
    result = run("check", "--vault", str(tmp_path / "none.p2pvault"))
    assert result.exit_code == 1
    assert "p2p-tui init" in result.output


def test_damaged_vault_exits_4_with_the_restore_hint(vault: Path) -> None:
    data = bytearray(vault.read_bytes())
    data[-20] ^= 0x01
    vault.write_bytes(bytes(data))
    result = run("check", "--vault", str(vault))
    assert result.exit_code == 4
    assert "p2p-tui restore" in result.output


def test_passwd_changes_the_passphrase(vault: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase here\n")
    result = run("passwd", "--vault", str(vault), "--new-passphrase-file", str(new))
    assert result.exit_code == 0, result.output
    assert run("check", "--vault", str(vault)).exit_code == 3
    assert counties(vault, "a brand new passphrase here")[-1] == "Extra"


def test_passwd_with_the_recovery_code(tmp_path: Path) -> None:
    path = tmp_path / "r.p2pvault"
    store, code = Store.create(path, PASSPHRASE, kdf=CHEAP_KDF)
    store.close()
    new = "recovered passphrase 2026"
    result = run(
        "passwd", "--vault", str(path), "--recovery", passphrase=None, stdin=f"{code}\n{new}\n{new}\n"
    )
    assert result.exit_code == 0, result.output
    assert run("check", "--vault", str(path)).exit_code == 3
    assert run("check", "--vault", str(path), passphrase=new).exit_code == 0


def test_backup_writes_a_verified_encrypted_copy(vault: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.p2pvault"
    result = run("backup", "--vault", str(vault), "--to", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert counties(target)[-1] == "Extra"
    assert run("backup", "--vault", str(vault), "--to", str(target)).exit_code == 1


def test_restore_from_a_file_brings_the_data_back(vault: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.p2pvault"
    assert run("backup", "--vault", str(vault), "--to", str(target)).exit_code == 0
    store = Store.open(vault, PASSPHRASE)
    with store.atomic():
        settings.put("counties", ["Changed"])
    generation = store.vault.generation
    store.close()
    result = run("restore", "--vault", str(vault), "--from", str(target))
    assert result.exit_code == 0, result.output
    assert counties(vault)[-1] == "Extra"
    reopened = Store.open(vault, PASSPHRASE)
    assert reopened.vault.generation > generation  # the generation never goes back
    reopened.close()


def test_restore_lists_backups_and_rescues_a_damaged_vault(vault: Path) -> None:
    store = Store.open(vault, PASSPHRASE)
    with store.atomic():
        settings.put("counties", ["Third"])
    store.close()
    data = bytearray(vault.read_bytes())
    data[12] ^= 0xFF
    vault.write_bytes(bytes(data))
    assert run("check", "--vault", str(vault)).exit_code == 4
    result = run("restore", "--vault", str(vault), stdin="1\n")
    assert result.exit_code == 0, result.output
    assert "yes" in result.output  # the listing says the backup opens
    assert run("check", "--vault", str(vault)).exit_code == 0
    assert counties(vault)[-1] == "Extra"


def test_restore_without_a_terminal_says_what_to_pass_and_yes_takes_the_newest_that_opens(
    vault: Path,
) -> None:
    """Issue 10: `restore` with no one to answer listed the backups and stopped with "Aborted!"."""
    store = Store.open(vault, PASSPHRASE)
    with store.atomic():
        settings.put("counties", ["Fourth"])
    store.close()
    unanswered = run("restore", "--vault", str(vault), stdin="")
    assert unanswered.exit_code == 2
    assert "--from" in unanswered.output and "--yes" in unanswered.output
    assert "Aborted" not in unanswered.output and "Restore which" not in unanswered.output
    assert counties(vault) == ["Fourth"]  # nothing restored
    result = run("restore", "--vault", str(vault), "--yes", stdin="")
    assert result.exit_code == 0, result.output
    assert counties(vault)[-1] == "Extra"  # the newest backup: the vault as it was before the change


def test_demo_creates_a_vault_and_will_not_replace_a_real_one(vault: Path, tmp_path: Path) -> None:
    refused = run("demo", "--vault", str(vault), "--no-open")
    assert refused.exit_code == 1
    assert "not a demo" in refused.output
    demo = tmp_path / "demo.p2pvault"
    first = run("demo", "--vault", str(demo), "--no-open")
    assert first.exit_code == 0, first.output
    second = run("demo", "--vault", str(demo), "--no-open")
    assert second.exit_code == 0, second.output
    assert "supporters" in second.output and "referrals" in second.output
    checked = run("check", "--vault", str(demo))  # the demo took the passphrase it was given
    assert checked.exit_code == 0, checked.output
    assert "integrity:    ok" in checked.output and "de-identified records: ok" in checked.output


def test_cli_py_only_registers_the_commands() -> None:
    """The group lives in p2p_tui/cli.py; every command, and the console it opens, in p2p_tui/commands/."""
    import inspect

    import p2p_tui.cli as cli

    assert set(main.commands) == {
        *("init", "check", "passwd", "backup", "restore", "demo", "import", "match", "queue"),
        *(
            "report",
            "honoraria",
            "export-deidentified",
            "purge",
            "log",
            "dictionary",
            "member-survey",
            "keys",
            "informal",
        ),
    }
    for name, command in main.commands.items():
        assert command.callback is not None
        assert command.callback.__module__.startswith("p2p_tui.commands."), name
    defined = [n for n, v in vars(cli).items() if inspect.isfunction(v) and v.__module__ == cli.__name__]
    assert defined == []  # (main is the click group)


def test_one_way_for_a_command_to_open_a_vault() -> None:
    """Every command unlocks through commands.base.opened_store, which maps errors and closes."""
    folder = Path(__file__).parents[2] / "p2p_tui" / "commands"
    for module in folder.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        if module.name != "base.py":
            assert "Store.open(" not in text, module.name
            closes = text.count("store.close()")
            assert closes == text.count("Store.create("), module.name  # (only a vault just created)


LONG = (
    "the quiet harbour lamps flicker while gulls argue over bread crusts near the old pier and "
    "a ferry horn answers twice from somewhere past the lighthouse before the fog rolls back in again"
)


def test_init_and_passwd_take_a_passphrase_longer_than_zxcvbn_judges(tmp_path: Path) -> None:
    """Issue 9, item 6: zxcvbn raises on more than 72 characters; init and passwd crashed."""
    assert len(LONG) > 180
    path = tmp_path / "long.p2pvault"
    result = run("init", "--vault", str(path), passphrase=LONG)
    assert result.exit_code == 0, result.output
    assert run("check", "--vault", str(path), passphrase=LONG).exit_code == 0
    new = tmp_path / "new.txt"
    new.write_text(LONG.upper()[::-1] + "\n")
    result = run("passwd", "--vault", str(path), "--new-passphrase-file", str(new), passphrase=LONG)
    assert result.exit_code == 0, result.output
    assert run("check", "--vault", str(path), passphrase=LONG.upper()[::-1]).exit_code == 0
    too_long = tmp_path / "too-long.txt"
    too_long.write_text("word " * 300 + "\n")
    changed = LONG.upper()[::-1]
    result = run("passwd", "--vault", str(path), "--new-passphrase-file", str(too_long), passphrase=changed)
    assert result.exit_code == 1 and "too long: use at most 1,024 characters" in result.output
