"""Several processes on one PostgreSQL database: pushes cross processes (LISTEN/NOTIFY, ids only), one scheduler
leader at a time (an advisory lock), and the outbox and the sweep do their work once when several run at once.

Each "process" here is a System (or a bus, or a leader) of its own with its own connections to one fresh database;
tests/e2e/test_scale_out.py runs real processes behind nginx.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime

import psycopg
import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.adapters.leader import AdvisoryLockLeader, make_leader
from sm_app.adapters.realtime import (
    CHANNEL,
    PostgresBus,
    RealtimeBus,
    ThreadChanged,
    make_bus,
    psycopg_conninfo,
)
from sm_app.bootstrap import build_system
from tests.conftest import _pg_database, make_settings, seed_clinic

pytestmark = pytest.mark.postgres

WAIT = 5.0


@pytest.fixture
def pg_url():
    from sm_app.adapters.migrate import upgrade  # noqa: PLC0415

    url, drop = _pg_database()
    upgrade(url)
    yield url
    drop()


async def _until(predicate, within: float = WAIT) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def _eventually(check, within: float = WAIT) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def _terminate(url: str, application_name: str) -> int:
    async with await psycopg.AsyncConnection.connect(psycopg_conninfo(url), autocommit=True) as conn:
        cur = await conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND application_name = %s", (application_name,))
        return (await cur.fetchone())[0]


def test_the_database_url_chooses_the_bus_and_the_leader(tmp_path):
    assert type(make_bus(f"sqlite:///{tmp_path / 'x.db'}")) is RealtimeBus
    assert make_leader(f"sqlite:///{tmp_path / 'x.db'}").is_leader
    assert isinstance(make_bus("postgresql://u@127.0.0.1/db"), PostgresBus)
    assert isinstance(make_leader("postgresql://u@127.0.0.1/db"), AdvisoryLockLeader)


async def test_a_push_reaches_the_other_process_once_and_carries_ids_only(pg_url):
    a, b = PostgresBus(pg_url), PostgresBus(pg_url)
    got_a, got_b = [], []
    a.subscribe("nurse-1", got_a.append)
    b.subscribe("nurse-1", got_b.append)
    b.subscribe("patient-2", got_b.append)
    async with await psycopg.AsyncConnection.connect(psycopg_conninfo(pg_url), autocommit=True) as spy:
        await spy.execute(f"LISTEN {CHANNEL}")
        await a.start()
        await b.start()
        try:
            await asyncio.wait_for(asyncio.gather(a.listening.wait(), b.listening.wait()), WAIT)
            event = ThreadChanged("thread-9", "message", by="patient-2")
            a.publish(["nurse-1", "nobody-here"], event)
            assert got_a == [event]  # this process's own page: at once, not through the database
            assert await _until(lambda: got_b == [event])
            payload = None
            async for notify in spy.notifies(timeout=WAIT, stop_after=1):
                payload = json.loads(notify.payload)
            assert payload == {"o": a.origin, "u": ["nobody-here", "nurse-1"],
                               "e": {"thread_id": "thread-9", "kind": "message", "by": "patient-2"}}
            await asyncio.sleep(0.3)
            assert got_a == [event] and got_b == [event]  # nobody told twice (a skips its own notification)
        finally:
            await a.stop()
            await b.stop()


async def test_a_push_to_many_people_is_split_and_all_arrive(pg_url):
    a, b = PostgresBus(pg_url), PostgresBus(pg_url)
    people = [f"{i:032x}" for i in range(250)]
    got: set[str] = set()
    for person in people:
        b.subscribe(person, lambda e, who=person: got.add(who))
    await a.start()
    await b.start()
    try:
        await asyncio.wait_for(b.listening.wait(), WAIT)
        a.publish(people, ThreadChanged("broadcast-1", "broadcast"))
        assert await _until(lambda: got == set(people))
    finally:
        await a.stop()
        await b.stop()


async def test_the_listener_connects_again_after_its_connection_drops(pg_url):
    a, b = PostgresBus(pg_url), PostgresBus(pg_url)
    got = []
    b.subscribe("nurse-1", got.append)
    await a.start()
    await b.start()
    try:
        await asyncio.wait_for(b.listening.wait(), WAIT)
        assert await _terminate(pg_url, "sm-app realtime listen") == 2  # both processes' listeners
        assert await _until(lambda: b.reconnects >= 1)
        await asyncio.wait_for(b.listening.wait(), WAIT)
        a.publish(["nurse-1"], ThreadChanged("thread-1", "status"))
        assert await _until(lambda: got == [ThreadChanged("thread-1", "status")])
    finally:
        await a.stop()
        await b.stop()


async def test_the_sender_connects_again_after_its_connection_drops(pg_url):
    a, b = PostgresBus(pg_url), PostgresBus(pg_url)
    got = []
    b.subscribe("nurse-1", got.append)
    await a.start()
    await b.start()
    try:
        await asyncio.wait_for(b.listening.wait(), WAIT)
        a.publish(["nurse-1"], ThreadChanged("thread-1", "status"))
        assert await _until(lambda: len(got) == 1)
        assert await _terminate(pg_url, "sm-app realtime notify") == 1
        a.publish(["nurse-1"], ThreadChanged("thread-2", "status"))
        assert await _until(lambda: len(got) == 2)
        assert got[1].thread_id == "thread-2"
    finally:
        await a.stop()
        await b.stop()


async def test_one_leader_at_a_time_and_another_takes_over_when_it_goes(pg_url):
    first, second = AdvisoryLockLeader(pg_url), AdvisoryLockLeader(pg_url)
    try:
        assert await first.check() is True
        assert await second.check() is False
        assert await first.check() is True  # still holds it
        await first.close()  # a clean stop lets go at once
        assert await second.check() is True
        assert await first.check() is False
        # The leader's connection dies (as when its process is killed): the lock goes with it.
        pid = second._conn.info.backend_pid
        async with await psycopg.AsyncConnection.connect(psycopg_conninfo(pg_url), autocommit=True) as conn:
            await conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            for _ in range(250):  # the signal is asynchronous: wait until that backend has gone
                cur = await conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,))
                if (await cur.fetchone())[0] == 0:
                    break
                await asyncio.sleep(0.02)
        assert await second.check() is False  # it notices it lost the connection, and with it the lock
        assert await _eventually(first.check)  # the server lets go of a dead backend's locks as it exits
        assert await second.check() is False
    finally:
        await first.close()
        await second.close()


MONDAY_9AM = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
REMIND = datetime(2026, 11, 4, 16, 15, tzinfo=UTC)


class RecordingMailer:
    def __init__(self):
        self.sent: list[str] = []

    async def send(self, message) -> None:
        await asyncio.sleep(0.01)  # the other process runs meanwhile
        self.sent.append(message["To"])


async def test_two_processes_sweep_and_send_email_once(tmp_path, pg_url):
    mailer_a, mailer_b = RecordingMailer(), RecordingMailer()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    settings_a = make_settings(tmp_path / "a", pg_url)
    a = build_system(settings_a, clock=FakeClock(MONDAY_9AM), mailer=mailer_a)
    os.link(settings_a.key_file, tmp_path / "b" / "keys.json")  # one clinic: one key file
    b = build_system(make_settings(tmp_path / "b", pg_url), clock=FakeClock(MONDAY_9AM), mailer=mailer_b)
    try:
        clinic = await seed_clinic(a)
        for i in range(6):
            await a.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                           subject=f"Question {i}", body="When is my next visit due?")
        a.clock.set(REMIND)
        b.clock.set(REMIND)
        results = await asyncio.gather(a.escalation.sweep(), b.escalation.sweep(), a.escalation.sweep())
        assert sum(r.reminders for r in results) == 6  # every reminder once, whoever swept it
        for _ in range(3):
            await asyncio.gather(a.notifications.dispatch(), b.notifications.dispatch())
        sent = mailer_a.sent + mailer_b.sent
        async with await psycopg.AsyncConnection.connect(psycopg_conninfo(pg_url)) as conn:
            cur = await conn.execute("SELECT status, count(*) FROM email_outbox GROUP BY status")
            by_status = dict(await cur.fetchall())
        assert by_status.get("pending", 0) == 0
        assert len(sent) == by_status["sent"] >= 6  # each row went out once, by one process or the other
    finally:
        await a.close()
        await b.close()
