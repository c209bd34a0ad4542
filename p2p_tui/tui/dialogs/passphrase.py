"""Change the vault's passphrase: the current one, then a strong new one twice (services.passphrase)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.validation import Function, Length
from textual.widgets import Input

from p2p_tui.services.admin import passphrase
from p2p_tui.tui.dialogs.form import FormDialog, field


def strong(value: str) -> bool:
    """Whether the vault accepts this new passphrase."""
    return passphrase.strength(value).acceptable


@dataclass(frozen=True)
class PassphraseChange:
    """What the dialog returns; the current passphrase is checked against the vault afterwards."""

    current: str
    new: str

    def __repr__(self) -> str:  # never print a passphrase, even in a traceback
        return "PassphraseChange(<hidden>)"


class PassphraseDialog(FormDialog[PassphraseChange]):
    """The recovery code is unchanged; only the passphrase slot is re-wrapped."""

    TITLE_TEXT = "Change the passphrase"
    NOTE = (
        "The current passphrase is checked first. The recovery code stays the same. "
        "Backups taken before the change still open with the old passphrase."
    )
    SAVE_LABEL = "Change passphrase (Ctrl+S)"

    def compose_fields(self) -> ComposeResult:
        yield from field(
            "Current", Input(password=True, id="current", validators=[Length(1, None, "required")])
        )
        yield from field(
            "New",
            Input(
                password=True,
                id="new",
                validators=[
                    Function(
                        strong,
                        f"too weak: {passphrase.MIN_LENGTH}+ characters, a few unrelated words",
                    )
                ],
            ),
        )
        yield from field("New again", Input(password=True, id="again"))

    def cross_problems(self) -> dict[str, str]:
        current, new, again = (self.query_one(f"#{n}", Input).value for n in ("current", "new", "again"))
        if new != again:
            return {"again": "the two new passphrases differ"}
        if new and new == current:
            return {"new": "the same as the current one"}
        return {}

    def result(self) -> PassphraseChange:
        return PassphraseChange(self.query_one("#current", Input).value, self.query_one("#new", Input).value)
