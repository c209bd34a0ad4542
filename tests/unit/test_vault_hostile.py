"""Hostile headers (issue 9, item 8): what a recomputed checksum can and cannot hide, and KDF costs
refused before any key work: the reader's bounds are the writer's ceiling, one slot of each kind, a
bounded total. (The creation floor on a passphrase change: test_vault_keys.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from p2p_tui.vault import KdfParams, Vault, VaultDamaged, WrongPassphrase
from p2p_tui.vault import format as vault_format
from p2p_tui.vault import keys as vault_keys
from p2p_tui.vault.format import (
    MAX_MEMORY_KIB,
    MAX_SLOT_COST,
    MAX_SLOTS,
    MAX_TOTAL_COST,
    PREFIX,
    SLOT_HEAD,
    SLOT_LEN,
    TAIL,
    SlotKind,
    parse,
)
from tests.conftest import CHEAP_KDF, PASSPHRASE
from tests.unit.test_vault_format import seal, slot_at, split, with_kdf

OLD_READER_MAXIMUM = (2 * 1024 * 1024, 20, 16)  # memory KiB, passes, lanes: what the reader used to accept


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, bytes, str]:
    """A cheap vault: its path, its bytes and its recovery code."""
    path = tmp_path / "program.p2pvault"
    vault, code = Vault.create(path, PASSPHRASE, b"image", kdf=CHEAP_KDF)
    vault.close()
    return path, path.read_bytes(), code


@pytest.fixture
def no_kdf(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any key derivation fails the test (and is recorded); nothing costly can run."""
    calls: list[str] = []

    def forbidden(*_args: object, **_kwargs: object) -> bytes:
        calls.append("derive")
        raise AssertionError("a KDF ran on a header that should have been refused first")

    monkeypatch.setattr(vault_keys, "derive", forbidden)
    monkeypatch.setattr(vault_keys, "Argon2id", forbidden)
    return calls


def with_slots(data: bytes, slots: list[bytes]) -> bytes:
    """`data` (a two-slot vault) with its key slots replaced by `slots`, every length and the header
    SHA-256 recomputed: what an attacker who can write the file can make."""
    header, body = split(data)
    magic, version, _ = PREFIX.unpack_from(header)
    length = PREFIX.size + 1 + len(slots) * SLOT_LEN + TAIL.size
    forged = PREFIX.pack(magic, version, length) + bytes([len(slots)]) + b"".join(slots)
    return seal(forged + header[slot_at(2) :], body)


def slot_bytes(data: bytes, index: int) -> bytes:
    header, _ = split(data)
    return header[slot_at(index) : slot_at(index + 1)]


def costly(slot: bytes, memory_kib: int, iterations: int, lanes: int) -> bytes:
    kind, kdf_id, _m, _i, _l, salt, nonce = SLOT_HEAD.unpack_from(slot)
    return SLOT_HEAD.pack(kind, kdf_id, memory_kib, iterations, lanes, salt, nonce) + slot[SLOT_HEAD.size :]


def refused_first(path: Path, data: bytes, secret: str, *, recovery: bool = False) -> VaultDamaged:
    """Opening `data` is refused as damaged (exit 4) before any KDF (the `no_kdf` fixture must be on)."""
    path.write_bytes(data)
    with pytest.raises(VaultDamaged) as raised:
        Vault.open(path, secret, recovery=recovery, lock=False)
    assert raised.value.exit_code == 4
    return raised.value


# -- costs: refused in milliseconds ---------------------------------------------------------------------


def test_eight_slots_at_the_old_maximum_are_refused_before_any_kdf(
    made: tuple[Path, bytes, str], no_kdf: list[str]
) -> None:
    path, data, code = made
    slot = costly(slot_bytes(data, 0), *OLD_READER_MAXIMUM)
    forged = with_slots(data, [slot] * 8)
    for secret, recovery in ((PASSPHRASE, False), (code, True)):
        refused_first(path, forged, secret, recovery=recovery)
    assert no_kdf == []  # not one derivation, let alone eight at 2 GiB and 20 passes


@pytest.mark.parametrize("kind", [SlotKind.PASSPHRASE, SlotKind.RECOVERY])
def test_two_cheap_slots_of_one_kind_are_refused_before_any_kdf(
    made: tuple[Path, bytes, str], no_kdf: list[str], kind: SlotKind
) -> None:
    """At most one slot of each kind, so an unlock derives one key at most."""
    path, data, code = made
    slot = slot_bytes(data, 0 if kind is SlotKind.PASSPHRASE else 1)
    assert slot[0] == kind
    exc = refused_first(path, with_slots(data, [slot, slot]), PASSPHRASE)
    assert "two key slots of one kind" in exc.message
    refused_first(path, with_slots(data, [slot_bytes(data, 0), slot_bytes(data, 1), slot]), PASSPHRASE)
    assert no_kdf == []
    assert MAX_SLOTS == len(SlotKind) == 2


@pytest.mark.parametrize(
    ("memory_kib", "iterations"),
    [
        (MAX_MEMORY_KIB, MAX_SLOT_COST // MAX_MEMORY_KIB + 1),  # each parameter allowed, the product not
        (OLD_READER_MAXIMUM[0], 1),
        (MAX_MEMORY_KIB, OLD_READER_MAXIMUM[1]),
    ],
)
def test_a_slot_over_the_writers_cost_ceiling_is_refused_before_any_kdf(
    made: tuple[Path, bytes, str], no_kdf: list[str], memory_kib: int, iterations: int
) -> None:
    path, data, code = made
    for index, secret, recovery in ((0, PASSPHRASE, False), (1, code, True)):
        forged = with_kdf(data, index, memory_kib, iterations, 4)
        refused_first(path, forged, secret, recovery=recovery)
    assert no_kdf == []


def test_the_total_cost_is_bounded_by_one_slot_of_each_kind_at_the_ceiling(
    made: tuple[Path, bytes, str], no_kdf: list[str]
) -> None:
    path, data, _code = made
    top = (MAX_MEMORY_KIB, MAX_SLOT_COST // MAX_MEMORY_KIB, 4)
    at_bound = with_kdf(with_kdf(data, 0, *top), 1, *top)
    header, _, _ = parse(at_bound)  # parse never derives
    assert sum(s.kdf.cost for s in header.slots) == MAX_TOTAL_COST == 2 * MAX_SLOT_COST
    over = with_kdf(at_bound, 1, top[0], top[1] + 1, 4)
    refused_first(path, over, PASSPHRASE)
    assert no_kdf == []


def test_the_readers_bounds_are_the_writers_ceiling(no_kdf: list[str]) -> None:
    """Everything the writer chooses is read back; nothing above it can be written (nor is any KDF run
    to find out)."""
    biggest_calibration = KdfParams(vault_keys.CEILING_MEMORY_KIB, 3, 4)
    for params in (vault_keys.FLOOR_KDF, vault_keys.DEFAULT_KDF, biggest_calibration, CHEAP_KDF):
        params.check()
        assert params.within_ceiling()
    for params in (
        KdfParams(vault_keys.CEILING_MEMORY_KIB + 1024, 3, 4),
        KdfParams(vault_keys.CEILING_MEMORY_KIB, 4, 4),
        KdfParams(64 * 1024, vault_format.MAX_ITERATIONS + 1, 4),
        KdfParams(64 * 1024, 3, vault_format.MAX_LANES + 1),
        KdfParams(*OLD_READER_MAXIMUM),
    ):
        assert not params.within_ceiling()
        with pytest.raises(VaultDamaged):
            params.check()
        with pytest.raises(ValueError, match="ceiling"):
            vault_keys.wrap(SlotKind.PASSPHRASE, PASSPHRASE, vault_keys.new_data_key(), params)
    assert no_kdf == []


# -- what a recomputed checksum can hide ----------------------------------------------------------------


def _new_salt(slot: bytes) -> bytes:
    kind, kdf_id, mem, its, lanes, salt, nonce = SLOT_HEAD.unpack_from(slot)
    changed = bytes(b ^ 0x5A for b in salt)
    return SLOT_HEAD.pack(kind, kdf_id, mem, its, lanes, changed, nonce) + slot[SLOT_HEAD.size :]


def test_a_changed_salt_in_the_slot_that_opens_reads_as_a_wrong_secret_and_says_so(
    made: tuple[Path, bytes, str],
) -> None:
    """Without the secret, a slot altered (checksum recomputed) cannot be told apart from a wrong
    passphrase: the message says both, and how to get the data back."""
    path, data, code = made
    forged = with_slots(data, [_new_salt(slot_bytes(data, 0)), slot_bytes(data, 1)])
    path.write_bytes(forged)
    with pytest.raises(WrongPassphrase) as raised:
        Vault.open(path, PASSPHRASE, lock=False)
    exc = raised.value
    assert exc.exit_code == 3
    assert "not right" in exc.message
    assert "altered" in exc.message and "cannot be told apart" in exc.message
    assert "recovery code" in exc.next_step and f"p2p-tui restore --vault {path}" in exc.next_step
    # The recovery code tells them apart: its slot opens the key, and the payload's tag, which covers
    # the whole header, then reports the altered slot as damage (exit 4), naming the restore.
    with pytest.raises(VaultDamaged) as damaged:
        Vault.open(path, code, recovery=True, lock=False)
    assert damaged.value.exit_code == 4 and "p2p-tui restore" in damaged.value.next_step


def test_a_changed_salt_in_another_slot_reads_as_damaged(made: tuple[Path, bytes, str]) -> None:
    """Once a slot opens, the payload's tag covers the whole header: any other change is damage (4)."""
    path, data, _code = made
    forged = with_slots(data, [slot_bytes(data, 0), _new_salt(slot_bytes(data, 1))])
    path.write_bytes(forged)
    with pytest.raises(VaultDamaged) as raised:
        Vault.open(path, PASSPHRASE, lock=False)
    assert raised.value.exit_code == 4


def test_a_header_claiming_more_than_the_file_holds_is_refused_before_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Atk 9, F8: the header (HEAD_READ bytes) is checked against the file's size first."""
    import io

    from p2p_tui.vault import file as vault_file

    path = tmp_path / "v.p2pvault"
    made, _ = Vault.create(path, PASSPHRASE, b"image", kdf=CHEAP_KDF)
    made.close()
    path.write_bytes(path.read_bytes() + b"trailing")
    sizes: list[int] = []

    class Spy:
        def __init__(self, file: io.BufferedReader) -> None:
            self.file = file

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *_: object) -> None:
            self.file.close()

        def fileno(self) -> int:
            return self.file.fileno()

        def read(self, size: int = -1) -> bytes:
            sizes.append(size)
            return self.file.read(size)

    monkeypatch.setattr(vault_file, "open", lambda fd, mode: Spy(open(fd, mode)), raising=False)
    with pytest.raises(VaultDamaged):
        Vault.open(path, PASSPHRASE, lock=False)
    assert sizes == [vault_format.HEAD_READ]
