"""Correct records on screen (issue 13): the print view (its gate, template answers, outcome, attachment names),
the promised reply time, alerts that link the conversation, receipts with who and when, the patient's Inbox
statuses and a broadcast's confirmation step."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

from nicegui import app, ui
from nicegui.testing import User

from sm_app.care_team.response_clock import BusinessHours
from sm_app.components.messaging.thread_list import ThreadRowView
from sm_app.messaging.attachments import check_file
from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient


async def _labels(user: User, css: str) -> list[str]:
    """The texts of the elements marked `css`, once the page has drawn some."""
    for _ in range(200):
        found = [e.text for e in user.current_layout.descendants() if css in e.classes]
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing marked .{css} appeared")


async def test_print_view_passes_the_terms_gate_and_prints_answers_outcome_and_file_names(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal please", body="Running low.",
        template_key="prescription_renewal", answers={"Medication": "Metformin", "Dose": "500 mg"},
        files=[check_file("Pharmacy label.pdf", b"%PDF-1.7\nlabel\n", [])])
    await system.messaging.send_outcome(clinic.blue_nurse, sent.thread_id, "renewal_approved", note="Ready Friday.")

    # Signed in but the terms not accepted yet: the print view is behind the same gate as every page.
    await sign_in(user, "pat@example.org", PATIENT_PW)
    await see(user, "I accept the messaging terms")
    await user.open(f"/thread/{sent.thread_id}/print")
    await see(user, "I accept the messaging terms")
    await user.should_not_see("Renewal please")
    await user.should_not_see("Metformin")

    user.find("I accept the messaging terms").click()
    await see(user, "New message")
    await user.open(f"/thread/{sent.thread_id}/print")
    await see(user, "Renewal please")
    await see(user, "Medication: Metformin")  # which drug the renewal was for
    await see(user, "Dose: 500 mg")
    await see(user, "Outcome: Renewal approved")
    await see(user, "Attached: Pharmacy label.pdf")
    await see(user, "Status: Completed")
    await user.should_not_see("Sign out")  # still no navigation on paper


async def test_compose_terms_and_quick_reply_promise_the_clinics_reply_time(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.clinic_settings.set_business_hours(clinic.admin, BusinessHours(target_business_days=1))

    await sign_in(user, "pat@example.org", PATIENT_PW)
    await see(user, "aims to reply within 1 business day.")
    await user.should_not_see("3 business days")
    user.find("I accept the messaging terms").click()
    await see(user, "New message")
    user.find("New message").click()
    await see(user, "Your care team replies within 1 business day.")
    await user.should_not_see("3 business days")

    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Visit question", body="Do I need to fast?")
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Sign out")
    await nurse.open(f"/thread/{sent.thread_id}")
    await see(nurse, "Do I need to fast?")
    nurse.find(kind=ui.button, content="Reply").click()
    nurse.find(kind=ui.select, content="Quick reply").click()
    await see(nurse, "Received, working on it")  # the clinic's quick replies fill the list once the form is open
    nurse.find("Received, working on it").click()
    textarea = nurse.find(kind=ui.textarea, content="Message").elements.pop()
    for _ in range(200):
        if textarea.value:
            break
        await asyncio.sleep(0.05)
    assert textarea.value.endswith("will get back to you within 1 business day.")


async def test_a_staff_alert_names_the_patient_and_is_a_link_to_the_conversation(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Blood pressure log", body="Readings attached soon.")
    from sm_app.adapters.models import ResponseCycle

    # As if nobody had answered for a week; then the scheduled sweep runs.
    async with system.db.write() as s:
        cycle = (await s.execute(ResponseCycle.__table__.select().where(
            ResponseCycle.thread_id == sent.thread_id))).first()
        week = timedelta(days=7)
        await s.execute(ResponseCycle.__table__.update().where(ResponseCycle.id == cycle.id).values(
            remind_at=cycle.remind_at - week, due_at=cycle.due_at - week,
            second_escalation_at=cycle.second_escalation_at - week, next_alert_at=cycle.remind_at - week))
    await system.escalation.sweep()

    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")
    await user.open("/alerts")
    await see(user, "Reminder: Pat Patient's conversation with Blue Team is due soon.")
    links = [e for e in user.current_layout.descendants()
             if isinstance(e, ui.link) and "alert-text" in e.classes]
    assert {(link.text.split(":")[0], link.props["href"]) for link in links} == {
        ("Reminder", f"/thread/{sent.thread_id}"), ("Overdue", f"/thread/{sent.thread_id}")}


async def test_read_receipts_say_who_and_when(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee", body="It still hurts.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Not read yet")
    await system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    await see(user, "Read by your care team · ")
    when = r"[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2} [AP]M"
    assert re.fullmatch(f"Read by your care team · {when}", (await _labels(user, "read-receipt"))[0])

    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Rest it tonight.")
    nurse = create_user()
    await sign_in(nurse, "paul@example.org", STAFF_PW)
    await see(nurse, "Sign out")
    await nurse.open(f"/thread/{sent.thread_id}")
    await see(nurse, "Rest it tonight.")
    await see(nurse, "Read by Pat Patient · ")  # the patient has the conversation open: read live
    assert re.fullmatch(f"Read by Pat Patient · {when}", (await _labels(nurse, "read-receipt"))[0])


async def test_the_inbox_shows_unanswered_conversations_with_their_status(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                        subject="Is my referral sent?", body="Nobody called me yet.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await see(user, "Is my referral sent?")
    await user.should_not_see("No messages yet.")
    # The row is one element (components/messaging/thread_list.ThreadRowView): its status line is a prop it draws.
    [status] = [e.props["status"] for e in user.current_layout.descendants() if isinstance(e, ThreadRowView)]
    assert re.fullmatch(r"Waiting for your care team · reply due [A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}", status)


async def test_a_broadcast_shows_the_final_count_and_sends_only_when_confirmed(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.accounts.set_demographics(email="pat@example.org", birth_date=date(1961, 4, 12), sex="female")
    await sign_in(user, "paul@example.org", STAFF_PW)
    await see(user, "Team messages")
    await user.open("/team-messages")
    await see(user, "Delivery reports")
    user.find("Count recipients").click()
    await see(user, "1 patient matches.")
    user.find("Broadcast subject").type("Flu clinic on Saturday")
    user.find("Broadcast message").type("Walk-in flu shots this Saturday, 9 to 12.")
    # Gil joins the Blue team after the count: the last step counts again and shows the final number.
    await system.accounts.assign_patient(team="Blue Team", email="gil@example.org")
    user.find("Send broadcast").click()
    await see(user, "Send this broadcast to 2 patients?")
    await see(user, "Blue Team · all patients · patients may reply")
    user.find("Go back").click()
    assert await system.broadcasts.reports(clinic.blue_provider) == []  # nothing sent without confirming
    user.find("Send broadcast").click()
    await see(user, "Send this broadcast to 2 patients?")
    user.find(kind=ui.button, content="Send to 2 patients").click()
    await see(user, "Broadcast sent to 2 patients")
    assert [r.recipients for r in await system.broadcasts.reports(clinic.blue_provider)] == [2]
