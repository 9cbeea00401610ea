"""Database engines and the unit of work.

SQLite is the default (one host, one process); PostgreSQL is used when SM_DATABASE_URL says so.
Reads and writes go through two engines so that SQLite write transactions can start with
BEGIN IMMEDIATE: a deferred transaction that reads and then writes can otherwise fail with
SQLITE_BUSY_SNAPSHOT when another writer commits in between (the audit chain reads its head and
then appends).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Table, create_engine, event, insert
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

from sm_app.adapters import sqlite_driver


class Unavailable(Exception):  # noqa: N818 - what a person is told, not a bug
    """The database or the disk could not do the work now (a lock held too long, an I/O error, no connection).

    Nothing was changed: the transaction rolled back. The person's input is theirs to keep and send again.
    Services and pages know it as `shared.errors.Unavailable`; it lives here, with the store that raises it.
    """

    def __init__(self):
        super().__init__("The clinic's messaging service is busy right now. Please try again in a moment.")


# What "the store cannot do it now" looks like: a lock held past the busy timeout or a disk I/O error (SQLite),
# a lost connection (PostgreSQL), no free connection in the pool. Pages turn it into "Not sent — your text is kept".
_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.TimeoutError)


def sync_url(url: str) -> str:
    """The URL for synchronous tools (Alembic, CLI checks)."""
    u = make_url(url)
    if u.get_backend_name() == "postgresql":
        return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if u.get_backend_name() == "sqlite":
        return u.set(drivername="sqlite").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database: {u.get_backend_name()} (use sqlite or postgresql)")


def async_url(url: str) -> str:
    u = make_url(url)
    if u.get_backend_name() == "postgresql":
        return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if u.get_backend_name() == "sqlite":
        # Statements on the event loop's thread, locks and fsyncs in a worker (adapters/sqlite_driver.py).
        return u.set(drivername=f"sqlite+{sqlite_driver.DRIVER}").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database: {u.get_backend_name()} (use sqlite or postgresql)")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def insert_ignoring_duplicates(session: AsyncSession, table: Table):
    """A Core INSERT that skips rows whose key another transaction has just added (both engines we run on)."""
    dialect = session.bind.dialect.name
    if dialect == "postgresql":
        return pg_insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def sqlite_pragmas(dbapi_connection) -> None:
    cur = dbapi_connection.cursor()
    # WAL lets readers run beside the writer; FULL fsyncs every commit so a confirmed send
    # survives a power cut or SIGKILL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


# How long a unit of work waits for a connection (on SQLite: for the one writer) before the store counts as busy:
# a burst queues briefly, and a send that cannot start within this is refused ("Not sent — your text is kept")
# instead of hanging for SQLAlchemy's default 30 s. Below NiceGUI's 3 s page-build limit, so a page load that
# cannot get a connection gets the plain "busy" page (503), not NiceGUI's timeout error (500).
POOL_WAIT_SECONDS = 2


def _make_engine(url: str, *, immediate: bool) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(
            async_url(url),
            pool_size=1 if immediate else 5,
            max_overflow=0 if immediate else 5,
            pool_timeout=POOL_WAIT_SECONDS,
            hide_parameters=True,  # error texts reach logs; parameters can be names or sealed text
            # The driver begins each transaction itself (no statement through SQLAlchemy per BEGIN).
            connect_args={"begin": "IMMEDIATE" if immediate else "DEFERRED"},
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection, _record):
            sqlite_pragmas(dbapi_connection)

        return engine
    return create_async_engine(async_url(url), pool_size=10, max_overflow=10, pool_pre_ping=True,
                               pool_timeout=POOL_WAIT_SECONDS, hide_parameters=True)


def _make_read_engine(url: str):
    """SQLite reads on a plain engine over the same driver (sqlite_driver.SQLiteDialect_read): query-only
    connections, and a pool that never waits (a read never holds its connection across a wait of its own, but a
    task may await something else inside `Database.read`, and a waiting pool would stall the whole loop)."""
    engine = create_engine(make_url(async_url(url)).set(drivername=f"sqlite+{sqlite_driver.READ_DRIVER}"),
                           pool_size=5, max_overflow=-1, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        sqlite_pragmas(dbapi_connection)
        dbapi_connection.sqlite.execute("PRAGMA query_only=ON")

    return engine


# What AsyncSession.execute passes too: ORM results are read in full while the session is open.
_PREBUFFER = {"prebuffer_rows": True}


class InlineReadSession:
    """The part of AsyncSession a read uses (execute, scalars, scalar, get), over a sync Session on the loop's thread.

    On SQLite a read never waits (sqlite_driver.py), so nothing here needs the asyncio layer; the methods stay
    coroutines so that services read the same way on SQLite and PostgreSQL. Anything that writes (add, flush,
    delete) is missing on purpose.
    """

    __slots__ = ("sync_session",)

    def __init__(self, session: Session):
        self.sync_session = session

    @property
    def bind(self):
        return self.sync_session.bind

    def in_transaction(self) -> bool:
        return self.sync_session.in_transaction()

    async def execute(self, statement, params=None, *, execution_options=None, **kw):
        return self.sync_session.execute(statement, params, execution_options={**(execution_options or {}),
                                                                                **_PREBUFFER}, **kw)

    async def scalars(self, statement, params=None, **kw):
        return (await self.execute(statement, params, **kw)).scalars()

    async def scalar(self, statement, params=None, *, execution_options=None, **kw):
        return self.sync_session.scalar(statement, params, execution_options={**(execution_options or {}),
                                                                              **_PREBUFFER}, **kw)

    async def get(self, entity, ident, **kw):
        return self.sync_session.get(entity, ident, **kw)


class Database:
    """Owns the engines; services open units of work through it."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite = is_sqlite(url)
        self._read_engine = _make_engine(url, immediate=False)
        self._write_engine = _make_engine(url, immediate=True) if self.sqlite else self._read_engine
        self._read = async_sessionmaker(self._read_engine, expire_on_commit=False)
        # SQLite: reads through the plain engine (InlineReadSession); PostgreSQL reads wait on the network.
        self._read_inline_engine = _make_read_engine(url) if self.sqlite else None
        self._read_inline = (sessionmaker(self._read_inline_engine, expire_on_commit=False)
                             if self._read_inline_engine is not None else None)
        self._write = async_sessionmaker(self._write_engine, expire_on_commit=False)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: commits on success, rolls back on error; `Unavailable` when the store cannot write.

        OSError counts too: files (sealed attachments) are written inside the transaction, so a full or failing
        disk rolls the message back like a database error does.
        """
        try:
            async with self._write() as session, session.begin():
                yield session
        except (*_UNAVAILABLE, OSError) as exc:
            raise Unavailable() from exc

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        try:
            if self._read_inline is not None:
                with self._read_inline() as session, session.begin():
                    yield InlineReadSession(session)
            else:
                async with self._read() as session, session.begin():
                    yield session
        except _UNAVAILABLE as exc:
            raise Unavailable() from exc

    async def dispose(self) -> None:
        await self._read_engine.dispose()
        if self._read_inline_engine is not None:
            self._read_inline_engine.dispose()
        if self._write_engine is not self._read_engine:
            await self._write_engine.dispose()
