"""Report: the quarterly utilization summary of one quarter, de-identified, small counts suppressed.

[ and ] move between quarters (the last complete one first); e exports the summary shown (PDF, Markdown, CSV
or JSON) into the documents folder. y switches to the annual view of the fiscal year (there [ and ]
move by a year, and m enters the year's Member Survey results) and back. The summary is computed in a
worker thread (it takes up to half a second at 100,000 referrals) and drawn on the event loop. Every
figure here is de-identified, so privacy mode changes nothing on this screen; the identifying honorarium
statement is never shown here.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from rich import box
from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup, VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from p2p_tui.services import clock
from p2p_tui.services.admin import audit
from p2p_tui.services.errors import ValidationError
from p2p_tui.services.reporting import annual, formats, member_survey, quarterly
from p2p_tui.services.reporting.annual import Annual, FiscalYear
from p2p_tui.services.reporting.member_survey import SurveyResult
from p2p_tui.services.reporting.quarterly import Breakdown, Cell, Summary
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store, settings
from p2p_tui.store.vocab import TRAINING_KINDS
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.dialogs.member_survey_form import MemberSurveyDialog
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.screens.report_annual import annual_notes, annual_view
from p2p_tui.tui.screens.report_export import Report, export_bytes, period, reserve, write_export
from p2p_tui.tui.widgets.bars import Bar, Bars
from p2p_tui.vault import RefusedOutput

__all__ = ["FORMATS", "ReportScreen", "export_bytes", "reserve", "words", "write_export"]

FORMATS: tuple[tuple[str, str], ...] = (
    ("pdf", "PDF: to print or to send"),
    ("md", "Markdown: plain text with tables"),
    ("csv", "CSV: for a spreadsheet"),
    ("json", "JSON: for another program"),
)
NOT_EXPORTED = "Summary not exported"
PRIVACY_NOTE = "De-identified figures only: no names, so privacy mode changes nothing on this screen."
BREAKDOWN_TITLES = {
    "pathway": "Pathway",
    "source": "Source",
    "stressor": "Stressor",
    "career_stage": "Career stage",
    "county": "County",
    "outcome": "Outcome",
    "survey_duration": "Talk (surveys)",
    "encounters": "Encounters",
    "matched_to": "Matched to",
    "check_in_result": "Check-ins",
}
STANDARD_TITLES = {  # the standards, as the figures' left column names them
    "match": "Match standard",
    "first_contact": "First contact",
    "follow_up": "Follow-up",
    "survey": "Survey",
}
SHORT_LABELS = {  # compact forms of the exports' longest labels (formats.LABELS)
    "php": "PHP",
    "under_15": "Under 15 min",
    "15_30": "15–30 min",
    "30_60": "30–60 min",
    "over_60": "Over 60 min",
    "not_answered": "Not answered",
    "no_conversation": "No conversation",
    "formal": "Formal (referrals)",
    "informal": "Informal",
    "program": "Program supporter",
    "other_province": "Other province",
    "other": "Other",
}


# -- pure helpers (no widgets) ----------------------------------------------------------------------


def words(value: str) -> str:
    """A vocabulary value in the exports' words (reach_in -> Reach-in), shortened where long."""
    return SHORT_LABELS.get(value) or formats.label(value)


def number(value: float | None) -> str:
    """A median, p90 or mean: "—" when not shown, no trailing ".0"."""
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")


def scale(value: float | None) -> str:
    """A mean on the surveys' 1 to 5 scale, or "—" when too few answered."""
    return "—" if value is None else f"{number(value)}/5"


def days(pair: tuple[float | None, float | None]) -> str:
    """Median and p90 working days, or a word why they are not shown."""
    mid, high = pair
    if mid is None and high is None:
        return "— (too few cases)"
    return f"median {number(mid)} · p90 {number(high)}"


def after(value: float | None, referrals: Cell | None = None) -> str:
    """Median working days to match in a chart's note: "1 working day", "none" for a quarter without
    referrals, "too few" below the threshold (never a bare "—", which would read as withheld)."""
    if referrals is not None and referrals.value == 0:
        return "none"
    if value is None:
        return "too few"
    return f"{number(value)} working day{'' if value == 1 else 's'}"


def money(amount: float) -> str:
    """Dollars with cents."""
    return f"${amount:,.2f}"


def cell_bar(label: str, cell: Cell, note: str = "") -> Bar:
    """A chart row for a published cell: a suppressed cell draws no bar, only its text."""
    return Bar(words(label), None if cell.value is None else float(cell.value), cell.text, note)


def breakdown_table(table: Breakdown) -> RichTable:
    """One breakdown as a compact two-column table, cells exactly as published, total last."""
    out = RichTable(
        title=BREAKDOWN_TITLES.get(table.name, words(table.name).capitalize()),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_header=False,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )
    out.add_column(no_wrap=True, max_width=24)
    out.add_column(justify="right", no_wrap=True)
    for label, cell in table.rows:
        out.add_row(words(label), cell.text)
    total = "Cases" if table.overlapping else "Total"
    out.add_row(Text(total, style="bold"), Text(table.total.text, style="bold"), end_section=True)
    return out


def figures(summary: Summary) -> RenderableType:
    """The headline figures, one labelled line each (the quarter's referrals first)."""
    grid = RichTable.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    survey = summary.survey
    hours = " · ".join(f"{words(k)} {summary.training_hours.get(k, 0.0):g} h" for k in TRAINING_KINDS)
    grid.add_row(
        "Referrals",
        f"{summary.referrals.text}   PHP referrals {summary.php_referrals.text} · "
        f"safety escalations {summary.safety_escalations.text} · "
        f"{summary.per_100} per 100 physicians served",
    )
    grid.add_row(
        "Declined",
        f"{summary.declined.text} · no consent {summary.no_consent.text}",
    )
    for figure in summary.standards:
        timing = formats.timing_text(figure) if figure.timings_withheld else days((figure.median, figure.p90))
        grid.add_row(
            STANDARD_TITLES.get(figure.name, figure.name),
            f"{figure.met.text} of {figure.base.text} ({figure.share}) · working days {timing}",
        )
    grid.add_row("Follow-up done", f"{summary.follow_up_completion.text} with a first contact")
    grid.add_row(
        "Supporters",
        f"{summary.supporters_active} with a contact · {summary.supporters_with_cases} with cases · "
        f"{summary.contacts} contacts",
    )
    grid.add_row("Training hours", f"{hours} · honoraria total {money(summary.honoraria_total)}")
    grid.add_row(
        "Surveys",
        f"{survey.count.shown} · conversation held {survey.conversation_share} · "
        f"debrief wanted {survey.debriefs_wanted.shown}",
    )
    grid.add_row(
        "Survey means",
        f"helpfulness {scale(survey.mean_helpfulness)} · supporter distress {scale(survey.mean_distress)}",
    )
    parts: list[RenderableType] = [grid, Text("")]
    if summary.empty:
        parts[:0] = [Text(quarterly.NO_REFERRALS, style="bold"), Text("")]
    return Group(*parts)


# -- the screen -------------------------------------------------------------------------------------


class ReportScreen(AreaScreen):
    """The quarterly utilization summary, with its charts and an export."""

    AREA = "report"
    BINDINGS = [
        Binding("left_square_bracket", "quarter(-1)", "Previous quarter", id="report.prev"),
        Binding("right_square_bracket", "quarter(1)", "Next quarter", id="report.next"),
        Binding("left_square_bracket", "year(-1)", "Previous year", id="report.prev_year"),
        Binding("right_square_bracket", "year(1)", "Next year", id="report.next_year"),
        Binding("e", "export", "Export", id="report.export"),
        Binding("y", "annual", "Year", id="report.annual"),
        Binding("y", "quarterly", "Quarter", id="report.quarterly"),
        Binding(
            "m", "member_survey", "Survey", tooltip="The year's Member Survey", id="report.member_survey"
        ),
        Binding("r", "recompute", "Recompute", show=False, id="report.recompute"),
    ]

    @dataclass
    class Computed(Message):
        """A worker finished a summary (`version` is the database's change count it was read at)."""

        quarter: Quarter
        summary: Summary
        version: int

    @dataclass
    class YearComputed(Message):
        """A worker finished an annual report (`version`: the change count it was read at)."""

        fiscal_year: FiscalYear
        annual: Annual
        version: int

    @dataclass
    class Failed(Message):
        """The summary worker could not compute; `problem` says what to do next."""

        title: str
        problem: str

    @dataclass
    class Exported(Message):
        """The export worker is done: it wrote `path`, or (None) it could not."""

        path: Path | None

    def __init__(self) -> None:
        super().__init__()
        self.quarter = Quarter.last_complete(clock.today())  # as `p2p-tui report` does
        self.summary: Summary | None = None
        self.computed: tuple[Quarter, int] | None = None  # what `summary` was computed from
        self.fiscal_year: FiscalYear | None = None  # the annual view's year (None: the quarter's view)
        self.annual: Annual | None = None
        self.annual_computed: tuple[FiscalYear, int] | None = None
        self.exporting = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="report-body"):
            yield Static("", id="report-title", classes="title", markup=False)
            yield Static("", id="report-rule", classes="note", markup=False)
            yield Static("", id="report-status", classes="note", markup=False)
            yield Static("", id="report-figures")
            with HorizontalGroup(id="report-charts"):
                yield Bars("Referrals per quarter", id="trend-bars", drop_first=True)
                yield Bars("Referrals by source", id="source-bars", empty="No referrals this quarter.")
            yield Static("", id="report-breakdowns")
            yield Static("", id="report-notes", classes="note", markup=False)

    def on_mount(self) -> None:
        self.query_one("#report-body", VerticalScroll).focus()

    # -- computing --------------------------------------------------------------------------------

    def version(self) -> int | None:
        """The database's change count (a summary read at the same count is still right), or None
        while a worker or the saver holds the lock: the event loop never waits for it here."""
        lock = self.store.lock
        if not lock.acquire(blocking=False):
            return None
        try:
            return self.store.db.raw().total_changes
        finally:
            lock.release()

    def reload(self) -> None:
        """Show the quarter's title, and compute its summary unless the one shown is still right."""
        self.show_title()
        version = self.version()
        if self.fiscal_year is not None:
            if version is None or self.annual_computed != (self.fiscal_year, version):
                self.compute()
        elif version is None or self.computed != (self.quarter, version):
            self.compute()

    def show_title(self) -> None:
        """The quarter, its months, and the keys."""
        if self.fiscal_year is not None:
            fy = self.fiscal_year
            self.query_one("#report-title", Static).update(
                f"Annual report {fy.name}: {fy.label}   [ previous year · ] next · y quarter"
                " · m Member Survey · e export"
            )
            return
        q = self.quarter
        to_date = q.to_date(clock.today())
        running = f" {to_date}" if to_date else ""
        self.query_one("#report-title", Static).update(
            f"Quarterly utilization summary {q} ({q.label}){running}   [ previous quarter · ] next · e export"
        )

    def show_status(self, text: str) -> None:
        """The progress line (computing…, exporting…), empty when idle."""
        status = self.query_one("#report-status", Static)
        status.update(text)
        status.display = bool(text)

    def compute(self) -> None:
        """Start computing the shown quarter's summary; figures of another quarter are hidden."""
        if self.fiscal_year is not None:
            self.compute_year(self.fiscal_year)
            return
        shown = self.summary is not None and self.computed is not None and self.computed[0] == self.quarter
        for part in ("#report-figures", "#report-charts", "#report-breakdowns", "#report-notes"):
            self.query_one(part).display = shown
        self.show_status(f"computing the summary of {self.quarter}…")
        self.summarize(self.store, self.quarter)

    @work(thread=True, group="report", exclusive=True, exit_on_error=False)
    def summarize(self, store: Store, quarter: Quarter) -> None:
        """Compute the summary off the event loop, under the store's lock; post it back."""
        worker = get_current_worker()
        try:
            with store.lock:
                if worker.is_cancelled or store.db.is_closed():  # superseded, or the vault was locked
                    return
                summary = quarterly.summarize(quarter)
                version = store.db.raw().total_changes
        except Exception as exc:  # noqa: BLE001 - shown as a toast, never a traceback
            self.post_message(
                self.Failed(
                    f"Summary of {quarter} not computed",
                    f"{describe(exc)} Press r to try again; if it keeps failing, run p2p-tui check.",
                )
            )
            return
        if not worker.is_cancelled:
            self.post_message(self.Computed(quarter, summary, version))

    def compute_year(self, fy: FiscalYear) -> None:
        """Start computing the annual report (the quarter's charts and breakdowns are hidden)."""
        for part in ("#report-charts", "#report-breakdowns"):
            self.query_one(part).display = False
        shown = self.annual is not None and self.annual_computed is not None and self.annual_computed[0] == fy
        for part in ("#report-figures", "#report-notes"):
            self.query_one(part).display = shown
        self.show_status(f"computing the annual report of {fy.name}…")
        self.summarize_year(self.store, fy)

    @work(thread=True, group="report", exclusive=True, exit_on_error=False)
    def summarize_year(self, store: Store, fy: FiscalYear) -> None:
        """Compute the annual report off the event loop, under the store's lock; post it back."""
        worker = get_current_worker()
        try:
            with store.lock:
                if worker.is_cancelled or store.db.is_closed():
                    return
                found = annual.summarize_year(fy)
                version = store.db.raw().total_changes
        except Exception as exc:  # noqa: BLE001 - shown as a toast, never a traceback
            problem = f"{describe(exc)} Press r to try again."
            self.post_message(self.Failed(f"Annual report of {fy.name} not computed", problem))
            return
        if not worker.is_cancelled:
            self.post_message(self.YearComputed(fy, found, version))

    @on(YearComputed)
    def computed_year(self, message: YearComputed) -> None:
        if message.fiscal_year != self.fiscal_year:
            return
        self.annual = message.annual
        self.annual_computed = (message.fiscal_year, message.version)
        self.show_status("exporting…" if self.exporting else "")
        found = message.annual
        for part in ("#report-figures", "#report-notes"):
            self.query_one(part).display = True
        self.query_one("#report-rule", Static).update(f"{found.heading}. {found.notes[0]} {PRIVACY_NOTE}")
        self.query_one("#report-figures", Static).update(annual_view(found))
        self.query_one("#report-notes", Static).update(annual_notes(found))

    @on(Computed)
    def computed_summary(self, message: Computed) -> None:
        if message.quarter != self.quarter or self.fiscal_year is not None:  # moved on
            return
        self.summary = message.summary
        self.computed = (message.quarter, message.version)
        self.show_status("exporting…" if self.exporting else "")
        self.draw(message.summary)

    @on(Failed)
    def failed(self, message: Failed) -> None:
        self.show_status("exporting…" if self.exporting else "")
        self.notify(message.problem, title=message.title, severity="error", timeout=15)

    def draw(self, s: Summary) -> None:
        """Render a summary (on the event loop)."""
        for part in ("#report-figures", "#report-charts", "#report-breakdowns", "#report-notes"):
            self.query_one(part).display = True
        self.query_one("#report-rule", Static).update(
            f"{quarterly.suppression_rule(s.threshold)} {PRIVACY_NOTE}"
        )
        self.query_one("#report-figures", Static).update(figures(s))
        self.query_one("#trend-bars", Bars).show(
            [cell_bar(p.quarter, p.referrals, after(p.median_days_to_match, p.referrals)) for p in s.trend],
            title="Referrals per quarter · median working days to match",
        )
        source = [cell_bar(label, cell) for label, cell in s.breakdown("source").rows] if not s.empty else []
        self.query_one("#source-bars", Bars).show(source, title=f"Referrals by source, {s.quarter}")
        shown = (*s.breakdowns, s.survey.durations, *formats.peer_tables(s))  # peers13: encounters, check-ins
        tables = [breakdown_table(t) for t in shown if t.name != "source"]
        breakdowns = self.query_one("#report-breakdowns", Static)
        breakdowns.display = not s.empty
        breakdowns.update(Group(Text(""), Columns(tables, padding=(0, 3)), Text("")) if not s.empty else "")
        notes = [
            n for n in s.notes if n != quarterly.suppression_rule(s.threshold) and n != quarterly.NO_REFERRALS
        ]
        marks = [f"{mark} {meaning}" for mark, meaning in s.footnotes]
        self.query_one("#report-notes", Static).update("\n" * s.empty + "\n".join([*notes, *marks]))

    # -- keys -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """[ and ] move by quarter in the quarter's view and by year in the annual view, and y goes to
        the other view (the footer says which); m (the year's Member Survey) is for the annual view."""
        if action in ("quarter", "annual"):
            return self.fiscal_year is None
        if action in ("year", "quarterly", "member_survey"):
            return self.fiscal_year is not None
        return True

    def action_quarterly(self) -> None:
        """Back from the annual view to the quarter's summary."""
        self.action_annual()

    def action_year(self, step: int) -> None:
        """The previous or next fiscal year (the annual view)."""
        self.action_quarter(step)

    def action_quarter(self, step: int) -> None:
        """The previous or next quarter (in the annual view: year)."""
        if self.fiscal_year is not None:
            fy = self.fiscal_year
            self.fiscal_year = FiscalYear(fy.year + (-1 if step < 0 else 1), fy.start_month)
            self.quarter = self.fiscal_year.quarters[0]
        else:
            self.quarter = self.quarter.previous() if step < 0 else self.quarter.next()
        self.query_one("#report-body", VerticalScroll).scroll_home(animate=False)
        self.show_title()
        self.compute()

    def action_recompute(self) -> None:
        """Compute the summary again."""
        self.show_title()
        self.compute()

    def action_annual(self) -> None:
        """Switch between the quarter's summary and the annual report of its fiscal year."""
        if self.fiscal_year is not None:
            self.fiscal_year = None
        else:
            start = int(self.read(lambda: settings.get("fiscal_year_start_month")))
            try:
                self.fiscal_year = FiscalYear.of(self.quarter.start, start)
            except ValidationError as exc:
                self.notify(exc.message, title="No annual report", severity="error", timeout=10)
                return
        self.query_one("#report-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()  # the footer's [ and ] say quarter or year
        self.reload()
        summary = self.shown_report()
        if isinstance(summary, Summary):
            self.draw(summary)  # the quarter's figures, computed before the annual view: shown again

    def action_member_survey(self) -> None:
        """Enter (or correct) the Member Survey results of the fiscal year shown."""
        fy = self.fiscal_year
        if fy is None:
            self.notify("Press y for the annual view first: the Member Survey is entered by year.")
            return
        found = self.read(lambda: member_survey.of_year(fy.year))

        def chosen(result: SurveyResult | None) -> None:
            if result is not None:
                self.act(
                    lambda: member_survey.save(result, replace=True), f"Member Survey {fy.year} recorded."
                )

        self.app.push_screen(MemberSurveyDialog(fy.year, found), chosen)

    def shown_report(self) -> Report | None:
        """The report on screen, once computed."""
        if self.fiscal_year is not None:
            ok = self.annual_computed is not None and self.annual_computed[0] == self.fiscal_year
            return self.annual if ok else None
        ok = self.computed is not None and self.computed[0] == self.quarter
        return self.summary if ok else None

    def action_export(self) -> None:
        """Choose a format, then write the summary shown into the documents folder."""
        summary = self.shown_report()
        if summary is None:
            self.notify("The summary is still being computed: press e again in a moment.")
            return
        if self.exporting:
            self.notify("An export is already being written: wait for it to finish.")
            return

        def chosen(fmt: str | None) -> None:
            if fmt is None:
                return
            self.exporting = True
            self.show_status(f"exporting the report of {period(summary)} as {fmt.upper()}…")
            self.export(summary, fmt)

        self.app.push_screen(
            ChoiceDialog(
                f"Export the report of {period(summary)} to the documents folder",
                list(FORMATS),
                "De-identified figures only; the honorarium statement is not included.",
            ),
            chosen,
        )

    @work(thread=True, group="report-export", exclusive=True, exit_on_error=False)
    def export(self, summary: Report, fmt: str) -> None:
        """Write the export off the event loop; the toast goes through the app (thread-safe), so it
        shows even if the coordinator has left this screen meanwhile."""
        folder: Path | None = None
        try:
            folder = platformdirs.user_documents_path()
            path = write_export(summary, fmt, folder, self.store.vault.path)
        except RefusedOutput as exc:
            self.export_done(None, f"{exc.message} Export with: p2p-tui report --output FILE")
            return
        except OSError as exc:
            where = f"into {folder}" if folder is not None else "into the documents folder"
            problem = f"Could not write {where}: {exc.strerror or type(exc).__name__}."
            self.export_done(None, f"{problem} Make room or fix the folder's permissions, then press e.")
            return
        except Exception as exc:  # noqa: BLE001 - shown as a toast, never a traceback
            self.export_done(None, f"{describe(exc)} Try another format with e.")
            return
        with contextlib.suppress(Exception):  # the file is written; a failed entry must not hide it
            with self.store.atomic():
                audit.record("export", table="report")
        self.export_done(path, what="Annual report" if isinstance(summary, Annual) else "Summary")

    def export_done(self, path: Path | None, problem: str = "", what: str = "Summary") -> None:
        """From the export worker: the toast (App.notify is thread-safe), then the screen's state."""
        if path is not None:
            self.app.notify(f"{what} written to {path}", title="Exported", timeout=15)
        else:
            self.app.notify(problem, title=NOT_EXPORTED, severity="error", timeout=15)
        self.post_message(self.Exported(path))

    @on(Exported)
    def exported(self) -> None:
        self.exporting = False
        self.show_status("")


def describe(exc: BaseException) -> str:
    """An error in words without its traceback (these messages carry no names: the data is
    de-identified)."""
    text = str(exc).strip()
    return f"{text}." if text and not text.endswith(".") else text or type(exc).__name__ + "."
