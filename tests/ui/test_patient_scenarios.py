"""More of what patients do, each named as a patient would describe it (NiceGUI User fixture)."""

from __future__ import annotations

import asyncio

from nicegui import app, ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in, sign_in_patient, table_rows


async def _thread(clinic, subject="Knee pain", body="My knee hurts."):
    return await app.state.sm_system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                            subject=subject, body=body)


def has_button(user: User, label: str) -> bool:
    return any(b.text == label for b in user.find(ui.button).elements)


async def _new_message(user: User) -> None:
    user.find("New message").click()
    await see(user, "Save draft")


async def test_message_is_required_and_the_error_names_it(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _new_message(user)
    user.find("Category").click()
    user.find("General").click()
    user.find("Subject").type("Only a subject")
    user.find("Send").click()
    await see(user, "Message is required.")
    message = user.find("Message").elements.pop()
    assert "error" in message.props and message.props["error-message"] == "Message is required."
    assert user.find("Subject").elements.pop().value == "Only a subject"


async def test_choosing_no_category_is_refused_clearly(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _new_message(user)
    user.find("Subject").type("Hello")
    user.find("Message").type("A question")
    user.find("Send").click()
    await see(user, "Choose a category.")


async def test_the_counters_show_the_limits(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _new_message(user)
    subject = user.find("Subject").elements.pop()
    message = user.find("Message").elements.pop()
    # Issue 13 changed how the limit is shown: a counter and the limit in words, never the browser's `maxlength`
    # (which cut pasted text without a word); past the limit the field error refuses the send
    # (test_nothing_doubled_nothing_lost_ui.py).
    assert subject.props["counter"] is True and subject.props["hint"] == "Up to 100 characters"
    assert message.props["counter"] is True and message.props["hint"] == "Up to 10,000 characters"
    assert "maxlength" not in subject.props and "maxlength" not in message.props


async def test_a_blocked_patient_sees_why_and_cannot_reply(user: User) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic)
    await app.state.sm_system.accounts.set_blocked(team="Blue Team", email="pat@example.org", blocked=True)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _new_message_blocked(user)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "You can no longer send messages to this care team.")
    assert not has_button(user, "Reply") and not has_button(user, "Start a new message")


async def _new_message_blocked(user: User) -> None:
    user.find("New message").click()
    await see(user, "Messaging with your care teams is turned off for your account")


async def test_a_closed_conversation_offers_a_new_message_to_the_same_team(user: User) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic, subject="Flu shot")
    await app.state.sm_system.messaging.close_thread(clinic.blue_nurse, sent.thread_id, "Given at your visit")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Your care team closed this conversation (Given at your visit)")
    user.find("Start a new message").click()
    await see(user, "Save draft")
    assert user.find("Subject").elements.pop().value == "Flu shot"


async def test_read_receipt_changes_when_the_team_opens_the_message(user: User) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Not read yet")
    await app.state.sm_system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    await see(user, "Read by your care team")


async def test_a_reply_brings_a_trashed_conversation_back_to_the_inbox(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await _thread(clinic, subject="Old question")
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "First answer")
    await system.folders.move_thread(clinic.pat, sent.thread_id, "trash")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await see(user, "No messages yet.")
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "One more thing")
    await see(user, "Old question")
    await user.open("/trash")
    await see(user, "Trash is empty.")


async def test_rename_and_delete_an_empty_folder(user: User) -> None:
    clinic = await seeded(user)
    await app.state.sm_system.folders.create_folder(clinic.pat, "Old name")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/folders")
    await see(user, "Old name")
    user.find("Rename").click()
    user.find("New folder name").clear().type("Heart")
    user.find("Save").click()
    await see(user, "Folder renamed")
    await see(user, "Heart")
    user.find("Delete").click()
    await see(user, "Delete the folder Heart?")
    user.find("Delete folder").click()
    await see(user, "Folder deleted")
    await see(user, "You have no folders yet.")


async def test_folder_names_are_limited_to_50_characters(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/folders")
    await see(user, "Create folder")
    name = user.find("Folder name").elements.pop()
    assert str(name.props["maxlength"]) == "50"
    user.find("Folder name").type("Trash")
    user.find("Create folder").click()
    await see(user, "Trash is a built-in folder; choose another name.")


async def test_oldest_first_and_the_second_page(user: User) -> None:
    clinic = await seeded(user)
    for i in range(12):
        await _thread(clinic, subject=f"Note {i:02d}")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/sent")
    await see(user, "Note 11")
    user.find("Sort by").click()
    user.find("Oldest first").click()
    await see(user, "Note 00")
    await user.should_not_see("Note 11", retries=20)
    pagination = user.find(ui.pagination).elements.pop()
    pagination.value = 2
    await see(user, "Note 11")
    await user.should_not_see("Note 00", retries=20)


async def test_removing_an_attachment_gives_the_slot_back(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _new_message(user)
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([SmallFileUpload("a.txt", "text/plain", b"first note")])
    await upload.handle_uploads([SmallFileUpload("b.txt", "text/plain", b"second note")])
    await see(user, "b.txt (1 KB)")
    assert upload.props["label"] == "Attach files (2 of 4 remaining)"
    user.find("Remove").click()
    await user.should_not_see("a.txt (1 KB)")
    assert upload.props["label"] == "Attach files (3 of 4 remaining)"


async def test_a_care_team_reply_can_carry_a_file(user: User, create_user) -> None:
    clinic = await seeded(user)
    sent = await _thread(clinic)
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Knee pain")
    await nurse.open(f"/thread/{sent.thread_id}")
    await see(nurse, "My knee hurts.")
    await press(nurse, "Reply")
    nurse.find("Message").type("Exercises attached.")
    upload = [u for u in nurse.find(ui.upload).elements][0]
    await upload.handle_uploads([SmallFileUpload("exercises.pdf", "application/pdf", b"%PDF-1.4\nbend knee\n")])
    await see(nurse, "exercises.pdf (1 KB)")
    nurse.find("Send").click()
    await see(nurse, "Reply sent")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Exercises attached.")
    await see(user, "exercises.pdf (1 KB)")


async def test_appointment_request_needs_a_visit_type(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _new_message(user)
    user.find("Template").click()
    user.find("Appointment request").click()
    await see(user, "Visit type")
    user.find("Subject").type("Check-up")
    user.find(kind=ui.textarea, content="Reason for the visit").type("Yearly check-up")
    user.find("Send").click()
    await see(user, "Visit type is required.")
    user.find("Visit type").click()
    user.find("Video").click()
    user.find("Send").click()
    await see(user, "Message sent")
    assert {"field": "Visit type", "answer": "Video"} in await table_rows(user, "template-answers")


async def test_signature_off_is_not_added(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.preferences.set_signature(clinic.pat, on=False, name="Pat P.", title="")
    sent = await _thread(clinic)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "My knee hurts.")
    await press(user, "Reply")
    user.find("Message").type("No signature please")
    user.find("Send").click()
    await see(user, "Reply sent")
    for _ in range(40):
        view = await system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
        if len(view.messages) == 2:
            break
        await asyncio.sleep(0.05)
    assert view.messages[-1].body == "No signature please"
