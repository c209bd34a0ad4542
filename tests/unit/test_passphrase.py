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
