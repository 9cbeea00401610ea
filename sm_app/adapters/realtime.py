"""Realtime bus: tells a signed-in user's open pages that something of theirs changed.

Events carry ids only. A page re-reads through the services when told, so the access rule runs
again and nothing a user may not see travels over the bus. Publishing happens after commit.
In one process subscribers are called directly (`RealtimeBus`, SQLite). When several processes share a PostgreSQL
database (`PostgresBus`), a publish is delivered to this process's pages at once and sent to the others with
NOTIFY on one channel; each process LISTENs on a connection of its own and delivers what the others sent.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass

import psycopg
from sqlalchemy.engine import make_url

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

    async def start(self) -> None:
        """Begin whatever the bus needs beside this process (nothing in one process)."""

    async def stop(self) -> None:
        """End it again (at shutdown)."""

    def publish(self, user_ids: Iterable[str], event: ThreadChanged) -> None:
        self._deliver(user_ids, event)

    def _deliver(self, user_ids: Iterable[str], event: ThreadChanged) -> None:
        for user_id in set(user_ids):
            for callback in list(self._subscribers.get(user_id, ())):
                try:
                    result = callback(event)
                    if inspect.isawaitable(result):
                        self._spawn(result)
                except Exception:  # one broken page must not stop pushes to the others
                    log.exception("realtime subscriber failed")


CHANNEL = "sm_realtime"
# NOTIFY payloads must stay under 8000 bytes; a user id is 32 hex characters, so 100 of them and the event fit.
USERS_PER_NOTIFY = 100
# How long the listener waits for a notification before it checks that its connection is still alive.
LISTEN_CHECK_SECONDS = 30.0
RECONNECT_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)  # then every 5 s


def psycopg_conninfo(database_url: str) -> str:
    """A libpq connection string for psycopg from the app's SQLAlchemy URL."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def connect_autocommit(database_url: str, purpose: str) -> psycopg.AsyncConnection:
    """A connection of its own outside the pool; `purpose` names it in pg_stat_activity (application_name)."""
    # Keep-alives find a connection whose peer vanished without closing it (a host or network gone).
    return await psycopg.AsyncConnection.connect(
        psycopg_conninfo(database_url), autocommit=True, connect_timeout=5, application_name=f"sm-app {purpose}",
        keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)


class PostgresBus(RealtimeBus):
    """The bus across the processes that share one PostgreSQL database: LISTEN/NOTIFY, ids only.

    `publish` delivers to this process's subscribers at once (the same path and latency as one process) and queues
    the event for NOTIFY; a sender task sends the queue in order on its own connection. A listener task LISTENs on
    another connection and delivers the events other processes sent (its own are recognised by the process's
    random origin id and skipped). Either connection is made again when it drops; events sent by other processes
    while this one was not listening are not replayed (a page shows them at its next push or load).
    Before `start` (the CLI, tests) the bus is local only.
    """

    def __init__(self, database_url: str, spawn: Callable[[Awaitable], object] | None = None):
        super().__init__(spawn)
        self._url = database_url
        self.origin = uuid.uuid4().hex
        self._outbox: asyncio.Queue[str] | None = None
        self._tasks: list[asyncio.Task] = []
        self.listening = asyncio.Event()  # set while the listener is connected (tests wait for it)
        self.reconnects = 0

    async def start(self) -> None:
        if self._tasks:
            return
        self._outbox = asyncio.Queue()
        self.listening = asyncio.Event()
        self._tasks = [self._spawn(self._listen()), self._spawn(self._send())]

    async def stop(self) -> None:
        tasks, self._tasks, self._outbox = self._tasks, [], None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def publish(self, user_ids: Iterable[str], event: ThreadChanged) -> None:
        users = sorted(set(user_ids))
        self._deliver(users, event)
        if self._outbox is None or not users:
            return
        fields = {k: v for k, v in asdict(event).items() if v is not None}
        for i in range(0, len(users), USERS_PER_NOTIFY):
            self._outbox.put_nowait(json.dumps({"o": self.origin, "u": users[i:i + USERS_PER_NOTIFY], "e": fields},
                                               separators=(",", ":")))

    def _received(self, payload: str) -> None:
        try:
            data = json.loads(payload)
            if data["o"] == self.origin:
                return
            event = ThreadChanged(**data["e"])
            users = [str(u) for u in data["u"]]
        except (ValueError, KeyError, TypeError):
            log.warning("realtime: ignored a malformed notification on %s", CHANNEL)
            return
        self._deliver(users, event)

    async def _listen(self) -> None:
        failures = 0
        while True:
            conn = None
            try:
                conn = await connect_autocommit(self._url, "realtime listen")
                await conn.execute(f"LISTEN {CHANNEL}")
                if failures:
                    log.info("realtime: listening again for other processes' pushes")
                failures = 0
                self.listening.set()
                while True:
                    async for notify in conn.notifies(timeout=LISTEN_CHECK_SECONDS):
                        self._received(notify.payload)
                    await conn.execute("SELECT 1")  # quiet for a while: is the connection still there?
            except asyncio.CancelledError:
                raise
            except (psycopg.Error, OSError) as exc:
                self.listening.clear()
                self.reconnects += 1
                log.warning("realtime: listening connection lost (%s); connecting again", exc.__class__.__name__)
                await asyncio.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
                failures += 1
            finally:
                self.listening.clear()
                if conn is not None:
                    await conn.close()

    async def _send(self) -> None:
        conn: psycopg.AsyncConnection | None = None
        try:
            while True:
                payload = await self._outbox.get()
                for attempt in (1, 2):  # a dropped connection is made again once; then the push is given up
                    try:
                        if conn is None or conn.closed:
                            conn = await connect_autocommit(self._url, "realtime notify")
                        await conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
                        break
                    except (psycopg.Error, OSError) as exc:
                        if conn is not None:
                            await conn.close()
                        conn = None
                        if attempt == 2:
                            log.warning("realtime: could not tell other processes of a change (%s)",
                                        exc.__class__.__name__)
        finally:
            if conn is not None:
                await conn.close()


def make_bus(database_url: str, spawn: Callable[[Awaitable], object] | None = None) -> RealtimeBus:
    """The in-process bus on SQLite (one process), LISTEN/NOTIFY on PostgreSQL (one or several processes)."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return PostgresBus(database_url, spawn)
    return RealtimeBus(spawn)
