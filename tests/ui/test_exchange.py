"""A patient and a nurse exchange messages in two browsers and see each other live."""

from __future__ import annotations

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import compose, press, see, seeded, sign_in, sign_in_patient


async def test_pages_need_a_signed_in_session(user: User) -> None:
    await seeded(user)
    for path in ("/inbox", "/sent", "/worklist", "/compose", "/thread/abc"):
        await user.open(path)
        await see(user, "Sign in")
        await user.should_not_see("Sign out")


async def test_wrong_password_shows_one_message_for_all_failures(user: User) -> None:
    await seeded(user)
    await sign_in(user, "pat@example.org", "wrong password here")
    await see(user, "Email or password is not correct.")
    await sign_in(user, "nobody@example.org", "wrong password here")
    await see(user, "Email or password is not correct.")
    await user.should_not_see("Inbox")


async def test_patient_accepts_terms_once_and_sees_notice_before_composing(user: User) -> None:
    clinic = await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    assert await app.state.sm_system.terms.has_accepted(clinic.pat)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    await see(user, "call 911")
    await see(user, "Your care team replies within 3 business days.")
    # Only associated, unblocked teams are offered in To.
    to = user.find("To").elements.pop()
    assert list(to.options.values()) == ["Blue Team"]
    # Signing in again does not ask for the terms again.
    user.find("Sign out").click()
    await see(user, "Sign in")
    await sign_in(user, "pat@example.org", PATIENT_PW)
    await see(user, "New message")
    await user.should_not_see("I accept the messaging terms")


async def test_patient_and_nurse_exchange_messages_live(user: User, create_user) -> None:
    await seeded(user)
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Worklist")
    await see(nurse, "No conversations for your care teams.")

    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await compose(user, category="Medication", subject="Refill of lisinopril", body="I have 3 pills left.")
    await see(user, "Message sent")
    await see(user, "I have 3 pills left.")
    await see(user, "Not read yet")

    # The nurse never reloads: the worklist and the unread badge update by push.
    await see(nurse, "Refill of lisinopril")
    await see(nurse, "Pat Patient · Blue Team · Medication")
    badge = [b for b in nurse.find(ui.badge).elements if b.text == "1"]
    assert badge, "the unread badge should show 1"

    nurse.find("Refill of lisinopril").click()
    await see(nurse, "I have 3 pills left.")
    # The patient's open thread shows the read receipt by push.
    await see(user, "Read by your care team")

    await press(nurse, "Reply")
    nurse.find("Message").type("Sent to your pharmacy today.")
    nurse.find("Send").click()
    await see(nurse, "Reply sent")
    await see(user, "Sent to your pharmacy today.")
    await see(nurse, "Read by Pat Patient · ")


async def test_patient_inbox_and_badge_update_live(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Question about my diet", body="Can I eat grapefruit?")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    # Not answered yet, but there: the Inbox says the care team has it.
    await see(user, "Question about my diet")
    await see(user, "Waiting for your care team")
    await user.should_not_see("Unread")
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Best to avoid it with your statin.")
    await see(user, "Your care team replied")
    await see(user, "Unread")
    assert [b for b in user.find(ui.badge).elements if b.text == "1"]
    user.find("Question about my diet").click()
    await see(user, "Best to avoid it with your statin.")
    await user.open("/inbox")
    await user.should_not_see("Unread")


async def test_third_user_cannot_see_or_open_the_conversation(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Private matter", body="Only for Blue Team.")
    for email, password in (("gwen@example.org", STAFF_PW), ("gil@example.org", PATIENT_PW)):
        other = create_user()
        await sign_in(other, email, password)
        if email.startswith("gil"):
            await see(other, "I accept the messaging terms")
            other.find("I accept the messaging terms").click()
            await see(other, "No messages yet.")
        else:
            await see(other, "No conversations for your care teams.")
        await other.should_not_see("Private matter")
        await other.open(f"/thread/{sent.thread_id}")
        await see(other, "Conversation not found")
        await other.should_not_see("Private matter")
        await other.should_not_see("Only for Blue Team.")
        # A made-up id looks exactly the same.
        await other.open("/thread/" + "0" * 32)
        await see(other, "Conversation not found")
    # A live push to Blue Team never reaches them either.
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Reply for Pat only.")
    await other.open("/inbox")
    await other.should_not_see("Private matter")


async def test_compose_errors_name_the_field_and_keep_the_text(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    user.find("Category").click()
    user.find("General").click()
    user.find("Message").type("My text must survive.")
    user.find("Send").click()
    await see(user, "Subject is required.")
    assert user.find("Message").elements.pop().value == "My text must survive."
    await user.should_not_see("Message sent")


async def test_sign_out_ends_the_session_in_other_tabs(user: User, create_user) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("Sign out").click()
    await see(user, "Sign in")
    await user.open("/inbox")
    await see(user, "Sign in")
    await user.should_not_see("New message")


async def test_the_header_is_a_few_elements_and_still_names_every_page_and_the_person(user: User) -> None:
    """Every open page holds its header for as long as it is open: the header is one element drawn by the browser,
    plus what acts on the server (the badges, Sign out, the narrow screen's menu), not a dozen and a half; it still
    shows the clinic, the person, every page's link with the current one marked, and the live unread badge."""
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Question about my diet", body="Can I eat grapefruit?")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await see(user, "Question about my diet")
    header = next(e for e in user.current_layout.descendants() if isinstance(e, ui.header))
    # The header, the unread badge, Sign out, the menu button, the page name drawn in it, and the menu.
    assert len(list(header.descendants(include_self=True))) == 6
    for text in ("Skip to main content", "Pat Patient", "Inbox", "Sent", "Search", "Drafts", "Trash", "Folders",
                 "Health record", "Library", "Settings"):
        await user.should_see(text)
    current = [link["text"] for entry in header.props["nav"] for link in entry.get("links", [entry])
               if link["current"]]
    assert current == ["Inbox"]
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Best to avoid it with your statin.")
    await see(user, "Your care team replied")
    badge = next(b for b in header.descendants() if isinstance(b, ui.badge))
    assert (badge.text, badge.props["aria-label"], badge.visible) == ("1", "1 unread", True)
