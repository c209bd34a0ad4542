"""Keys: recovery codes (shape, entropy, typo checks), calibration, recovery slot, passphrase change."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from p2p_tui.vault import KdfParams, Vault, VaultDamaged, WrongPassphrase
from p2p_tui.vault.format import SlotKind
from p2p_tui.vault.keys import (
    ALPHABET,
    DEFAULT_KDF,
    FLOOR_KDF,
    RECOVERY_DATA_CHARS,
    calibrate,
    new_recovery_code,
    normalize_recovery_code,
)
from tests.conftest import CHEAP_KDF, PASSPHRASE

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_SHAPE = re.compile(rf"^[{CROCKFORD}]{{4}}(-[{CROCKFORD}]{{4}}){{6}}$")


def raw(code: str) -> str:
    return code.replace("-", "")


def group(chars: str) -> str:
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


@pytest.fixture(scope="module")
def codes() -> list[str]:
    return [new_recovery_code() for _ in range(300)]


def code_with(chars: str, codes: list[str]) -> str:
    """A generated code containing every character of `chars` (found among the samples)."""
    for code in codes:
        if all(c in code for c in chars):
            return code
    pytest.fail(f"no sample code contains all of {chars!r}")


# -- the code itself ------------------------------------------------------------------------------------


def test_recovery_codes_are_seven_groups_of_four_crockford_characters(codes: list[str]) -> None:
    assert ALPHABET == CROCKFORD
    for code in codes:
        assert CODE_SHAPE.match(code), code
        assert len(raw(code)) == 28
        assert not set(raw(code)) & set("ILOU")
        assert normalize_recovery_code(code) == code


def test_recovery_codes_carry_at_least_128_random_bits(codes: list[str]) -> None:
    assert RECOVERY_DATA_CHARS == 27
    assert RECOVERY_DATA_CHARS * math.log2(len(set(ALPHABET))) >= 128
    assert len(set(codes)) == len(codes)
    # Every data position draws from the whole alphabet (not hex, not a fixed prefix).
    assert set("".join(raw(c)[:RECOVERY_DATA_CHARS] for c in codes)) == set(CROCKFORD)
    for position in range(RECOVERY_DATA_CHARS):
        assert len({raw(c)[position] for c in codes}) >= 20, position
    # ... and the check character varies too (it is a function of the data, not a constant).
    assert len({raw(c)[-1] for c in codes}) >= 20


def test_normalize_accepts_case_spaces_missing_dashes_and_look_alikes(codes: list[str]) -> None:
    code = code_with("01", codes)
    chars = raw(code)
    variants = [
        code.lower(),
        chars,
        chars.lower(),
        " ".join(code.split("-")),
        " ".join(chars),
        f"  {code}  ",
        code.replace("0", "O"),
        code.replace("0", "o"),
        code.replace("1", "I"),
        code.replace("1", "i"),
        code.replace("1", "L"),
        code.replace("1", "l"),
        group(chars.lower().replace("0", "o").replace("1", "l")).replace("-", " - "),
    ]
    for variant in variants:
        assert normalize_recovery_code(variant) == code, variant


def test_normalize_rejects_any_single_changed_character(codes: list[str]) -> None:
    tried = 0
    for code in codes[:10]:
        chars = raw(code)
        for position, original in enumerate(chars):
            for other in CROCKFORD:
                if other == original:
                    continue
                changed = chars[:position] + other + chars[position + 1 :]
                assert normalize_recovery_code(group(changed)) is None, (code, position, other)
                tried += 1
    assert tried == 10 * 28 * 31


def test_normalize_rejects_most_adjacent_transpositions(codes: list[str]) -> None:
    tried = rejected = 0
    for code in codes:
        chars = raw(code)
        for i in range(len(chars) - 1):
            if chars[i] == chars[i + 1]:
                continue
            swapped = chars[:i] + chars[i + 1] + chars[i] + chars[i + 2 :]
            tried += 1
            rejected += normalize_recovery_code(group(swapped)) is None
    assert tried > 5000
    assert rejected / tried >= 0.9, f"{rejected}/{tried}"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        "ABCD",
        "U" * 28,
        "0" * 27,
        "0" * 29,
        "0000-0000-0000-0000-0000-0000-000",
        "not a code at all!",
    ],
)
def test_normalize_rejects_malformed_text(text: str) -> None:
    assert normalize_recovery_code(text) is None


def test_normalize_rejects_wrong_length_and_foreign_characters(codes: list[str]) -> None:
    chars = raw(codes[0])
    assert normalize_recovery_code(chars[:-1]) is None
    assert normalize_recovery_code(chars + "0") is None
    assert normalize_recovery_code("0" + chars) is None
    assert normalize_recovery_code(chars[:5] + "U" + chars[6:]) is None
    assert normalize_recovery_code(chars[:5] + "*" + chars[6:]) is None


# -- calibration ----------------------------------------------------------------------------------------


def test_calibrate_stays_within_the_floor_and_the_ceiling() -> None:
    params = calibrate()
    assert isinstance(params, KdfParams)
    assert (params.lanes, params.iterations) == (4, 3)
    assert 64 * 1024 <= params.memory_kib <= 1024 * 1024
    assert params.memory_kib % 1024 == 0
    params.check()


# -- the recovery slot and changing the passphrase ------------------------------------------------------


def test_recovery_code_opens_and_survives_a_passphrase_change(vault_path: Path) -> None:
    vault, code = Vault.create(vault_path, PASSPHRASE, b"image one", kdf=CHEAP_KDF)
    vault.close()
    assert normalize_recovery_code(code) == code

    by_code, image = Vault.open(vault_path, code, recovery=True)
    try:
        assert image == b"image one"
        by_code.change_passphrase("a brand new passphrase", b"image two")
        assert by_code.generation == 2
    finally:
        by_code.close()

    with pytest.raises(WrongPassphrase) as raised:
        Vault.open(vault_path, PASSPHRASE, lock=False)
    assert raised.value.exit_code == 3
    _, image = Vault.open(vault_path, "a brand new passphrase", lock=False)
    assert image == b"image two"
    _, image = Vault.open(vault_path, code, recovery=True, lock=False)
    assert image == b"image two"
    # The code also opens when typed sloppily.
    sloppy = raw(code).lower().replace("0", "o").replace("1", "l")
    _, image = Vault.open(vault_path, sloppy, recovery=True, lock=False)
    assert image == b"image two"


def test_a_passphrase_change_raises_the_slot_to_the_creation_floor(vault_path: Path) -> None:
    vault, code = Vault.create(vault_path, PASSPHRASE, b"x", kdf=CHEAP_KDF, lock=False)
    vault.change_passphrase("another one", b"y")
    reopened, image = Vault.open(vault_path, "another one", lock=False)
    assert image == b"y"
    kinds = {s.kind: s.kdf for s in reopened.slots}
    assert kinds == {SlotKind.PASSPHRASE: FLOOR_KDF, SlotKind.RECOVERY: CHEAP_KDF}
    _, image = Vault.open(vault_path, code, recovery=True, lock=False)
    assert image == b"y"


def test_a_slot_at_or_above_the_floor_keeps_its_cost() -> None:
    floor = FLOOR_KDF
    for params in (floor, DEFAULT_KDF, KdfParams(128 * 1024, 4, 8)):
        assert params.at_least(floor) == params
    assert KdfParams(512 * 1024, 1, 2).at_least(floor) == KdfParams(512 * 1024, 3, 4)
    assert KdfParams(8, 1, 1).at_least(floor) == floor


def test_a_malformed_recovery_code_is_refused_with_a_helpful_message(vault_path: Path) -> None:
    _vault, code = Vault.create(vault_path, PASSPHRASE, b"x", kdf=CHEAP_KDF, lock=False)
    chars = raw(code)
    typo = chars[:3] + next(c for c in CROCKFORD if c != chars[3]) + chars[4:]
    for bad in (code[:-1], typo, "hello", PASSPHRASE):
        with pytest.raises(WrongPassphrase) as raised:
            Vault.open(vault_path, bad, recovery=True)
        exc = raised.value
        assert exc.exit_code == 3
        assert not isinstance(exc, VaultDamaged)
        assert "recovery code" in exc.message
        assert "well-formed" in exc.message
        assert "28" in exc.message and "check" in exc.message
        assert exc.next_step
        assert bad not in str(exc)


def test_a_well_formed_but_wrong_recovery_code_says_so(vault_path: Path) -> None:
    Vault.create(vault_path, PASSPHRASE, b"x", kdf=CHEAP_KDF, lock=False)
    other = new_recovery_code()
    with pytest.raises(WrongPassphrase) as raised:
        Vault.open(vault_path, other, recovery=True, lock=False)
    assert "recovery code is not right" in raised.value.message
    assert other not in str(raised.value)


def test_a_pasted_code_with_a_newline_or_tab_is_accepted() -> None:
    code = new_recovery_code()
    assert normalize_recovery_code(f"  {code}\n") == code
    assert normalize_recovery_code(code.replace("-", "\t")) == code
