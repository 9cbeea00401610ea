"""Urgent treated as urgent, as a patient, an on-call nurse and the clinic admin meet it: the dialog's safe choices are
its main actions, the conversation keeps tap-to-call 911 / 988 links (in Spanish when the patient wrote Spanish), the
on-call nurse is alerted at once, and the admin sets the urgent clock and who is on call."""

from __future__ import annotations

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient

URGENT = "Please renew my inhaler. Also I have chest pain since this morning."
URGENT_ES = "Tengo un dolor muy fuerte en el pecho y no puedo respirar."


async def _write(user: User, subject: str, body: str) -> None:
    user.find("New message").click()
    await see(user, "Save draft")
    user.find("Category").click()
    user.find("Medication").click()
    user.find("Subject").type(subject)
    user.find("Message").type(body)
    user.find("Send").click()


def _button(user: User, label: str) -> ui.button:
    return next(iter(user.find(kind=ui.button, content=label).elements))


def _link(user: User, label: str) -> ui.link:
    return next(iter(user.find(kind=ui.link, content=label).elements))


async def test_the_safe_choices_are_the_main_actions_and_sending_is_secondary(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _write(user, "Inhaler renewal", URGENT)
    await see(user, "Is this an emergency?")
    call = _button(user, "Call 911")
    assert call.props["href"] == "tel:911"  # a tap-to-call link, not a page action
    assert call.props["color"] == "negative" and "flat" not in call.props and "outline" not in call.props
    back = _button(user, "Go back and edit")
    assert "flat" not in back.props and "autofocus" in back.props  # Enter never sends
    send = _button(user, "Send anyway")
    assert "flat" in send.props and send.props["color"] != "negative"  # a plain text button, not the red one
    # Not a crisis: no 988 button ahead of 911 (988 stays in the notice's wording).
    await user.should_not_see(kind=ui.button, content="Call or text 988")
    user.find("Send anyway").click()
    await see(user, "Message sent")


async def test_after_send_anyway_the_conversation_keeps_911_and_988_on_every_visit(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _write(user, "Inhaler renewal", URGENT)
    await see(user, "Is this an emergency?")
    user.find("Send anyway").click()
    await see(user, "Message sent")
    await see(user, "If it gets worse, call 911.")
    assert _link(user, "Call 911").props["href"] == "tel:911"
    assert _link(user, "Call or text 988").props["href"] == "tel:988"
    thread_id = (await system.mailbox.list_threads(clinic.pat, "sent")).items[0].id

    await user.open("/")  # away, and back later: the notice is still there
    await see(user, "New message")
    await user.open(f"/thread/{thread_id}")
    await see(user, "Inhaler renewal")
    await see(user, "If you are in crisis, call or text 988.")
    await user.should_not_see("Message sent")
    assert _link(user, "Call 911").props["href"] == "tel:911"

    # A routine conversation has no such notice; the care team sees its own flag, not the patient's notice.
    routine = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                  subject="Parking", body="Where do I park?")
    await user.open(f"/thread/{routine.thread_id}")
    await see(user, "Where do I park?")
    await user.should_not_see("If it gets worse, call 911.")
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Inhaler renewal")
    await nurse.open(f"/thread/{thread_id}")
    await see(nurse, "Urgent, flagged from the patient's words")
    await nurse.should_not_see("If it gets worse, call 911.")


async def test_a_patient_who_wrote_spanish_gets_the_dialog_and_the_notice_in_spanish(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _write(user, "Dolor", URGENT_ES)
    await see(user, "¿Es una emergencia?")
    await see(user, 'Su mensaje menciona "dolor muy fuerte en el pecho", "no puedo respirar" '
                    "(posible ataque al corazón).")
    await see(user, "llame al 911")
    assert _button(user, "Llamar al 911").props["href"] == "tel:911"
    user.find("Volver y editar").click()
    await user.should_not_see("¿Es una emergencia?")
    user.find("Send").click()
    await see(user, "¿Es una emergencia?")
    user.find("Enviar de todos modos").click()
    await see(user, "Message sent")
    await see(user, "Si empeora, llame al 911.")
    await see(user, "Si está en crisis, llame o envíe un mensaje de texto al 988.")
    assert _link(user, "Llamar al 911").props["href"] == "tel:911"
    assert _link(user, "Llamar o enviar texto al 988").props["href"] == "tel:988"


async def test_an_english_check_after_a_spanish_one_is_english_again(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _write(user, "Dolor", URGENT_ES)
    await see(user, "¿Es una emergencia?")
    user.find("Volver y editar").click()
    await user.should_not_see("¿Es una emergencia?")
    message = next(iter(user.find(kind=ui.textarea, content="Message").elements))
    message.set_value(URGENT)
    user.find("Send").click()
    await see(user, "Is this an emergency?")
    await see(user, "Send anyway")
    await user.should_not_see("Enviar de todos modos")


async def test_the_on_call_nurse_is_alerted_at_once(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.accounts.set_on_call(clinic.admin, team_id=clinic.blue_id, user_id=clinic.blue_nurse.user_id,
                                      on_call=True)
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Sign out")
    await nurse.open("/alerts")
    await see(nurse, "No reminders or escalations.")

    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _write(user, "Inhaler renewal", URGENT)
    await see(user, "Is this an emergency?")
    user.find("Send anyway").click()
    await see(user, "Message sent")
    # Live, without a sweep or a reload.
    # Staff of the team read whose conversation it is (alerts name the patient for those who may open it).
    await see(nurse, "Urgent: Pat Patient's message to Blue Team was flagged urgent. Open it now.")
    await see(nurse, "Open conversation")


async def test_the_admin_sets_the_urgent_clock_and_who_is_on_call(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "On call")
    target = next(iter(user.find(kind=ui.number, content="Urgent response target").elements))
    assert target.value == 1
    target.set_value(25)  # more than a working day is not urgent: refused, nothing saved
    user.find("Save response clock").click()
    await see(user, "The urgent response target must be 1 to 24 business hours.")
    assert (await system.clinic_settings.business_hours()).urgent_target_business_hours == 1
    target.set_value(2)
    user.find("Save response clock").click()
    await see(user, "Response clock saved; it applies to requests received from now on")
    assert (await system.clinic_settings.business_hours()).urgent_target_business_hours == 2

    box = next(iter(user.find(kind=ui.checkbox, content="Nina Blue (nurse) on call").elements))
    assert box.value is False
    box.set_value(True)
    await see(user, "Nina Blue is on call for Blue Team")  # shown once the mark is stored
    blue = next(t for t in await system.accounts.team_rota(clinic.admin) if t.team_name == "Blue Team")
    assert {(m.name, m.on_call) for m in blue.members} == {("Nina Blue", True), ("Paul Blue", False)}
