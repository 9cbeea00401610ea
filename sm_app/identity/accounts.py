"""People, care teams, memberships and patient–team associations."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, PatientTeam, TeamMember, User
from sm_app.identity.passwords import STAFF_ROLES, Hasher, check_rules
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

ROLES = ("patient", *STAFF_ROLES, "admin", "privacy_officer")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")


@dataclass(frozen=True)
class Actor:
    """Who is acting. Built from a valid session; every service call that touches health data takes one."""

    user_id: str
    role: str
    name: str
    email: str

    @property
    def is_patient(self) -> bool:
        return self.role == "patient"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


@dataclass(frozen=True)
class UserInfo:
    id: str
    email: str
    name: str
    role: str


@dataclass(frozen=True)
class TeamInfo:
    id: str
    name: str


@dataclass(frozen=True)
class RotaMember:
    user_id: str
    name: str
    role: str
    lead: bool
    on_call: bool


@dataclass(frozen=True)
class TeamRota:
    """A care team's staff with their team lead and on-call marks (the clinic admin's view)."""

    team_id: str
    team_name: str
    members: tuple[RotaMember, ...]


def team_name_for(actor: Actor) -> ColumnElement[str]:
    """A care team's name as this actor sees it: patients the plain-language name the admin gave the team (its own
    name until it has one), everyone else the team's own name ("REN PAC 03 WH" means something to staff)."""
    return team_name_column(patient=actor.is_patient)


def team_name_column(*, patient: bool) -> ColumnElement[str]:
    """`team_name_for` for every reader of a kind."""
    if patient:
        return func.coalesce(CareTeam.display_name, CareTeam.name).label("name")
    return CareTeam.name.label("name")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise ValidationError("Email", "Enter a valid email address.")
    return email


class Accounts:
    def __init__(self, db: Database, hasher: Hasher, audit: AuditLog, clock: Clock):
        self._db = db
        self._hasher = hasher
        self._audit = audit
        self._clock = clock

    async def create_user(
        self, *, email: str, role: str, name: str, password: str, actor_id: str | None = None
    ) -> UserInfo:
        email = normalise_email(email)
        if role not in ROLES:
            raise ValidationError("Role", f"Role must be one of: {', '.join(ROLES)}.")
        name = (name or "").strip()
        if not name or len(name) > 200:
            raise ValidationError("Name", "Name must be 1 to 200 characters.")
        check_rules(password, role)
        # argon2 takes tens of milliseconds of CPU: keep it off the event loop.
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        try:
            async with self._db.write() as s:
                user = User(email=email, name=name, role=role, password_hash=password_hash, active=True,
                            created_at=self._clock.now())
                s.add(user)
                await s.flush()
                await self._audit.record(s, actor_id=actor_id, action="user.create", object_type="user",
                                         object_id=user.id, detail=f"role={role}")
        except IntegrityError:
            raise ValidationError("Email", "A user with that email already exists.") from None
        return UserInfo(user.id, user.email, user.name, user.role)

    async def set_demographics(self, *, email: str, birth_date: date | None, sex: str | None,
                               actor_id: str | None = None) -> None:
        """A patient's date of birth and sex, used to choose broadcast cohorts."""
        if sex not in (None, "female", "male", "other"):
            raise ValidationError("Sex", "Sex must be female, male or other.")
        if birth_date is not None and birth_date > self._clock.now().date():
            raise ValidationError("Date of birth", "Date of birth cannot be in the future.")
        async with self._db.write() as s:
            user = await self._user_by_email(s, normalise_email(email))
            if user.role != "patient":
                raise ValidationError("Email", "Only patients have demographics here.")
            user.birth_date, user.sex = birth_date, sex
            await self._audit.record(s, actor_id=actor_id, action="user.demographics", object_type="user",
                                     object_id=user.id)

    async def find_user(self, email: str) -> UserInfo | None:
        email = normalise_email(email)
        async with self._db.read() as s:
            u = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none()
            return UserInfo(u.id, u.email, u.name, u.role) if u else None

    async def create_team(self, name: str, actor_id: str | None = None) -> TeamInfo:
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ValidationError("Name", "Team name must be 1 to 100 characters.")
        try:
            async with self._db.write() as s:
                team = CareTeam(name=name, created_at=self._clock.now())
                s.add(team)
                await s.flush()
                await self._audit.record(s, actor_id=actor_id, action="team.create", object_type="team",
                                         object_id=team.id)
        except IntegrityError:
            raise ValidationError("Name", f"A care team named {name!r} already exists.") from None
        return TeamInfo(team.id, team.name)

    async def _team_by_name(self, s, name: str) -> CareTeam:
        team = (await s.execute(select(CareTeam).where(CareTeam.name == (name or "").strip()))).scalar_one_or_none()
        if team is None:
            raise ValidationError("Team", f"No care team named {name!r}.")
        return team

    async def _user_by_email(self, s, email: str) -> User:
        user = (await s.execute(select(User).where(User.email == normalise_email(email)))).scalar_one_or_none()
        if user is None:
            raise ValidationError("Email", f"No user with email {email!r}.")
        return user

    async def add_member(self, *, team: str, email: str, role: str, lead: bool = False, on_call: bool = False,
                         actor_id: str | None = None) -> None:
        """Add a staff member to a team (or change their marks). `role` must match the staff member's role; a member
        `on_call` is alerted at once, with the team leads, when a patient's message is flagged urgent."""
        async with self._db.write() as s:
            t = await self._team_by_name(s, team)
            u = await self._user_by_email(s, email)
            if u.role not in STAFF_ROLES:
                raise ValidationError("Email", f"{u.email} is a {u.role}, not staff; only staff join care teams.")
            if role != u.role:
                raise ValidationError("Role", f"{u.email} is a {u.role}, not a {role}.")
            existing = await s.get(TeamMember, (t.id, u.id))
            if existing:
                existing.is_lead, existing.on_call = lead, on_call
            else:
                s.add(TeamMember(team_id=t.id, user_id=u.id, is_lead=lead, on_call=on_call))
            await self._audit.record(s, actor_id=actor_id, action="team.add_member", object_type="team",
                                     object_id=t.id, detail=f"user={u.id} lead={lead} on_call={on_call}")

    async def team_rota(self, actor: Actor) -> list[TeamRota]:
        """Every care team with its active staff and their lead / on-call marks, for the clinic admin."""
        self._require_admin(actor)
        async with self._db.read() as s:
            teams = (await s.execute(select(CareTeam.id, CareTeam.name).order_by(CareTeam.name))).all()
            rows = (await s.execute(
                select(TeamMember.team_id, User.id, User.name, User.role, TeamMember.is_lead, TeamMember.on_call)
                .join(User, User.id == TeamMember.user_id).where(User.active.is_(True))
                .order_by(User.name, User.id))).all()
        members: dict[str, list[RotaMember]] = {}
        for team_id, user_id, name, role, lead, on_call in rows:
            members.setdefault(team_id, []).append(RotaMember(user_id, name, role, bool(lead), bool(on_call)))
        return [TeamRota(team_id, name, tuple(members.get(team_id, ()))) for team_id, name in teams]

    async def set_on_call(self, actor: Actor, *, team_id: str, user_id: str, on_call: bool) -> None:
        """The clinic admin marks a team member on call, or not. Only members of the team can be marked."""
        self._require_admin(actor)
        async with self._db.write() as s:
            member = await s.get(TeamMember, (team_id, user_id))
            if member is None:
                raise NotFound("team member")
            member.on_call = bool(on_call)
            await self._audit.record(s, actor_id=actor.user_id, action="team.on_call", object_type="team",
                                     object_id=team_id, detail=f"user={user_id} on_call={bool(on_call)}")

    def _require_admin(self, actor: Actor) -> None:
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can see and change who is on call.")

    async def assign_patient(self, *, team: str, email: str, actor_id: str | None = None) -> None:
        async with self._db.write() as s:
            t = await self._team_by_name(s, team)
            u = await self._user_by_email(s, email)
            if u.role != "patient":
                raise ValidationError("Email", f"{u.email} is a {u.role}, not a patient.")
            if await s.get(PatientTeam, (u.id, t.id)) is None:
                s.add(PatientTeam(patient_id=u.id, team_id=t.id, blocked=False))
            await self._audit.record(s, actor_id=actor_id, action="team.assign_patient", object_type="team",
                                     object_id=t.id, detail=f"patient={u.id}")

    async def set_blocked(self, *, team: str, email: str, blocked: bool, actor_id: str | None = None) -> None:
        async with self._db.write() as s:
            t = await self._team_by_name(s, team)
            u = await self._user_by_email(s, email)
            link = await s.get(PatientTeam, (u.id, t.id))
            if link is None:
                raise ValidationError("Email", f"{u.email} is not associated with {t.name}.")
            link.blocked = blocked
            if not blocked:
                link.block_reason = None
            await self._audit.record(s, actor_id=actor_id, action="team.block_patient", object_type="team",
                                     object_id=t.id, detail=f"patient={u.id} blocked={blocked}")

    async def count_users(self) -> int:
        async with self._db.read() as s:
            return (await s.execute(select(func.count()).select_from(User))).scalar_one()
