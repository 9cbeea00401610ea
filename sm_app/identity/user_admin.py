"""The admin console's Users: find people, see their teams, last sign-in and state; deactivate, reactivate, unlock;
change a person's role and care teams.

Admin-only. Reads names, emails, roles and team names — never a message, a thread or a record. Deactivating ends
every session of the person in the same transaction and records `SessionsEnded`, whose after-commit handler tells
the person's open pages, so they go to sign-in at once. A role change does the same: an open page acts with the role
it was opened with, so the person signs in again and gets pages built for the new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, PatientTeam, TeamMember, User, UserSession
from sm_app.identity.accounts import ROLES, Actor
from sm_app.identity.invitations import NO_PASSWORD_YET
from sm_app.identity.passwords import STAFF_ROLES
from sm_app.identity.sessions import Sessions, end_sessions_in
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from sm_app.shared.events import SessionsEnded, UnitOfWork

PAGE_SIZE = 25
SEARCH_MAX = 100


@dataclass(frozen=True)
class UserRow:
    """One person as the admin's user list shows them."""

    id: str
    name: str
    email: str
    role: str
    teams: tuple[str, ...]
    last_sign_in_at: datetime | None
    active: bool
    locked_until: datetime | None
    team_ids: tuple[str, ...] = ()  # the same teams as `teams`, in the same order

    @property
    def state(self) -> str:
        if not self.active:
            return "Deactivated"
        return "Locked" if self.locked_until else "Active"


@dataclass(frozen=True)
class AccessChange:
    """What `change_access` did, in team names, for the admin's confirmation."""

    role_changed: bool
    joined: tuple[str, ...]
    left: tuple[str, ...]


@dataclass(frozen=True)
class UserPage:
    rows: tuple[UserRow, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def require_admin(actor: Actor) -> None:
    if actor.role != "admin":
        raise NotAllowed("Only a clinic admin can manage people and care teams.")


class UserAdmin:
    def __init__(self, db: Database, uow: UnitOfWork, audit: AuditLog, clock: Clock, sessions: Sessions):
        self._db = db
        self._uow = uow
        self._audit = audit
        self._clock = clock
        self._sessions = sessions

    async def list_users(self, actor: Actor, *, search: str = "", role: str = "", page: int = 0,
                         page_size: int = PAGE_SIZE) -> UserPage:
        """One page of people, by name, matching `search` (part of the name or email) and `role` ("" for all)."""
        require_admin(actor)
        words = (search or "").strip().lower()[:SEARCH_MAX]
        if role and role not in ROLES:
            raise ValidationError("Role", "Choose a role from the list.")
        where = []
        if words:
            where.append(or_(func.lower(User.name).contains(words, autoescape=True),
                             User.email.contains(words, autoescape=True)))
        if role:
            where.append(User.role == role)
        page = max(0, int(page))
        async with self._db.read() as s:
            total = (await s.execute(select(func.count()).select_from(User).where(*where))).scalar_one()
            last_page = max(0, (total - 1) // page_size)
            page = min(page, last_page)
            users = (await s.execute(select(User).where(*where).order_by(func.lower(User.name), User.id)
                                     .offset(page * page_size).limit(page_size))).scalars().all()
            teams = await self._teams_of(s, [u.id for u in users])
            found = [(u.id, u.name, u.email, u.role, u.last_sign_in_at, bool(u.active)) for u in users]
        rows = await self._rows(found, teams)
        return UserPage(tuple(rows), total, page, page_size)

    async def user(self, actor: Actor, user_id: str) -> UserRow:
        """One person's row as it is now (after a change)."""
        require_admin(actor)
        async with self._db.read() as s:
            u = await s.get(User, user_id)
            if u is None:
                raise NotFound("user")
            teams = await self._teams_of(s, [u.id])
            found = [(u.id, u.name, u.email, u.role, u.last_sign_in_at, bool(u.active))]
        return (await self._rows(found, teams))[0]

    async def _rows(self, found: list[tuple], teams: dict[str, list[tuple[str, str]]]) -> list[UserRow]:
        waits = await self._sessions.sign_in_waits([email for _, _, email, *_ in found])
        return [UserRow(uid, name, email, role, tuple(n for _, n in teams.get(uid, ())),
                        as_utc(last) if last else None, active, waits.get(email),
                        tuple(i for i, _ in teams.get(uid, ())))
                for uid, name, email, role, last, active in found]

    @staticmethod
    async def _teams_of(s, user_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
        """Each person's care teams as (id, name), by name: staff by membership, patients by association."""
        if not user_ids:
            return {}
        staff = (await s.execute(select(TeamMember.user_id, CareTeam.id, CareTeam.name)
                                 .join(CareTeam, CareTeam.id == TeamMember.team_id)
                                 .where(TeamMember.user_id.in_(user_ids)))).all()
        patients = (await s.execute(select(PatientTeam.patient_id, CareTeam.id, CareTeam.name)
                                    .join(CareTeam, CareTeam.id == PatientTeam.team_id)
                                    .where(PatientTeam.patient_id.in_(user_ids)))).all()
        teams: dict[str, list[tuple[str, str]]] = {}
        for user_id, team_id, name in sorted([*staff, *patients], key=lambda r: (r[2], r[1])):
            teams.setdefault(user_id, []).append((team_id, name))
        return teams

    async def change_access(self, actor: Actor, user_id: str, *, role: str, team_ids: list[str]) -> AccessChange:
        """Set a person's role and care teams in one transaction, each change audited.

        Staff join teams as members (no lead or on-call mark; the team's page sets those); patients are associated
        (a block on a team they stay with is kept). Admins and privacy officers are on no care team, so a nurse made
        an admin leaves their teams. A patient account never becomes staff or the other way round: a patient's
        conversations and record are theirs as a patient. Not for one's own account, nor for someone who has not
        accepted their invitation yet (the invitation is bound to its role and teams). A role change ends every
        session of the person."""
        require_admin(actor)
        if role not in ROLES:
            raise ValidationError("Role", "Choose a role from the list.")
        wanted = list(dict.fromkeys(t for t in team_ids or [] if t))
        async with self._uow() as work:
            s = work.session
            user = await s.get(User, user_id or "")
            if user is None:
                raise NotFound("user")
            if role != user.role:
                if user.id == actor.user_id:
                    raise ValidationError("Role", "You cannot change your own role; another admin can.")
                if "patient" in (role, user.role):
                    raise ValidationError("Role", "A patient's account cannot become a staff account, or the other "
                                                  "way round. Invite the person again with another email address.")
            if user.password_hash == NO_PASSWORD_YET:
                raise ValidationError("Role", f"{user.name} has not accepted their invitation yet. Withdraw it under "
                                              "Invitations and invite them again to change their role or teams.")
            if wanted and role != "patient" and role not in STAFF_ROLES:
                raise ValidationError("Care teams", "Admins and privacy officers are on no care team.")
            names = dict((await s.execute(select(CareTeam.id, CareTeam.name).where(CareTeam.id.in_(wanted)))).all())
            if len(names) != len(wanted):
                raise ValidationError("Care teams", "One of those care teams no longer exists.")
            link = PatientTeam if user.role == "patient" else TeamMember
            person = PatientTeam.patient_id if user.role == "patient" else TeamMember.user_id
            current = dict((await s.execute(select(link.team_id, CareTeam.name).join(
                CareTeam, CareTeam.id == link.team_id).where(person == user.id))).all())
            joined = [t for t in wanted if t not in current]
            left = [t for t in current if t not in names]
            role_changed = role != user.role
            if role_changed:
                await self._audit.record(s, actor_id=actor.user_id, action="user.role_change", object_type="user",
                                         object_id=user.id, detail=f"from={user.role} to={role}")
                user.role = role
                await end_sessions_in(work, user.id)
            for team_id in left:
                await s.execute(delete(link).where(link.team_id == team_id, person == user.id))
                action = "team.dissociate_patient" if link is PatientTeam else "team.remove_member"
                who = "patient" if link is PatientTeam else "user"
                await self._audit.record(s, actor_id=actor.user_id, action=action, object_type="team",
                                         object_id=team_id, detail=f"{who}={user.id}")
            for team_id in joined:
                if link is PatientTeam:
                    s.add(PatientTeam(patient_id=user.id, team_id=team_id, blocked=False))
                    await self._audit.record(s, actor_id=actor.user_id, action="team.assign_patient",
                                             object_type="team", object_id=team_id, detail=f"patient={user.id}")
                else:
                    s.add(TeamMember(team_id=team_id, user_id=user.id, is_lead=False, on_call=False))
                    await self._audit.record(s, actor_id=actor.user_id, action="team.add_member", object_type="team",
                                             object_id=team_id, detail=f"user={user.id} lead=False on_call=False")
        return AccessChange(role_changed, tuple(sorted(names[t] for t in joined)),
                            tuple(sorted(current[t] for t in left)))

    async def deactivate(self, actor: Actor, user_id: str) -> None:
        """Turn the account off: sign-in refused, every session ended now, open pages go to sign-in."""
        require_admin(actor)
        if user_id == actor.user_id:
            raise ValidationError("User", "You cannot deactivate your own account.")
        async with self._uow() as work:
            s = work.session
            user = await s.get(User, user_id)
            if user is None:
                raise NotFound("user")
            user.active = False
            ended = await s.execute(delete(UserSession).where(UserSession.user_id == user_id))
            await self._audit.record(s, actor_id=actor.user_id, action="user.deactivate", object_type="user",
                                     object_id=user_id, detail=f"{ended.rowcount or 0} sessions ended")
            work.record(SessionsEnded(user_id))

    async def reactivate(self, actor: Actor, user_id: str) -> None:
        """Let the person sign in again (their sessions stay ended)."""
        require_admin(actor)
        async with self._db.write() as s:
            user = await s.get(User, user_id)
            if user is None:
                raise NotFound("user")
            user.active = True
            await self._audit.record(s, actor_id=actor.user_id, action="user.reactivate", object_type="user",
                                     object_id=user_id)

    async def unlock(self, actor: Actor, user_id: str) -> int:
        """End the sign-in throttle's waits on the person's account. Returns how many waits ended."""
        require_admin(actor)
        async with self._db.read() as s:
            user = await s.get(User, user_id)
            if user is None:
                raise NotFound("user")
            email = user.email
        return await self._sessions.unlock(email, by=actor)
