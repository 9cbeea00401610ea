"""Reply rules, folders and Trash, paging and sort, signature and print view, as a patient and a nurse use them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from nicegui import app, ui
from nicegui.testing import User
from sqlalchemy import update

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in, sign_in_patient


def has_button(user: User, label: str) -> bool:
    """Whether a visible button with exactly this label is on the page (find() only returns visible ones)."""
    return any(b.text == label for b in user.find(ui.button).elements)


async def eventually(condition, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    assert condition()


async def _thread(clinic, subject="Knee pain", body="My knee hurts."):
    return await app.state.sm_system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                            subject=subject, body=body)


async def test_reply_is_refused_after_45_days_and_offers_a_prefilled_new_message(user: User) -> None:
    from sm_app.adapters.models import Thread  # late: the test harness reloads sm_app for each test

    clinic = await seeded(user)
    sent = await _thread(clinic)
    system = app.state.sm_system
    async with system.db.write() as s:
        await s.execute(update(Thread).values(last_message_at=system.clock.now() - timedelta(days=46)))
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "more than 45 days old")
    assert not has_button(user, "Reply")
    user.find("Start a new message").click()
    await see(user, "Save draft")  # the whole compose form is there
    assert user.find("Subject").elements.pop().value == "Knee pain"
    assert user.find("To").elements.pop().value == clinic.blue_id


async def test_team_closes_a_conversation_and_the_patient_sees_why_live(user: User, create_user) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "My knee hurts.")
    assert has_button(user, "Reply")

    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Knee pain")
    await nurse.open(f"/thread/{sent.thread_id}")
    await see(nurse, "My knee hurts.")
    nurse.find("Close conversation").click()
    await see(nurse, "Close this conversation?")
    nurse.find("Confirm close").click()  # no reason yet
    await see(nurse, "Give a reason for closing")
    nurse.find("Reason").type("Answered by phone")
    nurse.find("Confirm close").click()
    await see(nurse, "Reopen conversation")

    await see(user, "Your care team closed this conversation (Answered by phone)")
    await see(user, "Start a new message")
    assert not has_button(user, "Reply")

    nurse.find("Reopen conversation").click()
    await see(nurse, "Conversation reopened")
    await user.should_not_see("Your care team closed this conversation", retries=50)
    await eventually(lambda: has_button(user, "Reply"))


async def test_patient_files_a_conversation_in_a_folder_then_trash_and_restores_it(user: User) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic, subject="Physio plan")
    await app.state.sm_system.messaging.reply(clinic.blue_nurse, sent.thread_id, "See the attached plan.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await see(user, "Physio plan")

    await user.open("/folders")
    await see(user, "You have no folders yet.")
    user.find("Create folder").click()
    await see(user, "Folder name is required.")
    user.find("Folder name").type("Knee")
    user.find("Create folder").click()
    await see(user, "Folder created")
    await see(user, "0 conversations")
    user.find("Folder name").type("knee")
    user.find("Create folder").click()
    await see(user, "You already have a folder named knee.")

    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "See the attached plan.")
    user.find("Move to").click()
    user.find("Knee").click()
    await see(user, "Moved to Knee")
    await user.open("/inbox")
    await see(user, "No messages yet.")
    await user.open("/folders")
    await see(user, "1 conversation")
    user.find("Knee").click()
    await see(user, "Physio plan")

    user.find("Physio plan").click()
    await see(user, "See the attached plan.")
    user.find("Move to Trash").click()
    await see(user, "Moved to Trash")
    await user.open("/trash")
    await see(user, "Physio plan")
    user.find("Physio plan").click()
    await see(user, "Restore")
    user.find("Restore").click()
    await see(user, "Restored")
    await user.open("/trash")
    await see(user, "Trash is empty.")

    # A folder with a conversation in it cannot be deleted.
    await user.open("/folders")
    await see(user, "1 conversation")
    user.find("Delete").click()
    user.find("Delete folder").click()
    await see(user, "This folder is not empty.")


async def test_lists_show_ten_per_page_and_sort_by_subject(user: User) -> None:
    clinic = await seeded(user)
    for c in "LKJIHGFEDCBA":  # 12 conversations; "Topic A" is the newest
        await _thread(clinic, subject=f"Topic {c}")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/sent")
    await see(user, "Topic A")
    await see(user, "12 conversations")
    await user.should_not_see("Topic K")  # 11th newest is on page 2
    user.find("Sort by").click()
    user.find("Subject").click()
    await see(user, "Topic J")
    await user.should_not_see("Topic K", retries=20)
    user.find("Per page").click()
    user.find("20").click()
    await see(user, "Topic L")
    assert len(user.find(ui.link).elements) >= 12


async def test_signature_is_saved_and_added_to_messages(user: User) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/settings")
    await see(user, "Signature")
    user.find("Add my signature to messages").click()
    user.find("Save settings").click()
    await see(user, "Enter a name or a title to use a signature.")
    user.find("Signature name").type("Pat P.")
    user.find("Save settings").click()
    await see(user, "Settings saved")
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "My knee hurts.")
    await press(user, "Reply")
    user.find("Message").type("Thanks!")
    user.find("Send").click()
    await see(user, "Reply sent")
    await see(user, "Thanks!\n\nPat P.")
    view = await app.state.sm_system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    assert view.messages[-1].body == "Thanks!\n\nPat P."


async def test_print_view_shows_the_conversation_only_to_those_who_can_see_it(user: User, create_user) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic, subject="Blood test question", body="What does high LDL mean?")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}/print")
    await see(user, "Blood test question")
    await see(user, "What does high LDL mean?")
    await see(user, "Print")
    await user.should_not_see("Sign out")  # no navigation on paper

    other = create_user()
    await sign_in(other, "gwen@example.org", STAFF_PW)
    await see(other, "No conversations for your care teams.")
    await other.open(f"/thread/{sent.thread_id}/print")
    await see(other, "Conversation not found")
    await other.should_not_see("What does high LDL mean?")
