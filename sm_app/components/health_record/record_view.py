"""A patient's health record by section, for the patient's own page and for staff the patient shared it with.

Each section is read when its tab is first opened (every read is audited, and "Who looked" names the section), then
kept in step row by row. Forms to add and correct entries, and an entry's history, open in dialogs outside the
list, so a live change of the list never throws away what someone is typing. Everything people wrote is shown as
text (labels), never as HTML or inside a props string.
"""

from __future__ import annotations

from nicegui import ui

from sm_app.components.field_errors import clear_errors, length_limit, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PageContext
from sm_app.components.health_record.readings_trend import ReadingsTrend
from sm_app.components.keyed_list import KeyedList
from sm_app.components.live import page_gone
from sm_app.health_record.access import RecordAccess
from sm_app.health_record.record import EntryView
from sm_app.health_record.sections import SECTIONS, Field, Section
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

GONE = "This health record is no longer shared with your care team."


class RecordView:
    """The record's sections as tabs. `refresh` reads the open section again (a live change)."""

    def __init__(self, ctx: PageContext, patient_id: str, access: RecordAccess):
        self._ctx = ctx
        self._patient_id = patient_id
        self._access = access
        self._panels: dict[str, _SectionPanel] = {}
        with ui.column().classes("w-full gap-2 health-record"):
            # The first section is open from the start (`start` reads it); others are read when first opened.
            self._tabs = ui.tabs(value=next(iter(SECTIONS)), on_change=self._opened).props(
                "align=left dense no-caps outside-arrows mobile-arrows").classes("w-full")
            with self._tabs:
                for section in SECTIONS.values():
                    ui.tab(section.key, label=section.label)
            self._tab_panels = ui.tab_panels(self._tabs, value=self._tabs.value).classes("w-full")
            with self._tab_panels:
                for section in SECTIONS.values():
                    with ui.tab_panel(section.key).classes("q-pa-none") as panel:
                        self._panels[section.key] = _SectionPanel(self, section, panel)
            # Forms and histories live here, not in the entry's card: a live change redraws the card, and what
            # someone is typing must outlive that. Inside the record's column, so a withdrawn grant takes them too.
            self._dialogs = ui.element("div").classes("record-dialogs")

    async def start(self) -> None:
        """Open the first section (a read of it)."""
        await self._panels[self._tabs.value].show()

    async def _opened(self, e) -> None:
        panel = self._panels.get(e.value)
        if panel is not None and not panel.read_once:
            await panel.show()

    async def refresh(self) -> None:
        """Something in the record changed: read the open section again; the others are read when next opened."""
        for key, panel in self._panels.items():
            if key == self._tabs.value:
                await panel.show()
            else:
                panel.read_once = False

    @property
    def dialogs(self) -> ui.element:
        return self._dialogs

    @property
    def ctx(self) -> PageContext:
        return self._ctx

    @property
    def patient_id(self) -> str:
        return self._patient_id

    @property
    def access(self) -> RecordAccess:
        return self._access


class _SectionPanel:
    def __init__(self, view: RecordView, section: Section, panel: ui.tab_panel):
        self._view = view
        self._section = section
        self.read_once = False
        with panel:
            if view.access.can_write:
                ui.button(f"Add {section.singular}", icon="add",
                          on_click=lambda: _EntryForm(view, section, None).open()).props("outline no-caps")
            self._empty = ui.label(f"No {section.label.lower()} recorded yet.").classes("text-grey-7")
            self._empty.set_visibility(False)
            self._trend = ReadingsTrend() if section.key == "readings" else None
            container = ui.column().classes("w-full gap-2 record-entries")
            self._rows = KeyedList(container, self._draw)

    async def show(self) -> None:
        ctx = self._view.ctx
        try:
            read = await ctx.system.health_record.section(ctx.actor, self._view.patient_id, self._section.key)
        except NotFound:
            if not page_gone():
                ui.notify(GONE if ctx.actor.is_staff else str(NotFound("health record")), type="warning")
            return
        if page_gone():
            return
        self.read_once = True
        self._empty.set_visibility(not read.entries)
        if self._trend is not None:
            self._trend.show(read.entries)
        self._rows.show(read.entries)

    def _draw(self, entry: EntryView) -> ui.element:
        view, section = self._view, self._section
        tz = view.ctx.system.settings.timezone
        with ui.card().classes("w-full record-entry" + ("" if entry.active else " bg-grey-2")).props(
                "flat bordered") as card:
            with ui.row().classes("items-center gap-2"):
                ui.label(entry.summary).classes("text-subtitle1 text-bold")
                if not entry.active:
                    ui.badge("Inactive", color="grey-8")
            labels = {f.key: f.label for f in section.fields}
            for key, value in entry.values:
                ui.label(f"{labels[key]}: {value}").style("white-space: pre-wrap")
            ui.label(f"Entered by {entry.entered_by.words} · {clinic_time(entry.entered_at, tz)}").classes(
                "text-caption entered-by")
            if entry.version > 1:
                ui.label(f"Last changed by {entry.changed_by.words} · {clinic_time(entry.changed_at, tz)}").classes(
                    "text-caption")
            with ui.row().classes("gap-1"):
                if view.access.can_write:
                    ui.button("Edit", icon="edit",
                              on_click=lambda: _EntryForm(view, section, entry).open()).props("flat dense no-caps")
                    words = "Mark inactive" if entry.active else "Mark active"
                    ui.button(words, on_click=lambda: self._set_active(entry)).props("flat dense no-caps")
                ui.button("History", icon="history", on_click=lambda: self._history(entry)).props("flat dense no-caps")
        return card

    async def _set_active(self, entry: EntryView) -> None:
        ctx = self._view.ctx
        if await ctx.still_signed_in() is None:
            return
        try:
            await ctx.system.health_record.set_active(ctx.actor, entry.id, not entry.active, version=entry.version)
        except (ValidationError, NotAllowed, NotFound) as exc:
            ui.notify(str(exc), type="negative")
            return
        # No refresh here: the change is pushed to this page too (`HealthRecordChanged`), and the page reads the
        # section once from that — a second read would be a second "Read" on the patient's Who looked.
        ui.notify("Marked active" if not entry.active else "Marked inactive", type="positive")

    async def _history(self, entry: EntryView) -> None:
        ctx = self._view.ctx
        try:
            versions = await ctx.system.health_record.history(ctx.actor, entry.id)
        except NotFound:
            ui.notify(GONE if ctx.actor.is_staff else str(NotFound("health record entry")), type="warning")
            return
        tz = ctx.system.settings.timezone
        labels = {f.key: f.label for f in self._section.fields}
        with self._view.dialogs, ui.dialog() as dialog, ui.card().classes("w-full max-w-2xl entry-history"):
            ui.label(f"History of {entry.summary}").classes("text-h6").props("role=heading aria-level=2")
            for v in reversed(versions):
                with ui.column().classes("gap-0 q-mb-sm"):
                    status = "" if v.active else " (inactive)"
                    ui.label(f"Version {v.version}: {v.change} by {v.by.words} · {clinic_time(v.at, tz)}"
                             f"{status}").classes("text-bold")
                    for key, value in v.values:
                        ui.label(f"{labels[key]}: {value}").style("white-space: pre-wrap")
            ui.button("Close", on_click=lambda: _close(dialog)).props("flat")
        dialog.on("hide", lambda: _close(dialog))
        dialog.open()


class _EntryForm:
    """Add an entry, or correct one (`entry`). A bad field is marked and named; nothing typed is lost."""

    def __init__(self, view: RecordView, section: Section, entry: EntryView | None):
        self._view, self._section, self._entry = view, section, entry
        self._inputs: dict[str, ui.element] = {}
        with view.dialogs, ui.dialog().props("persistent") as self._dialog, \
                ui.card().classes("w-full max-w-xl record-form"):
            title = f"Add {section.singular}" if entry is None else f"Correct {entry.summary}"
            ui.label(title).classes("text-h6").props("role=heading aria-level=2")
            for field in section.fields:
                self._inputs[field.label] = _input(field, entry.value(field.key) if entry else "")
            with ui.row():
                ui.button("Save", icon="save", on_click=self._save)
                ui.button("Cancel", on_click=lambda: _close(self._dialog)).props("flat")

    def open(self) -> None:
        self._dialog.open()

    async def _save(self) -> None:
        ctx, record = self._view.ctx, self._view.ctx.system.health_record
        clear_errors(self._inputs)
        if await ctx.still_signed_in() is None:
            return
        values = {f.key: self._inputs[f.label].value or "" for f in self._section.fields}
        try:
            if self._entry is None:
                await record.add(ctx.actor, self._view.patient_id, self._section.key, values)
            else:
                await record.edit(ctx.actor, self._entry.id, values, version=self._entry.version)
        except ValidationError as exc:
            show_field_error(self._inputs, exc)
            return
        except (NotAllowed, NotFound) as exc:
            ui.notify(GONE if ctx.actor.is_staff else str(exc), type="negative")
            return
        ui.notify("Saved to the health record", type="positive")  # the list follows from the push, as above
        _close(self._dialog)  # last: the handler runs in the dialog's slot


def _close(dialog: ui.dialog) -> None:
    """A form or history is built for one entry and one use: closing it removes it from the page."""
    if not dialog.is_deleted:
        dialog.close()
        dialog.delete()


def _input(field: Field, value: str) -> ui.element:
    label = field.label + ("" if field.required else " (optional)")
    if field.kind == "choice":
        return ui.select(list(field.choices), label=label, value=value or None).classes("w-64")
    if field.kind == "long":
        return length_limit(ui.textarea(label, value=value).props("autogrow"), field.label,
                            field.max_len).classes("w-full")
    element = ui.input(label, value=value).classes("w-full")
    if field.kind == "date":
        element.props["type"] = "date"
        element.props["stack-label"] = True
    elif field.kind == "time":
        element.props["type"] = "time"
        element.props["stack-label"] = True
    elif field.kind == "number":
        element.props["inputmode"] = "decimal"
    else:
        length_limit(element, field.label, field.max_len)
    return element
