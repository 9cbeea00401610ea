"""The urgent-check dialog is one per page, reused for every check, and a double click on "Send anyway"
sends once (compose and reply)."""
from __future__ import annotations

import asyncio

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW
from tests.ui.helpers import press, see, seeded, sign_in_patient

URGENT = "Also I have chest pain since this morning."


def _dialogs(user: User) -> list:
    with user.client:
        return [e for e in user.client.elements.values() if isinstance(e, ui.dialog)]


def _urgent_dialogs(user: User) -> int:
    with user.client:
        return sum(1 for e in user.client.elements.values() if isinstance(e, ui.card) and "urgent-check" in e.classes)


async def test_compose_double_click_sends_once_and_one_dialog(user: User) -> None:
    clinic = await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")
    user.find("Category").click()
    user.find("Medication").click()
    user.find("Subject").type("Double")
    user.find("Message").type(URGENT)
    n_dialogs = len(_dialogs(user))
    for _ in range(3):  # ask, go back, ask again ... : always the same single dialog
        user.find("Send").click()
        await see(user, "Is this an emergency?")
        await see(user, 'Your message mentions "chest pain" (possible heart attack).')
        assert len(user.find("Send anyway").elements) == 1
        user.find("Go back and edit").click()
        await user.should_not_see("Is this an emergency?")
        assert user.find("Message").elements.pop().value == URGENT
        assert len(_dialogs(user)) == n_dialogs
    user.find("Send").click()
    await see(user, "Is this an emergency?")
    button = user.find("Send anyway")
    button.click()
    button.click()  # a double click: both events reach the server before the first send ran
    await see(user, "Message sent")
    await asyncio.sleep(1.0)
    sent = await app.state.sm_system.mailbox.list_threads(clinic.pat, "sent", page=1, page_size=50, sort="newest")
    assert [t.subject for t in sent.items].count("Double") == 1, sent.items


async def test_reply_urgent_dialog_reused_and_double_click_sends_once(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    team = (await system.messaging.teams_for_compose(clinic.pat))[0]
    started = await system.messaging.start_thread(clinic.pat, team_id=team.id, category="General",
                                                  subject="Follow-up question", body="Hello")
    await user.open(f"/thread/{started.thread_id}")
    await see(user, "Follow-up question")
    await press(user, "Reply")
    user.find("Message").type(URGENT)
    for _ in range(2):
        user.find("Send").click()
        await see(user, "Is this an emergency?")
        await see(user, 'Your message mentions "chest pain" (possible heart attack).')
        user.find("Go back and edit").click()
        await user.should_not_see("Is this an emergency?")
        assert user.find("Message").elements.pop().value == URGENT
    user.find("Send").click()
    await see(user, "Is this an emergency?")
    button = user.find("Send anyway")
    button.click()
    button.click()
    await see(user, "Reply sent")
    await asyncio.sleep(1.0)
    thread = await system.mailbox.open_thread(clinic.pat, started.thread_id)
    assert [m.body for m in thread.messages] == ["Hello", URGENT]
    await user.should_not_see("Is this an emergency?")


async def test_a_double_click_on_reply_send_sends_one_reply(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    started = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                  subject="Parking", body="Where do I park?")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{started.thread_id}")
    await see(user, "Where do I park?")
    await press(user, "Reply")
    user.find(kind=ui.textarea, content="Message").type("Is the garage open on Saturdays?")
    send = user.find(kind=ui.button, content="Send")
    send.click()
    send.click()
    await see(user, "Reply sent")
    await asyncio.sleep(1.0)
    view = await system.mailbox.open_thread(clinic.blue_nurse, started.thread_id)
    assert [m.body for m in view.messages] == ["Where do I park?", "Is the garage open on Saturdays?"]


async def test_a_conversation_makes_its_urgent_dialog_at_the_first_check_and_reuses_it(user: User) -> None:
    # Most visits to a conversation never send urgent words: the page makes the dialog (and reads the emergency
    # wording) only when a reply is first checked, then reuses that one dialog.
    clinic = await seeded(user)
    system = app.state.sm_system
    started = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                  subject="Follow-up question", body="Hello")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{started.thread_id}")
    await see(user, "Follow-up question")
    assert _urgent_dialogs(user) == 0
    await press(user, "Reply")
    user.find("Message").type(URGENT)
    for _ in range(2):
        user.find("Send").click()
        await see(user, "Is this an emergency?")
        user.find("Go back and edit").click()
        await user.should_not_see("Is this an emergency?")
        assert _urgent_dialogs(user) == 1
