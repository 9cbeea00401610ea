"""Connect a page to the realtime bus for the signed-in user, for as long as the page's client lives."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from nicegui import context

from ..services.realtime import RealtimeBus, ThreadChanged


def follow(bus: RealtimeBus, user_id: str, callback: Callable[[ThreadChanged], Awaitable[None]]) -> None:
    """Call `callback` in this page's UI context whenever the user's threads change.

    The subscription ends when the client is deleted (tab closed, not on a brief reconnect), so a
    closed tab never receives, and never leaks, another push. Deliveries to one page run one at a
    time: a refresh clears its container and then awaits the database, so two overlapping refreshes
    would both draw and show the content twice.
    """
    client = context.client
    slot = context.slot
    one_at_a_time = asyncio.Lock()

    async def deliver(event: ThreadChanged) -> None:
        async with one_at_a_time:
            if client.is_deleted:
                return
            with slot:
                await callback(event)

    unsubscribe = bus.subscribe(user_id, deliver)
    client.on_delete(unsubscribe)
