"""The admin console's Care teams: create, rename, the plain-language name patients see, staff members with their
team-lead and on-call marks, and the patients associated with a team (associate, dissociate, block with a reason).

Admin-only. A team's business hours belong to the response clock (`care_team/clinic_settings.py`,
`team_business_hours`). A block is the clinic's decision: the patient sees its reason in their contact list and
`Messaging` refuses a send to the team; dissociating leaves the patient's conversations in place but closed to
replies (the thread rule asks for the association).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, PatientTeam, TeamMember, User
from sm_app.identity.accounts import Actor, RotaMember, normalise_email
from sm_app.identity.passwords import STAFF_ROLES
from sm_app.identity.user_admin import require_admin
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError

NAME_MAX = 100
DISPLAY_NAME_MAX = 200
BLOCK_REASON_MAX = 300
PATIENTS_PAGE = 25


@dataclass(frozen=True)
class TeamSummary:
    id: str
    name: str
    display_name: str  # "" when the team has none yet (patients then see `name`)
    staff: int
    patients: int


@dataclass(frozen=True)
class TeamDetail:
    id: str
    name: str
    display_name: str
    members: tuple[RotaMember, ...]


@dataclass(frozen=True)
class PatientLink:
    patient_id: str
    name: str
    email: str
    blocked: bool
    block_reason: str


@dataclass(frozen=True)
class PatientLinkPage:
    rows: tuple[PatientLink, ...]
    total: int
    page: int
    page_size: int


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise ValidationError("Team name", f"Team name must be 1 to {NAME_MAX} characters.")
    return name


def _clean_display_name(text: str) -> str | None:
    text = " ".join((text or "").split())
    if len(text) > DISPLAY_NAME_MAX:
        raise ValidationError("Name patients see", f"Keep it under {DISPLAY_NAME_MAX} characters.")
    return text or None


class TeamAdmin:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock):
        self._db = db
        self._audit = audit
        self._clock = clock

    # -- teams ----------------------------------------------------------------------------------------------
    async def teams(self, actor: Actor) -> list[TeamSummary]:
        """Every care team with its counts of active staff and associated patients, by name."""
        require_admin(actor)
        async with self._db.read() as s:
            staff = dict((await s.execute(select(TeamMember.team_id, func.count()).join(
                User, User.id == TeamMember.user_id).where(User.active.is_(True))
                .group_by(TeamMember.team_id))).all())
            patients = dict((await s.execute(select(PatientTeam.team_id, func.count())
                                             .group_by(PatientTeam.team_id))).all())
            teams = (await s.execute(select(CareTeam.id, CareTeam.name, CareTeam.display_name)
                                     .order_by(CareTeam.name))).all()
        return [TeamSummary(i, n, d or "", staff.get(i, 0), patients.get(i, 0)) for i, n, d in teams]

    async def team(self, actor: Actor, team_id: str) -> TeamDetail:
        """A team with its staff (active and not), their roles and marks."""
        require_admin(actor)
        async with self._db.read() as s:
            team = await s.get(CareTeam, team_id)
            if team is None:
                raise NotFound("care team")
            rows = (await s.execute(
                select(User.id, User.name, User.role, TeamMember.is_lead, TeamMember.on_call)
                .join(TeamMember, TeamMember.user_id == User.id).where(TeamMember.team_id == team_id)
                .order_by(User.name, User.id))).all()
            return TeamDetail(team.id, team.name, team.display_name or "",
                              tuple(RotaMember(i, n, r, bool(lead), bool(oc)) for i, n, r, lead, oc in rows))

    async def create_team(self, actor: Actor, name: str, display_name: str = "") -> str:
        """A new care team; returns its id."""
        require_admin(actor)
        name, shown = _clean_name(name), _clean_display_name(display_name)
        try:
            async with self._db.write() as s:
                team = CareTeam(name=name, display_name=shown, created_at=self._clock.now())
                s.add(team)
                await s.flush()
                await self._audit.record(s, actor_id=actor.user_id, action="team.create", object_type="team",
                                         object_id=team.id)
        except IntegrityError:
            raise ValidationError("Team name", "A care team with that name already exists.") from None
        return team.id

    async def rename(self, actor: Actor, team_id: str, *, name: str, display_name: str) -> None:
        """Change the team's own name (staff see it) and the plain-language name patients see."""
        require_admin(actor)
        name, shown = _clean_name(name), _clean_display_name(display_name)
        try:
            async with self._db.write() as s:
                team = await s.get(CareTeam, team_id)
                if team is None:
                    raise NotFound("care team")
                team.name, team.display_name = name, shown
                await self._audit.record(s, actor_id=actor.user_id, action="team.rename", object_type="team",
                                         object_id=team_id)
        except IntegrityError:
            raise ValidationError("Team name", "A care team with that name already exists.") from None

    # -- staff ------------------------------------------------------------------------------------------------
    async def add_member(self, actor: Actor, team_id: str, *, email: str, lead: bool = False,
                         on_call: bool = False) -> None:
        """Add a staff member by email (their role is their account's)."""
        require_admin(actor)
        email = normalise_email(email)
        async with self._db.write() as s:
            if await s.get(CareTeam, team_id) is None:
                raise NotFound("care team")
            user = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none()
            if user is None:
                raise ValidationError("Staff email", "No one has that email address.")
            if user.role not in STAFF_ROLES:
                raise ValidationError("Staff email", "Only staff (clerks, nurses, pharmacists, providers) join care "
                                                     "teams; add patients under Patients.")
            if await s.get(TeamMember, (team_id, user.id)) is not None:
                raise ValidationError("Staff email", f"{user.name} is already on this team.")
            s.add(TeamMember(team_id=team_id, user_id=user.id, is_lead=lead, on_call=on_call))
            await self._audit.record(s, actor_id=actor.user_id, action="team.add_member", object_type="team",
                                     object_id=team_id, detail=f"user={user.id} lead={lead} on_call={on_call}")

    async def remove_member(self, actor: Actor, team_id: str, user_id: str) -> None:
        require_admin(actor)
        async with self._db.write() as s:
            member = await s.get(TeamMember, (team_id, user_id))
            if member is None:
                raise NotFound("team member")
            await s.delete(member)
            await self._audit.record(s, actor_id=actor.user_id, action="team.remove_member", object_type="team",
                                     object_id=team_id, detail=f"user={user_id}")

    async def set_marks(self, actor: Actor, team_id: str, user_id: str, *, lead: bool | None = None,
                        on_call: bool | None = None) -> None:
        """Mark a member team lead and/or on call (None leaves a mark as it is)."""
        require_admin(actor)
        async with self._db.write() as s:
            member = await s.get(TeamMember, (team_id, user_id))
            if member is None:
                raise NotFound("team member")
            if lead is not None:
                member.is_lead = bool(lead)
            if on_call is not None:
                member.on_call = bool(on_call)
            await self._audit.record(s, actor_id=actor.user_id, action="team.marks", object_type="team",
                                     object_id=team_id,
                                     detail=f"user={user_id} lead={member.is_lead} on_call={member.on_call}")

    # -- patients -----------------------------------------------------------------------------------------------
    async def patients(self, actor: Actor, team_id: str, *, search: str = "", page: int = 0,
                       page_size: int = PATIENTS_PAGE) -> PatientLinkPage:
        """One page of the patients associated with the team, by name, matching `search` (name or email)."""
        require_admin(actor)
        words = (search or "").strip().lower()[:100]
        where = [PatientTeam.team_id == team_id]
        if words:
            where.append(or_(func.lower(User.name).contains(words, autoescape=True),
                             User.email.contains(words, autoescape=True)))
        async with self._db.read() as s:
            if await s.get(CareTeam, team_id) is None:
                raise NotFound("care team")
            base = select(PatientTeam, User.name, User.email).join(User, User.id == PatientTeam.patient_id).where(
                *where)
            total = (await s.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
            page = min(max(0, int(page)), max(0, (total - 1) // page_size))
            rows = (await s.execute(base.order_by(func.lower(User.name), User.id)
                                    .offset(page * page_size).limit(page_size))).all()
            links = tuple(PatientLink(link.patient_id, name, email, bool(link.blocked), link.block_reason or "")
                          for link, name, email in rows)
        return PatientLinkPage(links, total, page, page_size)

    async def associate(self, actor: Actor, team_id: str, *, email: str) -> None:
        """Connect a patient (by email) to the team: they can write to it."""
        require_admin(actor)
        email = normalise_email(email)
        async with self._db.write() as s:
            if await s.get(CareTeam, team_id) is None:
                raise NotFound("care team")
            user = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none()
            if user is None:
                raise ValidationError("Patient email", "No one has that email address.")
            if user.role != "patient":
                raise ValidationError("Patient email", "That person is not a patient; add staff under Staff.")
            if await s.get(PatientTeam, (user.id, team_id)) is not None:
                raise ValidationError("Patient email", f"{user.name} is already with this team.")
            s.add(PatientTeam(patient_id=user.id, team_id=team_id, blocked=False))
            await self._audit.record(s, actor_id=actor.user_id, action="team.assign_patient", object_type="team",
                                     object_id=team_id, detail=f"patient={user.id}")

    async def dissociate(self, actor: Actor, team_id: str, patient_id: str) -> None:
        """Disconnect a patient from the team. Their conversations stay (for the record) but take no replies."""
        require_admin(actor)
        async with self._db.write() as s:
            result = await s.execute(delete(PatientTeam).where(PatientTeam.team_id == team_id,
                                                               PatientTeam.patient_id == patient_id))
            if not result.rowcount:
                raise NotFound("patient association")
            await self._audit.record(s, actor_id=actor.user_id, action="team.dissociate_patient",
                                     object_type="team", object_id=team_id, detail=f"patient={patient_id}")

    async def block(self, actor: Actor, team_id: str, patient_id: str, *, reason: str) -> None:
        """Stop the patient writing to the team. The reason is shown to the patient: say it plainly, and leave
        health information out (it is stored as the clinic's administrative note, not sealed)."""
        require_admin(actor)
        reason = " ".join((reason or "").split())
        if not reason:
            raise ValidationError("Reason", "Give the reason the patient will see.")
        if len(reason) > BLOCK_REASON_MAX:
            raise ValidationError("Reason", f"Keep the reason under {BLOCK_REASON_MAX} characters.")
        await self._set_block(actor, team_id, patient_id, True, reason)

    async def unblock(self, actor: Actor, team_id: str, patient_id: str) -> None:
        require_admin(actor)
        await self._set_block(actor, team_id, patient_id, False, None)

    async def _set_block(self, actor: Actor, team_id: str, patient_id: str, blocked: bool,
                         reason: str | None) -> None:
        async with self._db.write() as s:
            link = await s.get(PatientTeam, (patient_id, team_id))
            if link is None:
                raise NotFound("patient association")
            link.blocked, link.block_reason = blocked, reason
            # Ids only: the reason is shown to the patient, not copied into the audit chain.
            await self._audit.record(s, actor_id=actor.user_id, action="team.block_patient", object_type="team",
                                     object_id=team_id, detail=f"patient={patient_id} blocked={blocked}")
