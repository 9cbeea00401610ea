"""The one access rule for health records: who may read or write which patient's record, and under which team.

Every read and write of a record, its entries, their history and "Who looked" goes through `record_access`; a
record outside it is reported exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.models import CareTeam, PatientTeam, RecordGrant, TeamMember
from sm_app.identity.accounts import Actor

LEVELS = {"none": "None", "read": "Read", "write": "Read & write"}


@dataclass(frozen=True)
class RecordAccess:
    """What the actor may do with one patient's record. Staff act under one team's grant (shown on their entries as
    "entered by Nora Nurse, Primary Care Blue"); the patient under none."""

    patient_id: str
    level: str  # read | write
    team_id: str | None = None
    team_name: str = ""

    @property
    def can_write(self) -> bool:
        return self.level == "write"


@lru_cache(maxsize=2)
def _grants(for_one_team: bool) -> Select:
    """The grants that reach the patients' records ("patient_ids") for a staff member ("user_id"): given to one of
    their teams that is still one of the patient's teams (a grant outlives no association), read or read & write;
    with `for_one_team`, under that team's ("team_id") only. Built once: a staff conversation page asks it on every
    load, and building it (four joins) costs more than running it."""
    query = (select(RecordGrant.patient_id, RecordGrant.level, CareTeam.id, CareTeam.name)
             .join(TeamMember, (TeamMember.team_id == RecordGrant.team_id)
                   & (TeamMember.user_id == bindparam("user_id")))
             .join(PatientTeam, (PatientTeam.team_id == RecordGrant.team_id)
                   & (PatientTeam.patient_id == RecordGrant.patient_id))
             .join(CareTeam, CareTeam.id == RecordGrant.team_id)
             .where(RecordGrant.patient_id.in_(bindparam("patient_ids", expanding=True)),
                    RecordGrant.level.in_(("read", "write"))))
    return query.where(RecordGrant.team_id == bindparam("team_id")) if for_one_team else query


async def record_access(session: AsyncSession, actor: Actor, patient_id: str) -> RecordAccess | None:
    """The patient has their own record (read and write); staff reach a record through a grant the patient gave to
    a care team they belong to — the strongest one when several of their teams have one (then the first by name);
    nobody else reaches any record (the clinic admin and the privacy officer included). None means no access, and
    looks like no record."""
    if actor.is_patient:
        return RecordAccess(patient_id, "write") if patient_id == actor.user_id else None
    if not actor.is_staff or not patient_id:
        return None
    rows = (await session.execute(_grants(False), {"user_id": actor.user_id, "patient_ids": [patient_id]})).all()
    if not rows:
        return None
    _, level, team_id, team_name = min(rows, key=lambda r: (r[1] != "write", r[3], r[2]))
    return RecordAccess(patient_id, level, team_id, team_name)


async def team_record_access(session: AsyncSession, actor: Actor, team_id: str, patient_ids: list[str]
                             ) -> dict[str, RecordAccess]:
    """The same rule for many patients at once, under one team's grants only (a broadcast cohort of that team):
    the patients whose records the actor reaches through `team_id`, with that access."""
    if not actor.is_staff or not patient_ids:
        return {}
    found: dict[str, RecordAccess] = {}
    for start in range(0, len(patient_ids), 500):  # bounded IN lists
        chunk = patient_ids[start:start + 500]
        rows = await session.execute(_grants(True), {"user_id": actor.user_id, "patient_ids": chunk,
                                                      "team_id": team_id})
        for patient_id, level, team, name in rows.all():
            found[patient_id] = RecordAccess(patient_id, level, team, name)
    return found


async def staff_with_access(session: AsyncSession, patient_id: str) -> set[str]:
    """Staff who reach the patient's record now (told live when it changes)."""
    rows = (await session.execute(
        select(TeamMember.user_id)
        .join(RecordGrant, RecordGrant.team_id == TeamMember.team_id)
        .join(PatientTeam, (PatientTeam.team_id == RecordGrant.team_id)
              & (PatientTeam.patient_id == RecordGrant.patient_id))
        .where(RecordGrant.patient_id == patient_id, RecordGrant.level.in_(("read", "write"))))).scalars()
    return set(rows)
