"""Which process runs the scheduled jobs when several serve one PostgreSQL database.

Exactly one leader: the process that holds a PostgreSQL session-level advisory lock on a connection of its own. The
lock lives as long as that connection, so a leader that dies (or loses its connection) lets go at once, and the
others, asking again every few seconds, take over. On SQLite there is one process, and it always leads.

Leadership is about not doing the work N times, not about correctness: every job keeps its state in the database and
claims rows safely (`FOR UPDATE SKIP LOCKED`, unique keys), so a moment with two leaders (a connection that is gone
but not yet noticed) sends nothing twice.
"""

from __future__ import annotations

import logging

import psycopg
from sqlalchemy.engine import make_url

from sm_app.adapters.realtime import connect_autocommit

log = logging.getLogger(__name__)

# pg_try_advisory_lock takes one bigint: this one is "sm-app scheduler" (any constant of our own would do).
SCHEDULER_LOCK = 0x736D5F7363686564


class AlwaysLeader:
    """One process (SQLite): it leads."""

    is_leader = True

    async def check(self) -> bool:
        return True

    async def close(self) -> None:
        pass


class AdvisoryLockLeader:
    """Leads while it holds the scheduler's advisory lock on its own connection."""

    def __init__(self, database_url: str, key: int = SCHEDULER_LOCK):
        self._url = database_url
        self._key = key
        self._conn: psycopg.AsyncConnection | None = None
        self.is_leader = False

    async def check(self) -> bool:
        """Take the lock if it is free; as leader, make sure the connection that holds it is still there."""
        try:
            if self._conn is None or self._conn.closed:
                self.is_leader = False
                self._conn = await connect_autocommit(self._url, "scheduler leader")
            if self.is_leader:
                await self._conn.execute("SELECT 1")
            else:
                cur = await self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,))
                self.is_leader = bool((await cur.fetchone())[0])
        except (psycopg.Error, OSError) as exc:
            if self.is_leader:
                log.warning("scheduler: lost the leader's connection (%s)", exc.__class__.__name__)
            self.is_leader = False
            await self._drop()
        return self.is_leader

    async def close(self) -> None:
        """Let go of the lock (at shutdown) so another process takes over without waiting."""
        if self.is_leader and self._conn is not None and not self._conn.closed:
            try:  # at once, rather than when the server notices the closed connection
                await self._conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,))
            except (psycopg.Error, OSError):
                pass
        self.is_leader = False
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except (psycopg.Error, OSError):
                pass


def make_leader(database_url: str) -> AlwaysLeader | AdvisoryLockLeader:
    if make_url(database_url).get_backend_name() == "postgresql":
        return AdvisoryLockLeader(database_url)
    return AlwaysLeader()
