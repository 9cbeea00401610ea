"""Email notification choice in Settings, the live toast for a new message, and the admin's email outbox."""

from __future__ import annotations

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient


async def test_patient_chooses_email_notifications(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/settings")
    await see(user, "Email notifications")
    radio = user.find(kind=ui.radio).elements.pop()
    assert radio.value == "each"  # patients: an email for each new message by default
    radio.set_value("none")
    await see(user, "Email notifications: No emails")
    assert await system.notifications.email_mode(clinic.pat) == "none"
    # Now a reply from the team queues no email for Pat.
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Hours", body="When are you open?")
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "8 to 5.")
    assert [r.kind for r in await system.notifications.outbox(clinic.admin)] == []


async def test_a_new_message_shows_a_toast_for_the_recipient_only(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "No conversations for your care teams.")
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                        subject="Toast check", body="Hello team.")
    await see(nurse, "Toast check")
    await see(nurse, "New secure message")


async def test_admin_sees_a_failed_email_and_retries_it(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                        subject="Anything", body="Hello.")
    await system.notifications.set_email_mode(clinic.blue_nurse, "each")
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                        subject="Second", body="Hello again.")
    from sm_app.adapters.models import OutboxEmail

    async with system.db.write() as s:  # as if the server had refused it for good
        await s.execute(OutboxEmail.__table__.update().values(status="failed", attempts=8,
                                                               last_error="550 No such user"))
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    await user.open("/admin/outbox")
    await see(user, "Pending 0 · Sent 0 · Failed 1")
    await see(user, "new message to nina@example.org")
    await see(user, "Last error: 550 No such user")
    user.find(kind=ui.button, content="Retry").click()
    await see(user, "Queued again; it will be sent shortly")
    counts = await system.notifications.counts(clinic.admin)
    # Back in the queue (or already delivered by the dispatcher, which runs every few seconds in the app).
    assert counts["failed"] == 0 and counts["pending"] + counts["sent"] == 1


async def test_a_message_the_team_starts_shows_the_patient_a_toast(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await see(user, "No messages yet.")
    await system.broadcasts.result_available(clinic.blue_nurse, team_id=clinic.blue_id, patient_id=clinic.pat.user_id,
                                             test="Lipid panel", test_date="2026-10-30")
    await see(user, "Your test result is available")
    await see(user, "New secure message")
