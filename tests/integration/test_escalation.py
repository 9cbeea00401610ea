"""Reminders and escalations fire once each, at the right time, across repeated sweeps and restarts.

A patient writes on Monday 2026-11-02 09:00 New York time (14:00 UTC). With 9-hour business days:
reminder at 75 % of 27 h = Wednesday 11:15; due Thursday 09:00; second escalation Friday 09:00.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from tests.conftest import make_settings, seed_clinic

MONDAY_9AM = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
REMIND = datetime(2026, 11, 4, 16, 15, tzinfo=UTC)
DUE = datetime(2026, 11, 5, 14, 0, tzinfo=UTC)
SECOND = datetime(2026, 11, 6, 14, 0, tzinfo=UTC)


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(MONDAY_9AM))
    clinic = await seed_clinic(system)
    # Paul leads the Blue team: escalations go to him.
    await system.accounts.add_member(team="Blue Team", email=clinic.blue_provider.email, role="provider", lead=True)
    yield clinic
    await system.close()


async def _thread(clinic, category="General") -> str:
    sent = await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category=category,
                                                      subject="Question", body="When is my next visit due?")
    return sent.thread_id


def _at(clinic, when: datetime) -> None:
    clinic.system.clock.set(when)


async def _alerts(clinic, actor) -> list[tuple[str, str]]:
    return [(a.kind, a.thread_id) for a in await clinic.system.escalation.alerts(actor)]


async def test_reminder_escalation_and_admin_escalation_fire_once_each_on_time(clinic):
    system = clinic.system
    thread = await _thread(clinic)
    await system.triage.claim(clinic.blue_nurse, thread)
    sweep = system.escalation.sweep

    _at(clinic, REMIND.replace(minute=14))
    assert (await sweep()).reminders == 0
    _at(clinic, REMIND)
    assert (await sweep()).reminders == 1
    assert (await sweep()).reminders == 0  # running again sends nothing new
    assert await _alerts(clinic, clinic.blue_nurse) == [("reminder", thread)]
    assert await _alerts(clinic, clinic.blue_provider) == []

    _at(clinic, DUE)
    result = await sweep()
    assert (result.reminders, result.escalations) == (0, 1)
    assert await _alerts(clinic, clinic.blue_provider) == [("escalation", thread)]  # the team lead
    assert await _alerts(clinic, clinic.blue_nurse) == [("reminder", thread)]
    view = await system.worklist.details(clinic.blue_nurse, thread)
    assert view.overdue
    assert "Overdue: escalated to the team leads" in [h.text for h in view.history]
    assert (await system.worklist.page(clinic.blue_nurse, show="overdue")).items[0].id == thread

    _at(clinic, SECOND)
    assert (await sweep()).admin_escalations == 1
    assert (await sweep()).admin_escalations == 0
    admin_alerts = await system.escalation.alerts(clinic.admin)
    assert [(a.kind, a.can_open) for a in admin_alerts] == [("admin_escalation", False)]
    # The admin sees the team, never the patient or the subject.
    assert admin_alerts[0].text == "Still overdue one business day later: a conversation for Blue Team."
    assert await _alerts(clinic, clinic.green_nurse) == []
    assert await system.escalation.unread_count(clinic.blue_nurse) == 1
    await system.escalation.mark_all_read(clinic.blue_nurse)
    assert await system.escalation.unread_count(clinic.blue_nurse) == 0


async def test_a_restart_between_sweeps_never_alerts_twice(clinic, tmp_path, database_url):
    thread = await _thread(clinic)
    _at(clinic, DUE)
    first = await clinic.system.escalation.sweep()
    # After downtime both due stages run in one sweep, in order, once each.
    assert (first.reminders, first.escalations, first.admin_escalations) == (1, 1, 0)
    # "Restart": a new System on the same database and key file, as after a crash.
    restarted = build_system(make_settings(tmp_path, database_url), clock=FakeClock(DUE))
    try:
        again = await restarted.escalation.sweep()
        assert (again.reminders, again.escalations, again.admin_escalations) == (0, 0, 0)
        restarted.clock.set(SECOND)
        assert (await restarted.escalation.sweep()).admin_escalations == 1
    finally:
        await restarted.close()
    assert (await clinic.system.escalation.sweep()).admin_escalations == 0
    # Unassigned: the reminder went to the team (no pool for General); the escalation to the lead only.
    assert sorted(await _alerts(clinic, clinic.blue_nurse)) == [("reminder", thread)]
    assert sorted(await _alerts(clinic, clinic.blue_provider)) == [("escalation", thread), ("reminder", thread)]
    assert await _alerts(clinic, clinic.admin) == [("admin_escalation", thread)]


async def test_concurrent_sweeps_alert_once(clinic):
    threads = [await _thread(clinic) for _ in range(5)]
    _at(clinic, SECOND)
    results = await asyncio.gather(*(clinic.system.escalation.sweep() for _ in range(3)))
    assert sum(r.reminders for r in results) == 5
    assert sum(r.escalations for r in results) == 5
    assert sum(r.admin_escalations for r in results) == 5
    admin = await _alerts(clinic, clinic.admin)
    assert sorted(t for _, t in admin) == sorted(threads)
    # 15 stages, each one audit entry appended in order: the chain still verifies.
    actions = [e["action"] for e in await clinic.system.audit.entries(15)]
    assert sorted(actions) == sorted(["thread.reminder", "thread.escalation", "thread.admin_escalation"] * 5)
    assert (await clinic.system.audit.verify()).ok
    history = [h.text for h in (await clinic.system.worklist.details(clinic.blue_nurse, threads[0])).history]
    assert history[-3:] == ["Reminder sent to the team", "Overdue: escalated to the team leads",
                            "Still overdue: escalated to the clinic admin"]


async def test_an_answer_before_the_reminder_stops_every_alert(clinic):
    thread = await _thread(clinic, "Medication")
    _at(clinic, REMIND.replace(hour=15))
    await clinic.system.messaging.reply(clinic.blue_nurse, thread, "Your next visit is in March.")
    _at(clinic, SECOND)
    result = await clinic.system.escalation.sweep()
    assert (result.reminders, result.escalations, result.admin_escalations) == (0, 0, 0)
    assert await _alerts(clinic, clinic.admin) == []


async def test_unassigned_reminder_goes_to_the_role_pool(clinic):
    system = clinic.system
    pharmacist = await system.accounts.create_user(email="phil@example.org", role="pharmacist", name="Phil Pharm",
                                                   password="staff-password-long-1")
    await system.accounts.add_member(team="Blue Team", email="phil@example.org", role="pharmacist")
    thread = await _thread(clinic, "Medication")
    _at(clinic, REMIND)
    await system.escalation.sweep()
    from sm_app.identity.accounts import Actor

    phil = Actor(pharmacist.id, "pharmacist", pharmacist.name, pharmacist.email)
    assert await _alerts(clinic, phil) == [("reminder", thread)]
    assert await _alerts(clinic, clinic.blue_nurse) == []
