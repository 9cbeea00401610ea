"""Correct records (issue 13): the documentation note after an outcome, the promised reply time, alerts that say
whose conversation it is, read receipts with who and when, and a patient's Inbox that keeps unanswered
conversations with a status. SQLite and PostgreSQL; the clinic's clock is Monday 2026-11-02 09:00 New York."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from sm_app.care_team.broadcast import Cohort
from sm_app.care_team.response_clock import BusinessHours
from sm_app.messaging.attachments import check_file
from tests.conftest import make_settings, pdf_text, seed_clinic

MONDAY_9AM = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
# With the default clock (3 business days of 9 hours) a message of Monday 09:00 is due Thursday 09:00 and
# reminded Wednesday 11:15; the second escalation follows the admin's setting.
DUE = datetime(2026, 11, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(MONDAY_9AM))
    yield await seed_clinic(system)
    await system.close()



async def _renewal(clinic, *, files=None) -> str:
    sent = await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal", body="",
        template_key="prescription_renewal", answers={"Medication": "Metformin", "Dose": "500 mg"}, files=files)
    return sent.thread_id


async def _set_hours(clinic, **changes) -> None:
    await clinic.system.clinic_settings.set_business_hours(clinic.admin, BusinessHours(**changes))


async def test_a_note_of_a_thread_completed_by_an_outcome_says_when_and_identifies_the_patient_twice(clinic):
    system = clinic.system
    await system.accounts.set_demographics(email=clinic.pat.email, birth_date=date(1961, 4, 12), sex="female")
    thread = await _renewal(clinic)
    system.clock.advance(hours=2)
    await system.messaging.send_outcome(clinic.blue_nurse, thread, "renewal_approved", note="At your pharmacy.")
    system.clock.advance(minutes=30)

    text = pdf_text((await system.documentation.note_pdf(clinic.blue_nurse, thread)).data)

    assert "Completed Nov 02, 2026 11:00 AM EST" in text
    assert "not recorded" not in text
    assert "Date of birth Apr 12, 1961" in text
    assert "Outcome Renewal approved" in text
    assert "Medication: Metformin" in text


async def test_a_note_without_a_date_of_birth_says_so_and_closing_counts_as_completion(clinic):
    system = clinic.system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Question", body="Is the clinic open on Friday?")
    system.clock.advance(hours=1)
    await system.messaging.close_thread(clinic.blue_nurse, sent.thread_id, "Answered by phone")

    text = pdf_text((await system.documentation.note_pdf(clinic.blue_nurse, sent.thread_id)).data)

    assert "Completed Nov 02, 2026 10:00 AM EST" in text
    assert "Date of birth not recorded" in text


async def test_the_promised_reply_time_is_the_admins_setting(clinic):
    settings = clinic.system.clinic_settings
    assert await settings.reply_target_business_days() == 3
    await _set_hours(clinic, target_business_days=1)
    assert await settings.reply_target_business_days() == 1


async def test_staff_alerts_name_the_patient_and_the_admins_name_the_team_only(clinic):
    system = clinic.system
    thread = await _renewal(clinic)
    system.clock.set(DUE)
    await system.escalation.sweep()
    alerts = await system.escalation.alerts(clinic.blue_nurse)
    assert {(a.kind, a.text, a.can_open, a.patient_name, a.thread_id) for a in alerts} == {
        ("reminder", "Reminder: Pat Patient's conversation with Blue Team is due soon.", True, "Pat Patient", thread),
        ("escalation", "Overdue: Pat Patient's conversation with Blue Team has passed its response time.", True,
         "Pat Patient", thread),
    }
    # Another team's nurse got nothing, and nobody outside the team reads a name.
    assert await system.escalation.alerts(clinic.green_nurse) == []


@pytest.mark.parametrize(("days", "wording"), [
    (0, "Overdue: a conversation for Blue Team has passed its response time."),
    (1, "Still overdue one business day later: a conversation for Blue Team."),
    (2, "Still overdue 2 business days later: a conversation for Blue Team."),
])
async def test_the_admin_alert_says_how_much_later_it_came(clinic, days, wording):
    system = clinic.system
    await _set_hours(clinic, second_escalation_business_days=days)
    await _renewal(clinic)
    system.clock.set(datetime(2026, 11, 20, 14, 0, tzinfo=UTC))  # past every stage
    await system.escalation.sweep()
    [alert] = await system.escalation.alerts(clinic.admin)
    assert (alert.kind, alert.text, alert.can_open, alert.patient_name) == ("admin_escalation", wording, False, "")


async def test_a_read_receipt_says_who_read_it_and_when(clinic):
    system = clinic.system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee", body="It still hurts.")
    unread = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
    assert (unread.own_latest_read, unread.own_latest_read_at, unread.own_latest_read_by) == (False, None, "")
    system.clock.advance(minutes=74)
    await system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    seen = await system.mailbox.view_thread(clinic.pat, sent.thread_id)
    assert (seen.own_latest_read, seen.own_latest_read_at, seen.own_latest_read_by) == (
        True, datetime(2026, 11, 2, 15, 14, tzinfo=UTC), "Nina Blue")
    # The team's receipt names who on the patient's side read its reply.
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Rest it tonight.")
    system.clock.advance(minutes=5)
    await system.mailbox.open_thread(clinic.pat, sent.thread_id)
    team_view = await system.mailbox.view_thread(clinic.blue_provider, sent.thread_id)
    assert (team_view.own_latest_read_at, team_view.own_latest_read_by) == (
        datetime(2026, 11, 2, 15, 19, tzinfo=UTC), "Pat Patient")


async def test_the_patients_inbox_keeps_unanswered_conversations_with_a_status(clinic):
    system = clinic.system
    waiting = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                  subject="Waiting one", body="Any news?")
    system.clock.advance(minutes=1)
    answered = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="Answered one", body="A question.")
    await system.messaging.reply(clinic.blue_nurse, answered.thread_id, "An answer.")
    system.clock.advance(minutes=1)
    completed = await _renewal(clinic)
    await system.messaging.send_outcome(clinic.blue_nurse, completed, "renewal_approved")
    system.clock.advance(minutes=1)
    await system.broadcasts.send(clinic.blue_provider, team_id=clinic.blue_id, cohort=Cohort(), category="Education",
                                 subject="Flu shots", body="Walk-ins all week.", replies_allowed=True)

    inbox = (await system.mailbox.list_threads(clinic.pat, "inbox")).items

    assert [(t.subject, t.patient_status()) for t in inbox] == [
        ("Flu shots", "Message from your care team"),
        ("Renewal", "Completed"),
        ("Answered one", "Your care team replied"),
        ("Waiting one", "Waiting for your care team"),
    ]
    assert inbox[-1].reply_due_at == DUE and inbox[-1].id == waiting.thread_id
    assert [t.reply_due_at for t in inbox[:-1]] == [None, None, None]
    # Staff's inbox is unchanged: what the patient side wrote to them.
    assert {t.subject for t in (await system.mailbox.list_threads(clinic.blue_nurse, "inbox")).items} == {
        "Waiting one", "Answered one", "Renewal"}


async def test_print_view_data_carries_the_outcome_and_the_attachment_names(clinic):
    system = clinic.system
    thread = await _renewal(clinic, files=[check_file("Old label.pdf", b"%PDF-1.7\nlabel\n", [])])
    assert (await system.mailbox.view_thread(clinic.pat, thread)).outcome == ""
    system.clock.advance(minutes=5)
    await system.messaging.send_outcome(clinic.blue_nurse, thread, "renewal_denied")
    view = await system.mailbox.view_thread(clinic.pat, thread)
    assert view.outcome == "Renewal denied"
    assert [a.name for a in view.messages[0].attachments] == ["Old label.pdf"]
