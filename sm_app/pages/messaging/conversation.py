"""The conversation page: a conversation opened by its address (components/messaging/conversation_view.py draws it)."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.components.messaging.conversation_view import conversation_view
from sm_app.shared.errors import NotAllowed, NotFound, Unavailable


def register(system: System) -> None:
    @ui.page("/thread/{thread_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def thread_page(thread_id: str, sent: str = "") -> None:
        ctx = await open_page(system, f"/thread/{thread_id}", title="Conversation")
        if ctx is None:
            return
        try:
            first = await system.mailbox.open_thread(ctx.actor, thread_id)
        except (NotFound, NotAllowed):
            # The same page whether the thread does not exist or belongs to someone else.
            with ui.column().classes("q-pa-md"):
                ui.label("Conversation not found").classes("text-h5")
                ui.label("It may have been removed, or the link is not right.")
                ui.link("Back", "/")
            return
        except Unavailable:
            with ui.column().classes("q-pa-md"):
                ui.label("This conversation could not be opened just now").classes("text-h5")
                ui.label("The clinic's messaging service is busy. Please try again in a moment.")
                ui.link("Try again", f"/thread/{thread_id}")
            return
        await conversation_view(ctx, first, just_sent=sent == "1")
