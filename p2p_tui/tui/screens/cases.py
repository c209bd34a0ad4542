"""Cases: every referral, filtered by status, quarter and name, one page at a time from the database."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.validation import Function
from textual.widgets import DataTable, Input, Select, Static

from p2p_tui.services import labels
from p2p_tui.services.cases import case_list
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store.vocab import CASE_STATUSES
from p2p_tui.tui.messages import OpenCase
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.table import Table

STATUS_FILTERS = [("open cases", "open"), ("all cases", "all"), *labels.options("case_status", CASE_STATUSES)]
SEARCH_HINT = "any part of a name…"
SEARCH_OFF = "search off: names masked (F8)"
COLUMNS = ("#", "received", "name", "stage", "county", "pathway", "source", "status", "supporter")
PRIORITIES = (9, 6, 9, 2, 3, 4, 1, 8, 7)  # the columns a narrow terminal keeps: the highest


def quarter_ok(text: str) -> bool:
    """Empty, or a quarter like 2026Q3."""
    if not text.strip():
        return True
    try:
        Quarter.parse(text)
    except ValidationError:
        return False
    return True


class CasesScreen(AreaScreen):
    """The case list; Enter opens a case."""

    AREA = "cases"
    BINDINGS = [
        Binding("n", "app.new_referral", "New referral", id="cases.new"),
        Binding("slash", "search", "Search", id="cases.search"),
        Binding("right_square_bracket", "page(1)", "Next page", id="cases.next"),
        Binding("left_square_bracket", "page(-1)", "Previous page", id="cases.prev"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_start = 0

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield Select(STATUS_FILTERS, value="open", allow_blank=False, id="status")
            yield Input(placeholder=SEARCH_HINT, id="name")
            yield Input(
                placeholder="quarter, e.g. 2026Q3",
                id="quarter",
                validators=[Function(quarter_ok, "write a quarter like 2026Q3")],
            )
        yield Static("", id="count", markup=False)
        yield Table(id="cases")

    def on_mount(self) -> None:
        self.query_one("#cases", Table).add_columns(*COLUMNS, priorities=PRIORITIES)
        self.query_one("#cases", Table).focus()

    def filters(self) -> tuple[str, str, str]:
        """The filters as set now: status, name prefix (never in privacy mode), quarter."""
        name = "" if self.p2p.privacy else self.query_one("#name", Input).value
        return str(self.query_one("#status", Select).value), name, self.query_one("#quarter", Input).value

    def reload(self) -> None:
        self.shown_filters = self.filters()
        status = str(self.query_one("#status", Select).value)
        name_field = self.query_one("#name", Input)
        name_field.disabled = self.p2p.privacy  # no searching by name on a screen others can see
        name_field.placeholder = SEARCH_OFF if self.p2p.privacy else SEARCH_HINT
        name_field.password = self.p2p.privacy  # what was typed may be a name: masked too
        name = "" if self.p2p.privacy else name_field.value
        quarter = self.query_one("#quarter", Input).value
        if not quarter_ok(quarter):
            self.query_one("#count", Static).update("Write the quarter like 2026Q3.")
            return
        page = self.read(lambda: case_list.search(status, quarter, name, offset=self.page_start))
        if page.offset and not page.rows:
            self.page_start = 0
            page = self.read(lambda: case_list.search(status, quarter, name, offset=0))
        table = self.query_one("#cases", Table)
        table.clear()
        for row in page.rows:
            cells = (
                str(row.id),
                row.received_on.isoformat(),
                self.shown(row.name),
                labels.label("career_stage", row.career_stage),
                row.county,
                labels.label("pathway", row.pathway),
                labels.label("source", row.source),
                labels.label("case_status", row.status),
                self.shown(row.supporter) if row.supporter else "",
            )
            table.add_row(*cells, key=str(row.id))
        last = page.offset + len(page.rows)
        shown = f"{page.offset + 1}–{last} of {page.total}" if page.rows else "no cases"
        search = "search off while names are masked" if self.p2p.privacy else "/ search"
        self.query_one("#count", Static).update(f"{shown}  ([ and ] page, {search})")

    @on(Select.Changed, "#status")
    @on(Input.Changed, "#name")
    @on(Input.Changed, "#quarter")
    def filters_changed(self) -> None:
        if self.filters() != getattr(self, "shown_filters", None):  # mounting announces values too
            self.page_start = 0
            self.reload()

    @on(Input.Submitted)
    def back_to_table(self) -> None:
        self.query_one("#cases", Table).focus()

    @on(DataTable.RowSelected, "#cases")
    def open_case(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenCase(int(event.row_key.value)))

    def action_search(self) -> None:
        """Focus the name filter (not in privacy mode: it says so)."""
        if self.p2p.privacy:
            self.notify("Search by name is off while names are masked: F8 shows them again.")
            return
        self.query_one("#name", Input).focus()

    def action_page(self, step: int) -> None:
        """The next or previous page of cases."""
        self.page_start = max(0, self.page_start + step * case_list.PAGE)
        self.reload()
