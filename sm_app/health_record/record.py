"""The patient's health record: its entries by section, adding, correcting and marking them inactive, and every
version of an entry. Every call runs the one access rule (`access.record_access`) first and is audited with ids only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, RecordEntry, RecordVersion, User, new_id
from sm_app.health_record.access import RecordAccess, record_access, staff_with_access
from sm_app.health_record.sections import clean, section_of, summary
from sm_app.identity.accounts import Actor, team_name_for
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from sm_app.shared.events import HealthRecordChanged, Work

# Audited as object_type "health_record", object_id = the patient: "Who looked" reads a patient's entries by that.
AUDIT_OBJECT = "health_record"
CHANGES = {"added": "Added", "edited": "Edited", "inactivated": "Marked inactive", "reactivated": "Marked active"}
READ_ONLY = "Your care team may read this health record but not change it."
STALE = ("Someone changed this entry since you opened it. Your text is kept here; open the entry again to see "
         "their change before you save yours.")


@dataclass(frozen=True)
class Author:
    """Who made a change: a name, and the team whose grant they acted under (empty for the patient)."""

    name: str
    team: str = ""

    @property
    def words(self) -> str:
        return f"{self.name}, {self.team}" if self.team else self.name


@dataclass(frozen=True)
class EntryView:
    id: str
    section: str
    active: bool
    version: int
    values: tuple[tuple[str, str], ...]  # (field key, value) in the section's order, empty ones left out
    summary: str
    entered_by: Author
    entered_at: datetime
    changed_by: Author
    changed_at: datetime

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


@dataclass(frozen=True)
class VersionView:
    version: int
    change: str  # the words: "Added", "Edited", "Marked inactive", "Marked active"
    active: bool
    values: tuple[tuple[str, str], ...]
    summary: str
    by: Author
    at: datetime


@dataclass(frozen=True)
class SectionView:
    access: RecordAccess
    section: str
    entries: tuple[EntryView, ...]  # active first, then inactive; newest change first within each


class HealthRecord:
    def __init__(self, db: Database, uow: Callable, keys: KeyRing, audit: AuditLog, clock: Clock, *, tz: str):
        self._db = db
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._tz = ZoneInfo(tz)

    def _today(self) -> date:
        """The clinic's date: a reading taken this evening is not "in the future" after midnight UTC."""
        return self._clock.now().astimezone(self._tz).date()

    # -- access --------------------------------------------------------------------------------------------------
    async def access(self, actor: Actor, patient_id: str) -> RecordAccess | None:
        """What `actor` may do with the patient's record, without reading it (e.g. whether to offer the record on a
        conversation page); None when nothing — the same answer as for a record that does not exist."""
        async with self._db.read() as s:
            return await record_access(s, actor, patient_id)

    async def _denied(self, actor: Actor, action: str, object_id: str, what: str) -> NotFound:
        await self._audit.record_alone(actor_id=actor.user_id, action=action, object_type=AUDIT_OBJECT,
                                       object_id=(object_id or "")[:64], outcome="denied")
        return NotFound(what)

    async def _refused(self, actor: Actor, action: str, object_id: str, access: RecordAccess | None,
                       what: str) -> NotFound | NotAllowed:
        """A write without a write grant: staff who may read are told so; anyone else learns nothing."""
        denied = await self._denied(actor, action, object_id, what)
        return denied if access is None else NotAllowed(READ_ONLY)

    async def _entry_and_access(self, s: AsyncSession, actor: Actor, entry_id: str
                                ) -> tuple[RecordEntry | None, RecordAccess | None]:
        entry = await s.get(RecordEntry, entry_id or "")
        if entry is None:
            return None, None
        return entry, await record_access(s, actor, entry.patient_id)

    async def _audit_ok(self, s: AsyncSession, actor: Actor, action: str, access: RecordAccess, section: str,
                        entry_id: str = "") -> None:
        detail = f"section={section}" + (f" team={access.team_id}" if access.team_id else "") + \
            (f" entry={entry_id}" if entry_id else "")
        await self._audit.record(s, actor_id=actor.user_id, action=action, object_type=AUDIT_OBJECT,
                                 object_id=access.patient_id, detail=detail)

    # -- reading -------------------------------------------------------------------------------------------------
    async def section(self, actor: Actor, patient_id: str, section: str) -> SectionView:
        """The entries of one section of the patient's record (audited as a read of that section)."""
        section_of(section)
        async with self._uow() as work:
            access = await record_access(work.session, actor, patient_id)
            if access is not None:
                rows = (await work.session.scalars(select(RecordEntry).where(
                    RecordEntry.patient_id == patient_id, RecordEntry.section == section))).all()
                await self._audit_ok(work.session, actor, "record.read", access, section)
                entries = await self._views(work.session, rows, actor)
        if access is None:
            raise await self._denied(actor, "record.read", patient_id, "health record")
        entries.sort(key=lambda e: e.changed_at, reverse=True)
        if section == "readings":  # a reading belongs where it was taken, not where it was typed in
            entries.sort(key=lambda e: (e.value("taken_on"), e.value("taken_at")), reverse=True)
        entries.sort(key=lambda e: not e.active)
        return SectionView(access, section, tuple(entries))

    async def entry(self, actor: Actor, entry_id: str) -> EntryView:
        """One entry as it is now (audited as a read of its section)."""
        async with self._uow() as work:
            entry, access = await self._entry_and_access(work.session, actor, entry_id)
            if access is not None:
                await self._audit_ok(work.session, actor, "record.read", access, entry.section, entry.id)
                view = (await self._views(work.session, [entry], actor))[0]
        if access is None:
            raise await self._denied(actor, "record.read", entry_id, "health record entry")
        return view

    async def history(self, actor: Actor, entry_id: str) -> tuple[VersionView, ...]:
        """Every version of an entry, oldest first, with who changed it and when (audited as a read)."""
        async with self._uow() as work:
            s = work.session
            entry, access = await self._entry_and_access(s, actor, entry_id)
            if access is not None:
                versions = (await s.scalars(select(RecordVersion).where(RecordVersion.entry_id == entry.id)
                                            .order_by(RecordVersion.version))).all()
                await self._audit_ok(s, actor, "record.history", access, entry.section, entry.id)
                authors = await self._authors(s, [(v.changed_by_id, v.changed_by_team_id) for v in versions], actor)
                views = []
                for v in versions:
                    values = self._open(v.content_enc, "record_versions", v.id)
                    views.append(VersionView(v.version, CHANGES[v.change], v.active, _ordered(entry.section, values),
                                             summary(entry.section, values),
                                             authors[(v.changed_by_id, v.changed_by_team_id)], v.changed_at))
        if access is None:
            raise await self._denied(actor, "record.history", entry_id, "health record entry")
        return tuple(views)

    # -- writing -------------------------------------------------------------------------------------------------
    async def add(self, actor: Actor, patient_id: str, section: str, values: dict[str, Any]) -> EntryView:
        """Add an entry to a section. The patient, or staff under a read & write grant."""
        spec = section_of(section)
        kept = clean(spec, values, self._today())
        async with self._uow() as work:
            s = work.session
            access = await record_access(s, actor, patient_id)
            if access is not None and access.can_write:
                now = self._clock.now()
                entry = RecordEntry(id=new_id(), patient_id=patient_id, section=section, active=True, version=1,
                                    content_enc=b"", created_at=now, created_by_id=actor.user_id,
                                    created_by_team_id=access.team_id, changed_at=now, changed_by_id=actor.user_id,
                                    changed_by_team_id=access.team_id)
                entry.content_enc = self._seal(kept, "record_entries", entry.id)
                s.add(entry)
                await s.flush()  # the version refers to the entry
                await self._keep_version(work, entry, "added", kept, access, actor)
                view = (await self._views(s, [entry], actor))[0]
        if access is None or not access.can_write:
            raise await self._refused(actor, "record.add", patient_id, access, "health record")
        return view

    async def edit(self, actor: Actor, entry_id: str, values: dict[str, Any], *, version: int) -> EntryView:
        """Correct an entry. `version` is the one the person saw: a change made since is not overwritten."""
        return await self._change(actor, entry_id, version, values=values)

    async def set_active(self, actor: Actor, entry_id: str, active: bool, *, version: int) -> EntryView:
        """Mark an entry inactive (a medication stopped, an allergy outgrown) or active again. Nothing is deleted."""
        return await self._change(actor, entry_id, version, active=active)

    async def _change(self, actor: Actor, entry_id: str, version: int, *, values: dict | None = None,
                      active: bool | None = None) -> EntryView:
        action = "record.edit" if values is not None else ("record.reactivate" if active else "record.inactivate")
        async with self._uow() as work:
            s = work.session
            entry, access = await self._entry_and_access(s, actor, entry_id)
            if access is not None and access.can_write:
                if entry.version != version:
                    raise ValidationError("", STALE)
                if values is not None:
                    kept = clean(section_of(entry.section), values, self._today())
                    change = "edited"
                else:
                    kept = self._open(entry.content_enc, "record_entries", entry.id)
                    if entry.active == active:
                        raise ValidationError("", "This entry is already " + ("active." if active else "inactive."))
                    entry.active = bool(active)
                    change = "reactivated" if active else "inactivated"
                entry.version += 1
                entry.content_enc = self._seal(kept, "record_entries", entry.id)
                entry.changed_at = self._clock.now()
                entry.changed_by_id, entry.changed_by_team_id = actor.user_id, access.team_id
                await self._keep_version(work, entry, change, kept, access, actor, action=action)
                view = (await self._views(s, [entry], actor))[0]
        if access is None or not access.can_write:
            raise await self._refused(actor, action, entry_id, access, "health record entry")
        return view

    async def _keep_version(self, work: Work, entry: RecordEntry, change: str, kept: dict, access: RecordAccess,
                            actor: Actor, *, action: str = "record.add") -> None:
        version = RecordVersion(id=new_id(), entry_id=entry.id, version=entry.version, change=change,
                                active=entry.active, content_enc=b"", changed_at=entry.changed_at,
                                changed_by_id=actor.user_id, changed_by_team_id=access.team_id)
        version.content_enc = self._seal(kept, "record_versions", version.id)
        work.session.add(version)
        await self._audit_ok(work.session, actor, action, access, entry.section, entry.id)
        told = await staff_with_access(work.session, entry.patient_id) | {entry.patient_id}
        work.record(HealthRecordChanged(entry.patient_id, entry.id, tuple(sorted(told))))

    # -- sealed text and names -----------------------------------------------------------------------------------
    def _seal(self, values: dict, table: str, row_id: str) -> bytes:
        return self._keys.seal(json.dumps(values, ensure_ascii=False), table=table, row_id=row_id, column="content")

    def _open(self, envelope: bytes, table: str, row_id: str) -> dict:
        return json.loads(self._keys.open(envelope, table=table, row_id=row_id, column="content"))

    async def _authors(self, s: AsyncSession, pairs: list[tuple[str, str | None]], actor: Actor) -> dict:
        """Who wrote, and under which team (named as `actor` sees teams: patients the plain-language name)."""
        user_ids = {u for u, _ in pairs}
        team_ids = {t for _, t in pairs if t}
        names = dict((await s.execute(select(User.id, User.name).where(User.id.in_(user_ids)))).all()) \
            if user_ids else {}
        teams = dict((await s.execute(select(CareTeam.id, team_name_for(actor))
                                      .where(CareTeam.id.in_(team_ids)))).all()) if team_ids else {}
        return {(u, t): Author(names.get(u, ""), teams.get(t, "") if t else "") for u, t in pairs}

    async def _views(self, s: AsyncSession, rows, actor: Actor) -> list[EntryView]:
        authors = await self._authors(s, [p for r in rows for p in ((r.created_by_id, r.created_by_team_id),
                                                                     (r.changed_by_id, r.changed_by_team_id))],
                                      actor)
        views = []
        for r in rows:
            values = self._open(r.content_enc, "record_entries", r.id)
            views.append(EntryView(r.id, r.section, r.active, r.version, _ordered(r.section, values),
                                   summary(r.section, values), authors[(r.created_by_id, r.created_by_team_id)],
                                   r.created_at, authors[(r.changed_by_id, r.changed_by_team_id)], r.changed_at))
        return views


def _ordered(section: str, values: dict) -> tuple[tuple[str, str], ...]:
    return tuple((f.key, values[f.key]) for f in section_of(section).fields if values.get(f.key))
