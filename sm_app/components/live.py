"""Connect a page to the realtime bus for the signed-in user, for as long as the page's client lives.

One subscription per page, however many parts of it follow changes (the header's badges, a list, a panel): a push
costs one session check per open page, and that check needs the database only when the session may have ended —
its known end has passed, or the bus says one of the person's sessions just ended.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

from nicegui import context

from sm_app.adapters.realtime import ThreadChanged

if TYPE_CHECKING:
    from sm_app.components.frame import PageContext

log = logging.getLogger(__name__)

Listener = Callable[[ThreadChanged], Awaitable[None]]
T = TypeVar("T")


class PageLive:
    """The page's one subscription; `follow` adds a part of the page to it."""

    def __init__(self, page: PageContext):
        self._page = page
        # Weak: the client keeps this object (its delete handler), so a strong reference back would be a cycle.
        self._client = weakref.ref(context.client)
        self._slot = context.slot
        self._listeners: list[Listener] = []
        # Deliveries to one page run one at a time: a part that redraws awaits the database in between, so two
        # overlapping deliveries could both draw and show something twice.
        self._one_at_a_time = asyncio.Lock()
        self._unsubscribe: Callable[[], None] | None = page.system.bus.subscribe(page.actor.user_id, self._deliver)
        context.client.on_delete(self._closed)

    def _stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None  # the subscription holds this object's method: let go of it

    def _closed(self) -> None:
        """The page is gone: no more pushes, and the page's parts are let go. This object, the page's context, the
        parts' closures and the subscription refer to each other; left so, every closed page waited, elements and
        all, for a full run of the cycle collector, which stops the event loop (docs/benchmarks.md)."""
        self._stop()
        self._listeners.clear()
        self._page.live = None
        self._page.before_leaving.clear()

    def add(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @asynccontextmanager
    async def between_deliveries(self):
        """No push is being drawn on this page while inside: a part of the page can be built or taken away without
        a delivery drawing on it half-way."""
        async with self._one_at_a_time:
            yield

    async def _deliver(self, event: ThreadChanged) -> None:
        async with self._one_at_a_time:
            client = self._client()
            if client is None or client.is_deleted:
                return
            with self._slot:
                # After sign-out (in any tab) or an idle timeout an open page must not re-read and push subjects or
                # names: it unsubscribes and goes to the sign-in page instead.
                if not await self._page.session_alive(recheck=event.kind == "session"):
                    self._stop()
                    await self._page.leave(self._page.end_reason())
                    return
                if event.kind == "session":
                    return
                for listener in tuple(self._listeners):
                    if listener not in self._listeners:
                        continue  # its region was closed by an earlier listener of this push
                    try:
                        await listener(event)
                    except Exception:  # one failing part must not keep the others of the page stale
                        log.exception("a live update of a page failed")


# Reads that every open page of one person would repeat for the same push (the header's unread count on a nurse's
# Worklist and conversation tabs): the first page asks, the others await its answer. Keyed by the event object, so
# a later push always reads afresh; an entry goes when its event does.
_per_push: dict[int, dict[Hashable, asyncio.Future]] = {}


async def once_per_push(event: ThreadChanged, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
    """`read()` once for this push and `key` (which must name the person: pages of different people never share),
    however many of the person's pages ask."""
    reads = _per_push.get(id(event))
    if reads is None:
        reads = _per_push[id(event)] = {}
        weakref.finalize(event, _per_push.pop, id(event), None)
    pending = reads.get(key)
    if pending is None:
        pending = reads[key] = asyncio.ensure_future(read())
        # Its error reaches every page that awaits it; this keeps asyncio from also logging it as never retrieved
        # when the one page that asked was closed meanwhile.
        pending.add_done_callback(lambda done: done.cancelled() or done.exception())
    # shield: a page closed while waiting cancels its own wait, not the read the person's other pages await.
    return await asyncio.shield(pending)


def page_gone() -> bool:
    """After an await in a live update: has the page been closed meanwhile? Then there is nothing to draw on (a
    person who navigates away deletes the page while its update still waits for the database)."""
    return context.client.is_deleted


class LiveRegion:
    """A part of a page that is built and taken away while the page stays (a conversation opened inside the
    Worklist): what follows changes inside it stops following when it is closed, so a closed part is neither drawn
    on nor kept in memory by the page's subscription."""

    def __init__(self, page: PageContext):
        self._page = page
        self._listeners: list[Listener] = []

    @contextmanager
    def building(self) -> Iterator[None]:
        """Every `follow` made while inside (across awaits of the same task) belongs to this region."""
        token = _region.set(self._listeners)
        try:
            yield
        finally:
            _region.reset(token)

    def close(self) -> None:
        live = self._page.live
        if live is not None:
            for listener in self._listeners:
                live.remove(listener)
        self._listeners.clear()


_region: ContextVar[list[Listener] | None] = ContextVar("sm_live_region", default=None)


def follow(page: PageContext, listener: Listener) -> None:
    """Call `listener` in this page's UI context whenever the signed-in user's threads change.

    The page's session is checked first (see `PageLive`). The subscription ends when the client is deleted (tab
    closed, not on a brief reconnect), so a closed tab never receives, and never leaks, another push.
    """
    if page_gone():
        # Closed while it was being built (a slow build, the person already gone): the delete handler that would end
        # a new subscription has run, so one made now would never end.
        return
    if page.live is None:
        page.live = PageLive(page)
    page.live.add(listener)
    region = _region.get()
    if region is not None:
        region.append(listener)
