"""SQLite under SQLAlchemy's plain (sync) engine on the event loop's thread, with what can wait in a worker thread.

aiosqlite, used before, ran every call (cursor, execute, fetch, close, begin, commit) on a thread of its own and woke
the event loop after each: about 0.5 ms of CPU per statement and 0.8 ms per transaction on this project's machines
(docs/benchmarks.md, "SQLite without a thread per call"). SQLAlchemy's asyncio layer over a driver that runs inline
still cost a greenlet switch per call, about as much as the statement itself ("SQLite without the asyncio layer").

SQLite answers from its page cache in microseconds, so statements run on the event loop's own thread, through plain
SQLAlchemy sessions (`db.InlineReadSession`, `db.InlineWriteSession`). Only what can wait runs in a worker thread, so
the event loop never waits on a lock or a disk:
- `BEGIN IMMEDIATE` of a write transaction, which waits for another process's write lock (a CLI command, a migration)
  for up to the busy timeout;
- its COMMIT, which fsyncs the write-ahead log (synchronous=FULL) and may checkpoint.
`Database.write` does both itself (`begin_writing`, `commit_writing`), around the transaction's statements and flush.
A read transaction's BEGIN and COMMIT and any ROLLBACK only take or drop a snapshot, and run inline; in WAL mode a
reader never waits for a writer. A connection given up while the worker thread still uses it (its task cancelled)
is closed by the worker pool, after that call.

The DB-API connection is the standard library's `sqlite3`; SQLAlchemy's pysqlite dialect does the SQL. Only one
task uses a connection at a time (the pool hands it out), so the worker thread never shares it with the loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

READ_DRIVER = "smsqliteread"  # the URL's driver name for reads: sqlite+smsqliteread:///path
WRITE_DRIVER = "smsqlitewrite"  # for write transactions, begun and committed by their caller

# Waits on locks and fsyncs; one write engine per database holds one connection, so two threads are plenty.
_waits = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sqlite-wait")


class Cursor:
    """A DB-API cursor whose rows are read in full at execute: a statement is done with SQLite when it returns."""

    __slots__ = ("_connection", "_cursor", "_rows")
    server_side = False

    def __init__(self, connection: Connection):
        self._connection = connection
        self._cursor = connection.sqlite.cursor()
        self._rows: deque = deque()

    @property
    def description(self):
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self):
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    def execute(self, operation, parameters=()):
        self._cursor.execute(operation, parameters)
        self._rows = deque(self._cursor.fetchall()) if self._cursor.description is not None else deque()

    def executemany(self, operation, seq_of_parameters):
        self._cursor.executemany(operation, seq_of_parameters)
        self._rows = deque(self._cursor.fetchall()) if self._cursor.description is not None else deque()

    def fetchone(self):
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None):
        rows = self._rows
        return [rows.popleft() for _ in range(min(size or self._cursor.arraysize, len(rows)))]

    def fetchall(self):
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def __iter__(self):
        while self._rows:
            yield self._rows.popleft()

    def close(self) -> None:
        self._rows.clear()
        self._cursor.close()

    def setinputsizes(self, *sizes) -> None:
        pass

    def setoutputsize(self, size, column=None) -> None:
        pass


class Connection:
    """A `sqlite3.Connection` that begins its transactions itself. `begin="DEFERRED"` (reads): BEGIN and COMMIT
    inline. `begin="CALLER"` (writes): SQLAlchemy's begin and commit do nothing; the caller begins and commits with
    `begin_writing` and `commit_writing`, in the worker."""

    __slots__ = ("_begin", "_connection", "_in_worker")

    def __init__(self, connection: sqlite3.Connection, begin: str = "DEFERRED"):
        if begin not in ("DEFERRED", "CALLER"):
            raise ValueError(f"begin must be DEFERRED or CALLER, not {begin!r}")
        self._connection = connection
        self._begin = begin
        # The call the worker pool is making with this connection, if any. The sqlite3 module must never be used
        # from two threads at once: closing it while the worker commits crashes the process.
        self._in_worker: Future | None = None

    @property
    def sqlite(self) -> sqlite3.Connection:
        return self._connection

    def cursor(self, *args, **kwargs) -> Cursor:
        return Cursor(self)

    @property
    def isolation_level(self):
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value) -> None:
        self._connection.isolation_level = value

    def create_function(self, *args, **kwargs) -> None:
        self._connection.create_function(*args, **kwargs)

    async def begin_writing(self) -> None:
        """BEGIN IMMEDIATE: takes the write lock now, waiting up to the busy timeout for another process's."""
        await self._in_worker_async(self._connection.execute, "BEGIN IMMEDIATE")

    async def commit_writing(self) -> None:
        """COMMIT, which fsyncs the log."""
        await self._in_worker_async(self._connection.commit)

    def in_transaction_or_worker(self) -> bool:
        """Still inside a transaction (a COMMIT that failed) or a worker call (one whose caller gave up)."""
        return self._connection.in_transaction or (self._in_worker is not None and not self._in_worker.done())

    async def _in_worker_async(self, function, *args):
        self._in_worker = _waits.submit(function, *args)
        # Shielded: a cancelled caller leaves the call running; `terminate` then closes the connection after it.
        return await asyncio.shield(asyncio.wrap_future(self._in_worker))

    def begin(self) -> None:
        if self._begin == "DEFERRED":  # a read's snapshot, from its first statement
            self._connection.execute("BEGIN")

    def commit(self) -> None:
        if self._begin == "DEFERRED":  # a read only gives its snapshot up; a writer's COMMIT is `commit_writing`
            self._connection.commit()

    def rollback(self) -> None:
        self._connection.rollback()

    def close(self) -> None:
        self.terminate()

    def terminate(self) -> None:
        # SQLAlchemy terminates a connection whose task was cancelled mid-call (a page closed while its send waited
        # for another process's write lock, or while its COMMIT was being fsynced): the worker may still be in that
        # call. Closing now, from this thread, would race it (and crash); waiting for it would stall the loop up to
        # the busy timeout. So the worker closes it, right after that call.
        in_worker = self._in_worker
        if in_worker is not None and not in_worker.done():
            in_worker.add_done_callback(lambda _call: self._connection.close())
        else:
            self._connection.close()


class _DBAPI:
    """The `sqlite3` module as the dialect sees it, with `connect` giving the connection above."""

    paramstyle = "qmark"

    def __init__(self):
        for name in dir(sqlite3):
            if not name.startswith("_") and name != "connect":
                setattr(self, name, getattr(sqlite3, name))

    def connect(self, *args, begin: str = "DEFERRED", **kwargs) -> Connection:
        kwargs["check_same_thread"] = False  # the worker thread commits; never at the same time as the loop uses it
        kwargs["isolation_level"] = None  # no implicit BEGIN by the sqlite3 module: Connection.begin says which
        return Connection(sqlite3.connect(*args, **kwargs), begin)


class SQLiteDialect_read(SQLiteDialect_pysqlite):  # noqa: N801 - SQLAlchemy's naming for dialects
    """Read transactions (`Database.read`): a plain engine, because a read runs on the event loop's thread anyway
    (BEGIN, statements and COMMIT of a snapshot) and SQLAlchemy's asyncio layer around it only added cost. Nothing
    here may wait: `Database` makes these connections query-only (a write in a read fails at once, rather than
    fsyncing on the loop), and their pool never makes a caller wait for a connection."""

    driver = READ_DRIVER
    supports_statement_cache = True
    supports_server_side_cursors = False
    has_terminate = True

    @classmethod
    def import_dbapi(cls):
        return _DBAPI()

    @classmethod
    def get_pool_class(cls, url):
        return pool.QueuePool

    def do_begin(self, dbapi_connection) -> None:
        dbapi_connection.begin()

    def do_terminate(self, dbapi_connection) -> None:
        dbapi_connection.terminate()


class SQLiteDialect_write(SQLiteDialect_read):  # noqa: N801
    """Write transactions (`Database.write`), on connections made with begin="CALLER": statements and flushes run
    inline, BEGIN IMMEDIATE and COMMIT in the worker. One connection, used by one writer at a time (`Database` holds
    a lock for it)."""

    driver = WRITE_DRIVER
    supports_statement_cache = True  # SQLAlchemy asks each dialect class itself


# The registry's loader for a name, set directly rather than by module path (`registry.register`): that path is
# imported again on each engine, and NiceGUI's test harness drops `sm_app` from sys.modules between tests.
registry.impls[f"sqlite.{READ_DRIVER}"] = lambda: SQLiteDialect_read
registry.impls[f"sqlite.{WRITE_DRIVER}"] = lambda: SQLiteDialect_write
