"""The keymap (ARCHITECTURE.md section 6.5): every binding has an id and a description, the defaults keep
off the keys terminals swallow, the default keymap as TOML reads back as itself, and a bad keymap file is
refused naming its line or binding id."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from p2p_tui.cli import main
from p2p_tui.tui import keymap
from p2p_tui.tui.keymap import KeymapError, display_key, parse

# Keys a common terminal keeps for itself (README, "Keys"): they would never reach the console.
SWALLOWED = {
    "ctrl+b": "tmux's prefix",
    "ctrl+tab": "Windows Terminal: next tab",
    "ctrl+shift+tab": "Windows Terminal: previous tab",
    "alt+enter": "Windows Terminal: full screen",
    "f11": "Windows Terminal: full screen; macOS: show desktop",
    "ctrl+comma": "Windows Terminal: settings",
    "ctrl+v": "Windows Terminal: paste",
    "ctrl+up": "macOS: Mission Control",
    "ctrl+down": "macOS: application windows",
    "ctrl+left": "macOS: previous space",
    "ctrl+right": "macOS: next space",
}


def test_every_binding_has_an_id_a_description_and_a_key_that_reaches_the_console() -> None:
    classes = keymap.binding_classes()
    assert classes[0].__name__ == "P2PApp" and len(classes) > 20
    ids: list[str] = []
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            where = f"{cls.__name__}: {binding}"
            assert isinstance(binding, keymap.Binding), where  # never a bare tuple: it would have no id
            assert binding.id and binding.id.count(".") == 1, where
            assert binding.description.strip(), where
            for key in binding.key.split(","):
                assert keymap.key_problem(key) is None, where
                assert key not in SWALLOWED and not key.startswith(("ctrl+shift+", "super+")), where
            ids.append(binding.id)
    assert len(ids) == len(set(ids))


def test_the_default_keymap_reads_back_as_itself() -> None:
    known = keymap.entries()
    text = keymap.default_toml(Path("/config/keymap.toml"))
    assert parse(text, known) == {entry.id: entry.keys for entry in known.values()}
    assert "[today]" in text and 'done = "d"  # Do it' in text


def test_a_keymap_rebinds_by_id_in_tables_or_dotted() -> None:
    known = keymap.entries()
    text = '"app.lock" = "ctrl+k"\n[today]\ndone = "D, ["\n'
    assert parse(text, known) == {"app.lock": "ctrl+k", "today.done": "D,["}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[app\nlock = "ctrl+k"\n', "line 1"),
        ('[app]\nlock = "ctrl+k"\nlock = "f2"\n', "line 3"),
        ('"app.nothing" = "x"\n', "app.nothing: no binding has this id"),
        ('"app.lock" = 3\n', "app.lock: give its keys as text"),
        ('"app.lock" = "hyper+cmd+k"\n', "app.lock: unknown modifier 'cmd'"),
        ('"app.lock" = "f99"\n', "app.lock: unknown key 'f99'"),
        ('"app.lock" = "tab"\n', "app.lock: 'tab' is kept for moving between fields"),
        ('"today.done" = "z"\n', "today.done and today.snooze: both on z (Today)"),
        ('[today]\nsnooze = "f3"\n', "today.snooze and app.cases: both on F3 (Today)"),  # hides F3 there
        ('[cases]\nsearch = "j"\n', "cases.search and table.j: both on j (Cases)"),  # its table's key
    ],
)
def test_a_bad_keymap_names_its_line_or_binding(text: str, said: str) -> None:
    with pytest.raises(KeymapError) as caught:
        parse(text, keymap.entries())
    assert any(said in problem for problem in caught.value.problems), caught.value.problems


def test_keys_are_shown_as_typed() -> None:
    shown = [display_key(k) for k in ("ctrl+l", "f1", "left_square_bracket", "exclamation_mark", "slash")]
    assert shown == ["Ctrl+L", "F1", "[", "!", "/"]
    assert [display_key(k) for k in ("space", "escape", "P", "question_mark")] == [
        "Space",
        "Escape",
        "P",
        "?",
    ]


def test_keys_command_prints_the_default_keymap_and_checks_a_file(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["keys"])
    assert printed.exit_code == 0
    assert parse(printed.output, keymap.entries())["app.lock"] == "ctrl+l"
    bad = tmp_path / "keymap.toml"
    bad.write_text('"today.done" = "f99"\n')
    checked = runner.invoke(main, ["keys", "--check", "--keymap", str(bad)])
    assert checked.exit_code == 1
    assert "today.done: unknown key 'f99'" in checked.output


def test_a_keymap_that_is_a_pipe_is_refused_without_reading_it(tmp_path: Path) -> None:
    """Atk 9 (second round): `--keymap FIFO` hung the console and `keys --check`."""
    import os

    fifo = tmp_path / "keymap.toml"
    os.mkfifo(fifo)
    with pytest.raises(keymap.KeymapError, match="not a regular file"):
        keymap.load(fifo)
