"""Care-team work on SQLite and PostgreSQL: routing, claiming, assigning, statuses, notes and the worklist.

The clinic's clock is fake: Monday 2026-11-02 09:00 in New York (14:00 UTC), a business morning.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import make_settings, seed_clinic

MONDAY_9AM = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(MONDAY_9AM))
    yield await seed_clinic(system)
    await system.close()


async def _start(clinic, category="General", subject="A question", body="Routine question about my visit."):
    return (await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category=category,
                                                       subject=subject, body=body)).thread_id


async def _worklist_ids(clinic, actor, **filters):
    return [t.id for t in (await clinic.system.worklist.page(actor, **filters)).items]


async def test_new_threads_are_routed_by_category_and_start_the_clock(clinic):
    worklist = clinic.system.worklist
    med = await _start(clinic, "Medication", "Renewal")
    general = await _start(clinic, "General", "Parking")
    med_view = await worklist.details(clinic.blue_nurse, med)
    assert (med_view.status, med_view.assignee_id, med_view.pool_role) == ("new", None, "pharmacist")
    assert [h.text for h in med_view.history] == ["Received; routed to Pharmacist pool by the clinic's rules"]
    # Received Monday 09:00; three 9-hour business days later is Thursday 09:00 (EST, UTC-5).
    assert med_view.due_at == datetime(2026, 11, 5, 14, 0, tzinfo=UTC)
    assert med_view.awaiting_since == MONDAY_9AM and not med_view.overdue
    assert (await worklist.details(clinic.blue_nurse, general)).pool_role is None
    rows = {t.id: t for t in (await worklist.page(clinic.blue_nurse)).items}
    assert rows[med].pool_role == "pharmacist" and rows[med].assignee_name == "" and rows[med].status == "new"
    assert rows[med].patient_name == "Pat Patient" and rows[med].subject == "Renewal"


async def test_admin_changes_routing_rules_and_staff_cannot(clinic):
    settings = clinic.system.clinic_settings
    with pytest.raises(NotAllowed):
        await settings.set_routing(clinic.blue_nurse, {"General": "nurse"})
    with pytest.raises(ValidationError):
        await settings.set_routing(clinic.admin, {"General": "surgeon"})
    await settings.set_routing(clinic.admin, {"General": "nurse", "Medication": None})
    general = await _start(clinic, "General")
    medication = await _start(clinic, "Medication")
    assert (await clinic.system.worklist.details(clinic.blue_nurse, general)).pool_role == "nurse"
    assert (await clinic.system.worklist.details(clinic.blue_nurse, medication)).pool_role is None


async def test_claim_assign_and_route_are_recorded_in_the_history(clinic):
    triage, worklist = clinic.system.triage, clinic.system.worklist
    thread = await _start(clinic, "Medication")
    await triage.claim(clinic.blue_nurse, thread)
    view = await worklist.details(clinic.blue_provider, thread)
    assert (view.assignee_name, view.status) == ("Nina Blue", "in_progress")
    await triage.assign(clinic.blue_nurse, thread, clinic.blue_provider.user_id, "needs a prescriber")
    await triage.route(clinic.blue_provider, thread, "nurse", "dose question first")
    view = await worklist.details(clinic.blue_nurse, thread)
    assert (view.assignee_id, view.pool_role) == (None, "nurse")
    assert [h.text for h in view.history] == [
        "Received; routed to Pharmacist pool by the clinic's rules",
        "Nina Blue claimed it",
        "Nina Blue assigned it to Paul Blue: needs a prescriber",
        "Paul Blue routed it to Nurse pool: dose question first",
    ]
    with pytest.raises(ValidationError) as err:
        await triage.route(clinic.blue_nurse, thread, "clerk", "  ")
    assert err.value.field == "Reason"


async def test_other_teams_staff_cannot_see_claim_or_be_assigned(clinic):
    triage, worklist = clinic.system.triage, clinic.system.worklist
    thread = await _start(clinic)
    for attempt in (worklist.details(clinic.green_nurse, thread), triage.claim(clinic.green_nurse, thread),
                    triage.add_note(clinic.green_nurse, thread, "peek"),
                    triage.set_status(clinic.green_nurse, thread, "completed")):
        with pytest.raises(NotFound):
            await attempt
    with pytest.raises(ValidationError) as err:
        await triage.assign(clinic.blue_nurse, thread, clinic.green_nurse.user_id)
    assert err.value.field == "Assign to"
    assert await _worklist_ids(clinic, clinic.green_nurse) == []
    assert (await worklist.details(clinic.blue_nurse, thread)).assignee_id is None
    denied = [e for e in await clinic.system.audit.entries(50) if e["outcome"] == "denied"]
    assert {e["action"] for e in denied} >= {"thread.triage_read", "thread.claim", "thread.note", "thread.status"}


async def test_patients_cannot_use_triage(clinic):
    triage, worklist = clinic.system.triage, clinic.system.worklist
    thread = await _start(clinic)
    with pytest.raises(NotFound):
        await worklist.details(clinic.pat, thread)
    with pytest.raises(NotFound):
        await triage.claim(clinic.pat, thread)
    with pytest.raises(NotAllowed):
        await worklist.page(clinic.pat)


async def test_status_flow_stops_and_restarts_the_clock(clinic):
    system = clinic.system
    triage, worklist, messaging, clock = system.triage, system.worklist, system.messaging, system.clock
    thread = await _start(clinic)
    await triage.claim(clinic.blue_nurse, thread)
    await triage.set_status(clinic.blue_nurse, thread, "waiting_on_patient")
    view = await worklist.details(clinic.blue_nurse, thread)
    assert (view.status, view.due_at) == ("waiting_on_patient", None)
    # The patient answers on Tuesday afternoon: it reopens (still assigned: In progress) and the clock restarts.
    clock.advance(days=1, hours=5)
    await messaging.reply(clinic.pat, thread, "Here are my readings.")
    view = await worklist.details(clinic.blue_nurse, thread)
    assert (view.status, view.assignee_name) == ("in_progress", "Nina Blue")
    assert view.due_at == datetime(2026, 11, 6, 19, 0, tzinfo=UTC)  # Tue 14:00 + 27 business hours = Fri 14:00
    assert "The patient's new message reopened it (In progress)" in [h.text for h in view.history]
    # The team's reply answers the patient: no reply owed any more.
    await messaging.reply(clinic.blue_nurse, thread, "Thanks, all good.")
    assert (await worklist.details(clinic.blue_nurse, thread)).due_at is None
    await triage.set_status(clinic.blue_nurse, thread, "completed")
    assert await _worklist_ids(clinic, clinic.blue_nurse) == []  # the default shows open work only
    assert await _worklist_ids(clinic, clinic.blue_nurse, status="completed") == [thread]
    # Unassigned and completed: a patient's new message puts it back to New.
    await triage.assign(clinic.blue_nurse, thread, clinic.blue_provider.user_id)
    await triage.route(clinic.blue_nurse, thread, None, "back to the team")
    await messaging.reply(clinic.pat, thread, "One more question.")
    assert (await worklist.details(clinic.blue_nurse, thread)).status == "new"


async def test_closing_stops_the_clock(clinic):
    thread = await _start(clinic)
    await clinic.system.messaging.close_thread(clinic.blue_nurse, thread, "Handled by phone")
    view = await clinic.system.worklist.details(clinic.blue_nurse, thread)
    assert (view.due_at, view.status) == (None, "completed")
    assert view.history[-1].text == "Nina Blue closed the conversation"
    await clinic.system.messaging.reopen_thread(clinic.blue_provider, thread)
    view = await clinic.system.worklist.details(clinic.blue_nurse, thread)
    assert (view.status, view.history[-1].text) == ("in_progress", "Paul Blue reopened the conversation")


async def test_worklist_filters_and_sort(clinic):
    system = clinic.system
    triage, worklist, clock = system.triage, system.worklist, system.clock
    first = await _start(clinic, "Medication", "First")
    clock.advance(hours=2)
    second = await _start(clinic, "Appointment", "Second")
    clock.advance(hours=2)
    third = await _start(clinic, "General", "Third")
    await triage.claim(clinic.blue_nurse, second)
    nurse = clinic.blue_nurse
    assert await _worklist_ids(clinic, nurse) == [first, second, third]  # due soonest first
    assert await _worklist_ids(clinic, nurse, sort="newest") == [third, second, first]
    assert await _worklist_ids(clinic, nurse, show="mine") == [second]
    assert await _worklist_ids(clinic, nurse, show="unassigned") == [first, third]
    assert await _worklist_ids(clinic, nurse, category="Medication") == [first]
    assert await _worklist_ids(clinic, nurse, status="in_progress") == [second]
    assert await _worklist_ids(clinic, nurse, show="overdue") == []
    await triage.set_priority(nurse, third, "urgent")
    assert await _worklist_ids(clinic, nurse) == [third, first, second]  # urgent heads every sort
    # Thursday 10:00: the first (due Thu 09:00) is overdue, the second (due Thu 11:00) not yet.
    clock.advance(days=3, hours=-3)
    assert await _worklist_ids(clinic, nurse, show="overdue") == [first]
    rows = {t.id: t for t in (await worklist.page(nurse)).items}
    assert rows[first].overdue and not rows[second].overdue
    with pytest.raises(ValidationError):
        await worklist.page(nurse, show="everything")


async def test_worklist_pages_and_filters_answer_each_reader_and_page_on_their_own(clinic):
    """The Worklist's statements are built once and reused with other readers, filter values and pages: each answer
    must still be that reader's, that filter's and that page's."""
    system = clinic.system
    started = []
    for n in range(12):
        started.append(await _start(clinic, "Medication" if n % 3 == 0 else "General", f"Question {n}"))
        system.clock.advance(minutes=5)
    nurse = clinic.blue_nurse
    first = await system.worklist.page(nurse, sort="oldest", page_size=10)
    second = await system.worklist.page(nurse, sort="oldest", page=2, page_size=10)
    assert (first.total, second.total) == (12, 12)
    assert [t.id for t in first.items] + [t.id for t in second.items] == started
    assert await _worklist_ids(clinic, nurse, category="Medication", sort="oldest") == started[::3]
    assert await _worklist_ids(clinic, nurse, category="General", sort="oldest") == [
        t for n, t in enumerate(started) if n % 3]
    await system.triage.claim(nurse, started[4])
    assert await _worklist_ids(clinic, nurse, status="in_progress") == [started[4]]
    assert await _worklist_ids(clinic, nurse, status="new", category="Medication", sort="oldest") == started[::3]
    # Another team's nurse, asking the same statement, sees none of the blue team's threads.
    assert (await system.worklist.page(clinic.green_nurse)).total == 0


async def test_internal_notes_never_reach_the_patient(clinic):
    system = clinic.system
    thread = await _start(clinic, subject="Knee", body="My knee hurts when I walk.")
    marker = "zqxnotemarker"
    await system.triage.add_note(clinic.blue_nurse, thread, f"Called pharmacy {marker}")
    notes = (await system.worklist.details(clinic.blue_provider, thread)).notes
    assert [(n.author_name, n.body) for n in notes] == [("Nina Blue", f"Called pharmacy {marker}")]
    patient_view = await system.mailbox.open_thread(clinic.pat, thread)
    assert marker not in repr(patient_view)
    # Not searchable by anyone: the index never sees notes (a patient's search could otherwise reveal them).
    assert (await system.search.search(clinic.pat, keyword=marker)).total == 0
    assert (await system.search.search(clinic.blue_nurse, keyword=marker)).total == 0
    with pytest.raises(ValidationError) as err:
        await system.triage.add_note(clinic.blue_nurse, thread, "   ")
    assert err.value.field == "Internal note"
