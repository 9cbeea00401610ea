"""A conversation opened inside the Worklist: the nurse stays on the page they keep open.

Opening a conversation as a page of its own costs a page load, a new socket and a new header for every conversation
a nurse answers; with a Worklist kept open all day that was a third of the server's work per message
(docs/benchmarks.md). Here a plain click on a row draws the conversation in place of the list (the list is hidden, not
destroyed, and keeps updating row by row), and "Back to Worklist" shows the list again. The address bar follows
(`/thread/<id>`, `/worklist`), so a reload, a bookmark and the browser's Back and Forward buttons act as if these were
pages; a click with a modifier key still opens the conversation as a page of its own (worklist_row.js).

What the conversation follows live (its messages, the team's panel, the record part) belongs to a `LiveRegion` and
stops when it is closed. A reply typed and not sent is kept while the page is open and is back in the reply box when
that conversation is opened again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from nicegui import context, ui

from sm_app.components.frame import PageContext
from sm_app.components.live import LiveRegion
from sm_app.components.messaging.conversation_view import conversation_view
from sm_app.components.messaging.reply_box import ReplyBox
from sm_app.shared.errors import NotAllowed, NotFound, Unavailable

_THREAD_PATH = re.compile(r"^/thread/([0-9a-f]{32})$")

# The browser's Back and Forward buttons between the Worklist and a conversation opened in it: the server is told
# which of the two the address now names. Installed once per document (a reconnect runs it again).
_HISTORY_JS = """
if (!window.__smWorklistHistory) {
  window.__smWorklistHistory = true;
  window.addEventListener('popstate', () => emitEvent('sm_worklist_at', window.location.pathname));
}
"""


class WorklistReader:
    """The part of the Worklist page that shows one conversation at a time; `list_view` is what it stands in for."""

    def __init__(self, ctx: PageContext, list_view: ui.element, *, title: str,
                 focus_row: Callable[[str], None]) -> None:
        self._ctx = ctx
        self._list_view = list_view
        self._title = title
        self._focus_row = focus_row
        self._open_id: str | None = None
        self._region: LiveRegion | None = None
        self._reply_box: ReplyBox | None = None
        self._unsent: dict[str, str] = {}  # thread id -> a reply typed and not sent, while the page is open
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3 worklist-reader") as self._view:
            ui.button("Back to Worklist", icon="arrow_back", on_click=lambda: self.close()).props("flat")
            self._place = ui.column().classes("w-full")
        self._view.set_visibility(False)
        context.client.on_connect(lambda: ui.run_javascript(_HISTORY_JS))
        ui.on("sm_worklist_at", lambda e: self._follow_address(e.args))

    async def open(self, thread_id: str, *, remember: bool = True) -> None:
        """Show this conversation in place of the list. `remember`: a new entry in the browser's history (a click);
        not when the browser's own Back or Forward brought the address here."""
        ctx = self._ctx
        if await ctx.still_signed_in() is None:  # counts as activity, as a page load does
            return
        try:
            # Opening marks the patient's messages read and audits the read, exactly as the conversation page does.
            first = await ctx.system.mailbox.open_thread(ctx.actor, thread_id)
        except (NotFound, NotAllowed):
            ui.notify("This conversation is no longer available.", type="negative")
            return
        except Unavailable:
            ui.notify("This conversation could not be opened just now. Please try again in a moment.",
                      type="negative")
            return
        live = ctx.live
        if live is None:  # the page has been closed meanwhile
            return
        await self._settled()
        async with live.between_deliveries():
            self._take_away()
            region = LiveRegion(ctx)
            with self._place, region.building():
                self._reply_box = await conversation_view(ctx, first)
            self._region, self._open_id = region, thread_id
            kept = self._unsent.pop(thread_id, "")
            if kept and first.can_reply:
                self._reply_box.open_with(kept)
            elif kept:  # closed meanwhile, say: the text waits, not in a form that cannot send it
                self._unsent[thread_id] = kept
        self._list_view.set_visibility(False)
        self._view.set_visibility(True)
        path = f"/thread/{thread_id}"
        steps = [f"history.pushState(null, '', {json.dumps(path)});"] if remember else []
        # The conversation's heading takes the focus, so a screen reader starts there; the tab's title follows.
        steps.append("document.querySelector('.worklist-reader [role=heading]')?.focus();")
        ui.run_javascript("\n".join(steps))
        ui.page_title(f"Conversation · {self._title}")

    async def close(self, *, remember: bool = True) -> None:
        """Back to the list, which was kept up to date while hidden; the focus returns to the conversation's row."""
        was_open = self._open_id
        await self._settled()
        live = self._ctx.live
        if live is not None:
            async with live.between_deliveries():
                self._take_away()
        else:
            self._take_away()
        self._view.set_visibility(False)
        self._list_view.set_visibility(True)
        if remember:
            ui.run_javascript("history.pushState(null, '', '/worklist');")
        ui.page_title(f"Worklist · {self._title}")
        if was_open is not None:
            self._focus_row(was_open)

    async def _settled(self) -> None:
        """A reply being sent finishes first: its text is then either sent (not kept) or still in the form (kept)."""
        if self._reply_box is not None:
            await self._reply_box.settled()

    def _take_away(self) -> None:
        """The conversation shown is removed with what it followed; a reply typed in it is kept for its return."""
        if self._open_id is not None and self._reply_box is not None and self._reply_box.typed.strip():
            self._unsent[self._open_id] = self._reply_box.typed
        if self._region is not None:
            self._region.close()
        self._region, self._reply_box, self._open_id = None, None, None
        self._place.clear()

    async def _follow_address(self, path: object) -> None:
        """The browser's Back or Forward: show what the address names now."""
        if not isinstance(path, str):
            return
        found = _THREAD_PATH.match(path)
        if found:
            if found.group(1) != self._open_id:
                await self.open(found.group(1), remember=False)
        elif path == "/worklist" and self._open_id is not None:
            await self.close(remember=False)
