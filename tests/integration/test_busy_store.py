"""A burst the store cannot take now is refused quickly and clearly, and the demo mailer never blocks the loop."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from contextlib import asynccontextmanager
from email.message import EmailMessage

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from sm_app.adapters import db as db_module
from sm_app.bootstrap import build_system
from sm_app.notifications.outbox import FileMailer
from sm_app.shared.errors import Unavailable
from tests.conftest import make_settings, seed_clinic


async def test_a_send_that_cannot_get_the_writer_is_refused_not_hung(tmp_path, sqlite_url, monkeypatch):
    # SQLite has one writer: hold it (as a long burst would) and send; the send must give up after the pool wait
    # and say "busy" (the page shows "Not sent — your text is kept"), instead of hanging for SQLAlchemy's 30 s.
    monkeypatch.setattr(db_module, "POOL_WAIT_SECONDS", 0.5)
    system = build_system(make_settings(tmp_path, sqlite_url))
    try:
        clinic = await seed_clinic(system)
        sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="Question", body="Is the clinic open on Friday?")
        holding, release = asyncio.Event(), asyncio.Event()

        async def hold_the_writer() -> None:
            async with system.db.write() as s:
                await s.execute(text("SELECT 1"))  # a session takes its connection at its first statement
                holding.set()
                await release.wait()

        holder = asyncio.create_task(hold_the_writer())
        await holding.wait()
        with pytest.raises(Unavailable):
            # Bounded far below the 30 s it used to hang: a refusal, not a timeout of this test.
            await asyncio.wait_for(system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Yes, 8 to 5."), 10)
        release.set()
        await holder
        # Nothing half-sent: the conversation still has only the patient's message, and a retry goes through.
        assert len((await system.mailbox.view_thread(clinic.pat, sent.thread_id)).messages) == 1
        await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Yes, 8 to 5.")
        assert len((await system.mailbox.view_thread(clinic.pat, sent.thread_id)).messages) == 2
    finally:
        await system.close()


async def test_the_demo_mailer_writes_and_fsyncs_off_the_event_loop(tmp_path, monkeypatch):
    loop_thread = threading.get_ident()
    fsynced_in: list[int] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        fsynced_in.append(threading.get_ident())
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    message = EmailMessage()
    message["Message-ID"] = "<test-1@clinic.test>"
    message["To"] = "pat@example.org"
    message.set_content("You have a new secure message.")
    await FileMailer(tmp_path / "mail").send(message)
    assert (tmp_path / "mail" / "test-1_clinic.test.eml").read_bytes().endswith(b"You have a new secure message.\n")
    assert fsynced_in and all(t != loop_thread for t in fsynced_in)


def _trace_statements(threads: list[tuple[str, int]]):
    """Record (statement, thread) for every SQL statement SQLite runs on connections made from now on."""
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.sqlite.set_trace_callback(
            lambda statement: threads.append((statement.split()[0].upper() + (
                " IMMEDIATE" if statement.upper().startswith("BEGIN IMMEDIATE") else ""), threading.get_ident())))
    return on_connect


async def test_sqlite_statements_run_on_the_loop_and_only_lock_waits_and_fsyncs_leave_it(tmp_path, sqlite_url):
    # Each statement used to cross to a driver thread and back (about 0.5 ms of CPU each, 60-70 per message); now
    # they run where the page's code runs, and only what can wait (another process's write lock, the commit's
    # fsync) goes to a worker thread, so the loop that serves every open page never waits on either.
    system = build_system(make_settings(tmp_path, sqlite_url))
    statements: list[tuple[str, int]] = []
    listener = _trace_statements(statements)
    try:
        clinic = await seed_clinic(system)
        await system.db.dispose()  # the pools' next connections are made with the trace below
        event.listen(Engine, "connect", listener)
        loop_thread = threading.get_ident()
        sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="Question", body="Is the clinic open on Friday?")
        wrote = list(statements)
        statements.clear()
        shown = await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)
        read = list(statements)
    finally:
        event.remove(Engine, "connect", listener)
        await system.close()
    assert shown.messages[0].body == "Is the clinic open on Friday?"
    # The send: its statements on the loop, its BEGIN IMMEDIATE and COMMIT in a worker thread.
    kinds = {kind for kind, _ in wrote}
    assert {"BEGIN IMMEDIATE", "INSERT", "COMMIT"} <= kinds
    assert all(thread != loop_thread for kind, thread in wrote if kind in ("BEGIN IMMEDIATE", "COMMIT"))
    assert all(thread == loop_thread for kind, thread in wrote if kind in ("INSERT", "UPDATE", "SELECT"))
    # A read that only reads: everything on the loop, its BEGIN and end included.
    assert {"BEGIN", "SELECT"} <= {kind for kind, _ in read}
    assert all(thread == loop_thread for _, thread in read)


@asynccontextmanager
async def _a_send_waiting_for_another_process(tmp_path, sqlite_url):
    """Another process (a CLI command, a migration) holds SQLite's write lock; a nurse's reply has started and
    waits for it. Yields the system, the clinic, the conversation, that process's connection and the reply's task."""
    system = build_system(make_settings(tmp_path, sqlite_url))
    other_process = sqlite3.connect(tmp_path / "sm.db", isolation_level=None)
    loop = asyncio.get_running_loop()
    send_waits = asyncio.Event()

    def on_connect(dbapi_connection, _record) -> None:
        def traced(statement: str) -> None:
            if statement.upper().startswith("BEGIN IMMEDIATE"):
                loop.call_soon_threadsafe(send_waits.set)
        dbapi_connection.sqlite.set_trace_callback(traced)

    try:
        clinic = await seed_clinic(system)
        sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="Question", body="Is the clinic open on Friday?")
        await system.db.dispose()  # the pools' next connections are made with the trace above
        event.listen(Engine, "connect", on_connect)
        other_process.execute("BEGIN IMMEDIATE")
        reply = asyncio.create_task(system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Yes, 8 to 5."))
        await asyncio.wait_for(send_waits.wait(), 10)
        yield system, clinic, sent, other_process, reply
    finally:
        event.remove(Engine, "connect", on_connect)
        other_process.close()
        await system.close()


async def test_a_send_waiting_for_another_process_write_lock_leaves_everyone_else_served(tmp_path, sqlite_url):
    # The send waits for the lock (up to the busy timeout) in a worker thread; meanwhile the event loop goes on
    # serving reads for everyone else.
    async with _a_send_waiting_for_another_process(tmp_path, sqlite_url) as (system, clinic, sent, other, reply):
        waiting_since = time.monotonic()
        seen = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
        assert time.monotonic() - waiting_since < 2  # the busy timeout is 10 s
        assert [m.body for m in seen.messages] == ["Is the clinic open on Friday?"]
        assert not reply.done()
        other.execute("COMMIT")
        await asyncio.wait_for(reply, 10)
        after = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
        assert [m.body for m in after.messages] == ["Is the clinic open on Friday?", "Yes, 8 to 5."]


async def test_a_send_given_up_while_it_waits_for_the_write_lock_does_not_stop_the_loop(tmp_path, sqlite_url):
    # The person closed the page (their send's task is cancelled) while the send waited for the lock: the connection
    # it held is let go off the loop, so the loop does not wait out the lock for it.
    async with _a_send_waiting_for_another_process(tmp_path, sqlite_url) as (system, clinic, sent, other, reply):
        reply.cancel()
        given_up_at = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await reply
        seen = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
        assert time.monotonic() - given_up_at < 2  # the lock is still held; the busy timeout is 10 s
        assert [m.body for m in seen.messages] == ["Is the clinic open on Friday?"]
        other.execute("COMMIT")
        # And the store takes the next send.
        await asyncio.wait_for(system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Yes, 8 to 5."), 10)
        after = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
        assert [m.body for m in after.messages] == ["Is the clinic open on Friday?", "Yes, 8 to 5."]


async def test_a_send_given_up_during_its_commit_is_kept_and_the_server_goes_on(tmp_path, sqlite_url):
    # The page closed while its send's COMMIT was being written to disk in the worker thread: the connection is let
    # go only after that COMMIT (closing it meanwhile, from the loop, crashed the server), the message is kept, and
    # the next send goes through.
    system = build_system(make_settings(tmp_path, sqlite_url))
    loop = asyncio.get_running_loop()
    commit_started, finish_commit = asyncio.Event(), threading.Event()

    def on_connect(dbapi_connection, _record) -> None:
        def traced(statement: str) -> None:
            if statement == "COMMIT" and not finish_commit.is_set():
                loop.call_soon_threadsafe(commit_started.set)
                finish_commit.wait(10)  # the disk is slow: the worker is in the COMMIT until the test lets it go
        dbapi_connection.sqlite.set_trace_callback(traced)

    try:
        clinic = await seed_clinic(system)
        sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="Question", body="Is the clinic open on Friday?")
        await system.db.dispose()
        event.listen(Engine, "connect", on_connect)
        reply = asyncio.create_task(system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Yes, 8 to 5."))
        await asyncio.wait_for(commit_started.wait(), 10)
        reply.cancel()
        given_up_at = time.monotonic()
        with pytest.raises(asyncio.CancelledError):
            await reply
        assert time.monotonic() - given_up_at < 2  # the loop did not wait for the disk
        finish_commit.set()
        await asyncio.wait_for(system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Call us to book."), 10)
        after = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
        assert [m.body for m in after.messages] == ["Is the clinic open on Friday?", "Yes, 8 to 5.",
                                                    "Call us to book."]
    finally:
        finish_commit.set()
        event.remove(Engine, "connect", on_connect)
        await system.close()
