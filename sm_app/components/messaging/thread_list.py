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


class ThreadRowView(ui.link, component="thread_row.js"):
    """A conversation's row as one element: a link to the conversation (its text the subject) whose markers and
    captions are props the browser draws (thread_row.js); a row built from an item, sections, a row, badges, the
    link and labels was about ten elements for as long as the list is open."""

    def __init__(self, t: ThreadSummary, *, staff_view: bool, tz: str,
                 extra: Callable[[ThreadSummary], None] | None = None) -> None:
        super().__init__(t.subject, f"/thread/{t.id}")
        # `replace` also drops ui.link's own "nicegui-link" class, which belongs on the <a>, not on the row.
        self.classes(replace="thread-row" + (" bg-blue-1" if t.unread else ""))
        who = f"{t.patient_name} · {t.team_name}" if staff_view else t.team_name
        self._props.update(
            urgent=t.urgent,
            unread=t.unread,
            about=f"{who} · {t.category}",
            # A folder's row says where the conversation stands for the patient (search hits carry no clock).
            status=_patient_status(t, tz) if not staff_view and isinstance(t, ThreadSummary) else "",
            when=clinic_time(t.last_message_at, tz),
            staff_status=t.status.replace("_", " ").capitalize() if staff_view else "",
        )
        if extra is not None:
            with self.add_slot("extra"):
                extra(t)

    def texts(self) -> list[str]:
        """What the row shows as text, in reading order (what search adds under it is elements of their own)."""
        p = self._props
        markers = [word for word, shown in (("Urgent", p["urgent"]), ("Unread", p["unread"])) if shown]
        return [*markers, self.text, p["about"], p["status"], p["when"], p["staff_status"]]

    def _displayed_contents(self, *, only_visible: bool) -> list:
        # The captions and markers live in props the browser draws, so ElementFilter (user.should_see, user.find)
        # is told them here; the subject is the link's text.
        return [*super()._displayed_contents(only_visible=only_visible), *(t for t in self.texts() if t)]


def _row(t: ThreadSummary, *, staff_view: bool, tz: str,
         extra: Callable[[ThreadSummary], None] | None = None) -> ThreadRowView:
    return ThreadRowView(t, staff_view=staff_view, tz=tz, extra=extra)


def _patient_status(t: ThreadSummary, tz: str) -> str:
    """"Waiting for your care team · reply due Wed, Dec 9", "Your care team replied", "Completed", ..."""
    status = t.patient_status()
    if t.waiting_for_team and t.reply_due_at is not None:
        due = t.reply_due_at.astimezone(ZoneInfo(tz))
        status += f" · reply due {due:%a}, {due:%b} {due.day}"
    return status
