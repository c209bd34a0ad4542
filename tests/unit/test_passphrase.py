"""The strength rule for new passphrases (zxcvbn's top score, 12 characters or more)."""

from __future__ import annotations

import pytest

from p2p_tui.services.admin import passphrase
from p2p_tui.services.errors import ValidationError


@pytest.mark.parametrize(
    "weak", ["", "short", "password1234", "aaaaaaaaaaaaaaaa", "p2psupport2026", "123456789012"]
)
def test_weak_passphrases_are_refused_without_repeating_them(weak: str) -> None:
    assert not passphrase.strength(weak).acceptable
    with pytest.raises(ValidationError) as caught:
        passphrase.check_new(weak, weak)
    assert caught.value.field == "passphrase"
    assert not weak or weak not in str(caught.value)


@pytest.mark.parametrize("strong", ["correct horse battery staple", "maple ledger quietly orbit"])
def test_a_few_unrelated_words_are_accepted(strong: str) -> None:
    verdict = passphrase.strength(strong)
    assert verdict.acceptable and verdict.score >= passphrase.MIN_SCORE
    passphrase.check_new(strong, strong)


def test_the_two_must_match() -> None:
    with pytest.raises(ValidationError, match="differ"):
        passphrase.check_new("correct horse battery staple", "correct horse battery stapel")


def test_long_but_guessable_is_refused() -> None:
    assert len("password password") >= passphrase.MIN_LENGTH
    assert not passphrase.strength("password password").acceptable


LONG = (
    "the quiet harbour lamps flicker while gulls argue over bread crusts near the old pier and "
    "a ferry horn answers twice from somewhere past the lighthouse before the fog rolls back in again"
)


@pytest.mark.parametrize("length", [72, 73, 100, 200, passphrase.MAX_LENGTH])
def test_long_passphrases_are_judged_on_what_zxcvbn_takes_and_accepted(length: int) -> None:
    value = (LONG * 6)[:length]
    verdict = passphrase.strength(value)  # zxcvbn raises ValueError past 72 characters
    assert verdict.acceptable and verdict.score == passphrase.MIN_SCORE
    passphrase.check_new(value, value)


def test_a_long_passphrase_whose_judged_part_is_weak_is_refused() -> None:
    assert not passphrase.strength("a" * 200).acceptable


def test_past_the_ceiling_is_refused_with_it_named() -> None:
    value = (LONG * 6)[: passphrase.MAX_LENGTH + 1]
    with pytest.raises(ValidationError, match="too long: use at most 1,024 characters") as caught:
        passphrase.check_new(value, value)
    assert value[:20] not in str(caught.value)
