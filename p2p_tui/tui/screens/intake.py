"""Intake: a new referral as a form. Every field validates as you type with its error beside it, Save
stays disabled until the form is valid, the physician is found again as you type their name, and
consent is asked only where the pathway needs it. The service validates everything again."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.validation import Function, Length, ValidationResult
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    MaskedInput,
    OptionList,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option

from p2p_tui.services import clock, common, labels
from p2p_tui.services.cases import intake, same_person, views
from p2p_tui.services.errors import ValidationError
from p2p_tui.store import settings
from p2p_tui.store.vocab import CAREER_STAGES, PATHWAYS, PREFERRED_CONTACTS, SOURCES, STRESSORS
from p2p_tui.tui.dialogs.confirm import ConfirmDialog
from p2p_tui.tui.dialogs.form import DATE_MASK
from p2p_tui.tui.messages import OpenCase
from p2p_tui.tui.screens.base import AreaScreen, update_if_changed
from p2p_tui.tui.widgets.marks import Check, Choices

PRIVACY_NOTE = "Finding physicians on file is off while names are masked (F8 shows them)."


def _ok(check: object) -> bool:
    try:
        check()  # type: ignore[operator]
    except ValidationError:
        return False
    return True


def email_ok(value: str) -> bool:
    """Empty, or an email address."""
    return _ok(lambda: common.email("email", value))


def phone_ok(value: str) -> bool:
    """Empty, or a phone number."""
    return _ok(lambda: common.phone("phone", value))


def received_ok(value: str) -> bool:
    """A date YYYY-MM-DD, not in the future."""
    return _ok(lambda: common.past_date("received", common.parse_date("received", value), clock.today()))


TYPED_FIELDS = ("name", "email", "phone", "specialty")  # what Escape asks before throwing away


class IntakeScreen(AreaScreen):
    """Take a referral in."""

    sources_of = ""  # the pathway whose sources the source field offers ("" for all of them)
    asked_to_leave = False  # Escape on a filled form asked first: its resume keeps the input

    BINDINGS = [
        Binding("ctrl+s", "save_referral", "Save referral", id="intake.save", priority=True),
        Binding("escape", "back", "Cancel", id="intake.cancel"),
    ]
    counties_shown: list[str] | None = None  # the county choices as last set

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="intake-form"):
            yield Static("New referral", classes="title")
            yield from self.field(
                "Name",
                Input(id="name", compact=True, validators=[Length(1, 100, "name: 1 to 100 characters")]),
            )
            yield OptionList(id="suggestions")
            yield from self.field(
                "Email",
                Input(
                    id="email", compact=True, validators=[Function(email_ok, "email: like name@example.org")]
                ),
            )
            yield from self.field(
                "Phone",
                Input(
                    id="phone",
                    compact=True,
                    validators=[Function(phone_ok, "phone: digits, spaces, + ( ) . -")],
                ),
            )
            yield from self.field(
                "Prefers",
                Select(
                    labels.options("preferred_contact", PREFERRED_CONTACTS),
                    value="email",
                    allow_blank=False,
                    id="preferred_contact",
                    compact=True,
                ),
            )
            yield from self.field(
                "Career stage",
                Select(labels.options("career_stage", CAREER_STAGES), id="career_stage", compact=True),
            )
            yield from self.field("County of work", Select([], id="county", compact=True))
            yield from self.field(
                "Specialty", Input(id="specialty", compact=True, validators=[Length(0, 60, "at most 60")])
            )
            yield Check("Does interventional work", id="interventional")
            yield from self.field(
                "Received",
                MaskedInput(
                    DATE_MASK,
                    value=clock.today().isoformat(),
                    id="received",
                    compact=True,
                    validators=[Function(received_ok, "received: a date YYYY-MM-DD, not in the future")],
                ),
            )
            yield from self.field(
                "Pathway", Select(labels.options("pathway", PATHWAYS), id="pathway", compact=True)
            )
            yield from self.field(
                "Source", Select(labels.options("source", SOURCES), id="source", compact=True)
            )
            yield Label("Stressors (space to tick; several allowed)")
            yield Choices[str](*labels.options("stressor", STRESSORS), id="stressors")
            yield Static("", id="stressors-error", classes="error")
            yield Check("Acute interventional event", id="acute_interventional")
            with Horizontal(classes="field", id="consent-row"):
                yield Label("Consent")
                yield Select(
                    [
                        ("given", "given"),
                        ("pending: no contact until given", "pending"),
                        ("refused", "refused"),
                    ],
                    value="pending",
                    allow_blank=False,
                    id="consent",
                    compact=True,
                )
            yield Static("", id="form-error", classes="error", markup=False)
            yield Button("Save referral (Ctrl+S)", id="save", variant="primary", disabled=True)

    @staticmethod
    def field(label: str, widget: Input | Select[str] | MaskedInput) -> ComposeResult:
        """A labelled field with its error beside it."""
        with Horizontal(classes="field"):
            yield Label(label)
            yield widget
            yield Static("", id=f"{widget.id}-error", classes="error")

    def on_screen_resume(self) -> None:
        """The form is made once and kept (building it costs ~300 ms): each showing starts it afresh."""
        super().on_screen_resume()
        if self.asked_to_leave:  # back from "Leave the new referral?": the input is kept
            self.asked_to_leave = False
        elif self.p2p.store is not None:
            self.clear_form()

    def clear_form(self) -> None:
        """An empty form: today's date, the counties as they are in Settings, nothing else filled."""
        counties = self.read(lambda: list(settings.get("counties")))
        # Quietly: each field's change would otherwise re-check the whole form (~900 messages a showing)
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed, SelectionList.SelectedChanged):
            if counties != self.counties_shown:  # new options lay the form out again: only on a change
                self.counties_shown = counties
                self.query_one("#county", Select).set_options([(common.printable(c), c) for c in counties])
            for field in ("name", "email", "phone", "specialty"):
                self.query_one(f"#{field}", Input).value = ""
            self.query_one("#received", MaskedInput).value = clock.today().isoformat()
            for field in ("career_stage", "pathway", "source"):
                self.query_one(f"#{field}", Select).clear()
            self.query_one("#preferred_contact", Select).value = "email"
            self.query_one("#consent", Select).value = "pending"
            for box in ("interventional", "acute_interventional"):
                self.query_one(f"#{box}", Checkbox).value = False
            self.query_one("#stressors", SelectionList).deselect_all()
        for error in self.query(".error"):
            if isinstance(error, Static) and error.id != "form-error":  # refresh_save below says that one
                update_if_changed(error, "")
        self.query_one("#suggestions", OptionList).display = False
        self.query_one("#consent-row").display = False
        self.query_one("#intake-form", VerticalScroll).scroll_home(animate=False)
        self.query_one("#name", Input).focus()
        self.refresh_save()

    # -- validation -------------------------------------------------------------------------------

    @on(Input.Changed)
    def input_changed(self, event: Input.Changed) -> None:
        self.show_result(event.input.id or "", event.validation_result)
        if event.input.id == "name":
            self.suggest(event.value)
        self.refresh_save()

    def show_result(self, field: str, result: ValidationResult | None) -> None:
        """The field's error beside it (or nothing)."""
        text = "" if result is None or result.is_valid else "; ".join(result.failure_descriptions)
        for error in self.query(f"#{field}-error"):
            if isinstance(error, Static):
                error.update(text)

    @on(Select.Changed, "#pathway")
    def pathway_changed(self) -> None:
        """Offer only the sources the chosen pathway takes (one kept if it is still allowed)."""
        pathway = self.value("pathway")
        if pathway == self.sources_of:
            return
        self.sources_of = pathway
        select = self.query_one("#source", Select)
        kept = self.value("source")
        allowed = intake.sources_for(pathway)
        select.set_options(labels.options("source", allowed))
        if kept in allowed:
            select.value = kept

    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    def other_changed(self) -> None:
        needed = intake.consent_needed(self.value("pathway"), self.value("source"))
        self.query_one("#consent-row").display = needed
        self.refresh_save()

    def value(self, field: str) -> str:
        """A Select's value, or '' while blank."""
        select = self.query_one(f"#{field}", Select)
        return "" if select.is_blank() else str(select.value)

    def problems(self) -> list[str]:
        """What still stops the form from being saved."""
        found = []
        for field in ("name", "email", "phone", "specialty", "received"):
            widget = self.query_one(f"#{field}", Input)
            result = widget.validate(widget.value)
            if result is not None and not result.is_valid:
                found.append(field)
        for field in ("career_stage", "county", "pathway", "source"):
            if not self.value(field):
                found.append(field)
        if not self.query_one("#stressors", SelectionList).selected:
            found.append("stressors")
        return found

    def refresh_save(self) -> None:
        """Save is enabled only when every field is valid."""
        missing = self.problems()
        self.query_one("#save", Button).disabled = bool(missing)
        needed = ", ".join(labels.field(name) for name in missing)
        update_if_changed(self.query_one("#form-error", Static), f"Still needed: {needed}" if missing else "")

    # -- find as you type -------------------------------------------------------------------------

    def suggest(self, prefix: str) -> None:
        """Physicians already on file whose name holds what was typed, anywhere, whatever its case and
        accents (not in privacy mode: it says so)."""
        box = self.query_one("#suggestions", OptionList)
        box.clear_options()
        if len(prefix.strip()) < 2:
            box.display = False
            return
        if self.p2p.privacy:
            box.add_option(Option(PRIVACY_NOTE, id="privacy", disabled=True))
            box.display = True
            return
        people = self.read(lambda: views.physician_suggestions(prefix))
        for person in people:
            stage = labels.label("career_stage", person.career_stage)
            shown = common.printable(f"{person.name} ({stage}, {person.county}) on file")
            label = Text(shown)  # not markup
            box.add_option(Option(label, id=str(person.id)))
        box.display = bool(people)

    @on(OptionList.OptionSelected, "#suggestions")
    def use_physician(self, event: OptionList.OptionSelected) -> None:
        if not (event.option.id or "").isdigit():  # the privacy note
            return
        person = self.read(lambda: views.physician_view(int(event.option.id or 0)))
        self.query_one("#name", Input).value = person.name
        self.query_one("#email", Input).value = person.email
        self.query_one("#phone", Input).value = person.phone
        self.query_one("#specialty", Input).value = person.specialty
        self.query_one("#career_stage", Select).value = person.career_stage
        self.query_one("#preferred_contact", Select).value = person.preferred_contact
        if person.county in self.read(lambda: list(settings.get("counties"))):
            self.query_one("#county", Select).value = person.county
        self.query_one("#interventional", Checkbox).value = person.interventional
        self.query_one("#suggestions", OptionList).display = False
        self.query_one("#email", Input).focus()

    # -- saving -----------------------------------------------------------------------------------

    def referral_input(self) -> intake.ReferralInput:
        """The form as a domain object."""

        def text(field: str) -> str:
            return self.query_one(f"#{field}", Input).value

        physician = intake.PhysicianInput(
            name=text("name"),
            career_stage=self.value("career_stage"),
            county=self.value("county"),
            email=text("email"),
            phone=text("phone"),
            specialty=text("specialty"),
            interventional=self.query_one("#interventional", Checkbox).value,
            preferred_contact=self.value("preferred_contact"),
        )
        pathway, source = self.value("pathway"), self.value("source")
        return intake.ReferralInput(
            physician=physician,
            received_on=text("received"),
            pathway=pathway,
            source=source,
            stressors=tuple(self.query_one("#stressors", SelectionList).selected),
            acute_interventional=self.query_one("#acute_interventional", Checkbox).value,
            consent=self.value("consent") if intake.consent_needed(pathway, source) else "",
        )

    @on(Input.Submitted)
    def enter_in_a_field(self) -> None:
        """Enter in a text field: save once the form is valid, else move on to the next field."""
        if self.problems():
            self.focus_next()
        else:
            self.action_save_referral()

    @on(Button.Pressed, "#save")
    def action_save_referral(self) -> None:
        """Save the referral and open its case page."""
        if self.problems():
            self.refresh_save()
            return
        data = self.referral_input()
        try:
            with self.store.atomic(undo="New referral saved"):
                referral_id = intake.create_referral(data).id  # the id only: the case page reads a view
                flagged = same_person.flagged(referral_id)
        except ValidationError as exc:
            self.query_one("#form-error", Static).update(labels.error(exc))
            self.show_result(exc.field, None)
            return
        self.notify(f"Referral saved as case #{referral_id}.  Ctrl+Z undoes it.")
        if flagged:
            who = "a supporter" if len(flagged) == 1 else f"one of {len(flagged)} supporters"
            self.notify(
                f"The physician may be {who} (same name, email or phone). Matching waits until you "
                "confirm they are two people (match screen, key 2).",
                title=f"Case #{referral_id}: check",
                severity="warning",
                timeout=20,
            )
        self.app.pop_screen()
        self.post_message(OpenCase(referral_id))

    def filled(self) -> bool:
        """Whether the coordinator has typed or ticked anything that Escape would throw away."""
        typed = any(self.query_one(f"#{name}", Input).value.strip() for name in TYPED_FIELDS)
        return typed or bool(self.query_one("#stressors", SelectionList).selected)

    async def action_back(self) -> None:
        """Escape: back, asking first when the form holds input (Enter throws it away)."""
        if not self.filled():
            await super().action_back()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.asked_to_leave = True
        self.app.push_screen(
            ConfirmDialog(
                "Leave the new referral?",
                ["What is typed in this form is not saved and will be lost."],
                "Enter: throw it away    Escape: keep editing",
            ),
            answered,
        )

    def reload(self) -> None:
        """Nothing to read: the form is cleared on each showing (clear_form)."""
