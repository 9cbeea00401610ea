"""The admin console's Users: find people, see their teams, last sign-in and state; deactivate, reactivate, unlock.

Admin-only. Reads names, emails, roles and team names — never a message, a thread or a record. Deactivating ends
every session of the person in the same transaction and records `SessionsEnded`, whose after-commit handler tells
the person's open pages, so they go to sign-in at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, PatientTeam, TeamMember, User, UserSession
from sm_app.identity.accounts import ROLES, Actor
from sm_app.identity.sessions import Sessions
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

    @property
    def state(self) -> str:
        if not self.active:
            return "Deactivated"
        return "Locked" if self.locked_until else "Active"


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

    async def _rows(self, found: list[tuple], teams: dict[str, list[str]]) -> list[UserRow]:
        waits = await self._sessions.sign_in_waits([email for _, _, email, *_ in found])
        return [UserRow(uid, name, email, role, tuple(teams.get(uid, ())), as_utc(last) if last else None, active,
                        waits.get(email))
                for uid, name, email, role, last, active in found]

    @staticmethod
    async def _teams_of(s, user_ids: list[str]) -> dict[str, list[str]]:
        if not user_ids:
            return {}
        staff = (await s.execute(select(TeamMember.user_id, CareTeam.name)
                                 .join(CareTeam, CareTeam.id == TeamMember.team_id)
                                 .where(TeamMember.user_id.in_(user_ids)))).all()
        patients = (await s.execute(select(PatientTeam.patient_id, CareTeam.name)
                                    .join(CareTeam, CareTeam.id == PatientTeam.team_id)
                                    .where(PatientTeam.patient_id.in_(user_ids)))).all()
        teams: dict[str, list[str]] = {}
        for user_id, name in sorted([*staff, *patients], key=lambda r: r[1]):
            teams.setdefault(user_id, []).append(name)
        return teams

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
