"""How strong a new passphrase must be: at least 12 characters and zxcvbn's top score (4 of 4).

One rule for the command line, the create screen and the passphrase change. The passphrase itself is
never put into a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

from p2p_tui.services.errors import ValidationError

MIN_LENGTH = 12
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
    result = zxcvbn(passphrase[:100], user_inputs=CONTEXT)  # zxcvbn slows on very long inputs
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
    verdict = strength(passphrase)
    if not verdict.acceptable:
        raise ValidationError(
            "passphrase",
            f"too weak ({verdict.label}): {verdict.advice} A few unrelated words work well.",
        )
    if again is not None and again != passphrase:
        raise ValidationError("passphrase", "the two passphrases differ; type the same one twice")
