"""Urgent treated as urgent: a message the urgent-words check flagged (sent anyway) runs on the urgent clock, alerts
the team leads and whoever is on call at once (in the app and by a fixed-text email), and escalates to the whole team
and the clinic admin when nobody opened it in time. On SQLite and PostgreSQL.

The issue's case: "crushing chest pain, left arm numb" on Saturday 2026-11-07 at 8:59 PM New York time (01:59 UTC on
Sunday). With 08:00-17:00 business hours and a 1-business-hour urgent clock, it is due Monday 09:00 (14:00 UTC) —
not Thursday, as the routine 3-business-day clock would have it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from sm_app.adapters.clock import FakeClock
from sm_app.adapters.models import OutboxEmail
from sm_app.bootstrap import build_system
from sm_app.care_team.response_clock import BusinessHours
from sm_app.identity.accounts import Actor
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import STAFF_PW, make_settings, seed_clinic

SATURDAY_NIGHT = datetime(2026, 11, 8, 1, 59, tzinfo=UTC)  # Sat 20:59 New York
MONDAY_9AM = datetime(2026, 11, 9, 14, 0, tzinfo=UTC)
MONDAY_10AM = datetime(2026, 11, 9, 15, 0, tzinfo=UTC)
MONDAY_11AM = datetime(2026, 11, 9, 16, 0, tzinfo=UTC)
URGENT_TEXT = "I have crushing chest pain, left arm numb."


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(SATURDAY_NIGHT))
    clinic = await seed_clinic(system)
    acc = system.accounts
    # Paul leads the Blue team; Olive is on call; Nina is neither.
    await acc.add_member(team="Blue Team", email=clinic.blue_provider.email, role="provider", lead=True)
    olive = await acc.create_user(email="olive@example.org", role="nurse", name="Olive Oncall", password=STAFF_PW)
    await acc.add_member(team="Blue Team", email=olive.email, role="nurse", on_call=True)
    clinic.olive = Actor(olive.id, olive.role, olive.name, olive.email)
    yield clinic
    await system.close()


async def _urgent(clinic, body: str = URGENT_TEXT, *, patient=None, team_id=None) -> str:
    sent = await clinic.system.messaging.start_thread(
        patient or clinic.pat, team_id=team_id or clinic.blue_id, category="General", subject="Since tonight",
        body=body, urgent_acknowledged=True)
    return sent.thread_id


async def _alerts(clinic, actor) -> list[tuple[str, str]]:
    return sorted((a.kind, a.thread_id) for a in await clinic.system.escalation.alerts(actor))


async def _emails(clinic) -> list[OutboxEmail]:
    async with clinic.system.db.read() as s:
        return list((await s.scalars(select(OutboxEmail).order_by(OutboxEmail.to_address))).all())


async def test_an_urgent_message_is_due_in_one_business_hour_not_three_days(clinic):
    thread = await _urgent(clinic)
    view = await clinic.system.worklist.details(clinic.blue_nurse, thread)
    assert view.urgent and view.due_at == MONDAY_9AM
    row = (await clinic.system.worklist.page(clinic.blue_nurse)).items[0]
    assert (row.id, row.due_at) == (thread, MONDAY_9AM)


async def test_the_team_leads_and_on_call_are_alerted_at_once_in_the_app_and_by_email(clinic):
    system = clinic.system
    await system.notifications.set_email_mode(clinic.olive, "digest")  # an urgent alert is not held for the digest
    thread = await _urgent(clinic)
    # No sweep has run: the alert came with the message.
    assert await _alerts(clinic, clinic.blue_provider) == [("urgent", thread)]
    assert await _alerts(clinic, clinic.olive) == [("urgent", thread)]
    assert await _alerts(clinic, clinic.blue_nurse) == []
    assert await _alerts(clinic, clinic.admin) == []
    alert = (await system.escalation.alerts(clinic.olive))[0]
    assert alert.can_open and not alert.read and alert.due_at == MONDAY_9AM
    urgent_emails = [e for e in await _emails(clinic) if e.kind == "urgent"]
    assert sorted(e.to_address for e in urgent_emails) == ["olive@example.org", "paul@example.org"]
    for email in urgent_emails:
        stored = " ".join(str(getattr(email, c.key)) for c in OutboxEmail.__table__.columns).lower()
        for word in ("chest", "arm", "numb", "since tonight", "pat patient", "heart", "blue team"):
            assert word not in stored, word
        assert "flagged urgent" in email.body and "Test Clinic" in email.body
    history = [h.text for h in (await system.worklist.details(clinic.blue_nurse, thread)).history]
    assert "Flagged urgent: the team leads and on call were alerted" in history
    assert "thread.urgent_alert" in [e["action"] for e in await system.audit.entries(20)]
    assert (await system.audit.verify()).ok


async def test_a_routine_message_alerts_nobody_and_keeps_the_routine_clock(clinic):
    sent = await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                      subject="Parking", body="Where do I park on Monday?")
    for actor in (clinic.blue_provider, clinic.olive, clinic.blue_nurse):
        assert await _alerts(clinic, actor) == []
    due = (await clinic.system.worklist.details(clinic.blue_nurse, sent.thread_id)).due_at
    # Three business days: Monday, Tuesday and (Wednesday is Veterans Day) Thursday, 17:00.
    assert due == datetime(2026, 11, 12, 22, 0, tzinfo=UTC)


async def test_the_urgent_clock_is_the_clinics_setting(clinic):
    system = clinic.system
    hours = await system.clinic_settings.business_hours()
    with pytest.raises(ValidationError):
        BusinessHours(urgent_target_business_hours=0)
    with pytest.raises(NotAllowed):
        await system.clinic_settings.set_business_hours(clinic.blue_provider,
                                                        BusinessHours(urgent_target_business_hours=2))
    new = BusinessHours(timezone=hours.timezone, urgent_target_business_hours=2)
    await system.clinic_settings.set_business_hours(clinic.admin, new)
    assert (await system.clinic_settings.business_hours()).urgent_target_business_hours == 2
    thread = await _urgent(clinic)
    assert (await system.worklist.details(clinic.blue_nurse, thread)).due_at == MONDAY_10AM  # Monday 08:00 + 2 h


async def test_an_urgent_reply_moves_a_running_clock_earlier(clinic):
    system = clinic.system
    system.clock.set(MONDAY_9AM)
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Blood pressure", body="My readings this week are attached.")
    routine_due = (await system.worklist.details(clinic.blue_nurse, sent.thread_id)).due_at
    assert routine_due > MONDAY_11AM
    system.clock.set(MONDAY_10AM)
    await system.messaging.reply(clinic.pat, sent.thread_id, "Now I can't breathe properly.",
                                 urgent_acknowledged=True)
    assert (await system.worklist.details(clinic.blue_nurse, sent.thread_id)).due_at == MONDAY_11AM
    assert await _alerts(clinic, clinic.olive) == [("urgent", sent.thread_id)]


async def test_nobody_opened_it_in_time_escalates_to_the_whole_team_and_the_admin(clinic):
    system = clinic.system
    thread = await _urgent(clinic)
    system.clock.set(MONDAY_9AM.replace(minute=59, hour=13))
    assert (await system.escalation.sweep()).escalations == 0  # not due yet
    system.clock.set(MONDAY_9AM)
    assert (await system.escalation.sweep()).escalations == 1
    assert (await system.escalation.sweep()).escalations == 0  # once
    for actor in (clinic.blue_nurse, clinic.blue_provider, clinic.olive, clinic.admin):
        assert ("urgent_unopened", thread) in await _alerts(clinic, actor), actor.name
    assert await _alerts(clinic, clinic.green_nurse) == []
    # The admin is told which team, never the patient or the subject, and cannot open it.
    admin_alert = (await system.escalation.alerts(clinic.admin))[0]
    assert not admin_alert.can_open and "Pat" not in admin_alert.text and "Since tonight" not in admin_alert.text
    assert "urgent_unopened" in {e.kind for e in await _emails(clinic)}
    history = [h.text for h in (await system.worklist.details(clinic.blue_nurse, thread)).history]
    assert "Urgent and unopened: escalated to the whole team and the clinic admin" in history
    assert (await system.worklist.details(clinic.blue_nurse, thread)).overdue


async def test_opened_in_time_but_unanswered_escalates_like_any_overdue_thread(clinic):
    system = clinic.system
    thread = await _urgent(clinic)
    system.clock.set(MONDAY_9AM.replace(hour=13))  # Monday 08:00: the on-call nurse opens it
    await system.mailbox.open_thread(clinic.olive, thread)
    system.clock.set(MONDAY_9AM)
    result = await system.escalation.sweep()
    assert result.escalations == 1
    assert await _alerts(clinic, clinic.blue_provider) == [("escalation", thread), ("urgent", thread)]
    assert await _alerts(clinic, clinic.blue_nurse) == []
    assert await _alerts(clinic, clinic.admin) == []


async def test_an_answer_before_the_urgent_due_time_stops_the_escalation(clinic):
    system = clinic.system
    thread = await _urgent(clinic)
    await system.messaging.reply(clinic.olive, thread, "Please call 911 now; we are calling you too.")
    system.clock.set(MONDAY_9AM)
    assert (await system.escalation.sweep()).escalations == 0


async def test_a_team_without_leads_or_on_call_alerts_everyone(clinic):
    thread = await _urgent(clinic, patient=clinic.gil, team_id=clinic.green_id)
    assert await _alerts(clinic, clinic.green_nurse) == [("urgent", thread)]
    assert await _alerts(clinic, clinic.blue_provider) == []


async def test_only_the_clinic_admin_marks_who_is_on_call(clinic):
    acc = clinic.system.accounts
    with pytest.raises(NotAllowed):
        await acc.set_on_call(clinic.blue_provider, team_id=clinic.blue_id, user_id=clinic.blue_nurse.user_id,
                              on_call=True)
    with pytest.raises(NotAllowed):
        await acc.team_rota(clinic.blue_nurse)
    with pytest.raises(NotFound):  # not a member of that team
        await acc.set_on_call(clinic.admin, team_id=clinic.green_id, user_id=clinic.blue_nurse.user_id, on_call=True)
    await acc.set_on_call(clinic.admin, team_id=clinic.blue_id, user_id=clinic.blue_nurse.user_id, on_call=True)
    await acc.set_on_call(clinic.admin, team_id=clinic.blue_id, user_id=clinic.olive.user_id, on_call=False)
    blue = next(t for t in await acc.team_rota(clinic.admin) if t.team_name == "Blue Team")
    assert {(m.name, m.lead, m.on_call) for m in blue.members} == {
        ("Nina Blue", False, True), ("Paul Blue", True, False), ("Olive Oncall", False, False)}
    thread = await _urgent(clinic)
    assert await _alerts(clinic, clinic.blue_nurse) == [("urgent", thread)]
    assert await _alerts(clinic, clinic.olive) == []
    assert "team.on_call" in [e["action"] for e in await clinic.system.audit.entries(10)]


async def test_the_patient_keeps_a_notice_in_the_language_they_wrote(clinic):
    box = clinic.system.mailbox
    english = await _urgent(clinic)
    spanish = await _urgent(clinic, "Tengo un dolor muy fuerte en el pecho y no puedo respirar.")
    routine = await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                         subject="Parking", body="Where do I park?")
    assert (await box.open_thread(clinic.pat, english)).safety_notice_language == "en"
    assert (await box.open_thread(clinic.pat, spanish)).safety_notice_language == "es"
    assert (await box.open_thread(clinic.pat, routine.thread_id)).safety_notice_language == ""
    assert (await box.open_thread(clinic.blue_nurse, english)).safety_notice_language == ""  # staff see the flag
    # Staff marking a thread urgent changes its priority, not what the patient is told.
    await clinic.system.triage.set_priority(clinic.blue_nurse, routine.thread_id, "urgent")
    assert (await box.open_thread(clinic.pat, routine.thread_id)).safety_notice_language == ""
