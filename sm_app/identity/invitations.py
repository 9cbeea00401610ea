"""Invitations: nobody self-registers (PRODUCT.md §1). Staff invite patients to their own care team; the clinic admin
invites staff with a role and teams.

Inviting makes the account at once, inactive and without a password (so the admin's list of people can show it as
invited), and mints a link + code (account_links.py) emailed through the outbox. The invitee opens the link, enters
the code (throttled like sign-in), sets a password under the policy, confirms their name and address, and is signed
in; patients then accept the messaging terms as at any sign-in. Teams are joined only on accepting, so an invited
person is in no worklist, cohort or rota before then.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from sm_app.adapters.clock import as_utc
from sm_app.adapters.models import AccountToken, CareTeam, PatientTeam, TeamMember, User
from sm_app.identity import sign_in_throttle as throttle
from sm_app.identity.account_links import (
    REPLACED,
    REVOKED,
    USED,
    LinkService,
    by_token,
    end_open_links,
    state_of,
)
from sm_app.identity.accounts import Actor, TeamInfo, normalise_email
from sm_app.identity.passwords import STAFF_ROLES, check_rules
from sm_app.shared.errors import LinkClosed, NotAllowed, NotFound, SignInThrottled, ValidationError
from sm_app.shared.events import AccountLinkIssued

LIFETIME = timedelta(hours=72)
INVITERS_OF_PATIENTS = ("nurse", "provider", "clerk")
STAFF_INVITABLE = (*STAFF_ROLES, "admin", "privacy_officer")
# Not an argon2 hash: nothing verifies against it, so an invited account cannot be signed in to before accepting.
NO_PASSWORD_YET = "!invited"
PURPOSE = "invitation"


@dataclass(frozen=True)
class InvitationInfo:
    """One invitation as the people who manage it see it (never the token or code)."""

    id: str
    user_id: str
    email: str
    name: str
    role: str
    teams: tuple[str, ...]
    state: str  # pending | accepted | expired | revoked | replaced
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class InvitationOpened:
    """What the invitee sees once the code is right: the details to confirm."""

    email: str
    name: str
    role: str


class Invitations(LinkService):

    # -- inviting -------------------------------------------------------------------------------------------------
    async def invite_patient(self, actor: Actor, *, email: str, name: str, team_id: str) -> InvitationInfo:
        """A nurse, provider or clerk invites a patient to one of their own care teams."""
        if actor.role not in INVITERS_OF_PATIENTS:
            raise NotAllowed("Only nurses, providers and clerks invite patients.")
        async with self._db.read() as s:
            member = await s.get(TeamMember, (team_id or "", actor.user_id))
        if member is None:
            raise ValidationError("Care team", "Choose one of your care teams.")
        return await self._invite(actor, email=email, name=name, role="patient", team_ids=[team_id])

    async def invite_staff(self, actor: Actor, *, email: str, name: str, role: str,
                           team_ids: list[str]) -> InvitationInfo:
        """The clinic admin invites a member of staff (or another admin, or a privacy officer) with a role and
        teams; only clinical staff join care teams."""
        self._require_admin(actor)
        if role not in STAFF_INVITABLE:
            raise ValidationError("Role", "Choose a role.")
        team_ids = list(dict.fromkeys(t for t in team_ids or [] if t))
        if role not in STAFF_ROLES and team_ids:
            raise ValidationError("Care teams", "Only clinical staff join care teams.")
        if team_ids:
            async with self._db.read() as s:
                found = set((await s.execute(select(CareTeam.id).where(CareTeam.id.in_(team_ids)))).scalars())
            if found != set(team_ids):
                raise ValidationError("Care teams", "One of those care teams no longer exists.")
        return await self._invite(actor, email=email, name=name, role=role, team_ids=team_ids)

    async def _invite(self, actor: Actor, *, email: str, name: str, role: str, team_ids: list[str]) -> InvitationInfo:
        problems: list[tuple[str, str]] = []
        try:
            email = normalise_email(email)
        except ValidationError as exc:
            problems.append((exc.field, exc.message))
        name = (name or "").strip()
        if not name or len(name) > 200:
            problems.append(("Name", "Enter the person's name (up to 200 characters)."))
        if problems:
            (field, message), *more = problems
            raise ValidationError(field, message, more=tuple(more))
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            user = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none()
            if user is not None and user.password_hash != NO_PASSWORD_YET:
                raise ValidationError("Email", "That address already has an account.")
            if user is not None:
                latest = (await self._latest(s, [user.id])).get(user.id)
                if latest is not None and state_of(latest, now) == "pending":
                    raise ValidationError("Email", "That address has already been invited. Use Resend in the list "
                                                   "of invitations.")
                # A withdrawn or expired invitation: invite again, with this role, name and teams (how a wrong role
                # is put right). The account was never used; its old links stay dead (their binding names the old
                # role) and are marked replaced.
                await end_open_links(s, user.id, PURPOSE, REPLACED, now)
                user.name, user.role = name, role
            else:
                user = User(email=email, name=name, role=role, password_hash=NO_PASSWORD_YET, active=False,
                            created_at=now)
                s.add(user)
                await s.flush()
            row = await self._issue(work, user, role, " ".join(team_ids), actor, now)
            await self._audit.record(s, actor_id=actor.user_id, action="invitation.create", object_type="user",
                                     object_id=user.id, detail=f"role={role} invitation={row.id}")
            info = await self._info(s, row, user, now)
        return info

    async def _issue(self, work, user: User, role: str, team_ids: str, actor: Actor, now: datetime) -> AccountToken:
        minted = self._links.mint(purpose=PURPOSE, user_id=user.id, email=user.email, now=now, lifetime=LIFETIME,
                                  role=role, team_ids=team_ids, created_by=actor.user_id, with_code=True)
        work.session.add(minted.row)
        work.record(AccountLinkIssued(minted.row.id, user.id, user.email, "invitation",
                                      f"{self._base}/invitation?t={minted.token}", minted.code))
        return minted.row

    async def teams_to_invite_to(self, actor: Actor) -> list[TeamInfo]:
        """The care teams the actor may invite people to: their own for staff who invite patients, all for the
        admin, none for anyone else."""
        query = select(CareTeam.id, CareTeam.name).order_by(CareTeam.name)
        if actor.role != "admin":
            if actor.role not in INVITERS_OF_PATIENTS:
                return []
            query = query.join(TeamMember, TeamMember.team_id == CareTeam.id).where(
                TeamMember.user_id == actor.user_id)
        async with self._db.read() as s:
            return [TeamInfo(team_id, name) for team_id, name in (await s.execute(query)).all()]

    # -- managing -------------------------------------------------------------------------------------------------
    async def resend(self, actor: Actor, invitation_id: str) -> InvitationInfo:
        """A new link and code for the same person, role and teams; the old link stops working at once."""
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            row, user = await self._managed(s, actor, invitation_id)
            if row.ended == USED or user.password_hash != NO_PASSWORD_YET:
                raise ValidationError("Invitation", "This invitation has been accepted; there is nothing to resend.")
            if not self._links.intact(row):
                raise NotFound("invitation")
            await end_open_links(s, user.id, PURPOSE, REPLACED, now)
            new = await self._issue(work, user, row.role, row.team_ids, actor, now)
            await self._audit.record(s, actor_id=actor.user_id, action="invitation.resend", object_type="user",
                                     object_id=user.id, detail=f"invitation={new.id} replaces={row.id}")
            return await self._info(s, new, user, now)

    async def resend_for_user(self, actor: Actor, user_id: str) -> InvitationInfo:
        """Resend a person's latest invitation (the admin's list of people works by person)."""
        async with self._db.read() as s:
            latest = await self._latest(s, [user_id])
        if user_id not in latest:
            raise NotFound("invitation")
        return await self.resend(actor, latest[user_id].id)

    async def revoke(self, actor: Actor, invitation_id: str) -> InvitationInfo:
        """Withdraw an invitation that has not been accepted; its link then says so."""
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            row, user = await self._managed(s, actor, invitation_id)
            if row.ended == USED:
                raise ValidationError("Invitation", "This invitation has been accepted and cannot be withdrawn.")
            await end_open_links(s, user.id, PURPOSE, REVOKED, now)
            await s.refresh(row)
            await self._audit.record(s, actor_id=actor.user_id, action="invitation.revoke", object_type="user",
                                     object_id=user.id, detail=f"invitation={row.id}")
            return await self._info(s, row, user, now)

    async def listing(self, actor: Actor) -> list[InvitationInfo]:
        """The latest invitation of each invited person the actor manages, newest first: every one for the admin,
        patients invited to their own teams for staff who invite."""
        now = self._clock.now()
        async with self._db.read() as s:
            query = select(AccountToken, User).join(User, User.id == AccountToken.user_id).where(
                AccountToken.purpose == PURPOSE)
            if actor.role != "admin":
                if actor.role not in INVITERS_OF_PATIENTS:
                    return []
                mine = select(TeamMember.team_id).where(TeamMember.user_id == actor.user_id)
                teams = list((await s.execute(mine)).scalars())
                query = query.where(AccountToken.role == "patient", AccountToken.team_ids.in_(teams))
            later = aliased(AccountToken)
            newest = (select(func.max(later.created_at)).where(later.user_id == User.id, later.purpose == PURPOSE)
                      .scalar_subquery())
            rows = (await s.execute(query.where(AccountToken.created_at == newest)
                                    .order_by(AccountToken.created_at.desc()).limit(300))).all()
            return [await self._info(s, row, user, now) for row, user in rows]

    async def state_for_users(self, actor: Actor, user_ids: list[str]) -> dict[str, str]:
        """For the admin's list of people: each invited person's invitation state (pending, accepted, expired,
        revoked; a replaced link counts as its replacement). People never invited are left out."""
        self._require_admin(actor)
        now = self._clock.now()
        async with self._db.read() as s:
            latest = await self._latest(s, list(user_ids))
        return {user_id: state_of(row, now) for user_id, row in latest.items()}

    async def _latest(self, s, user_ids: list[str]) -> dict[str, AccountToken]:
        if not user_ids:
            return {}
        rows = (await s.execute(select(AccountToken).where(AccountToken.user_id.in_(user_ids),
                                                           AccountToken.purpose == PURPOSE)
                                # An open link sorts after the ones it replaced when both were made in one tick.
                                .order_by(AccountToken.created_at, AccountToken.ended.is_(None)))).scalars()
        return {row.user_id: row for row in rows}  # the last one of each person wins

    async def _managed(self, s, actor: Actor, invitation_id: str) -> tuple[AccountToken, User]:
        """The invitation if the actor manages it, else NotFound (the same as one that does not exist)."""
        row = await s.get(AccountToken, invitation_id or "")
        if row is None or row.purpose != PURPOSE:
            raise NotFound("invitation")
        if actor.role != "admin":
            member = None
            if actor.role in INVITERS_OF_PATIENTS and row.role == "patient":
                member = await s.get(TeamMember, (row.team_ids, actor.user_id))
            if member is None:
                raise NotFound("invitation")
        return row, await s.get(User, row.user_id)

    async def _info(self, s, row: AccountToken, user: User, now: datetime) -> InvitationInfo:
        ids = row.team_ids.split()
        names = (await s.execute(select(CareTeam.name).where(CareTeam.id.in_(ids)).order_by(CareTeam.name))
                 ).scalars() if ids else []
        return InvitationInfo(row.id, user.id, user.email, user.name, row.role, tuple(names), state_of(row, now),
                              as_utc(row.created_at), as_utc(row.expires_at))

    def _require_admin(self, actor: Actor) -> None:
        if actor.role != "admin":
            raise NotAllowed("Only the clinic admin manages staff invitations.")

    # -- accepting ------------------------------------------------------------------------------------------------
    async def status(self, token: str) -> str:
        """What an opened link is before its code: pending, or why it no longer works (says nothing else)."""
        async with self._db.read() as s:
            row = await by_token(s, PURPOSE, token)
            user = await s.get(User, row.user_id) if row is not None else None
        return self._usable_state(row, user)

    def _usable_state(self, row: AccountToken | None, user: User | None) -> str:
        state = state_of(row, self._clock.now())
        if state == "pending" and not self._bound(row, user):
            return "unknown"
        return state

    def _bound(self, row: AccountToken, user: User | None) -> bool:
        """The row is as it was made, and still names the person's address and role (a changed address or role,
        in this row or on the account, ends the invitation)."""
        return (user is not None and self._links.intact(row) and row.email == user.email and row.role == user.role
                and user.password_hash == NO_PASSWORD_YET)

    async def check_code(self, token: str, code: str, *, address: str = "") -> InvitationOpened:
        """The code from the email. Wrong codes count like failed sign-ins (per invitation, per address and both):
        after five, growing waits; so the 8-character code cannot be guessed."""
        row, user = await self._open(token, code, address)
        return InvitationOpened(user.email, user.name, row.role)

    async def _open(self, token: str, code: str, address: str) -> tuple[AccountToken, User]:
        async with self._db.read() as s:
            row = await by_token(s, PURPOSE, token)
            user = await s.get(User, row.user_id) if row is not None else None
            state = self._usable_state(row, user)
            if state != "pending":
                raise LinkClosed(PURPOSE, state)
            keys = self._throttle.for_purpose("invite-code", row.id, address)
            wait = await throttle.wait_left(s, keys, self._clock.now())
        if wait is not None:
            raise SignInThrottled(wait)
        if not self._links.code_matches(row, code):
            async with self._db.write() as s:
                await throttle.record_failure(s, keys, keys[throttle.ACCOUNT], self._clock.now())
                await self._audit.record(s, actor_id=None, action="invitation.code", object_type="user",
                                         object_id=user.id, outcome="failure", detail=f"invitation={row.id}")
            raise ValidationError("Code", "That code is not right. Check the email and type the 8 characters again.")
        return row, user

    async def accept(self, token: str, code: str, *, name: str, password: str, details_confirmed: bool,
                     address: str = "") -> str:
        """Set the password, confirm the name, join the invitation's teams and make the account active; the link
        is used up. Returns the user id (the page then opens a session). Every check runs again here."""
        row, user = await self._open(token, code, address)
        problems: list[tuple[str, str]] = []
        name = (name or "").strip()
        if not name or len(name) > 200:
            problems.append(("Name", "Enter your name (up to 200 characters)."))
        try:
            check_rules(password, row.role)
        except ValidationError as exc:
            problems.append((exc.field, exc.message))
        if not details_confirmed:
            problems.append(("Details", "Confirm that your name and email address are right."))
        if problems:
            (field, message), *more = problems
            raise ValidationError(field, message, more=tuple(more))
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            fresh = await by_token(s, PURPOSE, token, for_update=True)
            account = await s.get(User, row.user_id)
            if fresh is None or self._usable_state(fresh, account) != "pending":  # used or withdrawn meanwhile
                raise LinkClosed(PURPOSE, self._usable_state(fresh, account))
            account.password_hash, account.name, account.active = password_hash, name, True
            fresh.ended, fresh.ended_at = USED, now
            for team_id in fresh.team_ids.split():
                if fresh.role == "patient":
                    if await s.get(PatientTeam, (account.id, team_id)) is None:
                        s.add(PatientTeam(patient_id=account.id, team_id=team_id, blocked=False))
                elif await s.get(TeamMember, (team_id, account.id)) is None:
                    s.add(TeamMember(team_id=team_id, user_id=account.id, is_lead=False, on_call=False))
            await throttle.record_success(s, self._throttle.for_purpose("invite-code", fresh.id, address))
            await self._audit.record(s, actor_id=account.id, action="invitation.accept", object_type="user",
                                     object_id=account.id, detail=f"invitation={fresh.id} role={fresh.role}")
        return account.id
