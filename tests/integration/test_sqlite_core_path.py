"""On SQLite, a statement that needs nothing from the ORM runs on the session's connection, and gives what the ORM gave.

Which statements: a SELECT of columns (no mapped entity to build) and statements on tables. Why: the ORM's set-up and
result processing per execution were about half of a small read's CPU (docs/benchmarks.md). What must not change: the
rows, and a write transaction's own pending changes being visible to its next query (the ORM flushes them first).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from sm_app.adapters.models import Message, OutboxEmail, Thread, User, UserSession
from sm_app.bootstrap import build_system
from tests.conftest import make_settings, seed_clinic


def _orm_executions(sessions: list[str]):
    def on_execute(state) -> None:
        sessions.append(type(state.statement).__name__)
    return on_execute


async def _a_conversation(system):
    """The test clinic and a patient's conversation in it."""
    clinic = await seed_clinic(system)
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Question", body="Is the clinic open on Friday?")
    return clinic, sent


async def test_a_read_of_columns_gives_the_orms_rows_without_the_orm(tmp_path, sqlite_url):
    system = build_system(make_settings(tmp_path, sqlite_url))
    through_orm: list[str] = []
    listener = _orm_executions(through_orm)
    try:
        _, sent = await _a_conversation(system)
        columns = (select(Thread.id, Thread.category, User.name.label("patient"),
                          select(func.count(Message.id)).where(Message.thread_id == Thread.id)
                          .correlate(Thread).scalar_subquery().label("messages"))
                   .join(User, User.id == Thread.patient_id).where(Thread.id == sent.thread_id))
        async with system.db.read() as s:
            by_orm = s.sync_session.execute(columns).all()  # what the ORM gives, for comparison
            event.listen(Session, "do_orm_execute", listener)
            try:
                rows = (await s.execute(columns)).all()
                count = await s.scalar(select(func.count()).select_from(Thread))
                entity = (await s.execute(select(Thread).where(Thread.id == sent.thread_id))).scalar_one()
            finally:
                event.remove(Session, "do_orm_execute", listener)
    finally:
        await system.close()
    assert rows == by_orm == [(sent.thread_id, "General", "Pat Patient", 1)]
    assert rows[0]._fields == by_orm[0]._fields == ("id", "category", "patient", "messages")
    assert count == 1
    # Only the entity read went through the ORM, and it still gives the mapped object.
    assert through_orm == ["Select"]
    assert isinstance(entity, Thread) and entity.id == sent.thread_id


async def test_a_write_sees_its_own_pending_changes_and_takes_the_core_path_only_when_none_are_pending(
        tmp_path, sqlite_url):
    system = build_system(make_settings(tmp_path, sqlite_url))
    through_orm: list[str] = []
    listener = _orm_executions(through_orm)
    token_hash = "a-token-hash"
    later = datetime(2030, 1, 1, tzinfo=UTC)
    try:
        clinic = await seed_clinic(system)
        now = system.clock.now()
        event.listen(Session, "do_orm_execute", listener)
        try:
            async with system.db.write() as s:
                s.add(UserSession(token_hash=token_hash, user_id=clinic.pat.user_id, created_at=now,
                                  last_activity_at=now))
                # Pending: the ORM flushes it before this query, so the query finds it.
                found = (await s.execute(select(UserSession.user_id)
                                         .where(UserSession.token_hash == token_hash))).all()
                # Nothing pending now: a statement on the table runs on the connection.
                table = UserSession.__table__
                changed = await s.execute(update(table).where(table.c.token_hash == token_hash)
                                          .values(last_activity_at=later))
        finally:
            event.remove(Session, "do_orm_execute", listener)
        async with system.db.read() as s:
            stored = await s.scalar(select(UserSession.last_activity_at).where(UserSession.token_hash == token_hash))
    finally:
        await system.close()
    assert found == [(clinic.pat.user_id,)]
    assert changed.rowcount == 1
    assert stored.replace(tzinfo=UTC) == later
    assert through_orm == ["Select"]  # the query that had a pending object to flush first


async def test_a_reply_writes_its_rows_as_statements_and_loads_only_the_thread_through_the_orm(tmp_path, sqlite_url):
    """A send's message row, the thread's time, the send key and the queued email are statements on their tables, so
    its session stays clean and the rest of the send runs on the connection (about 40 % of a send's CPU before).
    The thread itself is still loaded as a mapped object: the response clock's handler changes it."""
    system = build_system(make_settings(tmp_path, sqlite_url))
    through_orm: list[str] = []
    listener = _orm_executions(through_orm)
    try:
        clinic, sent = await _a_conversation(system)
        await system.messaging.reply(clinic.blue_nurse, sent.thread_id, body="Yes, from 8.", send_key="first")
        event.listen(Session, "do_orm_execute", listener)
        try:
            reply = await system.messaging.reply(clinic.pat, sent.thread_id, body="Thank you, see you then.",
                                                 send_key="second")
        finally:
            event.remove(Session, "do_orm_execute", listener)
        again = await system.messaging.reply(clinic.pat, sent.thread_id, body="Thank you, see you then.",
                                             send_key="second")
        view = await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)
        async with system.db.read() as s:
            emails = (await s.execute(select(func.count()).select_from(OutboxEmail)
                                      .where(OutboxEmail.event_key.like(f"message:{reply.message_id}:%")))).scalar()
    finally:
        await system.close()
    # The thread under the access rule, and the next query after the response clock's handler changed the thread
    # and started a clock (the ORM flushes those first; then the session is clean again).
    assert through_orm == ["Select", "Select"]
    assert again == reply  # the send key was recorded with what it made
    assert [m.body for m in view.messages][-1] == "Thank you, see you then."
    assert view.messages[-1].id == reply.message_id and len(view.messages) == 3
    assert emails == 0  # staff chose no email for each message; the patient's own reply emails nobody
