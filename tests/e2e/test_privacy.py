"""Privacy end to end: nothing in the clear on disk, no network, from a whole scripted session.

The sessions run in subprocesses: the canary session so that HOME, TMPDIR and the XDG folders are
pointed into the test's own folder from the process's start (SQLite reads TMPDIR once, at start), and
the network session because audit hooks cannot be removed once installed.

The canary strings reach the session only through its stdin: the script on disk never contains them, so
any copy found under tmp_path was written by p2p-tui (or by the CLI it ran).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from p2p_tui.store import Store
from tests.conftest import CHEAP_KDF, PASSPHRASE

CLI = Path(sys.executable).with_name("p2p-tui")
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
SANDBOX_DIRS = {
    "HOME": "home",
    "TMPDIR": "tmp",
    "XDG_DATA_HOME": "home/.local/share",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_STATE_HOME": "home/.local/state",
    "XDG_RUNTIME_DIR": "run",
}
SQLITE_TEMP_STORE_MEMORY = 2


# -- the scanner ------------------------------------------------------------------------------------


def new_canaries() -> list[str]:
    tag = secrets.token_hex(3)
    return [f"Canary-Zelda-Quixote-{tag}", f"zq{tag}@example.org", f"Quixote Zelda {tag} Kings County"]


def scanned_files(root: Path) -> list[Path]:
    """Every regular file under root, hidden ones included; symlinks are not followed."""
    found = []
    for folder, _dirs, files in os.walk(root, followlinks=False):
        for name in files:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def find_canaries(root: Path, canaries: list[str]) -> list[tuple[str, str, str]]:
    """(file, canary, encoding) for every canary found in any file under root."""
    needles = [(c, enc, c.encode(enc)) for c in canaries for enc in ENCODINGS]
    hits = []
    for path in scanned_files(root):
        data = path.read_bytes()
        hits += [(str(path), c, enc) for c, enc, needle in needles if needle in data]
    return hits


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_scanner_finds_a_canary_written_under_home(tmp_path: Path, encoding: str) -> None:
    canaries = new_canaries()
    home = tmp_path / "home"
    hidden = home / ".cache" / "deep" / ".hidden"
    hidden.mkdir(parents=True)
    assert find_canaries(tmp_path, canaries) == []
    (hidden / ".leak").write_bytes(b"\0binary\xff" + canaries[1].encode(encoding) + b"\0tail")
    hits = find_canaries(tmp_path, canaries)
    assert (str(hidden / ".leak"), canaries[1], encoding) in hits
    assert {(file, canary) for file, canary, _enc in hits} == {(str(hidden / ".leak"), canaries[1])}


# -- the canary session -----------------------------------------------------------------------------

CANARY_SESSION = textwrap.dedent(
    """
    import json
    import os
    import subprocess
    import sys
    import threading
    import time

    from p2p_tui.paths import default_vault
    from p2p_tui.store import Store, settings
    from p2p_tui.vault import KdfParams

    config = json.loads(sys.stdin.read())
    canaries, passphrase, cli = config["canaries"], config["passphrase"], config["cli"]
    root, tmpdir = config["root"], os.environ["TMPDIR"]
    out = {"temp_store": [], "files_seen": [], "cli": []}

    # Every descriptor this process holds on a deleted file, or on a file in a temp folder, while the
    # session runs: SQLite unlinks its spill files as it opens them, so a scan afterwards would miss them.
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            for fd in os.listdir("/proc/self/fd"):
                try:
                    target = os.readlink(f"/proc/self/fd/{fd}")
                except OSError:
                    continue
                in_tmp = target.startswith(("/tmp/", "/var/tmp/", "/usr/tmp/", "/dev/shm/"))
                outside = not target.startswith(root + "/")
                if target.endswith("(deleted)") or target.startswith(tmpdir + "/") or (in_tmp and outside):
                    if target not in out["files_seen"]:
                        out["files_seen"].append(target)
            time.sleep(0.001)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    def temp_store(store):
        with store.lock:
            out["temp_store"].append(store.db.raw().execute("PRAGMA temp_store").fetchone()[0])

    path = default_vault()
    store, _code = Store.create(path, passphrase, kdf=KdfParams(*config["kdf"]))
    temp_store(store)
    for n in range(1, len(canaries) + 1):
        with store.atomic():
            settings.put("counties", canaries[:n])
        store.save_now()
    with store.atomic():
        store.db.raw().execute("INSERT INTO meta(key, value) VALUES ('note', ?)", (" ".join(canaries),))
    store.save_now()

    if config.get("sabotage") == "temp_store_file":
        with store.lock:
            store.db.raw().execute("PRAGMA temp_store = FILE")

    # Big enough (about 7 MB) to spill past SQLite's 2 MB cache into temp files unless temp_store=MEMORY.
    big = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) "
        "SELECT i, ? || '-' || i AS s FROM n"
    )
    with store.lock:
        conn = store.db.raw()
        rows = sum(1 for _ in conn.execute(big + " ORDER BY s DESC", (canaries[0],)))
        conn.execute("CREATE TEMP TABLE spill AS " + big, (canaries[0],))
        rows += sum(1 for _ in conn.execute("SELECT s FROM spill ORDER BY s DESC"))
        conn.execute("DROP TABLE spill")
    out["big_rows"] = rows
    temp_store(store)
    store.close()

    store = Store.open(path, passphrase)
    temp_store(store)
    with store.lock:
        out["roundtrip"] = settings.get("counties") == canaries
    with store.atomic():
        settings.put("counties", list(reversed(canaries)))
    store.close()

    env = {**os.environ, "P2P_TUI_PASSPHRASE": passphrase}
    backup = os.path.join(os.environ["HOME"], "copy.p2pvault")
    for args in (["check"], ["backup", "--to", backup], ["check", "--vault", backup]):
        done = subprocess.run([cli, *args], env=env, capture_output=True, text=True, timeout=60)
        out["cli"].append({"args": args, "rc": done.returncode, "out": done.stdout, "err": done.stderr})

    stop.set()
    watcher.join()
    out["vault"] = str(path)
    out["backup"] = backup
    print(json.dumps(out))
    """
)


def run_canary_session(tmp_path: Path, canaries: list[str], sabotage: str | None = None) -> dict[str, Any]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    for var, rel in SANDBOX_DIRS.items():
        folder = tmp_path / rel
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        env[var] = str(folder)
    script = tmp_path / "session.py"
    script.write_text(CANARY_SESSION)
    config = {
        "canaries": canaries,
        "passphrase": PASSPHRASE,
        "cli": str(CLI),
        "root": str(tmp_path),
        "kdf": [CHEAP_KDF.memory_kib, CHEAP_KDF.iterations, CHEAP_KDF.lanes],
        "sabotage": sabotage,
    }
    done = subprocess.run(
        [sys.executable, str(script)],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path / "home",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="watches /proc/self/fd")
def test_no_canary_reaches_the_disk_in_the_clear(tmp_path: Path) -> None:
    canaries = new_canaries()
    out = run_canary_session(tmp_path, canaries)

    # The session really ran: stored the canaries, read them back, made a vault, backups and a copy.
    assert out["roundtrip"] is True
    assert out["big_rows"] == 400_000
    vault, backup = Path(out["vault"]), Path(out["backup"])
    assert vault.is_relative_to(tmp_path / "home" / ".local" / "share")
    assert [c["rc"] for c in out["cli"]] == [0, 0, 0], out["cli"]
    assert f"vault:        {vault}" in out["cli"][0]["out"]
    assert "integrity:    ok" in out["cli"][2]["out"]
    files = scanned_files(tmp_path)
    assert vault in files and backup in files
    assert any("backups" in str(f) for f in files)

    assert out["temp_store"] == [SQLITE_TEMP_STORE_MEMORY] * 3
    assert out["files_seen"] == [], "the session held temporary or deleted files open"
    assert list((tmp_path / "tmp").iterdir()) == []
    for cli in out["cli"]:
        assert not any(c in cli["out"] + cli["err"] for c in canaries)
    assert find_canaries(tmp_path, canaries) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="watches /proc/self/fd")
def test_the_session_watcher_sees_sqlite_spill_files(tmp_path: Path) -> None:
    """With temp_store=FILE the big query spills into TMPDIR: the watcher must notice (a scan cannot)."""
    canaries = new_canaries()
    out = run_canary_session(tmp_path, canaries, sabotage="temp_store_file")
    spills = [f for f in out["files_seen"] if f.startswith(str(tmp_path / "tmp") + "/")]
    assert spills, out["files_seen"]
    assert find_canaries(tmp_path, canaries) == []  # deleted as opened: invisible to the scan


def test_open_stores_keep_temp_storage_in_memory(store: Store, vault_path: Path) -> None:
    with store.lock:
        assert store.db.raw().execute("PRAGMA temp_store").fetchone()[0] == SQLITE_TEMP_STORE_MEMORY
    store.close()
    reopened = Store.open(vault_path, PASSPHRASE)
    try:
        with reopened.lock:
            assert reopened.db.raw().execute("PRAGMA temp_store").fetchone()[0] == SQLITE_TEMP_STORE_MEMORY
    finally:
        reopened.close()


# -- no network -------------------------------------------------------------------------------------

NETWORK_SESSION = textwrap.dedent(
    """
    import json
    import socket
    import sys

    WATCHED = {
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.sendto",
        "socket.sendmsg",
        "http.client.connect",
        "urllib.Request",
    }
    events = []

    def hook(event, args):
        # An internet socket is recorded as soon as it is made; asyncio's own socketpair is AF_UNIX.
        internet = event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6)
        if event in WATCHED or internet:
            events.append([event, repr(args)[:300]])

    sys.addaudithook(hook)
    config = json.loads(sys.stdin.read())

    if config.get("sabotage") == "probe":
        import contextlib

        with contextlib.suppress(OSError):
            socket.getaddrinfo("localhost", 9)
        with contextlib.suppress(OSError), socket.socket() as sock:
            sock.settimeout(1)
            sock.connect(("127.0.0.1", 9))
        print(json.dumps({"events": events, "steps": {}}))
        sys.exit(0)

    import asyncio
    import os
    from pathlib import Path

    from click.testing import CliRunner

    from p2p_tui.cli import main
    from p2p_tui.store import Store, settings
    from p2p_tui.tui.app import P2PApp
    from p2p_tui.vault import KdfParams

    folder = Path(config["folder"])
    path = folder / "program.p2pvault"
    old, new = config["passphrase"], config["new_passphrase"]
    steps = {}

    store, _code = Store.create(path, old, kdf=KdfParams(*config["kdf"]))
    with store.atomic():
        settings.put("counties", ["North", "South"])
    store.save_now()
    store.close()
    store = Store.open(path, old)
    with store.lock:
        steps["reopened"] = settings.get("counties") == ["North", "South"]
    store.change_passphrase(new)
    store.close()

    runner = CliRunner()
    env = {"P2P_TUI_PASSPHRASE": new}
    check = runner.invoke(main, ["check", "--vault", str(path)], env=env)
    steps["cli_check"] = check.exit_code == 0 and "integrity:    ok" in check.output
    copy = folder / "copies" / "copy.p2pvault"  # not in the vault's folder: that is refused
    copy.parent.mkdir()
    backup = runner.invoke(main, ["backup", "--vault", str(path), "--to", str(copy)], env=env)
    steps["cli_backup"] = backup.exit_code == 0 and copy.exists()

    async def console():
        app = P2PApp(path, passphrase=new)
        async with app.run_test() as pilot:
            await pilot.pause()
            for _ in range(500):
                if app.store is not None:
                    break
                await pilot.pause(0.02)
            steps["tui_unlocked"] = app.store is not None
            await pilot.press("q")
            await pilot.pause()
        steps["tui_closed"] = app.store is None

    asyncio.run(console())
    print(json.dumps({"events": events, "steps": steps}))
    """
)


def run_network_session(tmp_path: Path, sabotage: str | None = None) -> dict[str, Any]:
    script = tmp_path / "network_session.py"
    script.write_text(NETWORK_SESSION)
    config = {
        "folder": str(tmp_path),
        "passphrase": PASSPHRASE,
        "new_passphrase": "a different long passphrase",
        "kdf": [CHEAP_KDF.memory_kib, CHEAP_KDF.iterations, CHEAP_KDF.lanes],
        "sabotage": sabotage,
    }
    env = {**os.environ}
    for name in ("TEXTUAL", "TEXTUAL_DEVTOOLS_HOST", "TEXTUAL_DEVTOOLS_PORT"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, str(script)],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_a_whole_session_never_touches_the_network(tmp_path: Path) -> None:
    out = run_network_session(tmp_path)
    assert out["steps"] == {
        "reopened": True,
        "cli_check": True,
        "cli_backup": True,
        "tui_unlocked": True,
        "tui_closed": True,
    }
    assert out["events"] == []


def test_the_audit_hook_sees_network_use(tmp_path: Path) -> None:
    out = run_network_session(tmp_path, sabotage="probe")
    seen = {event for event, _args in out["events"]}
    assert {"socket.getaddrinfo", "socket.__new__", "socket.connect"} <= seen, out["events"]
