"""The urgent-words safety net and the contact list, as a patient and a nurse meet them."""

from __future__ import annotations

import asyncio

from nicegui import app
from nicegui.testing import User

from sm_app.components.care_team.worklist_row import WorklistRowView
from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient


def _worklist_subjects(user: User) -> list[str]:
    return [e.text for e in user.current_layout.descendants()
            if isinstance(e, WorklistRowView) and "worklist-row" in e.classes]


async def test_urgent_draft_shows_the_notice_before_sending_and_arrives_flagged(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    # A routine conversation that came in first, so it is due sooner: the urgent one must still be on top.
    team = (await system.messaging.teams_for_compose(clinic.pat))[0]
    await system.messaging.start_thread(clinic.pat, team_id=team.id, category="General", subject="Flu shot question",
                                        body="When is the flu clinic this year?")
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Flu shot question")

    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    user.find("Category").click()
    user.find("Medication").click()
    user.find("Subject").type("Inhaler renewal")
    user.find("Message").type("Please renew my inhaler. Also I have chest pain since this morning.")
    user.find("Send").click()
    await see(user, "Is this an emergency?")
    await see(user, 'Your message mentions "chest pain" (possible heart attack).')
    await see(user, "call 911")  # the emergency notice, shown again
    await user.should_not_see("Message sent")
    user.find("Go back and edit").click()
    await user.should_not_see("Is this an emergency?")
    assert user.find("Message").elements.pop().value.startswith("Please renew my inhaler.")  # nothing lost
    user.find("Send").click()
    await see(user, "Is this an emergency?")
    user.find("Send anyway").click()
    await see(user, "Message sent")

    await nurse.open("/worklist")
    await see(nurse, "Inhaler renewal")
    for _ in range(100):
        if len(_worklist_subjects(nurse)) == 2:
            break
        await asyncio.sleep(0.05)
    assert _worklist_subjects(nurse) == ["Inhaler renewal", "Flu shot question"]  # urgent first
    await see(nurse, "Urgent")
    nurse.find("Inhaler renewal").click()
    await see(nurse, 'Urgent, flagged from the patient\'s words — possible heart attack: "chest pain"')


async def test_contact_list_decides_what_to_offers(user: User) -> None:
    clinic = await seeded(user)
    await app.state.sm_system.accounts.assign_patient(team="Green Team", email=clinic.pat.email)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/settings")
    await see(user, "Show Green Team in To")
    user.find("Show Green Team in To").click()
    for _ in range(100):  # the switch saves in the background
        entries = await app.state.sm_system.contacts.contact_list(clinic.pat)
        if any(e.hidden for e in entries):
            break
        await asyncio.sleep(0.05)
    await user.open("/compose")
    await see(user, "Save draft")  # the whole compose form is there
    assert list(user.find("To").elements.pop().options.values()) == ["Blue Team"]
    await user.open("/settings")
    await see(user, "Show Blue Team in To")
    user.find("Show Blue Team in To").click()  # the last one shown
    await see(user, "Keep at least one care team shown.")


async def test_patient_without_a_team_sees_why_they_cannot_write(user: User) -> None:
    await seeded(user)
    await app.state.sm_system.accounts.create_user(email="new@example.org", role="patient", name="New Patient",
                                                   password=PATIENT_PW)
    await sign_in_patient(user, "new@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "You are not connected to a care team yet")
    await user.should_not_see("Subject")
