"""Structured outcomes, team-started messages ("result available") and targeted broadcasts, on SQLite and
PostgreSQL. The clinic's date is Monday 2026-11-02."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from sm_app.care_team.broadcast import Cohort
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import PATIENT_PW, make_settings, seed_clinic

MONDAY_9AM = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(MONDAY_9AM))
    yield await seed_clinic(system)
    await system.close()


async def _renewal(clinic) -> str:
    sent = await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal", body="",
        template_key="prescription_renewal", answers={"Medication": "Metformin", "Dose": "500 mg"})
    return sent.thread_id


async def test_renewal_outcome_reaches_the_patient_and_completes_the_thread(clinic):
    system = clinic.system
    thread = await _renewal(clinic)
    with pytest.raises(ValidationError) as err:
        await system.messaging.send_outcome(clinic.blue_nurse, thread, "appointment_booked")
    assert err.value.field == "Outcome"  # not an outcome of a renewal
    system.clock.advance(hours=1)
    await system.messaging.send_outcome(clinic.blue_nurse, thread, "renewal_approved", note="Sent to your pharmacy.")
    patient_view = await system.mailbox.open_thread(clinic.pat, thread)
    last = patient_view.messages[-1]
    assert (last.from_side, last.fields) == ("team", (("Outcome", "Renewal approved"),))
    assert last.body == "Renewal approved.\n\nSent to your pharmacy."
    triage = await system.worklist.details(clinic.blue_nurse, thread)
    assert (triage.status, triage.outcome, triage.due_at) == ("completed", "renewal_approved", None)
    assert triage.history[-1].text == "Nina Blue recorded the outcome: Renewal approved"
    # "Needs a visit" waits on the patient.
    other = await _renewal(clinic)
    await system.messaging.send_outcome(clinic.blue_nurse, other, "needs_visit")
    assert (await system.worklist.details(clinic.blue_nurse, other)).status == "waiting_on_patient"
    with pytest.raises(NotAllowed):
        await system.messaging.send_outcome(clinic.pat, thread, "renewal_denied")
    with pytest.raises(NotFound):
        await system.messaging.send_outcome(clinic.green_nurse, thread, "renewal_denied")


async def test_appointment_booked_needs_date_time_and_place(clinic):
    system = clinic.system
    sent = await system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Appointment", subject="Follow-up", body="",
        template_key="appointment_request",
        answers={"Reason for the visit": "Follow-up", "Preferred days and times": "Mornings",
                 "Visit type": "In person"})
    thread = sent.thread_id
    for kwargs, field in (({}, "Date"), ({"on_date": "2026-11-10"}, "Time"),
                          ({"on_date": "2026-11-10", "at_time": "09:30"}, "Place")):
        with pytest.raises(ValidationError) as err:
            await system.messaging.send_outcome(clinic.blue_provider, thread, "appointment_booked", **kwargs)
        assert err.value.field == field
    system.clock.advance(hours=1)
    await system.messaging.send_outcome(clinic.blue_provider, thread, "appointment_booked", on_date="2026-11-10",
                                        at_time="09:30", place="Main clinic, room 4")
    last = (await system.mailbox.open_thread(clinic.pat, thread)).messages[-1]
    assert last.fields == (("Outcome", "Appointment booked"), ("Date", "Tuesday, November 10, 2026"),
                           ("Time", "09:30 AM"), ("Place", "Main clinic, room 4"))


async def test_result_available_message_from_the_team(clinic):
    system = clinic.system
    b = system.broadcasts
    with pytest.raises(ValidationError) as err:
        await b.result_available(clinic.blue_nurse, team_id=clinic.blue_id, patient_id=clinic.gil.user_id,
                                 test="Lipid panel", test_date="2026-10-30")
    assert err.value.field == "Patient"  # Gil is not a Blue patient
    with pytest.raises(NotFound):
        await b.result_available(clinic.green_nurse, team_id=clinic.blue_id, patient_id=clinic.pat.user_id,
                                 test="Lipid panel", test_date="2026-10-30")
    thread = await b.result_available(clinic.blue_nurse, team_id=clinic.blue_id, patient_id=clinic.pat.user_id,
                                      test="Lipid panel", test_date="2026-10-30")
    inbox = (await system.mailbox.list_threads(clinic.pat, "inbox")).items
    assert [(t.id, t.subject, t.category, t.unread) for t in inbox] == [
        (thread, "Your test result is available", "Test results", True)]
    view = await system.mailbox.open_thread(clinic.pat, thread)
    assert view.messages[0].fields == (("Test", "Lipid panel"), ("Date of test", "2026-10-30"))
    assert "Lipid panel result from October 30, 2026 is available" in view.messages[0].body
    assert view.can_reply
    system.clock.advance(hours=1)
    # Nothing is owed until the patient writes back; then the clock starts.
    assert (await system.worklist.details(clinic.blue_nurse, thread)).due_at is None
    await system.messaging.reply(clinic.pat, thread, "Thanks, what does it mean?")
    assert (await system.worklist.details(clinic.blue_nurse, thread)).due_at is not None


async def _patients(clinic):
    """Blue team: Pat (f, 65), plus Quinn (m, 30), Rae (f, 40), Sol (no demographics); Gil is Green's."""
    acc = clinic.system.accounts
    await acc.set_demographics(email=clinic.pat.email, birth_date=date(1961, 4, 12), sex="female")
    extra = {}
    for email, name, born, sex in (("quinn@example.org", "Quinn", date(1996, 11, 2), "male"),
                                   ("rae@example.org", "Rae", date(1986, 11, 3), "female"),
                                   ("sol@example.org", "Sol", None, None)):
        user = await acc.create_user(email=email, role="patient", name=name, password=PATIENT_PW)
        await acc.assign_patient(team="Blue Team", email=email)
        if born:
            await acc.set_demographics(email=email, birth_date=born, sex=sex)
        extra[name] = user.id
    return extra


async def test_broadcast_cohorts_count_and_one_thread_per_patient(clinic):
    system = clinic.system
    b = system.broadcasts
    extra = await _patients(clinic)
    lead = clinic.blue_provider  # providers may broadcast
    assert await b.count(lead, clinic.blue_id, Cohort()) == 4
    assert await b.count(lead, clinic.blue_id, Cohort(sex="female")) == 2
    # Quinn turns 30 today; Rae is 39 until tomorrow.
    assert await b.count(lead, clinic.blue_id, Cohort(min_age=30, max_age=39)) == 2
    assert await b.count(lead, clinic.blue_id, Cohort(min_age=31, max_age=39)) == 1
    assert await b.count(lead, clinic.blue_id, Cohort(sex="female", min_age=60)) == 1
    with pytest.raises(ValidationError) as err:
        await b.count(lead, clinic.blue_id, Cohort(min_age=50, max_age=40))
    assert err.value.field == "To age"
    with pytest.raises(NotAllowed):  # a nurse who is not a team lead
        await b.count(clinic.blue_nurse, clinic.blue_id, Cohort())
    with pytest.raises(NotFound):  # not their team
        await b.count(lead, clinic.green_id, Cohort())

    with pytest.raises(ValidationError) as err:
        await b.send(lead, team_id=clinic.blue_id, cohort=Cohort(sex="female"), category="Education",
                     subject="Flu shots", body="Flu shots are available.", replies_allowed=False, expected_count=3)
    assert err.value.field == "Cohort"  # the count changed since the sender looked: nothing sent
    report = await b.send(lead, team_id=clinic.blue_id, cohort=Cohort(sex="female"), category="Education",
                          subject="Flu shots", body="Flu shots are available.", replies_allowed=False,
                          expected_count=2)
    assert report.recipients == 2
    pat_inbox = (await system.mailbox.list_threads(clinic.pat, "inbox")).items
    assert [t.subject for t in pat_inbox] == ["Flu shots"]
    from sm_app.identity.accounts import Actor

    rae = Actor(extra["Rae"], "patient", "Rae", "rae@example.org")
    quinn = Actor(extra["Quinn"], "patient", "Quinn", "quinn@example.org")
    assert [t.subject for t in (await system.mailbox.list_threads(rae, "inbox")).items] == ["Flu shots"]
    assert (await system.mailbox.list_threads(quinn, "inbox")).items == []
    assert pat_inbox[0].id != (await system.mailbox.list_threads(rae, "inbox")).items[0].id  # own threads
    # Replies off: the patient is told why and cannot reply.
    view = await system.mailbox.open_thread(clinic.pat, pat_inbox[0].id)
    assert not view.can_reply and "replies are turned off" in view.reply_blocked_reason
    with pytest.raises(ValidationError):
        await system.messaging.reply(clinic.pat, pat_inbox[0].id, "Can I come Friday?")
    # Delivery report: sent 2, read 1 (Pat opened it).
    reports = await b.reports(clinic.blue_nurse)
    assert [(r.subject, r.recipients, r.read, r.cohort, r.replies_allowed) for r in reports] == [
        ("Flu shots", 2, 1, "female patients", False)]
    assert await b.reports(clinic.green_nurse) == []
    # Broadcast threads do not flood the worklist's open work.
    assert (await system.worklist.page(clinic.blue_nurse)).total == 0


async def test_a_cohort_by_condition_reaches_only_patients_who_share_their_record_with_the_team(clinic):
    from sqlalchemy import text

    from sm_app.identity.accounts import Actor

    system = clinic.system
    b, record, sharing = system.broadcasts, system.health_record, system.record_sharing
    extra = await _patients(clinic)
    people = {name: Actor(extra[name], "patient", name, f"{name.lower()}@example.org") for name in extra}
    quinn, rae, sol = people["Quinn"], people["Rae"], people["Sol"]
    # Pat: diabetes, shared (read). Quinn: diabetes, not shared. Rae: diabetes marked inactive, shared read & write.
    # Sol: asthma, shared. Gil (Green's patient): diabetes, shared with Green.
    for who, condition, level, team in ((clinic.pat, "Type 2 diabetes", "read", clinic.blue_id),
                                        (quinn, "Diabetes", "none", clinic.blue_id),
                                        (rae, "Diabetes", "write", clinic.blue_id),
                                        (sol, "Asthma", "read", clinic.blue_id),
                                        (clinic.gil, "diabetes", "read", clinic.green_id)):
        entry = await record.add(who, who.user_id, "conditions", {"name": condition})
        await sharing.set_grant(who, team, level)
        if who is rae:
            await record.set_active(rae, entry.id, False, version=1)
    lead = clinic.blue_provider
    assert await b.count(lead, clinic.blue_id, Cohort(condition="DIABETES")) == 1
    assert await b.count(lead, clinic.blue_id, Cohort(condition="asthma", sex="female")) == 0  # Sol has no sex
    assert await b.count(lead, clinic.blue_id, Cohort(condition="asthma")) == 1
    with pytest.raises(ValidationError) as err:
        await b.count(lead, clinic.blue_id, Cohort(condition="x" * 101))
    assert err.value.field == "Condition"
    report = await b.send(lead, team_id=clinic.blue_id, cohort=Cohort(condition="diabetes"), category="Education",
                          subject="Foot checks", body="Book your yearly foot check.", replies_allowed=True,
                          expected_count=1)
    assert report.recipients == 1
    assert [t.subject for t in (await system.mailbox.list_threads(clinic.pat, "inbox")).items] == ["Foot checks"]
    assert (await system.mailbox.list_threads(quinn, "inbox")).items == []
    reports = await b.reports(clinic.blue_nurse)
    assert reports[0].cohort == "all patients with the condition “diabetes” in a health record shared with the team"
    # The condition is sealed in the stored criteria; only patients who shared are looked into, and they see it.
    async with system.db.read() as s:
        criteria = (await s.execute(text("SELECT criteria_json FROM broadcasts"))).scalars().all()
    assert criteria and all("diabetes" not in c.lower() for c in criteria)
    looks = await sharing.who_looked(clinic.pat)
    assert looks[0].staff_name == "Paul Blue" and looks[0].what.startswith("Looked for a condition")
    assert await sharing.who_looked(quinn) == ()
