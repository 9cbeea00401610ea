"""Realtime bus: tells a signed-in user's open pages that something of theirs changed.

Events carry ids only. A page re-reads through the services when told, so the access rule runs
again and nothing a user may not see travels over the bus. Publishing happens after commit.
In one process subscribers are called directly; the interface leaves room for a cross-process
transport (PostgreSQL LISTEN/NOTIFY) when several processes share a database.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThreadChanged:
    thread_id: str
    kind: str  # "message" | "read" | "status" | "filing" | "alert" | "broadcast" | "session" | "record" (no thread)
    by: str | None = None  # who caused it (a user id), so a page can tell its own sends from others'
    side: str | None = None  # for "read": the reader's side ("patient" | "team"), so pages skip reads of no concern
    patient_id: str | None = None  # for "record": whose health record (its entries or who may see it) changed


Subscriber = Callable[[ThreadChanged], Awaitable[None] | None]


class RealtimeBus:
    def __init__(self, spawn: Callable[[Awaitable], object] | None = None):
        # NiceGUI's background_tasks.create is injected by the app; plain asyncio elsewhere.
        self._spawn = spawn or asyncio.ensure_future
        self._subscribers: dict[str, set[Subscriber]] = defaultdict(set)

    def use_spawner(self, spawn: Callable[[Awaitable], object]) -> None:
        self._spawn = spawn

    def subscribe(self, user_id: str, callback: Subscriber) -> Callable[[], None]:
        """Register a callback for one user's events; returns the function that unsubscribes it."""
        self._subscribers[user_id].add(callback)

        def unsubscribe() -> None:
            subs = self._subscribers.get(user_id)
            if subs is not None:
                subs.discard(callback)
                if not subs:
                    del self._subscribers[user_id]

        return unsubscribe

    def subscriber_count(self, user_id: str | None = None) -> int:
        if user_id is not None:
            return len(self._subscribers.get(user_id, ()))
        return sum(len(s) for s in self._subscribers.values())

    def publish(self, user_ids: Iterable[str], event: ThreadChanged) -> None:
        for user_id in set(user_ids):
            for callback in list(self._subscribers.get(user_id, ())):
                try:
                    result = callback(event)
                    if inspect.isawaitable(result):
                        self._spawn(result)
                except Exception:  # one broken page must not stop pushes to the others
                    log.exception("realtime subscriber failed")
