"""An open conversation asks only for the messages after the last one it shows, so the messages of one conversation
must be dated in the order they were written: with the conversation locked, never before its latest message."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.adapters.realtime import psycopg_conninfo
from sm_app.bootstrap import build_system
from tests.conftest import make_settings, seed_clinic

NOON = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
async def clinic_at_noon(tmp_path, database_url):
    clock = FakeClock(NOON)
    system = build_system(make_settings(tmp_path, database_url), clock=clock)
    clinic = await seed_clinic(system)
    yield clinic, clock, database_url
    await system.close()


async def test_a_reply_written_by_a_clock_that_is_behind_still_comes_after_the_last_message(clinic_at_noon):
    clinic, clock, _ = clinic_at_noon
    system = clinic.system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee", body="It still hurts.")
    shown = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
    # Another process of the clinic, whose clock is a minute behind this one's, takes the nurse's reply.
    clock.set(NOON - timedelta(minutes=1))
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Ice it tonight.")

    # The patient's open page asks for what came after the message it shows: the reply is there.
    new = await system.mailbox.view_thread(clinic.pat, sent.thread_id, after=shown.messages[-1].id)
    assert [m.body for m in new.messages] == ["Ice it tonight."]
    whole = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
    assert [m.body for m in whole.messages] == ["It still hurts.", "Ice it tonight."]
    assert whole.messages[1].sent_at > whole.messages[0].sent_at


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SQLite writes one transaction at a time
async def test_two_sends_at_once_are_dated_in_the_order_they_are_written(clinic_at_noon):
    """PostgreSQL runs two writers of one conversation side by side. One (here a bare connection standing in for
    the patient's send on another process) writes its message a minute later by its clock and holds the
    conversation while the nurse's reply, dated noon by this process, starts: the reply must wait, and then be
    dated after the message that committed first — or the patient's open page never shows it."""
    clinic, _, url = clinic_at_noon
    system = clinic.system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee", body="It still hurts.")
    conninfo = psycopg_conninfo(url)
    other = await psycopg.AsyncConnection.connect(conninfo)
    try:
        later = NOON + timedelta(minutes=1)
        await other.execute("SELECT id FROM threads WHERE id = %s FOR UPDATE", (sent.thread_id,))
        await other.execute("UPDATE threads SET last_message_at = %s WHERE id = %s", (later, sent.thread_id))
        reply = asyncio.ensure_future(system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Ice it tonight."))
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as watch:
            for _ in range(200):  # until the reply waits for the conversation
                row = await (await watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
                    "current_database()")).fetchone()
                if row[0]:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the reply never waited for the conversation")
        assert not reply.done()
        await other.commit()
        await reply
    finally:
        await other.close()
    messages = (await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)).messages
    assert messages[-1].body == "Ice it tonight."
    assert messages[-1].sent_at > later
