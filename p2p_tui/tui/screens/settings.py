"""Settings: every setting of `store.settings.DEFAULTS` as a field with its rule beside it, the
passphrase (P) and the backups (B); the theme, a choice that applies and is kept at once.

Save (Ctrl+S) stays disabled until every field is valid, checks every value again, writes them in one
transaction, then makes the console follow: the auto-lock time and the vault's backup policy. Restoring
a backup is done by `p2p-tui restore` while the console is closed (this process holds the vault locked).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Select, Static

from p2p_tui.services import common, labels
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.people import training
from p2p_tui.store import Store, settings
from p2p_tui.tui.dialogs.backups import BackupsDialog
from p2p_tui.tui.dialogs.form import CSS_FILE, describe, field, input_problems, service_rule, show_error
from p2p_tui.tui.dialogs.passphrase import PassphraseChange, PassphraseDialog
from p2p_tui.tui.messages import RestoreBackup
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.themes import CHOICES as THEMES
from p2p_tui.vault import Vault, VaultError, WrongPassphrase
from p2p_tui.vault.backups import Backup

COUNTY_MAX = 40
THEME_OPTIONS = [(label, name) for name, label in THEMES]


@dataclass(frozen=True)
class Spec:
    """How a setting is shown and checked: a whole number in [low, high], a rate, or the counties."""

    label: str
    kind: str = "int"  # int | rate | counties | text | paper
    low: int = 0
    high: int = 0

    @property
    def rule(self) -> str:
        """The rule, as shown beside the field when it is broken."""
        if self.kind == "counties":
            return "names separated by commas: at least one, none empty, none repeated"
        if self.kind == "rate":
            return "dollars and cents, 0 or more"
        if self.kind == "text":
            return "1 to 120 characters"
        if self.kind == "paper":
            return f"{' or '.join(settings.PAPER_SIZES)}"
        return f"a whole number from {self.low} to {self.high}"


SPECS: dict[str, Spec] = {
    "counties": Spec("Counties of work", "counties"),
    "clock_match_days": Spec("Match within (working days)", low=0, high=30),
    "clock_first_contact_days": Spec("First contact in (working days)", low=0, high=30),
    "clock_follow_up_days": Spec("Check-in after (working days)", low=0, high=30),
    "clock_survey_days": Spec("Survey within (working days)", low=0, high=30),
    "honorarium_rate": Spec("Honorarium rate ($/hour)", "rate"),
    "retention_days": Spec("Purge names after close (days)", low=0, high=3650),
    "suppression_threshold": Spec(
        "Report: suppress counts under", low=3, high=20
    ),  # 2 hides nothing: "<2" is 1
    "physicians_served": Spec("Report: physicians served", low=1, high=100_000),
    "organisation_name": Spec("Report: organisation", "text"),
    "program_name": Spec("Report: program", "text"),
    "paper_size": Spec("Report: paper (Letter or A4)", "paper"),
    "fiscal_year_start_month": Spec("Report: fiscal year starts (month)", low=1, high=12),
    "export_k": Spec("Export: k-anonymity (k)", low=settings.MIN_EXPORT_K, high=100),
    "autolock_minutes": Spec("Auto-lock after (idle minutes)", low=1, high=60),
    "backups_keep_last": Spec("Backups: keep the last", low=1, high=100),
    "backups_keep_days": Spec("Backups: keep a daily one (days)", low=0, high=365),
    "wellbeing_check_in_weeks": Spec("Supporter check-in every (weeks)", low=1, high=52),
}
NOTE = (
    "Tab moves between fields, Ctrl+S saves, Escape leaves a field (again: back). A new honorarium "
    "rate applies to events added from now on. Removing a county changes no record already on file."
)
RETENTION_NOTE = (
    "0 purges names and contacts the moment a case ends: nothing then says who it was (the counts "
    "stay), the close cannot be undone (Ctrl+Z) and the case can never be reopened. The backups keep "
    "older copies until they rotate out (the Backups settings). Longer keeps a follow-up possible."
)
KEYS_NOTE = (
    "P change the passphrase · B list the backups (Enter on one restores it: the console saves, locks "
    "and asks for the passphrase it was made under; with the console closed: p2p-tui restore)."
)


def clean_counties(text: str) -> list[str]:
    """Counties from a comma-separated list: trimmed, at least one, none empty, none repeated."""
    names = [" ".join(part.split()) for part in common.no_controls("counties", text).split(",")]
    if not any(names):
        raise ValidationError("counties", "give at least one county")
    if not all(names):
        raise ValidationError("counties", "no empty name between commas")
    if any(len(name) > COUNTY_MAX for name in names):
        raise ValidationError("counties", f"each name at most {COUNTY_MAX} characters")
    if len({common.name_key(name) for name in names}) != len(names):
        raise ValidationError("counties", "a county is listed twice")
    return names


def clean_setting(key: str, text: str) -> Any:
    """One setting's value from its text, or a ValidationError naming the setting and its rule."""
    spec = SPECS[key]
    if spec.kind == "counties":
        return clean_counties(text)
    if spec.kind == "rate":
        try:
            return training.clean_rate(text)
        except ValidationError:
            raise ValidationError(key, spec.rule) from None
    if spec.kind == "text":
        cleaned = " ".join(common.no_controls(key, text).split())
        if settings.problem(key, cleaned):
            raise ValidationError(key, spec.rule)
        return cleaned
    if spec.kind == "paper":
        found = [size for size in settings.PAPER_SIZES if size.casefold() == text.strip().casefold()]
        if not found:
            raise ValidationError(key, spec.rule)
        return found[0]
    try:
        if not text.isascii():  # int() reads any script's digits: "１２" is not what the field shows
            raise ValueError
        number = int(text.strip())
    except ValueError:
        raise ValidationError(key, spec.rule) from None
    if not spec.low <= number <= spec.high:
        raise ValidationError(key, spec.rule)
    return number


def clean_settings(texts: dict[str, str]) -> dict[str, Any]:
    """Every setting's value, checked (raises on the first one that breaks its rule)."""
    return {key: clean_setting(key, texts[key]) for key in SPECS}


def as_text(key: str, value: Any) -> str:
    """A stored value as the field shows it."""
    kind = SPECS[key].kind
    if kind == "counties":  # stored text is made printable: an old vault may hold a control character
        return ", ".join(common.printable(str(v)) for v in value)
    if kind == "rate":
        return f"{float(value):.2f}"
    return common.printable(str(value))


class SettingsScreen(AreaScreen):
    """The coordinator's settings."""

    AREA = "settings"
    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("ctrl+s", "save_settings", "Save", id="settings.save", priority=True),
        Binding("P", "passphrase", "Passphrase", id="settings.passphrase"),
        Binding("B", "backups", "Backups", id="settings.backups"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded: dict[str, str] = {}
        self._warned = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="settings-form"):
            yield Static("Settings", classes="title")
            yield Static(NOTE, classes="note", markup=False)
            for key, spec in SPECS.items():
                validator = service_rule(partial(clean_setting, key), spec.rule)
                yield from field(spec.label, Input(id=key, validators=[validator], compact=True))
                if key == "retention_days":
                    yield Static(RETENTION_NOTE, classes="note", id="retention-note", markup=False)
            yield Static("", id="settings-error", classes="error", markup=False)
            yield Button("Save (Ctrl+S)", id="save-settings", variant="primary", disabled=True)
            theme = Select(THEME_OPTIONS, value=self.theme_shown(), allow_blank=False, id="theme")
            yield from field("Theme (applies at once)", theme)
            yield Static(KEYS_NOTE, classes="note", id="keys-note", markup=False)

    def on_mount(self) -> None:
        # start outside the fields, so P and B work at once; Tab moves into the form
        self.query_one("#settings-form", VerticalScroll).focus()

    def inputs(self) -> list[Input]:
        """The settings' fields, in order."""
        return [self.query_one(f"#{key}", Input) for key in SPECS]

    def texts(self) -> dict[str, str]:
        """What the fields hold now."""
        return {field.id or "": field.value for field in self.inputs()}

    def dirty(self) -> bool:
        """Whether a field differs from what is stored."""
        return bool(self.loaded) and self.texts() != self.loaded

    def reload(self) -> None:
        if self.dirty():  # a redraw (privacy mode, a dialog closing) never throws edits away
            return
        values = self.read(settings.all_settings)
        self.loaded = {key: as_text(key, values[key]) for key in SPECS}
        theme = self.query_one("#theme", Select)
        with theme.prevent(Select.Changed):
            theme.value = self.theme_shown()
        for widget in self.inputs():
            widget.value = self.loaded[widget.id or ""]
        self.refresh_save()

    # -- validation -------------------------------------------------------------------------------

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        if event.input.id in SPECS:
            show_error(self, event.input.id, describe(event.validation_result))
        self._warned = False
        self.refresh_save()

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    def refresh_save(self) -> dict[str, str]:
        """Save is enabled when every field is valid and something changed."""
        problems = input_problems(self.inputs())
        self.query_one("#save-settings", Button).disabled = bool(problems) or not self.dirty()
        names = ", ".join(SPECS[key].label for key in problems)
        self.query_one("#settings-error", Static).update(f"To fix before saving: {names}" if problems else "")
        return problems

    def theme_shown(self) -> str:
        """The theme the choice shows: the app's (the default, for one chosen elsewhere)."""
        return self.app.theme if self.app.theme in dict(THEMES) else THEMES[0][0]

    @on(Select.Changed, "#theme")
    def theme_chosen(self, event: Select.Changed) -> None:
        """A theme applies at once and is kept in the vault (applied again at every unlock)."""
        name = str(event.value)
        if event.value is Select.NULL or name == self.app.theme:
            return
        self.app.theme = name
        with self.store.atomic():
            settings.put("theme", name)

    # -- saving -----------------------------------------------------------------------------------

    @on(Button.Pressed, "#save-settings")
    def action_save_settings(self) -> None:
        """Check every value again, write them in one transaction, and make the console follow."""
        if self.refresh_save():
            return
        try:
            values = clean_settings(self.texts())
        except ValidationError as exc:
            show_error(self, exc.field, exc.message)
            self.notify(labels.error(exc), title="Not saved", severity="error", timeout=10)
            return
        with self.store.atomic():
            for key, value in values.items():
                settings.put(key, value)
        self.p2p.autolock_seconds = float(values["autolock_minutes"]) * 60
        self.store.apply_policy()
        self.loaded = {}
        self.reload()
        self.query_one("#settings-form", VerticalScroll).focus()
        self.notify("Settings saved.")

    async def action_back(self) -> None:
        """Escape: out of a field first; then back, warning once about unsaved changes."""
        if isinstance(self.focused, Input):
            self.query_one("#settings-form", VerticalScroll).focus()
            return
        if self.dirty() and not self._warned:
            self._warned = True
            self.notify("Changes not saved: Ctrl+S saves them, Escape again leaves without saving.")
            return
        self.loaded = {}
        await super().action_back()

    # -- passphrase and backups -------------------------------------------------------------------

    def action_passphrase(self) -> None:
        """Change the passphrase (the current one is checked first)."""

        def chosen(change: PassphraseChange | None) -> None:
            if change is not None:
                self.notify("Checking the current passphrase…")
                self.change_passphrase(self.store, change)

        self.app.push_screen(PassphraseDialog(), chosen)

    @work(thread=True, group="passphrase", exclusive=True, exit_on_error=False)
    def change_passphrase(self, store: Store, change: PassphraseChange) -> None:
        """Check the current passphrase against the file, then re-wrap the key (the KDF is slow)."""
        try:
            checked, _image = Vault.open(store.vault.path, change.current, lock=False)
            del _image
            checked.close()
            store.change_passphrase(change.new)
        except WrongPassphrase:
            self.app.call_from_thread(
                self.app.notify,
                "The current passphrase is not right; nothing was changed. Press P to try again.",
                title="Passphrase not changed",
                severity="error",
                timeout=10,
            )
            return
        except (VaultError, OSError) as exc:
            self.app.call_from_thread(
                self.app.notify,
                f"{exc} The passphrase is unchanged.",
                title="Passphrase not changed",
                severity="error",
                timeout=30,
            )
            return
        self.app.call_from_thread(self.app.notify, "Passphrase changed: use the new one from now on.")

    def action_backups(self) -> None:
        """List the backups; Enter on one restores it (the console locks and asks its passphrase)."""

        def restore(chosen: Backup | None) -> None:
            if chosen is not None:
                self.post_message(RestoreBackup(chosen))

        self.app.push_screen(BackupsDialog(self.store.vault.path), restore)
