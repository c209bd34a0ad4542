"""Report: the quarterly utilization summary of one quarter, de-identified, small counts suppressed.

[ and ] move between quarters (the current one first); e exports the summary shown (PDF, Markdown, CSV
or JSON) into the documents folder. The summary is computed in a worker thread (it takes up to half a
second at 100,000 referrals) and drawn on the event loop. Every figure here is de-identified, so
privacy mode changes nothing on this screen; the identifying honorarium statement is never shown here.
"""

from __future__ import annotations

import contextlib
import os
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
from p2p_tui.services.reporting import formats, quarterly, render
from p2p_tui.services.reporting.quarterly import Breakdown, Cell, Summary
from p2p_tui.services.reporting.quarters import Quarter
from p2p_tui.store import Store
from p2p_tui.store.vocab import TRAINING_KINDS
from p2p_tui.tui.dialogs.choice import ChoiceDialog
from p2p_tui.tui.screens.base import AreaScreen
from p2p_tui.tui.widgets.bars import Bar, Bars
from p2p_tui.vault import RefusedOutput, private_file

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


def after(value: float | None) -> str:
    """Median days to match in a chart's note: "1 d", or "—"."""
    return "—" if value is None else f"{number(value)} d"


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
        grid.add_row(
            STANDARD_TITLES.get(figure.name, figure.name),
            f"{figure.met.text} of {figure.base.text} ({figure.share}) · "
            f"working days {days((figure.median, figure.p90))}",
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


def export_bytes(summary: Summary, fmt: str) -> bytes:
    """The summary as a file's bytes: pdf, md (Markdown), csv or json. Never the honorarium statement."""
    return render.render(summary, fmt)


def reserve(folder: Path, stem: str, ext: str) -> Path:
    """Create a new empty file `stem.ext` in `folder`, or `stem-1.ext`, `stem-2.ext` ... (never an
    existing one: the file is created exclusively, so two exports cannot race for a name)."""
    for n in range(10_000):
        path = folder / (f"{stem}.{ext}" if n == 0 else f"{stem}-{n}.{ext}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise FileExistsError(f"too many summaries of {stem} in {folder}")


def write_export(summary: Summary, fmt: str, folder: Path, vault: Path | None) -> Path:
    """Write the summary in `fmt` to a new file in `folder` (created if missing); returns its path.

    The name is `p2p-tui-summary-2026Q3.pdf`, with -1, -2 ... added rather than overwrite a file. The
    bytes are made first, so a failure leaves no file behind; the write is atomic and private (0600).
    A folder that is the vault's own (or its backups folder) is refused (RefusedOutput) before any file
    is made in it.
    """
    data = export_bytes(summary, fmt)
    if vault is not None:
        private_file.check_output(folder / f"p2p-tui-summary-{summary.quarter}.{fmt}", vault)
    folder.mkdir(parents=True, exist_ok=True)
    path = reserve(folder, f"p2p-tui-summary-{summary.quarter}", fmt)
    try:
        formats.write_private(path, data, vault=vault)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return path


# -- the screen -------------------------------------------------------------------------------------


class ReportScreen(AreaScreen):
    """The quarterly utilization summary, with its charts and an export."""

    AREA = "report"
    BINDINGS = [
        Binding("left_square_bracket", "quarter(-1)", "Previous quarter", id="report.prev"),
        Binding("right_square_bracket", "quarter(1)", "Next quarter", id="report.next"),
        Binding("e", "export", "Export", id="report.export"),
        Binding("r", "recompute", "Recompute", show=False, id="report.recompute"),
    ]

    @dataclass
    class Computed(Message):
        """A worker finished a summary (`version` is the database's change count it was read at)."""

        quarter: Quarter
        summary: Summary
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
        self.quarter = Quarter.of(clock.today())
        self.summary: Summary | None = None
        self.computed: tuple[Quarter, int] | None = None  # what `summary` was computed from
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
        if version is None or self.computed != (self.quarter, version):
            self.compute()

    def show_title(self) -> None:
        """The quarter, its months, and the keys."""
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

    @on(Computed)
    def computed_summary(self, message: Computed) -> None:
        if message.quarter != self.quarter:  # the coordinator moved on to another quarter
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
            [cell_bar(p.quarter, p.referrals, after(p.median_days_to_match)) for p in s.trend],
            title="Referrals per quarter · median days to match",
        )
        source = [cell_bar(label, cell) for label, cell in s.breakdown("source").rows] if not s.empty else []
        self.query_one("#source-bars", Bars).show(source, title=f"Referrals by source, {s.quarter}")
        tables = [breakdown_table(t) for t in (*s.breakdowns, s.survey.durations) if t.name != "source"]
        breakdowns = self.query_one("#report-breakdowns", Static)
        breakdowns.display = not s.empty
        breakdowns.update(Group(Text(""), Columns(tables, padding=(0, 3)), Text("")) if not s.empty else "")
        notes = [
            n for n in s.notes if n != quarterly.suppression_rule(s.threshold) and n != quarterly.NO_REFERRALS
        ]
        marks = [f"{mark} {meaning}" for mark, meaning in s.footnotes]
        self.query_one("#report-notes", Static).update("\n" * s.empty + "\n".join([*notes, *marks]))

    # -- keys -------------------------------------------------------------------------------------

    def action_quarter(self, step: int) -> None:
        """The previous or next quarter."""
        self.quarter = self.quarter.previous() if step < 0 else self.quarter.next()
        self.query_one("#report-body", VerticalScroll).scroll_home(animate=False)
        self.show_title()
        self.compute()

    def action_recompute(self) -> None:
        """Compute the summary again."""
        self.show_title()
        self.compute()

    def action_export(self) -> None:
        """Choose a format, then write the summary shown into the documents folder."""
        summary = self.summary
        if summary is None or self.computed is None or self.computed[0] != self.quarter:
            self.notify("The summary is still being computed: press e again in a moment.")
            return
        if self.exporting:
            self.notify("An export is already being written: wait for it to finish.")
            return

        def chosen(fmt: str | None) -> None:
            if fmt is None:
                return
            self.exporting = True
            self.show_status(f"exporting the summary of {summary.quarter} as {fmt.upper()}…")
            self.export(summary, fmt)

        self.app.push_screen(
            ChoiceDialog(
                f"Export the summary of {summary.quarter} to the documents folder",
                list(FORMATS),
                "De-identified figures only; the honorarium statement is not included.",
            ),
            chosen,
        )

    @work(thread=True, group="report-export", exclusive=True, exit_on_error=False)
    def export(self, summary: Summary, fmt: str) -> None:
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
        self.export_done(path)

    def export_done(self, path: Path | None, problem: str = "") -> None:
        """From the export worker: the toast (App.notify is thread-safe), then the screen's state."""
        if path is not None:
            self.app.notify(f"Summary written to {path}", title="Exported", timeout=15)
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
