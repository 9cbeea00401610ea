"""The privacy officer's audit viewer: who did what to which object, when; the chain check; CSV export.

Only the privacy officer may use it: the clinic admin runs accounts and settings and is among the people the log
watches, and who read which patient's conversation is itself sensitive (minimum necessary), so the admin gets the same
"not found" as everyone else. Entries hold ids and action names only, never message text; names of people are joined
in for reading. Pages are keyset-paged by `seq`, newest first (WHERE seq < the last one shown), so the hundredth page
costs what the first does: by person and by action through the (actor_id, seq) and (action, seq) indexes, a date
range turned into a seq range through the index on `at`, a patient through the ids of their threads and attachments.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import Attachment, AuditEntry, AuditHead, Message, Thread, User
from sm_app.identity.accounts import Actor
from sm_app.shared.audit import AuditCheck, AuditLog
from sm_app.shared.errors import NotFound, ValidationError

PAGE_SIZE = 50
EXPORT_BATCH = 2000
CSV_COLUMNS = ("seq", "at_utc", "actor_id", "actor_name", "actor_role", "action", "object_type", "object_id",
               "outcome", "detail")


@dataclass(frozen=True)
class AuditFilter:
    person_id: str = ""  # who acted
    patient_id: str = ""  # entries about this patient (their threads, attachments, record) or by them
    action: str = ""
    date_from: date | None = None  # clinic dates, inclusive
    date_to: date | None = None

    def describe(self) -> str:
        """For the audit entry of an export: ids and dates only."""
        parts = [f"{k}={v}" for k, v in (("person", self.person_id), ("patient", self.patient_id),
                                          ("action", self.action), ("from", self.date_from),
                                          ("to", self.date_to)) if v]
        return " ".join(parts) or "all"


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    actor_id: str | None
    actor_name: str
    actor_role: str
    action: str
    object_type: str | None
    object_id: str | None
    outcome: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    next_before: int | None  # pass as `before` for the next (older) page; None: this is the last


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str


class AuditReview:
    def __init__(self, db: Database, audit: AuditLog, *, tz: str):
        self._db = db
        self._audit = audit
        self._tz = ZoneInfo(tz)

    @staticmethod
    def may_review(actor: Actor) -> bool:
        return actor.role == "privacy_officer"

    def _require(self, actor: Actor) -> None:
        if not self.may_review(actor):
            raise NotFound("page")

    async def opened(self, actor: Actor) -> None:
        """The viewer was opened: itself an audited event."""
        self._require(actor)
        await self._audit.record_alone(actor_id=actor.user_id, action="audit.view", object_type="audit")

    async def people(self, actor: Actor) -> list[Person]:
        """Everyone, for the person and patient filters (names and roles only)."""
        self._require(actor)
        async with self._db.read() as s:
            rows = (await s.execute(select(User.id, User.name, User.role).order_by(User.name))).all()
        return [Person(*r) for r in rows]

    async def actions(self, actor: Actor) -> list[str]:
        """The action names present, by skipping through the (action, seq) index: one seek per name."""
        self._require(actor)
        names: list[str] = []
        async with self._db.read() as s:
            while True:
                query = select(func.min(AuditEntry.action))
                if names:
                    query = query.where(AuditEntry.action > names[-1])
                name = await s.scalar(query)
                if name is None:
                    return names
                names.append(name)

    async def _seq_range(self, s: AsyncSession, f: AuditFilter) -> tuple[int | None, int | None]:
        lo = hi = None
        if f.date_from is not None:
            start = datetime.combine(f.date_from, time(), self._tz).astimezone(ZoneInfo("UTC"))
            lo = await s.scalar(select(AuditEntry.seq).where(AuditEntry.at >= start).order_by(AuditEntry.at)
                                .limit(1))
            lo = lo if lo is not None else 1 << 62  # nothing from then on
        if f.date_to is not None:
            end = datetime.combine(f.date_to + timedelta(days=1), time(), self._tz).astimezone(ZoneInfo("UTC"))
            hi = await s.scalar(select(AuditEntry.seq).where(AuditEntry.at < end).order_by(AuditEntry.at.desc())
                                .limit(1))
            hi = hi if hi is not None else 0  # nothing before then
        return lo, hi

    async def _conditions(self, s: AsyncSession, f: AuditFilter) -> list:
        if f.date_from and f.date_to and f.date_from > f.date_to:
            raise ValidationError("To", "The end date is before the start date.")
        conditions = []
        if f.person_id:
            conditions.append(AuditEntry.actor_id == f.person_id)
        if f.action:
            conditions.append(AuditEntry.action == f.action)
        lo, hi = await self._seq_range(s, f)
        if lo is not None:
            conditions.append(AuditEntry.seq >= lo)
        if hi is not None:
            conditions.append(AuditEntry.seq <= hi)
        if f.patient_id:
            threads = select(Thread.id).where(Thread.patient_id == f.patient_id)
            attachments = (select(Attachment.id).join(Message, Message.id == Attachment.message_id)
                           .where(Message.thread_id.in_(threads)))
            conditions.append(or_(
                AuditEntry.actor_id == f.patient_id,
                and_(AuditEntry.object_type.in_(("user", "health_record")), AuditEntry.object_id == f.patient_id),
                and_(AuditEntry.object_type == "thread", AuditEntry.object_id.in_(threads)),
                and_(AuditEntry.object_type == "attachment", AuditEntry.object_id.in_(attachments))))
        return conditions

    async def page(self, actor: Actor, f: AuditFilter, *, before: int | None = None,
                   limit: int = PAGE_SIZE) -> AuditPage:
        """One page of entries, newest first, older than `before` (a seq from the previous page)."""
        self._require(actor)
        async with self._db.read() as s:
            conditions = await self._conditions(s, f)
            if before is not None:
                conditions.append(AuditEntry.seq < before)
            rows = (await s.execute(
                select(AuditEntry, User.name, User.role).outerjoin(User, User.id == AuditEntry.actor_id)
                .where(*conditions).order_by(AuditEntry.seq.desc()).limit(limit + 1))).all()
        shown = tuple(_row(e, name, role) for e, name, role in rows[:limit])
        return AuditPage(shown, shown[-1].seq if len(rows) > limit else None)

    async def export_csv(self, actor: Actor, f: AuditFilter) -> AsyncIterator[str]:
        """The filtered entries as CSV, oldest first, in batches (streamed; never the whole log in memory). The
        export is audited before the first line, with the filter (ids and dates only)."""
        self._require(actor)
        async with self._db.read() as s:
            await self._conditions(s, f)  # bad filters are refused before anything is recorded
        await self._audit.record_alone(actor_id=actor.user_id, action="audit.export", object_type="audit",
                                       detail=f.describe())
        return self._csv_lines(f)

    async def _csv_lines(self, f: AuditFilter) -> AsyncIterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        after = 0
        while True:
            async with self._db.read() as s:
                conditions = await self._conditions(s, f)
                rows = (await s.execute(
                    select(AuditEntry, User.name, User.role).outerjoin(User, User.id == AuditEntry.actor_id)
                    .where(*conditions, AuditEntry.seq > after).order_by(AuditEntry.seq).limit(EXPORT_BATCH))).all()
            for e, name, role in rows:
                r = _row(e, name, role)
                writer.writerow([r.seq, r.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), r.actor_id or "", _cell(r.actor_name),
                                 r.actor_role, r.action, r.object_type or "", r.object_id or "", r.outcome,
                                 _cell(r.detail)])
            yield out.getvalue()
            out.seek(0)
            out.truncate()
            if len(rows) < EXPORT_BATCH:
                return
            after = rows[-1][0].seq

    async def entry_count(self, actor: Actor) -> int:
        self._require(actor)
        async with self._db.read() as s:
            return (await s.scalar(select(AuditHead.seq).where(AuditHead.id == 1))) or 0

    async def verify(self, actor: Actor, progress: Callable[[int], None] | None = None) -> AuditCheck:
        """Check the whole hash chain off the event loop; the check and its outcome are audited."""
        self._require(actor)
        result = await self._audit.verify(progress)
        await self._audit.record_alone(actor_id=actor.user_id, action="audit.verify", object_type="audit",
                                       outcome="ok" if result.ok else "broken",
                                       detail=f"entries={result.entries}"
                                       + (f" first_broken={result.first_broken_seq}" if not result.ok else ""))
        return result


def _row(e: AuditEntry, name: str | None, role: str | None) -> AuditRow:
    return AuditRow(e.seq, as_utc(e.at), e.actor_id, name or ("system" if e.actor_id is None else "unknown"),
                    role or "", e.action, e.object_type, e.object_id, e.outcome, e.detail)


def _cell(text: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection): names are people's own text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
