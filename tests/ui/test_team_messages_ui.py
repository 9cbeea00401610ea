"""Staff screens with the User fixture: outcomes, quick replies, a "result available" message and a broadcast."""

from __future__ import annotations

from datetime import date

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in, sign_in_patient, table_rows


def _choose(user: User, label: str, option: str) -> None:
    user.find(kind=ui.select, content=label).click()
    user.find(option).click()


async def test_nurse_records_a_renewal_outcome_the_patient_sees(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Metformin renewal", body="",
        template_key="prescription_renewal", answers={"Medication": "Metformin"})
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")  # signed in and on the worklist before going elsewhere
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Care-team work")
    user.find(kind=ui.button, content="Record outcome").click()
    user.find(kind=ui.button, content="Send outcome").click()
    await see(user, "Choose an outcome for this request.")
    _choose(user, "Outcome", "Renewal approved")
    user.find(kind=ui.textarea, content="Note to the patient").type("Ready at your pharmacy tomorrow.")
    user.find(kind=ui.button, content="Send outcome").click()
    await see(user, "Outcome sent to the patient")
    await see(user, "Recorded: Renewal approved")
    await see(user, "Nina Blue recorded the outcome: Renewal approved")

    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    await patient.open(f"/thread/{sent.thread_id}")
    await see(patient, "Ready at your pharmacy tomorrow.")
    await see(patient, "Renewal approved.")
    await patient.should_not_see("Care-team work")


async def test_quick_reply_is_inserted_for_editing_not_sent(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Visit question", body="Do I need to fast?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")  # signed in and on the worklist before going elsewhere
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Do I need to fast?")
    await press(user, "Reply")
    user.find(kind=ui.select, content="Quick reply").click()
    await see(user, "Call the clinic")  # the clinic's quick replies fill the list once the form is open
    user.find("Call the clinic").click()
    textarea = user.find(kind=ui.textarea, content="Message").elements.pop()
    assert textarea.value.startswith("This is easier to discuss by phone.")
    view = await system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    assert len(view.messages) == 1  # nothing was sent


async def test_result_available_and_a_broadcast_from_the_team_messages_page(user: User, create_user) -> None:
    await seeded(user)
    system = app.state.sm_system
    await system.accounts.set_demographics(email="pat@example.org", birth_date=date(1961, 4, 12), sex="female")
    await sign_in(user, "paul@example.org", STAFF_PW)  # a provider: may broadcast
    await see(user, "Team messages")  # signed in and on the worklist before going elsewhere
    await user.open("/team-messages")
    await see(user, "Delivery reports")  # the whole page is there
    _choose(user, "Kind", "Result available (test results template)")
    user.find(kind=ui.button, content="Send to patient").click()
    await see(user, "Choose a patient of this care team.")
    _choose(user, "Patient", "Pat Patient")
    user.find("Test").type("Lipid panel")
    user.find("Date of test").type("2026-10-30")
    user.find(kind=ui.button, content="Send to patient").click()
    await see(user, "Your test result is available")
    await see(user, "Message sent")

    await user.open("/team-messages")
    await see(user, "Delivery reports")
    _choose(user, "Sex", "Female")
    user.find("Count recipients").click()
    await see(user, "1 patient matches.")
    user.find("Broadcast subject").type("Flu clinic on Saturday")
    user.find("Broadcast message").type("Walk-in flu shots this Saturday, 9 to 12.")
    user.find("Send broadcast").click()
    # A last step shows the final count before anything is sent.
    await see(user, "Send this broadcast to 1 patient?")
    user.find(kind=ui.button, content="Send to 1 patient").click()
    await see(user, "Broadcast sent to 1 patient")
    # The delivery report: sent to 1, read by nobody yet.
    rows = await table_rows(user, "delivery-report")
    assert [(r["subject"], r["cohort"], r["recipients"], r["read"]) for r in rows] == [
        ("Flu clinic on Saturday", "female patients", 1, 0)]

    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    await see(patient, "Flu clinic on Saturday")
    await see(patient, "Your test result is available")


async def test_a_nurse_without_lead_role_cannot_broadcast(user: User) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Team messages")  # signed in and on the worklist before going elsewhere
    await user.open("/team-messages")
    await see(user, "Broadcasts are sent by team leads and providers.")
    await user.should_not_see("Broadcast to a cohort")
