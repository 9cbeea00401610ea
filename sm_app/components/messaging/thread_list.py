"""A list of threads, newest first, with unread state; each row is a link to the conversation."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from nicegui import ui

from sm_app.components.formatting import clinic_time
from sm_app.components.keyed_list import KeyedList
from sm_app.messaging.mailbox import ThreadSummary


def thread_list(threads: list[ThreadSummary], *, staff_view: bool, tz: str, empty_text: str,
                extra: Callable[[ThreadSummary], None] | None = None, classes: str = "") -> None:
    """`extra` draws more under a row's subject line (search draws its highlighted snippet there)."""
    if not threads:
        ui.label(empty_text).classes("text-grey-7 q-pa-md")
        return
    with ui.list().props("bordered separator").classes(f"w-full thread-list {classes}"):
        for t in threads:
            _row(t, staff_view=staff_view, tz=tz, extra=extra)


class LiveThreadList:
    """A folder's list on a live page: drawn once, then changed row by row (`KeyedList`)."""

    def __init__(self, *, staff_view: bool, tz: str, empty_text: str):
        self._empty = ui.label(empty_text).classes("text-grey-7 q-pa-md")
        self._rows = KeyedList(ui.list().props("bordered separator").classes("w-full thread-list"),
                               lambda t: _row(t, staff_view=staff_view, tz=tz))

    def show(self, threads: list[ThreadSummary]) -> None:
        self._rows.show(threads)
        self._empty.set_visibility(not threads)


def row_head(thread_id: str, subject: str, *, urgent: bool, unread: bool, overdue: bool = False,
             link_classes: str = "text-body1") -> None:
    """The first line of a conversation's row in any list: its markers, then its subject as a link."""
    with ui.row().classes("items-center gap-2"):
        if urgent:
            ui.badge("Urgent", color="red-9").classes("urgent-marker")
        if overdue:
            ui.badge("Overdue", color="deep-orange-10").classes("overdue-marker")
        if unread:
            ui.badge("Unread", color="blue-9").classes("unread-marker")
        # A real link: keyboard reachable, opens in a new tab, reads well to screen readers.
        link = ui.link(subject, f"/thread/{thread_id}").classes(link_classes)
        if unread:
            link.classes("text-bold")


def _row(t: ThreadSummary, *, staff_view: bool, tz: str,
         extra: Callable[[ThreadSummary], None] | None = None) -> ui.item:
    with ui.item().classes("thread-row" + (" bg-blue-1" if t.unread else "")) as item:
        with ui.item_section():
            row_head(t.id, t.subject, urgent=t.urgent, unread=t.unread)
            who = f"{t.patient_name} · {t.team_name}" if staff_view else t.team_name
            ui.label(f"{who} · {t.category}").classes("text-caption text-grey-8")
            if not staff_view and isinstance(t, ThreadSummary):  # a folder's row (search hits carry no clock)
                ui.label(_patient_status(t, tz)).classes("text-caption text-bold text-grey-9 patient-status")
            if extra is not None:
                extra(t)
        with ui.item_section().props("side"):
            ui.label(clinic_time(t.last_message_at, tz)).classes("text-caption")
            if staff_view:
                ui.label(t.status.replace("_", " ").capitalize()).classes("text-caption")
    return item


def _patient_status(t: ThreadSummary, tz: str) -> str:
    """"Waiting for your care team · reply due Wed, Dec 9", "Your care team replied", "Completed", ..."""
    status = t.patient_status()
    if t.waiting_for_team and t.reply_due_at is not None:
        due = t.reply_due_at.astimezone(ZoneInfo(tz))
        status += f" · reply due {due:%a}, {due:%b} {due.day}"
    return status
