"""A list of threads, newest first, with unread state; each row is a link to the conversation."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from sm_app.components.formatting import clinic_time
from sm_app.messaging.mailbox import ThreadSummary


def thread_list(threads: list[ThreadSummary], *, staff_view: bool, tz: str, empty_text: str,
                extra: Callable[[ThreadSummary], None] | None = None, classes: str = "") -> None:
    """`extra` draws more under a row's subject line (search draws its highlighted snippet there)."""
    if not threads:
        ui.label(empty_text).classes("text-grey-7 q-pa-md")
        return
    with ui.list().props("bordered separator").classes(f"w-full thread-list {classes}"):
        for t in threads:
            with ui.item().classes("thread-row" + (" bg-blue-1" if t.unread else "")):
                with ui.item_section():
                    with ui.row().classes("items-center gap-2"):
                        if t.urgent:
                            ui.badge("Urgent", color="red").classes("urgent-marker")
                        if t.unread:
                            ui.badge("Unread", color="blue").classes("unread-marker")
                        # A real link: keyboard reachable, opens in a new tab, reads well to screen readers.
                        link = ui.link(t.subject, f"/thread/{t.id}").classes("text-body1")
                        if t.unread:
                            link.classes("text-bold")
                    who = f"{t.patient_name} · {t.team_name}" if staff_view else t.team_name
                    ui.label(f"{who} · {t.category}").classes("text-caption text-grey-8")
                    if extra is not None:
                        extra(t)
                with ui.item_section().props("side"):
                    ui.label(clinic_time(t.last_message_at, tz)).classes("text-caption")
                    if staff_view:
                        ui.label(t.status.replace("_", " ").capitalize()).classes("text-caption")
