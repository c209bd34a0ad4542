"""Form pieces shared by the dialogs and the settings screen.

A labelled field with its error beside it, validators built from the services' own checks (so each rule
is written once), and `FormDialog`: a modal form whose Save stays disabled until every field is valid,
Ctrl+S, Enter (from any field, once the form is valid) or the Save button to save, Escape to cancel
(dismissing with None). Given a `submit` (the service call), a refusal keeps the dialog open with the
service's message beside the field it names, the input as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import ClassVar, TypeVar

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.validation import Function, ValidationResult
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, MaskedInput, Select, SelectionList, Static

from p2p_tui.services import common
from p2p_tui.services.errors import ValidationError

R = TypeVar("R")
CSS_FILE = "../screens_extra.tcss"
MASK_COMPLAINT = "Value does not match template!"  # MaskedInput's own, said better by our validators


def passes(check: Callable[[], object]) -> bool:
    """Whether a service check accepts (raises no ValidationError)."""
    try:
        check()
    except ValidationError:
        return False
    return True


def service_rule(check: Callable[[str], object], description: str) -> Function:
    """A validator that runs a service's own cleaning function on the field's text."""
    return Function(lambda value: passes(lambda: check(value)), description)


DATE_MASK = "9999-99-99"  # Textual has no date picker: a masked YYYY-MM-DD


def past_date_input(
    field_id: str, today: date, description: str = "a date YYYY-MM-DD, not in the future"
) -> MaskedInput:
    """A date field starting at `today`, checked as the service checks it (no future date)."""
    rule = service_rule(
        lambda v: common.past_date(field_id, common.parse_date(field_id, v), today), description
    )
    return MaskedInput(DATE_MASK, value=today.isoformat(), id=field_id, validators=[rule])


def field(label: str, widget: Widget, *, compact: bool = True) -> ComposeResult:
    """A labelled field with its error beside it (the error's id is `<widget id>-error`).

    Compact (one line, no border) by default, so a whole form fits on a 36-line terminal.
    """
    if compact and isinstance(widget, Input | Select):
        widget.compact = True
    with Horizontal(classes="field"):
        yield Label(label)
        yield widget
        yield Static("", id=f"{widget.id}-error", classes="error", markup=False)


def show_error(root: DOMNode, field_id: str, text: str) -> None:
    """Put `text` beside a field (an empty text clears it)."""
    for error in root.query(f"#{field_id}-error"):
        if isinstance(error, Static):
            error.update(text)


def describe(result: ValidationResult | None) -> str:
    """What a validation result says is wrong, or '' (a mask's own complaint only if it is alone)."""
    if result is None or result.is_valid:
        return ""
    said = [text for text in result.failure_descriptions if text != MASK_COMPLAINT]
    return "; ".join(said) or "complete the field"


def input_problems(inputs: Iterable[Input]) -> dict[str, str]:
    """Each input whose value fails its validators, by id, with what is wrong."""
    found = {}
    for widget in inputs:
        text = describe(widget.validate(widget.value))
        if text and widget.id:
            found[widget.id] = text
    return found


def selected(root: DOMNode, field_id: str) -> str:
    """A Select's value, or '' while blank."""
    select: Select[str] = root.query_one(f"#{field_id}", Select)
    return "" if select.is_blank() else str(select.value)


def value_of(widget: Widget | None) -> object:
    """A field's current value (Input, Select, Checkbox), or None."""
    if isinstance(widget, Input | Select | Checkbox):
        return widget.value
    return None


def in_open_select(widget: Widget | None) -> bool:
    """Whether `widget` is, or is inside, a Select whose list is open (Enter picks an option there)."""
    node: DOMNode | None = widget
    while node is not None:
        if isinstance(node, Select) and node.expanded:
            return True
        node = node.parent
    return False


class FormDialog(ModalScreen[R | None]):
    """A modal form. Subclasses give `compose_fields`, `result` and any `cross_problems`.

    Each input validates as it changes, with its error beside it; Save stays disabled until the whole
    form is valid. Enter saves from any field once the form is valid; until then it moves on from a
    text field and opens a Select. A checklist (SelectionList) keeps Enter to tick its row.
    """

    CSS_PATH = CSS_FILE
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("enter", "enter", "Save", id="form.enter", show=False, priority=True),
    ]
    TITLE_TEXT: ClassVar[str] = ""
    NOTE: ClassVar[str] = ""
    SAVE_LABEL: ClassVar[str] = "Save (Ctrl+S)"
    BOX_CLASSES: ClassVar[str] = "dialog-box form-box"

    def __init__(
        self, error: ValidationError | None = None, submit: Callable[[R], object] | None = None
    ) -> None:
        """`error`: a service's refusal of this form's last value, shown when the form reopens.
        `submit`: the change to make with the form's value; a ValidationError it raises is shown
        beside its field and the dialog stays open (nothing was recorded)."""
        super().__init__()
        self.service_error = error
        self.submit = submit
        self.title_text = self.TITLE_TEXT
        self.note = self.NOTE
        self.touched: set[str] = set()
        self.refused: object = None
        self.first_values: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes=self.BOX_CLASSES):
            yield Static(self.title_text, classes="title", markup=False)
            if self.note:
                yield Static(self.note, classes="note", markup=False)
            yield from self.compose_fields()
            yield Static("", id="form-error", classes="error", markup=False)
            yield Button(self.SAVE_LABEL, id="save", variant="primary", disabled=True)

    def compose_fields(self) -> ComposeResult:
        """The form's fields (use `field()` for a labelled one with its error beside it)."""
        yield from ()

    def find(self, field_id: str) -> Widget | None:
        """The widget with this id, if the form has one."""
        return next(iter(self.query(f"#{field_id}")), None)

    def label_of(self, field_id: str) -> str:
        """A field's label as the form shows it (its id if it has none)."""
        widget = self.find(field_id)
        row = widget.parent if widget is not None else None
        labels = list(row.query_children(Label)) if row is not None else []
        return str(labels[0].render()).lower() if labels else field_id.replace("_", " ")

    def on_mount(self) -> None:
        # fields post Changed for their first value: only a change from it counts as touching them
        self.first_values = {w.id: value_of(w) for w in self.query("Input, Select, Checkbox") if w.id}
        self.refresh_save()
        first = self.first_field()
        if first is not None:
            first.focus()
        if self.service_error is not None:
            self.refused = value_of(self.find(self.service_error.field))
            self.touched.add(self.service_error.field)
            self.show_errors(None)
            self.focus_refused()

    # -- validation -------------------------------------------------------------------------------

    def cross_problems(self) -> dict[str, str]:
        """Problems no single input's validators see (a blank choice, two fields that must agree)."""
        return {}

    def problems(self) -> dict[str, str]:
        """Everything that stops the form from being saved, by field id."""
        return {**input_problems(self.query(Input)), **self.cross_problems()}

    def refresh_save(self) -> dict[str, str]:
        """Enable Save only when the form is valid; say what is still needed."""
        found = self.problems()
        self.query_one("#save", Button).disabled = bool(found)
        needed = ", ".join(self.label_of(name) for name in found)
        lines = [f"Not saved: {self.service_error}"] if self.service_error else []
        lines += [f"Still needed: {needed}"] if found else []
        self.query_one("#form-error", Static).update("\n".join(lines))
        return found

    def show_errors(self, changed: str | None) -> None:
        """Refresh the errors beside the fields the coordinator has touched, and Save."""
        if changed and value_of(self.find(changed)) != self.first_values.get(changed):
            self.touched.add(changed)
        error = self.service_error
        if changed and error and error.field == changed and value_of(self.find(changed)) != self.refused:
            self.service_error = None  # the refused value was changed: its "Not saved" line goes
        cross = self.cross_problems()
        for field_id in self.touched:
            widget = self.find(field_id)
            error = self.service_error
            if error and error.field == field_id and value_of(widget) == self.refused:
                text = error.message  # the service refused this value; it stays flagged until changed
            else:
                text = cross.get(field_id, "")
                if not text and isinstance(widget, Input):
                    text = describe(widget.validate(widget.value))
            show_error(self, field_id, text)
        self.refresh_save()

    @on(Input.Changed)
    def input_changed(self, event: Input.Changed) -> None:
        self.show_errors(event.input.id)

    @on(Select.Changed)
    def select_changed(self, event: Select.Changed) -> None:
        self.show_errors(event.select.id)

    @on(Checkbox.Changed)
    def checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.show_errors(event.checkbox.id)

    @on(SelectionList.SelectedChanged)
    def selection_changed(self, event: SelectionList.SelectedChanged[object]) -> None:
        self.show_errors(event.selection_list.id)

    def first_field(self) -> Widget | None:
        """The field focused when the form opens: the first a person fills (subclasses may say)."""
        return next((w for w in self.query("Input, Select, SelectionList, Checkbox") if w.focusable), None)

    def action_enter(self) -> None:
        """Enter: save once the form is valid, from any field; else the field's own Enter."""
        focused = self.focused
        if in_open_select(focused) or isinstance(focused, SelectionList):
            raise SkipAction  # the open list picks its option; a checklist ticks its row
        if isinstance(focused, Button) and focused.id != "save":
            raise SkipAction
        if not self.problems():
            self.action_save()
        elif isinstance(focused, Input):
            self.focus_next()
        elif isinstance(focused, Button):
            self.action_save()  # says what is still needed
        else:
            raise SkipAction  # a Select opens, a checkbox ticks

    # -- saving -----------------------------------------------------------------------------------

    def result(self) -> R:
        """The form as a domain object (called only when the form is valid)."""
        raise NotImplementedError

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Ctrl+S: return the form's value if it is valid; otherwise show what is wrong."""
        found = self.refresh_save()
        if found:
            self.touched.update(found)
            self.show_errors(None)
            return
        value = self.result()
        if self.submit is not None:
            try:
                self.submit(value)
            except ValidationError as exc:
                self.refuse(exc)
                return
        self.dismiss(value)

    def refuse(self, error: ValidationError) -> None:
        """Show a service's refusal beside its field (or below the form); the input stays as typed."""
        self.service_error = error
        self.refused = value_of(self.find(error.field))
        self.touched.add(error.field)
        self.show_errors(None)
        self.focus_refused()

    def focus_refused(self) -> None:
        """Put the focus on the refused field, its cursor at the end (ready to correct it)."""
        widget = self.find(self.service_error.field) if self.service_error else None
        if widget is not None and widget.focusable:
            widget.focus()
            if isinstance(widget, Input):
                widget.cursor_position = len(widget.value)

    def action_cancel(self) -> None:
        """Escape: nothing saved."""
        self.dismiss(None)
