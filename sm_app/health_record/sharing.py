"""Sharing a health record: the patient's grant to each of their care teams (none, read, read & write), and "Who
looked" — every staff read and change of the record, from the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import AuditEntry, CareTeam, PatientTeam, RecordGrant, TeamMember, User
from sm_app.health_record.access import LEVELS
from sm_app.health_record.record import AUDIT_OBJECT
from sm_app.health_record.sections import SECTIONS
from sm_app.identity.accounts import Actor, team_name_for
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError
from sm_app.shared.events import RecordSharingChanged

WHO_LOOKED_MAX = 200
# What a staff member's audited action on a record is called on "Who looked".
LOOKS = {"record.read": "Read", "record.history": "Read the history of an entry", "record.add": "Added an entry",
         "record.edit": "Corrected an entry", "record.inactivate": "Marked an entry inactive",
         "record.reactivate": "Marked an entry active"}


@dataclass(frozen=True)
class Grant:
    team_id: str
    team_name: str
    level: str  # none | read | write

    @property
    def level_words(self) -> str:
        return LEVELS[self.level]


@dataclass(frozen=True)
class Look:
    at: datetime
    staff_name: str
    team_name: str
    what: str  # "Read", "Corrected an entry", ...
    section: str  # the section's name ("Medications")


class RecordSharing:
    def __init__(self, db: Database, uow: Callable, audit: AuditLog, clock: Clock):
        self._db = db
        self._uow = uow
        self._audit = audit
        self._clock = clock

    async def grants(self, actor: Actor) -> tuple[Grant, ...]:
        """The patient's care teams and what each may do with the record (none unless the patient said so)."""
        if not actor.is_patient:
            raise NotFound("health record")
        async with self._db.read() as s:
            rows = (await s.execute(
                select(CareTeam.id, team_name_for(actor), RecordGrant.level)
                .join(PatientTeam, PatientTeam.team_id == CareTeam.id)
                .outerjoin(RecordGrant, (RecordGrant.team_id == CareTeam.id)
                           & (RecordGrant.patient_id == PatientTeam.patient_id))
                .where(PatientTeam.patient_id == actor.user_id).order_by(CareTeam.name))).all()
        return tuple(Grant(team_id, name, level or "none") for team_id, name, level in rows)

    async def set_grant(self, actor: Actor, team_id: str, level: str) -> Grant:
        """The patient lets one of their care teams read, or read and write, their record — or nothing. Takes effect
        at once: the team's open pages are told (`RecordSharingChanged`)."""
        if level not in LEVELS:
            raise ValidationError("Access", "Choose None, Read, or Read & write.")
        if not actor.is_patient:
            raise NotFound("health record")
        async with self._uow() as work:
            s = work.session
            team = (await s.execute(select(CareTeam).join(PatientTeam, PatientTeam.team_id == CareTeam.id).where(
                PatientTeam.patient_id == actor.user_id, CareTeam.id == (team_id or "")))).scalar_one_or_none()
            if team is not None:
                grant = await s.get(RecordGrant, (actor.user_id, team.id))
                if grant is None:
                    s.add(RecordGrant(patient_id=actor.user_id, team_id=team.id, level=level,
                                      changed_at=self._clock.now()))
                else:
                    grant.level, grant.changed_at = level, self._clock.now()
                await self._audit.record(s, actor_id=actor.user_id, action="record.grant", object_type=AUDIT_OBJECT,
                                         object_id=actor.user_id, detail=f"team={team.id} level={level}")
                staff = (await s.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team.id))).all()
                work.record(RecordSharingChanged(actor.user_id, team.id, level,
                                                 tuple(sorted({*staff, actor.user_id}))))
                result = Grant(team.id, team.name, level)
        if team is None:
            raise NotFound("care team")
        return result

    async def who_looked(self, actor: Actor) -> tuple[Look, ...]:
        """Every read and change of the patient's record by staff, newest first (the latest `WHO_LOOKED_MAX`)."""
        if not actor.is_patient:
            raise NotFound("health record")
        async with self._uow() as work:
            s = work.session
            rows = (await s.execute(
                select(AuditEntry.at, AuditEntry.action, AuditEntry.detail, User.name)
                .join(User, User.id == AuditEntry.actor_id)
                .where(AuditEntry.object_type == AUDIT_OBJECT, AuditEntry.object_id == actor.user_id,
                       AuditEntry.outcome == "ok", AuditEntry.action.in_(tuple(LOOKS)),
                       AuditEntry.actor_id != actor.user_id)
                .order_by(AuditEntry.seq.desc()).limit(WHO_LOOKED_MAX))).all()
            details = [dict(p.split("=", 1) for p in detail.split() if "=" in p) for _, _, detail, _ in rows]
            team_ids = {d["team"] for d in details if "team" in d}
            teams = dict((await s.execute(select(CareTeam.id, team_name_for(actor)).where(CareTeam.id.in_(team_ids))))
                         .all()) if team_ids else {}
            await self._audit.record(s, actor_id=actor.user_id, action="record.who_looked", object_type=AUDIT_OBJECT,
                                     object_id=actor.user_id, detail=f"rows={len(rows)}")
        return tuple(Look(at, name, teams.get(d.get("team", ""), ""), LOOKS[action],
                          SECTIONS[d["section"]].label if d.get("section") in SECTIONS else "")
                     for (at, action, _, name), d in zip(rows, details, strict=True))
