"""One row of the care team's worklist as a single element.

Every element an open page holds costs the server memory and garbage-collector work for as long as the page is open;
a row built from an item, sections, badges, a link and labels was a dozen of them. Here the browser draws the same
Quasar markup from the row's props (worklist_row.js), so a row is one element, two with its Claim button, which stays
a real button so keyboards, screen readers and its click handler work as for any other.

The row is a `ui.link` to its conversation, as it acts in a browser (the subject is a real link stretched over the
row): its text is the subject, which NiceGUI renders inside the <a> as a text node; in NiceGUI's simulated `User`,
clicking the row's subject follows the link as it would for any link. On the Worklist a plain click in a browser
opens the conversation inside the page instead (`open_here`); the link stays for a new tab, a bookmark or a reload.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from sm_app.care_team.worklist import STATUSES, WorklistRow, where_label
from sm_app.components.formatting import clinic_time

_CAPTIONS = ("about", "status", "holder", "received", "due")


class WorklistRowView(ui.link, component="worklist_row.js"):
    def __init__(self, t: WorklistRow, *, tz: str, claim: Callable[[str], Awaitable[None]],
                 open_here: Callable[[str], Awaitable[None]] | None = None) -> None:
        super().__init__(t.subject, f"/thread/{t.id}")
        # `replace` also drops ui.link's own "nicegui-link" class, which belongs on the <a>, not on the row.
        self.classes(replace="thread-row worklist-row" + (" bg-blue-1" if t.unread else ""))
        self._props.update(
            urgent=t.urgent,
            unread=t.unread,
            overdue=t.overdue,
            about=f"{t.patient_name} · {t.team_name} · {t.category}",
            status=STATUSES.get(t.status, t.status),
            holder=f"With: {where_label(t.assignee_name, t.pool_role)}",
            received=f"Received {clinic_time(t.received_at, tz)}",
            due=f"Due {clinic_time(t.due_at, tz)}" if t.due_at else "No reply owed",
        )
        if open_here is not None:
            # The browser sends "open" for a plain click instead of following the link (worklist_row.js).
            self._props["opens_here"] = True
            self.on("open", lambda _e, i=t.id: open_here(i))
        if not t.assignee_name and t.status != "completed":
            with self.add_slot("claim"):
                ui.button("Claim", on_click=lambda _e, i=t.id: claim(i)).props("dense flat size=sm")

    def texts(self) -> list[str]:
        """What the row shows as text, in reading order (the Claim button is a child element of its own)."""
        p = self._props
        markers = [word for word, shown in (("Urgent", p["urgent"]), ("Overdue", p["overdue"]),
                                            ("Unread", p["unread"])) if shown]
        return [*markers, self.text, *(p[k] for k in _CAPTIONS)]

    def _displayed_contents(self, *, only_visible: bool) -> list:
        # The captions and markers live in props the browser draws, so ElementFilter (user.should_see, user.find)
        # is told them here; the subject is the link's text.
        return [*super()._displayed_contents(only_visible=only_visible), *self.texts()]
