"""The admin console's services: Users (search, paging, state, deactivate / reactivate / unlock), Care teams (names
patients see, staff and marks, per-team business hours on the response clock), patient–team associations and blocks.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from sm_app.adapters.clock import FakeClock, as_utc
from sm_app.adapters.models import AuditEntry, Thread
from sm_app.bootstrap import build_system
from sm_app.shared.errors import NotAllowed, NotFound, SignInFailed, SignInThrottled, ValidationError
from tests.conftest import PATIENT_PW, STAFF_PW, make_settings, seed_clinic

SATURDAY_NOON = datetime(2026, 11, 7, 17, 0, tzinfo=UTC)  # Sat 12:00 New York


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(SATURDAY_NOON))
    clinic = await seed_clinic(system)
    yield clinic
    await system.close()


async def test_users_search_role_teams_paging_and_last_sign_in(clinic):
    admin, users = clinic.admin, clinic.system.user_admin
    everyone = await users.list_users(admin)
    assert everyone.total == 6 and [u.name for u in everyone.rows][:2] == ["Ada Admin", "Gil Green"]
    nina = next(u for u in everyone.rows if u.email == "nina@example.org")
    assert (nina.role, nina.teams, nina.last_sign_in_at, nina.state) == ("nurse", ("Blue Team",), None, "Active")

    await clinic.system.sessions.sign_in("nina@example.org", STAFF_PW)
    nina = await users.user(admin, nina.id)
    assert nina.last_sign_in_at == SATURDAY_NOON

    assert [u.name for u in (await users.list_users(admin, search="BLUE")).rows] == ["Nina Blue", "Paul Blue"]
    assert [u.email for u in (await users.list_users(admin, search="gil@")).rows] == ["gil@example.org"]
    assert [u.name for u in (await users.list_users(admin, role="patient")).rows] == ["Gil Green", "Pat Patient"]
    # "%" is a character to look for, not a wildcard.
    assert (await users.list_users(admin, search="%")).total == 0

    first = await users.list_users(admin, page_size=4)
    second = await users.list_users(admin, page=1, page_size=4)
    assert (first.pages, len(first.rows), len(second.rows)) == (2, 4, 2)
    assert not {u.id for u in first.rows} & {u.id for u in second.rows}
    past_the_end = await users.list_users(admin, page=9, page_size=4)
    assert past_the_end.page == 1 and past_the_end.rows == second.rows


async def test_only_the_admin_manages_people_and_teams(clinic):
    for someone in (clinic.blue_nurse, clinic.pat, clinic.blue_provider):
        with pytest.raises(NotAllowed):
            await clinic.system.user_admin.list_users(someone)
        with pytest.raises(NotAllowed):
            await clinic.system.user_admin.deactivate(someone, clinic.gil.user_id)
        with pytest.raises(NotAllowed):
            await clinic.system.team_admin.block(someone, clinic.blue_id, clinic.pat.user_id, reason="x")
        with pytest.raises(NotAllowed):
            await clinic.system.clinic_settings.set_team_business_hours(someone, clinic.blue_id, workdays=None)


async def test_deactivate_ends_every_session_and_sign_in_until_reactivated(clinic):
    system, admin = clinic.system, clinic.admin
    tabs = [await system.sessions.sign_in("nina@example.org", STAFF_PW) for _ in range(2)]
    told: list[str] = []
    system.bus.subscribe(clinic.blue_nurse.user_id, lambda event: told.append(event.kind))

    await system.user_admin.deactivate(admin, clinic.blue_nurse.user_id)

    assert [await system.sessions.current(t.token) for t in tabs] == [None, None]
    assert "session" in told  # open pages are told at once (they then find their session gone)
    with pytest.raises(SignInFailed):
        await system.sessions.sign_in("nina@example.org", STAFF_PW)
    assert (await system.user_admin.user(admin, clinic.blue_nurse.user_id)).state == "Deactivated"
    with pytest.raises(ValidationError):
        await system.user_admin.deactivate(admin, admin.user_id)  # never one's own account

    await system.user_admin.reactivate(admin, clinic.blue_nurse.user_id)
    assert (await system.sessions.sign_in("nina@example.org", STAFF_PW)).actor.user_id == clinic.blue_nurse.user_id
    async with system.db.read() as s:
        actions = (await s.execute(select(AuditEntry.action, AuditEntry.detail).where(
            AuditEntry.object_id == clinic.blue_nurse.user_id, AuditEntry.action.like("user.%")))).all()
    assert sorted(a for a, _ in actions) == ["user.create", "user.deactivate", "user.reactivate"]
    assert ("user.deactivate", "2 sessions ended") in actions


async def test_unlock_ends_a_sign_in_lock(clinic):
    system, admin = clinic.system, clinic.admin
    for _ in range(5):
        with pytest.raises(SignInFailed):
            await system.sessions.sign_in("gil@example.org", "wrong password!", address="10.0.0.9")
    with pytest.raises(SignInThrottled):
        await system.sessions.sign_in("gil@example.org", PATIENT_PW, address="10.0.0.9")
    gil = await system.user_admin.user(admin, clinic.gil.user_id)
    assert gil.state == "Locked" and gil.locked_until > SATURDAY_NOON

    assert await system.user_admin.unlock(admin, clinic.gil.user_id) >= 1
    assert (await system.user_admin.user(admin, clinic.gil.user_id)).state == "Active"
    assert (await system.sessions.sign_in("gil@example.org", PATIENT_PW, address="10.0.0.9")).actor.role == "patient"


async def test_team_names_patients_see(clinic):
    system, teams = clinic.system, clinic.system.team_admin
    with pytest.raises(ValidationError) as taken:
        await teams.create_team(clinic.admin, " Green   Team ")
    assert taken.value.field == "Team name"
    kidney = await teams.create_team(clinic.admin, "REN PAC 03 WH")
    await teams.rename(clinic.admin, clinic.blue_id, name="PC BLU 01",
                       display_name="Primary care,  Main Street clinic (Dr. Blue's team)")
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Hello", body="A question about my visit.")
    plain = "Primary care, Main Street clinic (Dr. Blue's team)"

    # The patient sees the plain name everywhere: contact list, compose, inbox, conversation, record sharing.
    assert [e.name for e in await system.contacts.contact_list(clinic.pat)] == [plain]
    assert [t.name for t in await system.messaging.teams_for_compose(clinic.pat)] == [plain]
    assert [t.team_name for t in (await system.mailbox.list_threads(clinic.pat, "inbox")).items] == [plain]
    assert (await system.mailbox.view_thread(clinic.pat, sent.thread_id)).team_name == plain
    assert [g.team_name for g in await system.record_sharing.grants(clinic.pat)] == [plain]
    # Staff keep the team's own name.
    assert (await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)).team_name == "PC BLU 01"
    # A record entry staff added under the team's grant: "Entered by" names the team as each reader knows it.
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    added = await system.health_record.add(clinic.blue_nurse, clinic.pat.user_id, "allergies",
                                           {"substance": "Latex", "reaction": "rash", "severity": "Mild"})
    assert added.entered_by.words == "Nina Blue, PC BLU 01"
    assert (await system.health_record.entry(clinic.pat, added.id)).entered_by.words == f"Nina Blue, {plain}"
    # A team without a plain name yet shows its own name to patients.
    await teams.associate(clinic.admin, kidney, email="pat@example.org")
    assert [e.name for e in await system.contacts.contact_list(clinic.pat)] == [plain, "REN PAC 03 WH"]
    listed = {t.name: t for t in await teams.teams(clinic.admin)}
    assert (listed["PC BLU 01"].display_name, listed["PC BLU 01"].staff, listed["PC BLU 01"].patients) == (
        plain, 2, 1)


async def test_staff_members_and_their_marks(clinic):
    teams, admin = clinic.system.team_admin, clinic.admin
    await teams.add_member(admin, clinic.green_id, email="Paul@Example.org", lead=True)
    with pytest.raises(ValidationError, match="already on this team"):
        await teams.add_member(admin, clinic.green_id, email="paul@example.org")
    with pytest.raises(ValidationError, match="Only staff"):
        await teams.add_member(admin, clinic.green_id, email="pat@example.org")
    with pytest.raises(ValidationError, match="No one has that email"):
        await teams.add_member(admin, clinic.green_id, email="nobody@example.org")
    await teams.set_marks(admin, clinic.green_id, clinic.green_nurse.user_id, on_call=True)
    green = await teams.team(admin, clinic.green_id)
    assert [(m.name, m.role, m.lead, m.on_call) for m in green.members] == [
        ("Gwen Green", "nurse", False, True), ("Paul Blue", "provider", True, False)]
    await teams.remove_member(admin, clinic.green_id, clinic.blue_provider.user_id)
    assert [m.name for m in (await teams.team(admin, clinic.green_id)).members] == ["Gwen Green"]
    with pytest.raises(NotFound):
        await teams.remove_member(admin, clinic.green_id, clinic.blue_provider.user_id)


async def test_a_blocked_patient_sees_the_reason_and_cannot_send(clinic):
    system, teams, admin = clinic.system, clinic.system.team_admin, clinic.admin
    await teams.associate(admin, clinic.green_id, email="pat@example.org")
    with pytest.raises(ValidationError, match="Give the reason"):
        await teams.block(admin, clinic.blue_id, clinic.pat.user_id, reason="   ")
    await teams.block(admin, clinic.blue_id, clinic.pat.user_id,
                      reason="Please call the front desk about your account.")

    offered = await system.contacts.compose_teams(clinic.pat)
    assert [t.name for t in offered.teams] == ["Green Team"]
    assert [(b.name, b.block_reason) for b in offered.blocked] == [
        ("Blue Team", "Please call the front desk about your account.")]
    with pytest.raises(ValidationError, match="You cannot send messages to that care team"):
        await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                            subject="Hi", body="Can I still write?")
    page = await teams.patients(admin, clinic.blue_id)
    assert [(p.name, p.blocked, p.block_reason) for p in page.rows] == [
        ("Pat Patient", True, "Please call the front desk about your account.")]
    async with system.db.read() as s:
        details = (await s.execute(select(AuditEntry.detail).where(AuditEntry.action == "team.block_patient"))
                   ).scalars().all()
    assert details and not any("front desk" in d for d in details)  # ids only in the audit chain

    await teams.unblock(admin, clinic.blue_id, clinic.pat.user_id)
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Hi", body="Can I write again?")
    assert sent.thread_id
    await teams.dissociate(admin, clinic.blue_id, clinic.pat.user_id)
    assert [e.name for e in await system.contacts.contact_list(clinic.pat)] == ["Green Team"]
    with pytest.raises(NotFound):
        await teams.dissociate(admin, clinic.blue_id, clinic.pat.user_id)
    with pytest.raises(ValidationError, match="not a patient"):
        await teams.associate(admin, clinic.blue_id, email="nina@example.org")


async def test_a_team_with_its_own_hours_gets_due_times_from_them(clinic):
    system, admin = clinic.system, clinic.admin
    # Blue works weekends too; Green keeps the clinic's Monday-to-Friday.
    await system.clinic_settings.set_team_business_hours(admin, clinic.blue_id, workdays=tuple(range(7)),
                                                         opens=time(8), closes=time(17))
    with pytest.raises(ValidationError):
        await system.clinic_settings.set_team_business_hours(admin, clinic.green_id, workdays=(0,),
                                                             opens=time(18), closes=time(9))
    blue = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Weekend", body="A question for the weekend team.")
    green = await system.messaging.start_thread(clinic.gil, team_id=clinic.green_id, category="General",
                                                subject="Weekend", body="A question for the weekday team.")
    async with system.db.read() as s:
        due = {team: as_utc(at) for team, at in (await s.execute(select(Thread.team_id, Thread.due_at))).all()}
    team_clock = await system.clinic_settings.clock(clinic.blue_id)
    clinic_clock = await system.clinic_settings.clock()
    assert blue.thread_id and green.thread_id
    # Saturday noon + 3 business days: Tuesday noon on the weekend team's clock; the weekday team's clock starts on
    # Monday at 8 AM (and skips Veterans Day).
    assert due[clinic.blue_id] == team_clock.deadlines(SATURDAY_NOON).due_at == datetime(2026, 11, 10, 17, 0,
                                                                                       tzinfo=UTC)
    assert due[clinic.green_id] == clinic_clock.deadlines(SATURDAY_NOON).due_at
    assert due[clinic.green_id] > due[clinic.blue_id]

    await system.clinic_settings.set_team_business_hours(admin, clinic.blue_id, workdays=None)
    assert await system.clinic_settings.team_business_hours(clinic.blue_id) is None


async def _audited(clinic, *actions: str) -> list[tuple[str, str, str]]:
    """The admin's audit entries of these actions, oldest first (the seeding's own are left out)."""
    async with clinic.system.db.read() as s:
        return [tuple(r) for r in (await s.execute(
            select(AuditEntry.action, AuditEntry.object_id, AuditEntry.detail)
            .where(AuditEntry.action.in_(actions), AuditEntry.actor_id == clinic.admin.user_id)
            .order_by(AuditEntry.seq))).all()]


async def test_the_admin_changes_a_role_and_the_person_signs_in_again_with_it(clinic):
    system, admin, users = clinic.system, clinic.admin, clinic.system.user_admin
    nina = clinic.blue_nurse
    tabs = [await system.sessions.sign_in("nina@example.org", STAFF_PW) for _ in range(2)]
    told: list[str] = []
    system.bus.subscribe(nina.user_id, lambda event: told.append(event.kind))

    done = await users.change_access(admin, nina.user_id, role="provider", team_ids=[clinic.blue_id])
    assert (done.role_changed, done.joined, done.left) == (True, (), ())
    # Her open pages were made for a nurse: every session ends, and they are told at once.
    assert [await system.sessions.current(t.token) for t in tabs] == [None, None]
    assert "session" in told
    signed = await system.sessions.sign_in("nina@example.org", STAFF_PW)
    assert signed.actor.role == "provider"
    row = await users.user(admin, nina.user_id)
    assert (row.role, row.teams, row.team_ids) == ("provider", ("Blue Team",), (clinic.blue_id,))

    # Made an admin: admins are on no care team, so she leaves Blue (and its worklist) in the same change.
    with pytest.raises(ValidationError, match="on no care team") as with_teams:
        await users.change_access(admin, nina.user_id, role="admin", team_ids=[clinic.blue_id])
    assert with_teams.value.field == "Care teams"
    done = await users.change_access(admin, nina.user_id, role="admin", team_ids=[])
    assert (done.role_changed, done.left) == (True, ("Blue Team",))
    assert [m.name for m in (await system.team_admin.team(admin, clinic.blue_id)).members] == ["Paul Blue"]
    assert await _audited(clinic, "user.role_change", "team.remove_member") == [
        ("user.role_change", nina.user_id, "from=nurse to=provider"),
        ("user.role_change", nina.user_id, "from=provider to=admin"),
        ("team.remove_member", clinic.blue_id, f"user={nina.user_id}")]


async def test_what_a_role_change_refuses(clinic):
    system, admin, users = clinic.system, clinic.admin, clinic.system.user_admin
    cases = [(admin.user_id, "nurse", "your own role"),                   # never one's own (the last admin stays)
             (clinic.pat.user_id, "nurse", "patient's account"),          # a patient's record is theirs as a patient
             (clinic.blue_nurse.user_id, "patient", "patient's account"),
             (clinic.blue_nurse.user_id, "surgeon", "Choose a role")]
    for user_id, role, words in cases:
        with pytest.raises(ValidationError, match=words) as refused:
            await users.change_access(admin, user_id, role=role, team_ids=[])
        assert refused.value.field == "Role"
    with pytest.raises(ValidationError, match="no longer exists"):
        await users.change_access(admin, clinic.blue_nurse.user_id, role="nurse", team_ids=["no-such-team"])
    with pytest.raises(NotFound):
        await users.change_access(admin, "no-such-person", role="nurse", team_ids=[])
    invited = await system.invitations.invite_staff(admin, email="new@example.org", name="Nia New", role="clerk",
                                                    team_ids=[clinic.blue_id])
    with pytest.raises(ValidationError, match="not accepted their invitation"):
        await users.change_access(admin, invited.user_id, role="nurse", team_ids=[clinic.blue_id])
    for someone in (clinic.blue_nurse, clinic.pat):
        with pytest.raises(NotAllowed):
            await users.change_access(someone, clinic.green_nurse.user_id, role="provider", team_ids=[])
    # Nothing changed and nobody was signed out by a refusal.
    assert (await users.user(admin, clinic.blue_nurse.user_id)).role == "nurse"
    assert await _audited(clinic, "user.role_change") == []


async def test_the_admin_moves_staff_and_patients_between_care_teams(clinic):
    system, admin, users = clinic.system, clinic.admin, clinic.system.user_admin
    gwen = clinic.green_nurse
    await system.team_admin.set_marks(admin, clinic.green_id, gwen.user_id, lead=True)
    tab = await system.sessions.sign_in("gwen@example.org", STAFF_PW)

    done = await users.change_access(admin, gwen.user_id, role="nurse", team_ids=[clinic.green_id, clinic.blue_id])
    assert (done.role_changed, done.joined, done.left) == (False, ("Blue Team",), ())
    assert await system.sessions.current(tab.token) is not None  # teams alone: she stays signed in
    blue = {m.name: m for m in (await system.team_admin.team(admin, clinic.blue_id)).members}
    green = {m.name: m for m in (await system.team_admin.team(admin, clinic.green_id)).members}
    assert (blue["Gwen Green"].lead, blue["Gwen Green"].on_call) == (False, False)
    assert green["Gwen Green"].lead  # a team she stays on keeps her marks
    done = await users.change_access(admin, gwen.user_id, role="nurse", team_ids=[clinic.blue_id])
    assert (done.joined, done.left) == ((), ("Green Team",))
    assert "Gwen Green" not in {m.name for m in (await system.team_admin.team(admin, clinic.green_id)).members}

    # A patient's teams are their associations; a block on a team they stay with is kept.
    await system.team_admin.block(admin, clinic.blue_id, clinic.pat.user_id, reason="Please call the front desk.")
    done = await users.change_access(admin, clinic.pat.user_id, role="patient",
                                     team_ids=[clinic.blue_id, clinic.green_id])
    assert done.joined == ("Green Team",)
    offered = await system.contacts.compose_teams(clinic.pat)
    assert [t.name for t in offered.teams] == ["Green Team"] and [b.name for b in offered.blocked] == ["Blue Team"]
    await users.change_access(admin, clinic.pat.user_id, role="patient", team_ids=[clinic.green_id])
    assert [e.name for e in await system.contacts.contact_list(clinic.pat)] == ["Green Team"]
    assert await _audited(clinic, "team.add_member", "team.remove_member", "team.assign_patient",
                          "team.dissociate_patient") == [
        ("team.add_member", clinic.blue_id, f"user={gwen.user_id} lead=False on_call=False"),
        ("team.remove_member", clinic.green_id, f"user={gwen.user_id}"),
        ("team.assign_patient", clinic.green_id, f"patient={clinic.pat.user_id}"),
        ("team.dissociate_patient", clinic.blue_id, f"patient={clinic.pat.user_id}")]
