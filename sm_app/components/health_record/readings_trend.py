"""Readings over time: a line chart (NiceGUI echart) and the same values as a table beside it — one above the other
on a phone. One kind of reading in one unit at a time (a select names the ones recorded).

The chart's options have fixed keys only; what comes from the record is data: the dates, the numbers, and the
reading's kind and unit, which are choices from a fixed list (`sections.READING_UNITS`) checked when the entry was
saved. NiceGUI 3.18 evaluates ":"-prefixed keys as JavaScript (GHSA-m47w-xwfc-82pf), so no stored text ever becomes a
key or a formatter string. Only active readings are drawn (one marked inactive was usually a mistake)."""

from __future__ import annotations

from collections.abc import Iterable

from nicegui import ui

from sm_app.health_record.record import EntryView
from sm_app.health_record.sections import READING_UNITS

COLUMNS = [{"name": n, "label": label, "field": n, "align": a} for n, label, a in (
    ("date", "Date", "left"), ("time", "Time", "left"), ("value", "Value", "right"))]
_CARDS_ON_A_PHONE = ':grid="Quasar.Screen.lt.sm"'  # Quasar's own screen-size flag, evaluated in the browser


def _series_key(entry: EntryView) -> str:
    return f"{entry.value('kind')} ({entry.value('unit')})"


def trend_options(entries: Iterable[EntryView], key: str) -> dict:
    """The chart for one kind and unit: dates on a time axis, numbers as data; fixed keys only."""
    chosen = sorted((e for e in entries if e.active and _series_key(e) == key),
                    key=lambda e: (e.value("taken_on"), e.value("taken_at")))
    when = [f"{e.value('taken_on')}T{e.value('taken_at') or '12:00'}:00" for e in chosen]
    blood_pressure = bool(chosen) and chosen[0].value("kind") == "Blood pressure"
    names = ("Systolic", "Diastolic") if blood_pressure else ("Value",)
    series = [{"name": names[0], "type": "line", "showSymbol": True,
               "data": [[t, float(e.value("value"))] for t, e in zip(when, chosen, strict=True)]}]
    if blood_pressure:
        series.append({"name": names[1], "type": "line", "showSymbol": True,
                       "data": [[t, float(e.value("second_value"))] for t, e in zip(when, chosen, strict=True)]})
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": list(names), "bottom": 0},
        "grid": {"left": 8, "right": 16, "top": 24, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "time"},
        "yAxis": {"type": "value", "scale": True, "name": chosen[0].value("unit") if chosen else ""},
        "series": series,
    }


def table_rows(entries: Iterable[EntryView], key: str) -> list[dict]:
    """The same readings as the chart, newest first."""
    chosen = sorted((e for e in entries if e.active and _series_key(e) == key),
                    key=lambda e: (e.value("taken_on"), e.value("taken_at")), reverse=True)
    return [{"id": e.id, "date": e.value("taken_on"), "time": e.value("taken_at") or "—",
             "value": e.summary.removeprefix(e.value("kind")).strip()} for e in chosen]


class ReadingsTrend:
    """Drawn once inside the Readings section; `show` changes it by value when the section is read again."""

    def __init__(self) -> None:
        self._entries: tuple[EntryView, ...] = ()
        with ui.column().classes("w-full gap-2 readings-trend") as self._box:
            ui.label("Readings over time").classes("text-subtitle1 text-bold").props("role=heading aria-level=2")
            self._pick = ui.select({}, label="Show", on_change=self._draw).classes("w-72 readings-kind")
            # Side by side on a wide screen, the chart above the table on a phone.
            with ui.element("div").classes("w-full grid grid-cols-1 md:grid-cols-2 gap-4 items-start"):
                self._chart = ui.echart({"series": []}).classes("w-full h-64 readings-chart")
                self._chart.props["role"] = "img"
                self._table = ui.table(columns=COLUMNS, rows=[], row_key="id", pagination=0).classes(
                    "w-full readings-table").props(f"dense flat bordered {_CARDS_ON_A_PHONE}")
        self._box.set_visibility(False)

    def show(self, entries: tuple[EntryView, ...]) -> None:
        self._entries = entries
        present = list(dict.fromkeys(_series_key(e) for e in entries if e.active))
        ordered = [k for kind in READING_UNITS for k in present if k.startswith(kind + " (")]
        self._box.set_visibility(bool(ordered))
        if not ordered:
            return
        self._pick.set_options(ordered, value=self._pick.value if self._pick.value in ordered else ordered[0])
        self._draw()

    def _draw(self, _=None) -> None:
        key = self._pick.value
        if not key:
            return
        options = trend_options(self._entries, key)
        self._chart.options.clear()
        self._chart.options.update(options)
        self._chart.update()
        self._chart.props["aria-label"] = f"Chart of {key}: the same values are in the table."
        self._table.rows = table_rows(self._entries, key)
        self._table.update()
