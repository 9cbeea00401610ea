"""The clinic admin changes routing rules and the response clock; staff and patients cannot."""

from __future__ import annotations

import asyncio

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient


async def test_admin_changes_routing_and_business_hours(user: User) -> None:
    await seeded(user)
    system = app.state.sm_system
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")  # the admin lands on the Admin page
    user.find(kind=ui.select, content="General").click()
    user.find("Nurse pool").click()
    user.find("Save routing rules").click()
    await see(user, "Routing rules saved")
    assert (await system.clinic_settings.routing())["General"] == "nurse"

    closes = user.find(kind=ui.input, content="Closing time").elements.pop()
    closes.set_value("07:00")  # before opening: refused, nothing saved
    user.find("Save response clock").click()
    await see(user, "Closing time")
    for _ in range(100):
        if "error" in closes.props:
            break
        await asyncio.sleep(0.05)
    assert "error" in closes.props  # the field is marked
    hours = await system.clinic_settings.business_hours()
    assert hours.closes.hour == 17
    closes.set_value("18:00")
    user.find(kind=ui.checkbox, content="Fri").elements.pop().set_value(False)
    user.find("Save response clock").click()
    await see(user, "Response clock saved; it applies to requests received from now on")
    hours = await system.clinic_settings.business_hours()
    assert (hours.closes.hour, hours.workdays) == (18, (0, 1, 2, 3))


async def test_staff_cannot_open_admin(user: User) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")
    await user.should_not_see("Admin")
    await user.open("/admin")
    await see(user, "Administration is for the clinic admin.")
    await user.should_not_see("Routing rules")


async def test_admin_rewords_the_emergency_notice_and_patients_see_it(user: User, create_user) -> None:
    await seeded(user)
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Emergency notice")
    box = user.find(kind=ui.textarea, content="Emergency notice").elements.pop()
    assert "call 911" in box.value
    box.set_value("Please don't use messages for emergencies.")
    user.find("Save emergency notice").click()
    await see(user, "The notice must still tell patients to call 911 and 988.")  # refused, shown on the field
    box.set_value("Riverside Family Clinic is not an emergency service: call 911, or 988 then press 1.")
    user.find("Save emergency notice").click()
    await see(user, "Emergency notice saved")

    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    patient.find("New message").click()
    await see(patient, "Riverside Family Clinic is not an emergency service: call 911, or 988 then press 1.")
    patient.find("Category").click()
    patient.find("General").click()
    patient.find("Subject").type("Question")
    patient.find("Message").type("i think im going to kill myself tonight")
    patient.find("Send").click()
    await see(patient, "Is this an emergency?")
    await see(patient, 'Your message mentions "kill myself" (suicidal thoughts).')
    await see(patient, "You do not have to wait for a reply: call or text 988 now")  # the crisis line first
    notices = [e for e in patient.current_layout.descendants() if "emergency-text" in e.classes]
    assert len(notices) == 2 and all(n.text.startswith("Riverside Family Clinic is not") for n in notices)
