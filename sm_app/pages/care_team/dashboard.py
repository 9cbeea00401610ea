"""The care team's workload dashboard: received and answered requests, response times, backlog; CSV export.

Chart options are built from our own fixed keys with numbers and ISO date labels only: NiceGUI turns option
keys starting with ":" into JavaScript (GHSA-m47w-xwfc-82pf), so no name or other user text goes into a chart.
Names appear only as table cell values, which Quasar shows as text.
"""

from __future__ import annotations

from datetime import date

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.care_team.reports import ALL_CATEGORIES, PERIODS, BucketFigures, StaffFigures, Workload
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.messaging.threads import CATEGORIES
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

NOT_STAFF = "The workload dashboard is for care teams."
_DASH = "—"

BUCKET_COLUMNS = [
    {"name": "bucket", "label": "Period", "field": "bucket", "align": "left"},
    {"name": "category", "label": "Category", "field": "category", "align": "left"},
    {"name": "received", "label": "Received", "field": "received"},
    {"name": "answered", "label": "Answered", "field": "answered"},
    {"name": "within", "label": "Within the clock", "field": "within"},
    {"name": "median", "label": "Median (business h)", "field": "median"},
    {"name": "p90", "label": "90th percentile (business h)", "field": "p90"},
]
STAFF_COLUMNS = [
    {"name": "name", "label": "Staff member", "field": "name", "align": "left"},
    {"name": "answered", "label": "Answered", "field": "answered"},
    {"name": "within", "label": "Within the clock", "field": "within"},
    {"name": "median", "label": "Median (business h)", "field": "median"},
    {"name": "p90", "label": "90th percentile (business h)", "field": "p90"},
]


def _hours(value: float | None) -> str:
    return _DASH if value is None else f"{value:.1f}"


def _percent(share: float | None) -> str:
    return _DASH if share is None else f"{share * 100:.0f}%"


def _bucket_row(index: int, b: BucketFigures, selection: str) -> dict:
    return {"id": index, "bucket": b.start.isoformat(), "category": b.category or selection, "received": b.received,
            "answered": b.answered, "within": _percent(b.within_clock_share), "median": _hours(b.median_hours),
            "p90": _hours(b.p90_hours)}


def _staff_row(index: int, s: StaffFigures) -> dict:
    return {"id": index, "name": s.name, "answered": s.answered, "within": _percent(s.within_clock_share),
            "median": _hours(s.median_hours), "p90": _hours(s.p90_hours)}


def _covered(w: Workload, asked_from: str | None, asked_to: str | None) -> str:
    """The dates the figures cover, said so that they agree with the From and To fields: weeks are whole weeks, so a
    range that starts or ends mid-week covers more than was asked, and the summary says by how much."""
    covered = f"{w.start.isoformat()} to {w.end.isoformat()}"
    asked = f"{(asked_from or '').strip()} to {(asked_to or '').strip()}"
    return covered if asked == covered else f"{asked} (whole weeks: {covered})"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


_CARDS_ON_A_PHONE = ':grid="Quasar.Screen.lt.sm"'  # Quasar's own screen-size flag, evaluated in the browser
# The legend under the plot and the axis labels inside the grid: at the top, the legend overlapped the axes' labels.
_LEGEND = {"bottom": 0}
_GRID = {"left": 8, "right": 16, "top": 16, "bottom": 40, "containLabel": True}


def volume_chart(w: Workload) -> dict:
    """Received vs answered per bucket: fixed keys, ISO dates as axis labels, counts as data."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["Received", "Answered"], **_LEGEND},
        "grid": _GRID,
        "xAxis": {"type": "category", "data": [b.start.isoformat() for b in w.buckets]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "Received", "type": "bar", "data": [b.received for b in w.buckets]},
            {"name": "Answered", "type": "bar", "data": [b.answered for b in w.buckets]},
        ],
    }


def response_chart(w: Workload) -> dict:
    """Median and 90th-percentile response time (business hours) per bucket; gaps where nothing was answered."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["Median", "90th percentile"], **_LEGEND},
        "grid": _GRID,
        "xAxis": {"type": "category", "data": [b.start.isoformat() for b in w.buckets]},
        "yAxis": {"type": "value"},  # the unit is in the card's title: an axis name sat on the legend
        "series": [
            {"name": "Median", "type": "line", "connectNulls": False,
             "data": [_round(b.median_hours) for b in w.buckets]},
            {"name": "90th percentile", "type": "line", "connectNulls": False,
             "data": [_round(b.p90_hours) for b in w.buckets]},
        ],
    }


def _date_input(label: str, value: str) -> ui.input:
    """A date field people can type (YYYY-MM-DD) or pick from a calendar."""
    with ui.input(label, value=value, placeholder="YYYY-MM-DD").classes("w-44") as field:
        with ui.menu().props("no-parent-event") as menu:
            with ui.date(mask="YYYY-MM-DD").bind_value(field):
                with ui.row().classes("justify-end"):
                    ui.button("Close", on_click=menu.close).props("flat")
        with field.add_slot("append"):
            # A real button (Quasar hides icons from screen readers, so an icon made clickable was focusable but
            # unnamed to them).
            pick = ui.button(icon="edit_calendar", on_click=menu.open).props("flat round dense")
            pick.props["aria-label"] = f"Pick {label}"
    return field


def _parse_date(label: str, text: str | None) -> date:
    text = (text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(label, f"Enter {label} as YYYY-MM-DD, for example 2026-11-02.") from None


def register(system: System) -> None:
    @ui.page("/dashboard", response_timeout=PAGE_BUILD_SECONDS)
    async def dashboard_page() -> None:
        ctx = await open_page(system, "/dashboard", title="Dashboard")
        if ctx is None:
            return
        actor = ctx.actor
        if not actor.is_staff:
            ui.label(NOT_STAFF).classes("q-pa-md")
            return
        teams = await system.reports.teams(actor)
        if not teams:
            ui.label("You are not on a care team yet.").classes("q-pa-md")
            return
        first, last = await system.reports.default_range()

        def query() -> dict:
            """The report the controls describe; raises ValidationError naming the field."""
            return {"team_id": team.value, "period": period.value, "start": _parse_date("From", start.value),
                    "end": _parse_date("To", end.value), "category": category.value or ""}

        @ui.refreshable
        async def report() -> None:
            clear_errors(fields)
            current = await ctx.still_signed_in()
            if current is None:
                return
            try:
                w = await system.reports.workload(current, **query())
            except ValidationError as exc:
                show_field_error(fields, exc)  # next to the field it names; nothing typed is lost
                return
            except (NotFound, NotAllowed) as exc:
                ui.label(str(exc)).classes("text-negative report-error").props("role=alert")
                return
            _render(w)

        def _render(w: Workload) -> None:
            selection = w.category or ALL_CATEGORIES
            t = w.total
            with ui.row().classes("items-center gap-6"):
                ui.label(f"Open now: {w.backlog}").classes("text-h6 report-backlog")
                ui.label(f"Overdue now: {w.overdue}").classes(
                    "text-h6 report-overdue" + (" text-negative" if w.overdue else ""))
                ui.label(f"{_covered(w, start.value, end.value)}: {t.received} received, {t.answered} answered, "
                         f"{_percent(t.within_clock_share)} within the clock, median {_hours(t.median_hours)} h, "
                         f"90th percentile {_hours(t.p90_hours)} h").classes("text-body2 report-total")
            # Side by side on a wide screen, one above the other on a phone (squeezed side by side, neither was read).
            with ui.element("div").classes("w-full grid grid-cols-1 md:grid-cols-2 gap-4 workload-charts"):
                with ui.card().classes("w-full"):
                    ui.label("Received and answered").classes("text-subtitle1")
                    ui.echart(volume_chart(w)).classes("w-full h-64").mark("volume-chart")
                with ui.card().classes("w-full"):
                    ui.label("Response time (business hours)").classes("text-subtitle1")
                    ui.echart(response_chart(w)).classes("w-full h-64").mark("response-chart")
            per_bucket: dict[date, list[BucketFigures]] = {}
            for c in w.by_category:
                per_bucket.setdefault(c.start, []).append(c)
            rows = []
            for b in w.buckets:
                rows.append(_bucket_row(len(rows), b, selection))
                if not w.category:
                    rows.extend(_bucket_row(len(rows) + i, c, selection)
                                for i, c in enumerate(per_bucket.get(b.start, [])))
            bucket_columns = [{**BUCKET_COLUMNS[0], "label": "Week of" if w.period == "week" else "Day"},
                              *BUCKET_COLUMNS[1:]]
            ui.label("By " + PERIODS[w.period].lower()).classes("text-subtitle1")
            # On a phone the tables are cards (one per row, each figure with its column's name): a table wider than
            # the screen would scroll sideways inside a region a keyboard cannot reach.
            ui.table(columns=bucket_columns, rows=rows, row_key="id", pagination=0).classes(
                "w-full workload-buckets").mark("workload-buckets").props(f"dense flat bordered {_CARDS_ON_A_PHONE}")
            ui.label("By staff member").classes("text-subtitle1")
            if w.staff:
                ui.table(columns=STAFF_COLUMNS, rows=[_staff_row(i, s) for i, s in enumerate(w.staff)],
                         row_key="id", pagination=0).classes("w-full workload-staff").mark(
                    "workload-staff").props(f"dense flat bordered {_CARDS_ON_A_PHONE}")
            else:
                ui.label("Nobody answered a request received in this range.").classes("text-grey-7")

        async def show() -> None:
            await report.refresh()

        async def download() -> None:
            clear_errors(fields)
            current = await ctx.still_signed_in()
            if current is None:
                return
            try:
                export = await system.reports.export_workload(current, **query())
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            except (NotFound, NotAllowed) as exc:
                ui.notify(str(exc), type="negative")
                return
            ui.download.content(export.text.encode("utf-8"), export.filename, "text/csv")

        with ui.column().classes("w-full max-w-6xl mx-auto q-pa-md gap-3"):
            ui.label("Workload").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("items-start gap-4"):
                team = ui.select({t.id: t.name for t in teams}, label="Care team", value=teams[0].id,
                                 on_change=show).classes("w-56")
                period = ui.select(PERIODS, label="Period", value="week",
                                   on_change=show).classes("w-32")
                start = _date_input("From", first.isoformat())
                end = _date_input("To", last.isoformat())
                category = ui.select({"": ALL_CATEGORIES, **{c: c for c in CATEGORIES}}, label="Category", value="",
                                     on_change=show).classes("w-48")
                for field in (start, end):
                    field.on("keydown.enter", show)
            with ui.row().classes("items-center gap-2"):
                ui.button("Show", on_click=show, icon="query_stats")
                ui.button("Download CSV", on_click=download, icon="download").props("flat")
            fields = {"Care team": team, "Period": period, "From": start, "To": end, "Category": category}
            await report()
