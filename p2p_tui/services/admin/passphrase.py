"""How strong a new passphrase must be: 12 to 1,024 characters and zxcvbn's top score (4 of 4).

One rule for the command line, the create screen and the passphrase change. The passphrase itself is
never put into a message.

zxcvbn refuses (raises ValueError on) anything longer than 72 characters, its `max_length`, and its
matching grows quickly with the length. So it judges the first 72 characters, and the characters past
them are accepted as they are: they only add to what an attacker must guess. A long passphrase is
thus judged on a 72-character prefix that is itself long; one whose first 72 characters are weak (a
key held down) is refused whatever follows. The ceiling of 1,024 characters is far above any real
passphrase and keeps a pasted file or a held key from becoming one.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

from p2p_tui.services.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 1024
JUDGED = 72  # zxcvbn's max_length: it raises ValueError on anything longer
MIN_SCORE = 4  # zxcvbn: about 10^10 guesses; 3 lets "password password" through
LABELS = ("very weak", "weak", "fair", "strong", "very strong")
# Words an attacker would try first against this program's vault.
CONTEXT = ["p2p", "peer", "support", "physician", "program", "vault", "coordinator", "brigham", "pei"]


@dataclass(frozen=True)
class Strength:
    """A new passphrase's strength: zxcvbn's score (0 to 4), a label, advice, and the verdict."""

    score: int
    label: str
    advice: str
    acceptable: bool


def strength(passphrase: str) -> Strength:
    """How strong a passphrase is, and whether the vault accepts it."""
    if not passphrase:
        return Strength(0, LABELS[0], f"Use {MIN_LENGTH} characters or more.", False)
    if len(passphrase) > MAX_LENGTH:
        return Strength(0, "too long", f"Use at most {MAX_LENGTH:,} characters.", False)
    result = zxcvbn(passphrase[:JUDGED], user_inputs=CONTEXT, max_length=JUDGED)
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    advice = " ".join(filter(None, [feedback.get("warning", ""), *feedback.get("suggestions", [])]))
    if len(passphrase) < MIN_LENGTH:
        return Strength(score, LABELS[score], f"Use {MIN_LENGTH} characters or more.", False)
    if score < MIN_SCORE:
        return Strength(score, LABELS[score], advice or "Add another unrelated word or two.", False)
    return Strength(score, LABELS[score], "", True)


def check_new(passphrase: str, again: str | None = None) -> None:
    """Raise ValidationError unless the passphrase is strong enough (and typed the same twice)."""
    if len(passphrase) > MAX_LENGTH:  # not weak: too long to be one typed (a pasted file, a held key)
        raise ValidationError("passphrase", f"too long: use at most {MAX_LENGTH:,} characters")
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError("passphrase", f"use {MIN_LENGTH} characters or more")
    verdict = strength(passphrase)
    if not verdict.acceptable:
        raise ValidationError(
            "passphrase",
            f"too weak ({verdict.label}): {verdict.advice} A few unrelated words work well.",
        )
    if again is not None and again != passphrase:
        raise ValidationError("passphrase", "the two passphrases differ; type the same one twice")
