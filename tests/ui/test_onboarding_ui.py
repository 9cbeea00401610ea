"""Each onboarding and recovery screen as people use it: staff invite a patient, the admin invites staff, the invitee
accepts (code, password, details, terms), dead links say why; forgot password; Settings' password and address."""

from __future__ import annotations

import asyncio
import re

from nicegui import app, ui
from nicegui.testing import User
from sqlalchemy import select

from sm_app.adapters.models import OutboxEmail
from sm_app.identity.recovery import REQUEST_RECEIVED
from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in

NEW_PW = "a long patient passphrase"


async def last_email(to: str) -> OutboxEmail:
    system = app.state.sm_system
    for _ in range(200):
        async with system.db.read() as s:
            rows = list((await s.execute(select(OutboxEmail).where(OutboxEmail.to_address == to)
                                         .order_by(OutboxEmail.created_at.desc()))).scalars())
        if rows:
            return rows[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no email to {to}")


def invitation_of(email: OutboxEmail) -> tuple[str, str]:
    return (re.search(r"(/invitation\?t=[A-Za-z0-9_-]+)", email.body).group(1),
            re.search(r"Enter this code: ([A-Z0-9]{8})", email.body).group(1))


async def field_error(user: User, label: str) -> str:
    element = user.find(kind=ui.input, content=label).elements.pop()
    for _ in range(200):
        if element.props.get("error"):
            return element.props.get("error-message", "")
        await asyncio.sleep(0.05)
    raise AssertionError(f"{label} was not marked")


async def state_labels(user: User) -> list[str]:
    return [e.text for e in user.current_layout.descendants()
            if isinstance(e, ui.label) and "invitation-state" in e.classes]


async def test_a_nurse_invites_a_patient_who_accepts_and_reaches_the_inbox(user: User, create_user) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Invite")
    await user.open("/invite")
    await see(user, "Invite a patient")
    await user.should_see("No invitations yet.")
    user.find("Email").type("not an address")
    user.find("Send invitation").click()
    assert "valid email" in await field_error(user, "Email")
    assert user.find(kind=ui.input, content="Email").elements.pop().value == "not an address"  # kept
    user.find(kind=ui.input, content="Email").elements.pop().set_value("nell@example.org")
    user.find("Name").type("Nell New")
    user.find("Send invitation").click()
    await see(user, "Invitation sent to nell@example.org")
    await see(user, "Nell New")
    assert await state_labels(user) == ["Pending"]
    link, code = invitation_of(await last_email("nell@example.org"))

    invitee = create_user()
    await invitee.open(link)
    await see(invitee, "Enter your code")
    invitee.find("Code").type("WRONG123")
    invitee.find("Continue").click()
    await see(invitee, "That code is not right")
    invitee.find(kind=ui.input, content="Code").elements.pop().set_value(code)
    invitee.find("Continue").click()
    await see(invitee, "Check your details and choose a password")
    assert invitee.find(kind=ui.input, content="Email").elements.pop().value == "nell@example.org"
    invitee.find("Password").type("short")
    invitee.find("Create my account").click()
    await see(invitee, "Password must be at least 12 characters.")
    await see(invitee, "Confirm that your name and email address are right.")
    invitee.find(kind=ui.input, content="Password").elements.pop().set_value(NEW_PW)
    invitee.find("My name and email address are right").click()
    invitee.find("Create my account").click()
    await see(invitee, "I accept the messaging terms")  # signed in; the terms come first
    invitee.find("I accept the messaging terms").click()
    await see(invitee, "New message")

    # The nurse's list says Accepted once reloaded; the used link says so and how to go on.
    await user.open("/invite")
    await see(user, "Nell New")
    assert await state_labels(user) == ["Accepted"]
    other = create_user()
    await other.open(link)
    await see(other, "This invitation has already been used.")
    await other.should_see("Go to sign in")
    await other.should_not_see("Enter your code")


async def test_resend_and_revoke_from_the_list(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.invitations.invite_patient(clinic.blue_nurse, email="rae@example.org", name="Rae Re",
                                            team_id=clinic.blue_id)
    old_link, _ = invitation_of(await last_email("rae@example.org"))
    await sign_in(user, "paul@example.org", STAFF_PW)  # a provider of the same team manages it too
    await see(user, "Invite")
    await user.open("/invite")
    await see(user, "Rae Re")
    await press(user, "Resend")
    await see(user, "A new invitation was sent to rae@example.org. The old link no longer works.")
    invitee = create_user()
    await invitee.open(old_link)
    await see(invitee, "A newer invitation was sent to you.")
    await press(user, "Revoke")
    await see(user, "The invitation to rae@example.org was revoked.")
    for _ in range(100):
        if await state_labels(user) == ["Revoked"]:
            break
        await asyncio.sleep(0.05)
    assert await state_labels(user) == ["Revoked"]
    new_link, _ = invitation_of(await last_email("rae@example.org"))
    await invitee.open(new_link)
    await see(invitee, "This invitation was withdrawn.")


async def test_the_admin_invites_staff_with_a_role_and_teams(user: User) -> None:
    await seeded(user)
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    user.find("Invitations").click()
    await see(user, "Invite staff")
    user.find("Name").type("Phil Pharm")
    user.find("Email").type("phil@example.org")
    user.find(kind=ui.select, content="Role").elements.pop().set_value("pharmacist")
    team_select = user.find(kind=ui.select, content="Care teams").elements.pop()
    team_select.set_value([k for k, v in team_select.options.items() if v == "Green Team"])
    user.find("Send invitation").click()
    await see(user, "Invitation sent to phil@example.org")
    await see(user, "Pharmacist · Green Team")
    assert await state_labels(user) == ["Pending"]
    email = await last_email("phil@example.org")
    assert "Green" not in email.body and "Pharm" not in email.body


async def test_staff_who_do_not_invite_and_patients_are_refused(user: User) -> None:
    await seeded(user)
    await sign_in(user, "pat@example.org", PATIENT_PW)
    await see(user, "I accept the messaging terms")
    user.find("I accept the messaging terms").click()
    await see(user, "New message")
    await user.should_not_see("Invite")
    await user.open("/invite")
    await see(user, "Nurses, providers and clerks invite patients to their care teams.")
    await user.should_not_see("Send invitation")
    await user.open("/admin/invitations")
    await see(user, "Administration is for the clinic admin.")
    await user.should_not_see("Send invitation")


async def test_an_unknown_or_expired_invitation_link_says_what_to_do(user: User) -> None:
    clinic = await seeded(user)
    await user.open("/invitation?t=not-a-real-token")
    await see(user, "This invitation link does not work.")
    await user.should_not_see("Enter your code")
    system = app.state.sm_system
    info = await system.invitations.invite_patient(clinic.blue_nurse, email="old@example.org", name="Ol",
                                                   team_id=clinic.blue_id)
    link, _ = invitation_of(await last_email("old@example.org"))
    async with system.db.write() as s:  # 72 hours have passed
        from sm_app.adapters.models import AccountToken  # noqa: PLC0415

        row = await s.get(AccountToken, info.id)
        row.expires_at = system.clock.now()
        row.binding = system.invitations._links.binding(row)
    await user.open(link)
    await see(user, "This invitation has expired (invitations work for 72 hours).")


async def test_forgot_password_says_the_same_and_the_link_sets_a_new_one(user: User, create_user) -> None:
    await seeded(user)
    await sign_in(user, "pat@example.org", PATIENT_PW)
    await see(user, "I accept the messaging terms")  # this browser is signed in
    answers = []
    for address in ("pat@example.org", "nobody@example.org"):
        visitor = create_user()
        await visitor.open("/login")
        visitor.find("Forgot your password?").click()
        await see(visitor, "Send reset link")
        visitor.find("Email").type(address)
        visitor.find("Send reset link").click()
        await see(visitor, REQUEST_RECEIVED)
        answers.append([e.text for e in visitor.current_layout.descendants()
                        if isinstance(e, ui.label) and "reset-answer" in e.classes])
    assert answers[0] == answers[1] == [[REQUEST_RECEIVED]][0]
    email = await last_email("pat@example.org")
    link = re.search(r"(/reset-password\?t=[A-Za-z0-9_-]+)", email.body).group(1)
    reader = create_user()
    await reader.open(link)
    await see(reader, "Choose a new password")
    reader.find("New password").type("123qweasdzxc")  # on the common list
    reader.find("Save new password").click()
    await see(reader, "That password is on a list of common passwords. Choose another.")
    reader.find(kind=ui.input, content="New password").elements.pop().set_value(NEW_PW)
    reader.find("Save new password").click()
    await see(reader, "Your password was changed and you were signed out everywhere.")
    # The browser that was signed in is signed out.
    await user.open("/inbox")
    await see(user, "Sign in")
    again = create_user()
    await again.open(link)
    await see(again, "This link has already been used.")


async def test_settings_change_password_and_notification_address(user: User) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Invite")
    await user.open("/settings")
    await see(user, "Notification emails go to nina@example.org.")
    user.find("Current password").type("not my password")
    user.find("New password").type("short")
    user.find("Change password").click()
    assert await field_error(user, "Current password") == "That is not your current password."
    assert "at least 15" in await field_error(user, "New password")
    user.find(kind=ui.input, content="Current password").elements.pop().set_value(STAFF_PW)
    user.find(kind=ui.input, content="New password").elements.pop().set_value("a new staff passphrase")
    user.find("Change password").click()
    await see(user, "Password changed. You were signed out on your other devices.")
    assert await app.state.sm_system.sessions.sign_in("nina@example.org", "a new staff passphrase")

    user.find("New notification address").type("nina.home@example.org")
    user.find("Your password, to confirm").type("a new staff passphrase")
    user.find("Change notification address").click()
    await see(user, "Waiting for you to open the link we sent to nina.home@example.org.")
    await user.should_see("Notification emails go to nina@example.org.")
    email = await last_email("nina.home@example.org")
    link = re.search(r"(/verify-address\?t=[A-Za-z0-9_-]+)", email.body).group(1)
    await user.open(link)
    await see(user, "Confirm this address")
    user.find("Confirm this address").click()
    await see(user, "Thank you: notification emails now go to this address.")
    await user.open("/settings")
    await see(user, "Notification emails go to nina.home@example.org.")
