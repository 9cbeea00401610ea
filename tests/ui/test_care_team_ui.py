"""Care-team screens with the User fixture: worklist filters and claiming, the triage panel (status, assign,
route, history, internal notes) and alerts from the response clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient


async def _start(clinic, category: str, subject: str, body: str = "Routine question.") -> str:
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category=category,
                                               subject=subject, body=body)
    return sent.thread_id


def _choose(user: User, label: str, option: str) -> None:
    user.find(label).click()
    user.find(option).click()


async def test_worklist_shows_who_has_each_thread_and_filters(user: User) -> None:
    clinic = await seeded(user)
    await _start(clinic, "Medication", "Inhaler renewal")
    await _start(clinic, "General", "Parking question")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Inhaler renewal")
    await see(user, "With: Pharmacist pool")  # routed by the clinic's rule for Medication
    await see(user, "With: Team")
    await see(user, "Pat Patient · Blue Team · Medication")
    await see(user, "Due ")
    await see(user, "2 conversations")

    _choose(user, "Show", "Assigned to me")
    await see(user, "No conversations match these filters.")
    _choose(user, "Show", "All")
    await see(user, "2 conversations")
    _choose(user, "Category", "Medication")
    await see(user, "1 conversation")
    await user.should_not_see("Parking question")

    # Claiming from the row: the thread is the nurse's now, and "Assigned to me" lists it.
    user.find("Claim").click()
    await see(user, "You have this one now")
    await see(user, "With: Nina Blue")
    _choose(user, "Category", "All categories")
    await see(user, "Parking question")
    _choose(user, "Show", "Assigned to me")
    await see(user, "1 conversation")
    await user.should_not_see("Parking question")


async def test_triage_panel_assign_route_status_history_and_internal_notes(user: User, create_user) -> None:
    clinic = await seeded(user)
    thread_id = await _start(clinic, "Medication", "Refill please", "I need my metformin refilled.")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Refill please")
    user.find("Refill please").click()
    await see(user, "Care-team work")
    await see(user, "With: Pharmacist pool")
    await see(user, "Received; routed to Pharmacist pool by the clinic's rules")

    user.find(kind=ui.button, content="Claim").click()
    await see(user, "You have this one now")
    await see(user, "With: Nina Blue")
    await see(user, "Nina Blue claimed it")

    # Routing needs a reason; the error names the field and nothing changes.
    user.find(kind=ui.button, content="Hand off").click()
    _choose(user, "Route to", "Provider pool")
    user.find(kind=ui.button, content="Route").click()
    await see(user, "Give a reason for the hand-off.")
    await see(user, "With: Nina Blue")
    user.find("Reason for routing").type("needs a dose change")
    user.find(kind=ui.button, content="Route").click()
    await see(user, "Nina Blue routed it to Provider pool: needs a dose change")
    await see(user, "With: Provider pool")

    _choose(user, "Assign to", "Paul Blue (provider)")
    user.find(kind=ui.button, content="Assign").click()
    await see(user, "Nina Blue assigned it to Paul Blue")
    await see(user, "With: Paul Blue")

    _choose(user, "Status", "Waiting on patient")
    await see(user, "Nina Blue set the status to Waiting on patient")
    await see(user, "No reply owed")

    user.find(kind=ui.textarea, content="Internal note").type("Pharmacy says the prior auth is pending zqxmarker.")
    user.find("Add note").click()
    await see(user, "Note added")
    await see(user, "Pharmacy says the prior auth is pending zqxmarker.")

    # The patient sees the conversation, but no panel, no history and no note.
    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    await patient.open(f"/thread/{thread_id}")
    await see(patient, "I need my metformin refilled.")
    await patient.should_not_see("zqxmarker")
    await patient.should_not_see("Care-team work")
    await patient.should_not_see("routed it")
    await patient.open(f"/thread/{thread_id}/print")
    await see(patient, "I need my metformin refilled.")
    await patient.should_not_see("zqxmarker")


async def test_overdue_alerts_reach_the_nurse_live_and_the_admin(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = await _start(clinic, "General", "Blood pressure log")
    await system.triage.claim(clinic.blue_nurse, thread_id)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Blood pressure log")
    await user.should_not_see("Overdue")

    # Move the thread's clock back a week, as if nobody had answered; then the scheduled sweep runs.
    from sm_app.adapters.models import ResponseCycle, Thread

    async with system.db.write() as s:
        cycle = (await s.execute(ResponseCycle.__table__.select().where(
            ResponseCycle.thread_id == thread_id))).first()
        week = timedelta(days=7)
        await s.execute(ResponseCycle.__table__.update().where(ResponseCycle.id == cycle.id).values(
            remind_at=cycle.remind_at - week, due_at=cycle.due_at - week,
            second_escalation_at=cycle.second_escalation_at - week, next_alert_at=cycle.remind_at - week))
        await s.execute(Thread.__table__.update().where(Thread.id == thread_id).values(due_at=cycle.due_at - week))
    result = await system.escalation.sweep()
    assert (result.reminders, result.escalations, result.admin_escalations) == (1, 1, 1)

    # The nurse's header shows the new alert without a reload; the worklist marks the thread overdue.
    for _ in range(100):
        badges = [b.text for b in user.find(ui.badge).elements if "alert-badge" in b.classes]
        if badges:
            break
        await asyncio.sleep(0.05)
    # The reminder (she has it) and the escalation (the Blue team has no lead, so the whole team hears it).
    assert badges == ["2"]
    await user.open("/worklist")
    await see(user, "Overdue")
    await user.open("/alerts")
    await see(user, "Reminder: Pat Patient's conversation with Blue Team is due soon.")
    await see(user, "Overdue: Pat Patient's conversation with Blue Team has passed its response time.")
    assert {link.props["href"] for link in user.find("Open conversation").elements} == {f"/thread/{thread_id}"}
    await user.open(f"/thread/{thread_id}")
    await see(user, "Blood pressure log")
    await see(user, "Overdue — Due")

    admin = create_user()
    await sign_in(admin, "ada@example.org", STAFF_PW)
    await see(admin, "Alerts")
    await admin.open("/alerts")
    await see(admin, "Still overdue one business day later: a conversation for Blue Team.")
    await admin.should_not_see("Blood pressure log")
    await admin.should_not_see("Pat Patient")
    await admin.should_not_see("Open conversation")


async def test_what_a_nurse_is_typing_in_the_panel_survives_a_colleagues_change(user: User) -> None:
    # A colleague claims the conversation while the nurse is halfway through a note and a hand-off reason: the
    # panel shows the new owner, the new history line and the new status, and keeps every word typed.
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = await _start(clinic, "Medication", "Refill please", "I need my metformin refilled.")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")  # signed in and on the worklist before going elsewhere
    await user.open(f"/thread/{thread_id}")
    await see(user, "Care-team work")
    await user.should_not_see("Reason for routing")  # the hand-off form is opened when needed
    user.find(kind=ui.button, content="Hand off").click()
    user.find("Reason for routing").type("needs a dose chan")
    user.find(kind=ui.textarea, content="Internal note").type("Called the pharmacy; prior auth")

    await system.triage.claim(clinic.blue_provider, thread_id)
    await system.triage.set_status(clinic.blue_provider, thread_id, "waiting_on_patient")
    await see(user, "With: Paul Blue")
    await see(user, "Paul Blue claimed it")
    await see(user, "Paul Blue set the status to Waiting on patient")
    status = user.find(kind=ui.select, content="Status").elements.pop()
    assert status.value == "waiting_on_patient"
    note = user.find(kind=ui.textarea, content="Internal note").elements.pop()
    reason = user.find(kind=ui.input, content="Reason for routing").elements.pop()
    assert note.value == "Called the pharmacy; prior auth"
    assert reason.value == "needs a dose chan"
    # Showing the colleague's status is not a change made here: no second history line, no notification.
    await user.should_not_see("Status set to Waiting on patient")
    history = [e.text for e in user.current_layout.descendants() if "history-entry" in e.classes]
    assert sum("set the status to Waiting on patient" in h for h in history) == 1
