"""The admin console's screens as the clinic admin meets them: Users (search, deactivate a person whose page is open,
reactivate), Care teams (create, the name patients see, staff marks, business hours, patients and blocks), and what
the admin cannot reach (a conversation, a health record) and staff cannot open (the console)."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import app, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction
from sqlalchemy import select

from sm_app.adapters.models import OutboxEmail
from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in, sign_in_patient


async def _element(user: User, kind, content: str):
    for _ in range(200):
        found = [e for e in user.current_layout.descendants() if isinstance(e, kind)
                 and content in (getattr(e, "props", {}).get("label", "") or getattr(e, "text", "") or "")]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {kind.__name__} {content!r}")


async def click_exactly(user: User, text: str) -> None:
    """Click the button whose text is exactly `text` ("Block", not "Block Pat Patient")."""
    for _ in range(200):
        found = [e for e in user.current_layout.descendants() if isinstance(e, ui.button) and e.text == text]
        if found:
            UserInteraction(user, {found[0]}, None).click()
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no button {text!r}")


@pytest.fixture
def slow_idle_checks(clinic_env, monkeypatch):
    """Slow the page's own session timer, so what sends the nurse's page to sign-in is the live push alone."""
    monkeypatch.setenv("SM_SESSION_CHECK_SECONDS", "3600")


async def test_admin_finds_people_and_deactivation_ends_an_open_page(slow_idle_checks, user: User,
                                                                      create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "No conversations for your care teams.")

    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    user.find("Users").click()  # the link on /admin
    await see(user, "Search by name or email")
    await see(user, "Gil Green")
    (await _element(user, ui.input, "Search by name or email")).set_value("blue")
    await click_exactly(user, "Search")
    await see(user, "Page 1 of 1 · 2 people")  # drawn again for the search
    await see(user, "Paul Blue")
    await user.should_not_see("Gil Green")
    await see(user, "Teams: Blue Team")

    await press(user, "Deactivate Nina Blue")
    await see(user, "They are signed out at once on every device")
    await click_exactly(user, "Deactivate")
    await see(user, "Nina Blue is deactivated and signed out everywhere")
    await see(user, "Deactivated")
    await see(user, "Reactivate Nina Blue")
    # The nurse's open worklist goes to sign-in at once.
    await see(nurse, "Your session ended. Please sign in again.")
    assert (await system.user_admin.user(clinic.admin, clinic.blue_nurse.user_id)).state == "Deactivated"

    await press(user, "Reactivate Nina Blue")
    await see(user, "Nina Blue can sign in again")
    await see(user, "Deactivate Nina Blue")


async def test_admin_unlocks_a_locked_account(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    for _ in range(5):
        try:
            await system.sessions.sign_in("gil@example.org", "not the password", address="10.1.1.1")
        except Exception:  # noqa: BLE001 - each attempt fails; the fifth locks the pair
            pass
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    await user.open("/admin/users")
    await see(user, "Unlock Gil Green")
    await press(user, "Unlock Gil Green")
    await see(user, "Gil Green can try to sign in again now")
    assert (await system.user_admin.user(clinic.admin, clinic.gil.user_id)).state == "Active"


async def test_admin_names_a_team_for_patients_and_blocks_a_patient(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    await user.open("/admin/teams")
    await see(user, "Blue Team")
    await see(user, "Patients see: Blue Team (no plain name yet)")
    (await _element(user, ui.input, "Team name")).set_value("REN PAC 03 WH")
    (await _element(user, ui.input, "Name patients see")).set_value("Kidney care, West Hills (Dr. Rao's team)")
    await press(user, "Create care team")
    await see(user, "Staff")  # the new team's own page
    await see(user, "No staff on this team yet.")

    (await _element(user, ui.input, "Staff email")).set_value("paul@example.org")
    (await _element(user, ui.checkbox, "Team lead")).set_value(True)
    await press(user, "Add staff member")
    await see(user, "Added to the team")
    await see(user, "Paul Blue · Provider")
    (await _element(user, ui.input, "Staff email")).set_value("pat@example.org")
    await press(user, "Add staff member")
    await see(user, "Only staff (clerks, nurses, pharmacists, providers) join care teams")
    assert (await _element(user, ui.input, "Staff email")).value == "pat@example.org"  # kept

    (await _element(user, ui.input, "Patient email")).set_value("pat@example.org")
    await press(user, "Add patient")
    await see(user, "The patient can now write to this team")
    await see(user, "Pat Patient · pat@example.org")

    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    await patient.open("/compose")
    to = await _element(patient, ui.select, "To")
    assert sorted(to.options.values()) == ["Blue Team", "Kidney care, West Hills (Dr. Rao's team)"]

    await press(user, "Block Pat Patient")
    await see(user, "Block Pat Patient from writing to this team")
    await click_exactly(user, "Block")
    await see(user, "Give the reason the patient will see.")
    (await _element(user, ui.textarea, "Reason the patient will see")).set_value(
        "Please call the front desk to update your details.")
    await click_exactly(user, "Block")
    await see(user, "Pat Patient can no longer write to this team")
    await see(user, "Blocked: Please call the front desk to update your details.")

    await patient.open("/compose")
    await see(patient, "You cannot send messages to Kidney care, West Hills (Dr. Rao's team). Reason: Please call "
                       "the front desk to update your details. Please call your clinic.")
    to = await _element(patient, ui.select, "To")
    assert list(to.options.values()) == ["Blue Team"]
    teams = {t.name: t.id for t in await system.team_admin.teams(clinic.admin)}
    assert (await system.team_admin.patients(clinic.admin, teams["REN PAC 03 WH"])).rows[0].blocked


async def test_admin_gives_a_team_its_own_business_hours(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    await user.open(f"/admin/teams/{clinic.blue_id}")
    await see(user, "Business hours")
    user.find("This team has its own hours").click()
    (await _element(user, ui.checkbox, "Sat")).set_value(True)
    (await _element(user, ui.input, "Closing time")).set_value("07:00")
    await press(user, "Save business hours")
    closes = await _element(user, ui.input, "Closing time")
    for _ in range(100):
        if "error" in closes.props:
            break
        await asyncio.sleep(0.05)
    assert "error" in closes.props and await system.clinic_settings.team_business_hours(clinic.blue_id) is None
    closes.set_value("19:00")
    await press(user, "Save business hours")
    await see(user, "Business hours saved; they apply to requests received from now on")
    hours = await system.clinic_settings.team_business_hours(clinic.blue_id)
    assert (hours.workdays, hours.closes.hour) == ((0, 1, 2, 3, 4, 5), 19)

    (await _element(user, ui.checkbox, "Paul Blue is on call")).set_value(True)
    await see(user, "Saved for Paul Blue")
    team = await system.team_admin.team(clinic.admin, clinic.blue_id)
    assert [m.name for m in team.members if m.on_call] == ["Paul Blue"]


async def test_admin_cannot_reach_a_conversation_or_a_health_record_by_url(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="My rash", body="The rash on my arm is spreading.")
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Conversation not found")
    await user.should_not_see("My rash")
    await user.should_not_see("spreading")
    await user.open(f"/patients/{clinic.pat.user_id}/health-record")
    await see(user, "Health record not found")


async def test_staff_cannot_open_the_admin_console(user: User) -> None:
    clinic = await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")
    for path in ("/admin/users", "/admin/teams", f"/admin/teams/{clinic.blue_id}"):
        await user.open(path)
        await see(user, "Administration is for the clinic admin.")
        await user.should_not_see("Gil Green")
        await user.should_not_see("Business hours")


async def test_an_invited_person_shows_as_invited_in_users_and_the_admin_resends_from_there(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    invited = await system.invitations.invite_staff(clinic.admin, email="rae@example.org", name="Rae Pharm",
                                                    role="pharmacist", team_ids=[clinic.blue_id])
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    await user.open("/admin/users")
    await see(user, "Rae Pharm")
    # Not "Deactivated": the account waits for its invitation to be accepted.
    await see(user, "Invitation sent, not accepted yet")
    await see(user, "Invited")
    await user.should_not_see("Reactivate Rae Pharm")
    await press(user, "Resend invitation to Rae Pharm")
    await see(user, "A new invitation was sent to rae@example.org")
    states = await system.invitations.state_for_users(clinic.admin, [invited.user_id])
    assert states == {invited.user_id: "pending"}  # the new link is the one that counts
    async with system.db.read() as s:
        sent = (await s.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "rae@example.org"))).all()
    assert [e.kind for e in sent] == ["invitation", "invitation"]
    assert [i.state for i in await system.invitations.listing(clinic.admin) if i.email == "rae@example.org"] == [
        "pending"]


def _in_dialog(user: User, label: str) -> ui.select:
    """The dialog's select of that label (the page has a "Role" filter of its own)."""
    return next(e for dialog in user.current_layout.descendants() if isinstance(dialog, ui.dialog)
                for e in dialog.descendants() if isinstance(e, ui.select) and e.props.get("label") == label)


async def test_admin_changes_a_role_and_care_teams_and_the_persons_open_page_goes_to_sign_in(
        slow_idle_checks, user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "No conversations for your care teams.")
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")
    await user.open("/admin/users")

    await press(user, "Change role or teams of Nina Blue")
    await see(user, "Role and care teams: Nina Blue")
    role, teams = _in_dialog(user, "Role"), _in_dialog(user, "Care teams")
    assert (role.value, teams.value) == ("nurse", [clinic.blue_id])
    assert "patient" not in role.options  # staff choose among the staff roles
    role.set_value("provider")
    teams.set_value([clinic.blue_id, clinic.green_id])
    await click_exactly(user, "Save role and teams")
    await see(user, "Nina Blue is now a provider and is signed out everywhere, to sign in again with the new role; "
                    "joined Green Team.")
    await see(user, "Teams: Blue Team, Green Team")
    await see(user, "nina@example.org · Provider")
    # Her open page was made for a nurse: it goes to sign-in at once.
    await see(nurse, "Your session ended. Please sign in again.")

    # A patient stays a patient; their care teams are the teams they can write to.
    await press(user, "Change role or teams of Pat Patient")
    await see(user, "Role and care teams: Pat Patient")
    assert list(role.options) == ["patient"] and teams.value == [clinic.blue_id]
    teams.set_value([clinic.green_id])
    await click_exactly(user, "Save role and teams")
    await see(user, "joined Green Team; left Blue Team.")
    assert [e.name for e in await system.contacts.contact_list(clinic.pat)] == ["Green Team"]

    # Made an admin, Nina leaves her teams: the form clears and locks them as soon as the role is chosen.
    await press(user, "Change role or teams of Nina Blue")
    await see(user, "Role and care teams: Nina Blue")
    role.set_value("admin")
    assert teams.value == [] and not teams.enabled
    await click_exactly(user, "Save role and teams")
    await see(user, "Nina Blue is now an admin and is signed out everywhere, to sign in again with the new role; "
                    "left Blue Team, Green Team.")
    assert (await system.user_admin.user(clinic.admin, clinic.blue_nurse.user_id)).teams == ()
    # Nobody changes their own role: the admin's own row offers no such button.
    await user.should_not_see("Change role or teams of Ada Admin")
