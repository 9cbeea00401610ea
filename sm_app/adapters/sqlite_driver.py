"""SQLite under SQLAlchemy's asyncio API, without a thread hop per call.

aiosqlite, used before, ran every call (cursor, execute, fetch, close, begin, commit) on a thread of its own and woke
the event loop after each. Measured on this project's machines that cost about 0.5 ms of CPU per statement and 0.8 ms
per transaction, five times what the statement itself costs: at 60–70 statements per message it was the largest
single cost of a message (docs/benchmarks.md, "SQLite without a thread per call").

SQLite answers from its page cache in microseconds, so here statements run on the event loop's own thread. Only what
can wait runs in a worker thread, so the event loop still never waits on a lock or a disk:
- `BEGIN IMMEDIATE` (the write engine's begin), which waits for another process's write lock (a CLI command, a
  migration) for up to the busy timeout;
- the COMMIT of a transaction that wrote, which fsyncs the write-ahead log (synchronous=FULL) and may checkpoint.
A read transaction's BEGIN and COMMIT and any ROLLBACK only take or drop a snapshot, and run inline. In WAL mode a
reader never waits for a writer. A connection given up while the worker thread still uses it (its task cancelled)
is closed by the worker pool too, after that call.

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
from sqlalchemy.engine.interfaces import AdaptedConnection
from sqlalchemy.util.concurrency import await_

DRIVER = "smsqlite"  # the URL's driver name: sqlite+smsqlite:///path
READ_DRIVER = "smsqliteread"  # the same connection under SQLAlchemy's plain (sync) engine, for reads (below)

# Waits on locks and fsyncs; one write engine per database holds one connection, so two threads are plenty.
_waits = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sqlite-wait")


class Cursor:
    """A DB-API cursor whose rows are read in full at execute, as SQLAlchemy's asyncio adapters do."""

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

    async def _async_soft_close(self) -> None:
        """SQLAlchemy's asyncio results call this once the rows are buffered; they already are."""

    def setinputsizes(self, *sizes) -> None:
        pass

    def setoutputsize(self, size, column=None) -> None:
        pass


class Connection(AdaptedConnection):
    """A `sqlite3.Connection` for SQLAlchemy's asyncio engine; this class, not the sqlite3 module, begins
    transactions (`begin`: "DEFERRED", the default, or "IMMEDIATE" for a write engine, as `connect_args`)."""

    __slots__ = ("_begin", "_changes_at_begin", "_in_worker")

    def __init__(self, connection: sqlite3.Connection, begin: str = "DEFERRED"):
        if begin not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"begin must be DEFERRED or IMMEDIATE, not {begin!r}")
        self._connection = connection
        self._begin = begin  # IMMEDIATE: a write engine's connection; every COMMIT of it goes to the worker
        self._changes_at_begin = connection.total_changes
        # The call the worker pool is making with this connection, if any. The sqlite3 module must never be used
        # from two threads at once: closing it while the worker commits crashes the process.
        self._in_worker: Future | None = None

    def _in_thread(self, function, *args):
        """Run a blocking SQLite call in the worker pool; the calling task (inside SQLAlchemy's greenlet) waits for
        it without blocking the event loop."""
        self._in_worker = _waits.submit(function, *args)
        return await_(asyncio.wrap_future(self._in_worker))

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

    def begin(self) -> None:
        if self._begin == "IMMEDIATE":
            # Takes the write lock now, waiting up to the busy timeout for another process's: off the loop.
            self._in_thread(self._connection.execute, "BEGIN IMMEDIATE")
        else:
            self._connection.execute("BEGIN")

    def commit(self) -> None:
        # A transaction that changed rows fsyncs its log on COMMIT: off the loop. One that only read releases its
        # snapshot: inline.
        if self._begin == "IMMEDIATE" or self._connection.total_changes != self._changes_at_begin:
            self._in_thread(self._connection.commit)
        else:
            self._connection.commit()
        self._ended()

    def rollback(self) -> None:
        self._connection.rollback()
        self._ended()

    def _ended(self) -> None:
        self._changes_at_begin = self._connection.total_changes

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


class SQLiteDialect_inline(SQLiteDialect_pysqlite):  # noqa: N801 - SQLAlchemy's naming for dialects
    driver = DRIVER
    is_async = True
    has_terminate = True
    supports_statement_cache = True
    supports_server_side_cursors = False

    @classmethod
    def import_dbapi(cls):
        return _DBAPI()

    @classmethod
    def get_pool_class(cls, url):
        return pool.AsyncAdaptedQueuePool

    def do_begin(self, dbapi_connection) -> None:
        dbapi_connection.begin()

    def get_driver_connection(self, connection):
        return connection.sqlite

    def do_terminate(self, dbapi_connection) -> None:
        dbapi_connection.terminate()


class SQLiteDialect_read(SQLiteDialect_inline):  # noqa: N801
    """The same connection for a plain (sync) engine, used for read transactions only (`Database.read` on SQLite).

    A read runs on the event loop's thread anyway (BEGIN, statements and COMMIT of a snapshot), so SQLAlchemy's
    asyncio layer around it (a greenlet switch per call) only adds cost: about as much as the statement itself.
    Nothing here may wait: the connection is query-only (a write in a read fails at once, rather than fsyncing on the
    loop), and its pool never makes a caller wait for a connection.
    """

    driver = READ_DRIVER
    is_async = False
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url):
        return pool.QueuePool


dialect = SQLiteDialect_inline
# The registry's loader for a name, set directly rather than by module path (`registry.register`): that path is
# imported again on each engine, and NiceGUI's test harness drops `sm_app` from sys.modules between tests.
registry.impls[f"sqlite.{DRIVER}"] = lambda: SQLiteDialect_inline
registry.impls[f"sqlite.{READ_DRIVER}"] = lambda: SQLiteDialect_read
