"""Database engines and the unit of work.

SQLite is the default (one host, one process); PostgreSQL is used when SM_DATABASE_URL says so.

On SQLite, reads and writes go through two plain engines on the event loop's thread (sqlite_driver.py says why and
what still runs in a worker), behind the part of AsyncSession's API the services use (`InlineReadSession`,
`InlineWriteSession`), so a service reads and writes the same way on both databases. Write transactions start with
BEGIN IMMEDIATE: a deferred transaction that reads and then writes can otherwise fail with SQLITE_BUSY_SNAPSHOT when
another writer commits in between (the audit chain reads its head and then appends).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import Table, create_engine, event, insert
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select
from sqlalchemy.sql.selectable import FromClause

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
    """PostgreSQL's URL for the asyncio engine (SQLite runs on plain engines: `Database`)."""
    u = make_url(url)
    if u.get_backend_name() == "postgresql":
        return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database for the asyncio engine: {u.get_backend_name()} (use postgresql)")


def _sqlite_url(url: str, driver: str):
    """The database's URL with one of sqlite_driver's drivers (reads or writes, on the event loop's thread)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        raise ValueError(f"not a SQLite URL: {u.get_backend_name()}")
    return u.set(drivername=f"sqlite+{driver}")


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


def _make_async_engine(url: str) -> AsyncEngine:
    """PostgreSQL: reads and writes wait on the network, so they go through SQLAlchemy's asyncio engine."""
    return create_async_engine(async_url(url), pool_size=10, max_overflow=10, pool_pre_ping=True,
                               pool_timeout=POOL_WAIT_SECONDS, hide_parameters=True)


def _make_read_engine(url: str):
    """SQLite reads on a plain engine (sqlite_driver.SQLiteDialect_read): query-only connections, and a pool that
    never waits (a read never holds its connection across a wait of its own, but a task may await something else
    inside `Database.read`, and a pool that waited would stall the whole loop)."""
    engine = create_engine(_sqlite_url(url, sqlite_driver.READ_DRIVER), pool_size=5, max_overflow=-1,
                           hide_parameters=True)  # error texts reach logs; parameters can be names or sealed text

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        sqlite_pragmas(dbapi_connection)
        dbapi_connection.sqlite.execute("PRAGMA query_only=ON")

    return engine


def _make_write_engine(url: str):
    """SQLite writes on a plain engine (sqlite_driver.SQLiteDialect_write), its one connection begun and committed by
    `Database.write`."""
    engine = create_engine(_sqlite_url(url, sqlite_driver.WRITE_DRIVER), pool_size=1, max_overflow=0,
                           hide_parameters=True, connect_args={"begin": "CALLER"})  # (hide_parameters: as above)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        sqlite_pragmas(dbapi_connection)

    return engine


# What AsyncSession.execute passes too: ORM results are read in full while the session is open.
_PREBUFFER = {"prebuffer_rows": True}


def _needs_no_orm(statement) -> bool:
    """A Core statement (on tables, not mapped classes), or a SELECT of mapped columns and expressions only: no entity
    to build, no loader option to apply, no object in a session to keep in step. Its SQL is the same whichever way it
    runs (the ORM's compile plugin writes it either way), and so is its result."""
    if not statement._propagate_attrs:  # noqa: SLF001 - no mapped class anywhere in it
        return True
    return (type(statement) is Select and not statement._with_options  # noqa: SLF001
            and not any(isinstance(c, FromClause) and "parententity" in c._annotations  # noqa: SLF001
                        for c in statement._raw_columns))  # noqa: SLF001


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

    def _core(self, statement, kw) -> bool:
        """Whether `statement` runs on the session's connection (Core) rather than through the ORM: one that needs
        nothing from the ORM. Its result is the same, without the ORM's per-execution set-up and result processing
        (about half of a small read's CPU, docs/benchmarks.md); the driver's cursor has read every row already."""
        return not kw and _needs_no_orm(statement)

    async def execute(self, statement, params=None, *, execution_options=None, **kw):
        if self._core(statement, kw):
            return self.sync_session.connection().execute(statement, params, execution_options=execution_options)
        options = {**execution_options, **_PREBUFFER} if execution_options else _PREBUFFER
        return self.sync_session.execute(statement, params, execution_options=options, **kw)

    async def scalars(self, statement, params=None, **kw):
        return (await self.execute(statement, params, **kw)).scalars()

    async def scalar(self, statement, params=None, *, execution_options=None, **kw):
        if self._core(statement, kw):
            return self.sync_session.connection().scalar(statement, params, execution_options=execution_options)
        options = {**execution_options, **_PREBUFFER} if execution_options else _PREBUFFER
        return self.sync_session.scalar(statement, params, execution_options=options, **kw)

    async def get(self, entity, ident, **kw):
        return self.sync_session.get(entity, ident, **kw)


class InlineWriteSession(InlineReadSession):
    """The part of AsyncSession a write transaction uses, over a sync Session on the loop's thread (SQLite): what
    can wait (BEGIN IMMEDIATE, COMMIT) is done by `Database.write` in the worker, around it."""

    __slots__ = ()

    def _core(self, statement, kw) -> bool:
        # Through the ORM a query first flushes what is pending; on the connection it would not, so only a session
        # with nothing pending (no object added, deleted or changed) takes the Core path.
        return not kw and self.sync_session._is_clean() and _needs_no_orm(statement)  # noqa: SLF001

    def add(self, instance) -> None:
        self.sync_session.add(instance)

    async def delete(self, instance) -> None:
        self.sync_session.delete(instance)

    async def flush(self, objects=None) -> None:
        self.sync_session.flush(objects)

    async def refresh(self, instance, attribute_names=None, with_for_update=None) -> None:
        self.sync_session.refresh(instance, attribute_names, with_for_update)


class Database:
    """Owns the engines; services open units of work through it."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite = is_sqlite(url)
        if self.sqlite:
            # Plain engines on the event loop's thread (sqlite_driver.py): reads through InlineReadSession, writes
            # through InlineWriteSession, one at a time in this process (the lock is the writer; waiting for it is
            # bounded by POOL_WAIT_SECONDS, as a pool's wait would be).
            self._read_inline_engine = _make_read_engine(url)
            self._read_inline = sessionmaker(self._read_inline_engine, expire_on_commit=False)
            self._write_inline_engine = _make_write_engine(url)
            self._writer = asyncio.Lock()
        else:
            self._engine = _make_async_engine(url)
            self._sessions = async_sessionmaker(self._engine, expire_on_commit=False)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: commits on success, rolls back on error; `Unavailable` when the store cannot write.

        OSError counts too: files (sealed attachments) are written inside the transaction, so a full or failing
        disk rolls the message back like a database error does.
        """
        if self.sqlite:
            async with self._inline_write() as session:
                yield session
            return
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except (*_UNAVAILABLE, OSError) as exc:
            raise Unavailable() from exc

    @asynccontextmanager
    async def _inline_write(self) -> AsyncIterator[InlineWriteSession]:
        """SQLite: wait (bounded) for this process's one writer, BEGIN IMMEDIATE in the worker, run the body's
        statements and flush inline, COMMIT (the fsync) in the worker. On an error or a cancellation nothing is
        committed; a connection left inside a worker call is closed after it (sqlite_driver.Connection.terminate)."""
        try:
            await asyncio.wait_for(self._writer.acquire(), POOL_WAIT_SECONDS)
        except TimeoutError as exc:
            raise Unavailable() from exc
        try:
            connection = self._write_inline_engine.connect()
            raw = connection.connection.dbapi_connection
            try:
                await raw.begin_writing()
            except BaseException:
                connection.invalidate()  # it may still be waiting for the lock in the worker: closed after that
                raise
            try:
                with Session(bind=connection, expire_on_commit=False) as session:
                    yield InlineWriteSession(session)
                    session.commit()  # the flush, inline; the connection's own commit is the next line's
                await raw.commit_writing()
            except BaseException:
                # A failed body rolled back as the session closed; a failed or abandoned COMMIT leaves the
                # connection to be closed (after the worker's call, if it is still in it), which rolls back too.
                if raw.in_transaction_or_worker():
                    connection.invalidate()
                raise
            finally:
                connection.close()
        except (*_UNAVAILABLE, OSError, sqlite3.OperationalError) as exc:
            # sqlite3's own error: BEGIN IMMEDIATE past the busy timeout ("database is locked") or a failed COMMIT
            # ("disk I/O error"), which this class runs on the DB-API connection itself, outside SQLAlchemy.
            raise Unavailable() from exc
        finally:
            self._writer.release()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        try:
            if self.sqlite:
                with self._read_inline() as session, session.begin():
                    yield InlineReadSession(session)
            else:
                async with self._sessions() as session, session.begin():
                    yield session
        except _UNAVAILABLE as exc:
            raise Unavailable() from exc

    async def dispose(self) -> None:
        if self.sqlite:
            self._read_inline_engine.dispose()
            self._write_inline_engine.dispose()
        else:
            await self._engine.dispose()
