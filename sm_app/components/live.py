"""Connect a page to the realtime bus for the signed-in user, for as long as the page's client lives."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from nicegui import context, ui

from sm_app.adapters.realtime import ThreadChanged

if TYPE_CHECKING:
    from sm_app.components.frame import PageContext


def follow(page: PageContext, callback: Callable[[ThreadChanged], Awaitable[None]]) -> None:
    """Call `callback` in this page's UI context whenever the signed-in user's threads change.

    Before each delivery the page's session is checked again: after sign-out (in any tab) or an idle timeout an
    open page must not re-read and push subjects or names; it unsubscribes and goes to the sign-in page instead.
    The subscription also ends when the client is deleted (tab closed, not on a brief reconnect), so a closed tab
    never receives, and never leaks, another push. Deliveries to one page run one at a time: a refresh clears its
    container and then awaits the database, so two overlapping refreshes would both draw and show the content twice.
    """
    client = context.client
    slot = context.slot
    one_at_a_time = asyncio.Lock()
    sessions = page.system.sessions

    async def deliver(event: ThreadChanged) -> None:
        async with one_at_a_time:
            if client.is_deleted:
                return
            with slot:
                if await sessions.current(page.token) is None:
                    unsubscribe()
                    ui.navigate.to("/login?reason=ended")
                    return
                await callback(event)

    unsubscribe = page.system.bus.subscribe(page.actor.user_id, deliver)
    client.on_delete(unsubscribe)
