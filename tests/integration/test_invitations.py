"""Invitations: the lifecycle (invite, code, accept, replay), expiry on the clock, a tampered role or address, resend,
revoke; who may invite whom; the email carries no health information."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from sm_app.adapters.clock import FakeClock
from sm_app.adapters.models import AccountToken, OutboxEmail, PatientTeam, TeamMember
from sm_app.bootstrap import build_system
from sm_app.shared.errors import LinkClosed, NotAllowed, NotFound, SignInFailed, SignInThrottled, ValidationError
from tests.conftest import make_settings, seed_clinic

NEW_PW = "a long new passphrase here"


@pytest.fixture
async def timed(tmp_path, database_url):
    clock = FakeClock()
    system = build_system(make_settings(tmp_path, database_url), clock=clock)
    clinic = await seed_clinic(system)
    yield clinic, clock
    await system.close()


async def emails_to(system, address: str) -> list[OutboxEmail]:
    async with system.db.read() as s:
        rows = list((await s.execute(select(OutboxEmail).where(OutboxEmail.to_address == address)
                                     .order_by(OutboxEmail.created_at, OutboxEmail.id))).scalars())
    for row in rows:  # the text as it is sent (stored sealed)
        row.body = system.notifications.body_of(row)
    return rows


def link_and_code(email: OutboxEmail) -> tuple[str, str]:
    token = re.search(r"/invitation\?t=([A-Za-z0-9_-]+)", email.body).group(1)
    code = re.search(r"Enter this code: ([A-Z0-9]{8})", email.body).group(1)
    return token, code


async def test_a_nurse_invites_a_patient_who_accepts_and_signs_in(timed):
    clinic, _ = timed
    system = clinic.system
    info = await system.invitations.invite_patient(clinic.blue_nurse, email="New.Patient@Example.org",
                                                   name="Nell New", team_id=clinic.blue_id)
    assert (info.email, info.role, info.teams, info.state) == ("new.patient@example.org", "patient", ("Blue Team",),
                                                               "pending")
    [email] = await emails_to(system, "new.patient@example.org")
    assert email.kind == "invitation"
    # No health information, not even the team (its name can say the kind of care), nor the inviter.
    assert "Blue" not in email.body and "Nina" not in email.body and "Nell" not in email.body
    token, code = link_and_code(email)
    # Before accepting, the account exists but cannot be signed in to, and the invitee is on no team.
    with pytest.raises(SignInFailed):
        await system.sessions.sign_in("new.patient@example.org", NEW_PW)
    async with system.db.read() as s:
        assert await s.get(PatientTeam, (info.user_id, clinic.blue_id)) is None
    # The database holds neither the token nor the code: not the link's row, nor the email waiting to be sent.
    async with system.db.read() as s:
        row = await s.get(AccountToken, info.id)
        assert token not in (row.token_hash, row.code_hash) and code not in (row.token_hash, row.code_hash or "")
        stored = (await s.get(OutboxEmail, email.id)).body
        assert token not in stored and code not in stored and "invited" not in stored

    assert await system.invitations.status(token) == "pending"
    opened = await system.invitations.check_code(token, code.lower())  # case does not matter
    assert (opened.email, opened.name, opened.role) == ("new.patient@example.org", "Nell New", "patient")
    user_id = await system.invitations.accept(token, code, name="Nell Newton", password=NEW_PW,
                                              details_confirmed=True)
    assert user_id == info.user_id
    signed = await system.sessions.sign_in("new.patient@example.org", NEW_PW)
    assert (signed.actor.name, signed.actor.role) == ("Nell Newton", "patient")
    assert not await system.terms.has_accepted(signed.actor)  # the terms come next, as at any first sign-in
    async with system.db.read() as s:
        assert await s.get(PatientTeam, (user_id, clinic.blue_id)) is not None
    # Replay: the link works once.
    assert await system.invitations.status(token) == "accepted"
    with pytest.raises(LinkClosed) as replay:
        await system.invitations.accept(token, code, name="X", password=NEW_PW, details_confirmed=True)
    assert "already been used" in str(replay.value)
    states = await system.invitations.state_for_users(clinic.admin, [user_id, clinic.pat.user_id])
    assert states == {user_id: "accepted"}
    actions = [e["action"] for e in await system.audit.entries()]
    assert "invitation.create" in actions and "invitation.accept" in actions


async def test_the_admin_invites_staff_with_a_role_and_teams(timed):
    clinic, _ = timed
    system = clinic.system
    info = await system.invitations.invite_staff(clinic.admin, email="pharm@example.org", name="Phil Pharm",
                                                 role="pharmacist", team_ids=[clinic.blue_id, clinic.green_id])
    token, code = link_and_code((await emails_to(system, "pharm@example.org"))[0])
    with pytest.raises(ValidationError) as short:  # staff need 15 characters
        await system.invitations.accept(token, code, name="Phil Pharm", password="fourteen chars",
                                        details_confirmed=True)
    assert "at least 15" in str(short.value)
    with pytest.raises(ValidationError) as common:  # on the shipped common-password list
        await system.invitations.accept(token, code, name="Phil Pharm", password="1qaz2wsx3edc4rfv",
                                        details_confirmed=True)
    assert "common passwords" in str(common.value)
    with pytest.raises(ValidationError) as unconfirmed:
        await system.invitations.accept(token, code, name="Phil Pharm", password=NEW_PW, details_confirmed=False)
    assert unconfirmed.value.field == "Details"
    await system.invitations.accept(token, code, name="Phil Pharm", password=NEW_PW, details_confirmed=True)
    async with system.db.read() as s:
        teams = set((await s.execute(select(TeamMember.team_id).where(TeamMember.user_id == info.user_id))).scalars())
    assert teams == {clinic.blue_id, clinic.green_id}


async def test_who_may_invite_whom(timed):
    clinic, _ = timed
    inv = clinic.system.invitations
    with pytest.raises(ValidationError):  # not their team
        await inv.invite_patient(clinic.blue_nurse, email="x@example.org", name="X", team_id=clinic.green_id)
    with pytest.raises(NotAllowed):
        await inv.invite_patient(clinic.pat, email="x@example.org", name="X", team_id=clinic.blue_id)
    with pytest.raises(NotAllowed):
        await inv.invite_staff(clinic.blue_nurse, email="x@example.org", name="X", role="nurse", team_ids=[])
    with pytest.raises(ValidationError) as taken:
        await inv.invite_patient(clinic.blue_nurse, email=clinic.pat.email, name="Pat", team_id=clinic.blue_id)
    assert "already has an account" in str(taken.value)
    with pytest.raises(ValidationError) as both:  # every problem at once
        await inv.invite_staff(clinic.admin, email="not an email", name="", role="nurse", team_ids=[])
    assert [f for f, _ in both.value.problems] == ["Email", "Name"]
    # Another team's nurse neither sees nor manages Blue's invitation: it looks like one that does not exist.
    info = await inv.invite_patient(clinic.blue_nurse, email="x@example.org", name="X", team_id=clinic.blue_id)
    assert [i.id for i in await inv.listing(clinic.blue_provider)] == [info.id]
    assert await inv.listing(clinic.green_nurse) == []
    for action in (inv.resend, inv.revoke):
        with pytest.raises(NotFound):
            await action(clinic.green_nurse, info.id)


async def test_an_invitation_expires_after_72_hours(timed):
    clinic, clock = timed
    system = clinic.system
    await system.invitations.invite_patient(clinic.blue_nurse, email="late@example.org", name="Lee Late",
                                            team_id=clinic.blue_id)
    token, code = link_and_code((await emails_to(system, "late@example.org"))[0])
    clock.advance(hours=71, minutes=59)
    assert await system.invitations.status(token) == "pending"
    clock.advance(minutes=1)
    assert await system.invitations.status(token) == "expired"
    with pytest.raises(LinkClosed) as closed:
        await system.invitations.accept(token, code, name="Lee", password=NEW_PW, details_confirmed=True)
    assert "expired" in str(closed.value) and "send a new one" in str(closed.value)
    [row] = await system.invitations.listing(clinic.blue_nurse)
    assert row.state == "expired"


async def test_resend_kills_the_old_link_and_revoke_ends_it(timed):
    clinic, clock = timed
    system = clinic.system
    info = await system.invitations.invite_patient(clinic.blue_nurse, email="re@example.org", name="Rae",
                                                   team_id=clinic.blue_id)
    old_token, old_code = link_and_code((await emails_to(system, "re@example.org"))[0])
    clock.advance(minutes=5)
    again = await system.invitations.resend(clinic.blue_provider, info.id)
    assert again.id != info.id and again.state == "pending"
    new_token, new_code = link_and_code((await emails_to(system, "re@example.org"))[1])
    assert new_token != old_token
    assert await system.invitations.status(old_token) == "replaced"
    with pytest.raises(LinkClosed) as old:
        await system.invitations.check_code(old_token, old_code)
    assert "newer invitation" in str(old.value)
    # The admin's list of people resends by person as well.
    clock.advance(minutes=5)
    third = await system.invitations.resend_for_user(clinic.admin, info.user_id)
    assert await system.invitations.status(new_token) == "replaced"
    revoked = await system.invitations.revoke(clinic.admin, third.id)
    assert revoked.state == "revoked"
    newest_token, newest_code = link_and_code((await emails_to(system, "re@example.org"))[2])
    with pytest.raises(LinkClosed) as gone:
        await system.invitations.accept(newest_token, newest_code, name="Rae", password=NEW_PW,
                                        details_confirmed=True)
    assert "withdrawn" in str(gone.value)
    assert await system.invitations.state_for_users(clinic.admin, [info.user_id]) == {info.user_id: "revoked"}


async def test_a_tampered_role_or_address_does_not_work(timed):
    clinic, _ = timed
    system = clinic.system
    a = await system.invitations.invite_patient(clinic.blue_nurse, email="role@example.org", name="Ro",
                                                team_id=clinic.blue_id)
    b = await system.invitations.invite_patient(clinic.blue_nurse, email="addr@example.org", name="Ad",
                                                team_id=clinic.blue_id)
    c = await system.invitations.invite_patient(clinic.blue_nurse, email="acct@example.org", name="Ac",
                                                team_id=clinic.blue_id)
    links = {a.id: link_and_code((await emails_to(system, "role@example.org"))[0]),
             b.id: link_and_code((await emails_to(system, "addr@example.org"))[0]),
             c.id: link_and_code((await emails_to(system, "acct@example.org"))[0])}
    async with system.db.write() as s:
        # Someone with the database raises an invitation's role; moves another to their own address; makes a
        # third invited account an admin.
        await s.execute(update(AccountToken).where(AccountToken.id == a.id).values(role="admin"))
        await s.execute(update(AccountToken).where(AccountToken.id == b.id).values(email="evil@example.org"))
        await s.execute(text("UPDATE users SET role = 'admin' WHERE id = :id"), {"id": c.user_id})
    for token, code in links.values():
        assert await system.invitations.status(token) == "unknown"
        with pytest.raises(LinkClosed) as closed:
            await system.invitations.accept(token, code, name="Mallory", password=NEW_PW, details_confirmed=True)
        assert "does not work" in str(closed.value)
    with pytest.raises(SignInFailed):
        await system.sessions.sign_in("acct@example.org", NEW_PW)


async def test_an_address_change_ends_the_invitation(timed):
    """The invited account's address changed after the email went out: the old email's link stops working."""
    clinic, _ = timed
    system = clinic.system
    info = await system.invitations.invite_patient(clinic.blue_nurse, email="old@example.org", name="Ol",
                                                   team_id=clinic.blue_id)
    token, code = link_and_code((await emails_to(system, "old@example.org"))[0])
    async with system.db.write() as s:
        await s.execute(text("UPDATE users SET email = 'moved@example.org' WHERE id = :id"), {"id": info.user_id})
    with pytest.raises(LinkClosed):
        await system.invitations.check_code(token, code)


async def test_wrong_codes_are_throttled_like_sign_in(timed):
    clinic, clock = timed
    system = clinic.system
    await system.invitations.invite_patient(clinic.blue_nurse, email="guess@example.org", name="Gus",
                                            team_id=clinic.blue_id)
    token, code = link_and_code((await emails_to(system, "guess@example.org"))[0])
    for _ in range(5):
        with pytest.raises(ValidationError) as wrong:
            await system.invitations.check_code(token, "AAAAAAAA", address="203.0.113.9")
        assert wrong.value.field == "Code"
    # After five wrong codes even the right one waits (it is not checked at all).
    with pytest.raises(SignInThrottled):
        await system.invitations.check_code(token, code, address="203.0.113.9")
    with pytest.raises(SignInThrottled):
        await system.invitations.accept(token, code, name="Gus", password=NEW_PW, details_confirmed=True,
                                        address="203.0.113.9")
    clock.advance(seconds=2)
    assert (await system.invitations.check_code(token, code, address="203.0.113.9")).email == "guess@example.org"
    failures = [e for e in await system.audit.entries() if e["action"] == "invitation.code"]
    assert len(failures) == 5 and all(code not in (e.get("detail") or "") for e in failures)


async def test_a_withdrawn_invitation_is_made_again_with_the_right_role(timed):
    """The admin invited someone with the wrong role: withdraw it and invite the address again."""
    clinic, clock = timed
    system = clinic.system
    first = await system.invitations.invite_staff(clinic.admin, email="role@example.org", name="Rob",
                                                  role="pharmacist", team_ids=[])
    old_token, old_code = link_and_code((await emails_to(system, "role@example.org"))[0])
    with pytest.raises(ValidationError, match="already been invited"):  # while it is open: Resend, not again
        await system.invitations.invite_staff(clinic.admin, email="role@example.org", name="Rob", role="nurse",
                                              team_ids=[clinic.blue_id])
    await system.invitations.revoke(clinic.admin, first.id)
    clock.advance(minutes=1)
    again = await system.invitations.invite_staff(clinic.admin, email="role@example.org", name="Robin",
                                                  role="nurse", team_ids=[clinic.blue_id])
    assert (again.user_id, again.role, again.teams, again.state) == (first.user_id, "nurse", ("Blue Team",),
                                                                      "pending")
    with pytest.raises(LinkClosed):  # the withdrawn link stays dead
        await system.invitations.check_code(old_token, old_code)
    token, code = link_and_code((await emails_to(system, "role@example.org"))[1])
    await system.invitations.accept(token, code, name="Robin", password=NEW_PW, details_confirmed=True)
    signed = await system.sessions.sign_in("role@example.org", NEW_PW)
    assert (signed.actor.role, signed.actor.name) == ("nurse", "Robin")
    async with system.db.read() as s:
        assert await s.get(TeamMember, (clinic.blue_id, first.user_id)) is not None
    with pytest.raises(ValidationError, match="already has an account"):
        await system.invitations.invite_staff(clinic.admin, email="role@example.org", name="Rob", role="clerk",
                                              team_ids=[])


async def test_the_link_carries_256_random_bits_kept_only_as_their_sha256(timed):
    clinic, _ = timed
    system = clinic.system
    info = await system.invitations.invite_patient(clinic.blue_nurse, email="bits@example.org", name="Bo",
                                                   team_id=clinic.blue_id)
    token, code = link_and_code((await emails_to(system, "bits@example.org"))[0])
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) == 32 and len(code) == 8  # 256 bits; an 8-character code beside it
    async with system.db.read() as s:
        row = await s.get(AccountToken, info.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.email, row.role, row.team_ids) == ("bits@example.org", "patient", clinic.blue_id)
    assert row.expires_at - row.created_at == timedelta(hours=72)
