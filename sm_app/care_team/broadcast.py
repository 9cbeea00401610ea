"""Messages a care team starts: one to a single patient (e.g. "result available"), or a targeted broadcast to a
cohort of the team's patients, each of whom receives it as their own thread.

Who may: any staff member of the team may write to one of its patients; a broadcast needs a team lead
or a provider of that team. Cohorts are built from the team's associated, unblocked, active patients,
filtered by sex and age (on the clinic's date) and by a condition in the health record — only over patients
who granted the team read access, through the record's one access rule (`HealthRecord.with_condition_in`); the
condition is health information, so it is sealed in the broadcast's criteria. The sender sees the count before
sending; afterwards a delivery report lists how many received and read it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import Broadcast, CareTeam, Message, PatientTeam, TeamMember, Thread, User, new_id
from sm_app.health_record.record import HealthRecord
from sm_app.identity.accounts import Actor
from sm_app.messaging.send_keys import Claim, EarlierSend, SendKeys
from sm_app.messaging.threads import Messaging, check_body, check_category, check_subject
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError, every_problem
from sm_app.shared.events import BroadcastSent, UnitOfWork
from sm_app.shared.wording import plural

SEXES = {"": "Any", "female": "Female", "male": "Male", "other": "Other"}
MAX_AGE = 120
MAX_RECIPIENTS = 5_000
RESULT_AVAILABLE_SUBJECT = "Your test result is available"
CONDITION_MAX = 100


@dataclass(frozen=True)
class Cohort:
    """Who a broadcast goes to. Empty criteria: every patient of the team."""

    sex: str = ""
    min_age: int | None = None
    max_age: int | None = None
    condition: str = ""  # words in the name of an active condition in a shared health record

    def checked(self) -> Cohort:
        if len(self.condition.strip()) > CONDITION_MAX:
            raise ValidationError("Condition", f"A condition can be at most {CONDITION_MAX} characters.")
        if self.sex not in SEXES:
            raise ValidationError("Sex", "Choose a sex or Any.")
        for label, value in (("From age", self.min_age), ("To age", self.max_age)):
            if value is not None and not (0 <= value <= MAX_AGE):
                raise ValidationError(label, f"Age must be between 0 and {MAX_AGE}.")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValidationError("To age", "To age must not be below From age.")
        return self

    def describe(self) -> str:
        parts = [SEXES[self.sex].lower() + " patients" if self.sex else "all patients"]
        if self.min_age is not None or self.max_age is not None:
            parts.append(f"aged {self.min_age if self.min_age is not None else 0}–"
                         f"{self.max_age if self.max_age is not None else MAX_AGE}")
        if self.condition.strip():
            parts.append(f"with the condition “{self.condition.strip()}” in a health record shared with the team")
        return " ".join(parts)


@dataclass(frozen=True)
class PatientChoice:
    id: str
    name: str


@dataclass(frozen=True)
class TeamOption:
    id: str
    name: str
    may_broadcast: bool


@dataclass(frozen=True)
class DeliveryReport:
    id: str
    subject: str
    team_name: str
    cohort: str
    sent_at: datetime
    recipients: int
    read: int
    replies_allowed: bool


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year - years, day=28)


def _patient_chosen(patient_id: str) -> None:
    # Checked first: the form asks for the patient before anything else.
    if not patient_id:
        raise ValidationError("Patient", "Choose a patient of this care team.")


class Broadcasts:
    def __init__(self, db: Database, uow: UnitOfWork, keys: KeyRing, audit: AuditLog, clock: Clock,
                 messaging: Messaging, record: HealthRecord, *, tz: str):
        self._db = db
        self._record = record
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._messaging = messaging
        self._tz = ZoneInfo(tz)
        self._sends = SendKeys(db, clock)

    # -- who may write for which team -------------------------------------------------------------------
    async def teams(self, actor: Actor) -> list[TeamOption]:
        """The actor's care teams, and whether they may broadcast for each (team lead or provider)."""
        if not actor.is_staff:
            return []
        async with self._db.read() as s:
            rows = await s.execute(select(CareTeam.id, CareTeam.name, TeamMember.is_lead)
                                   .join(TeamMember, TeamMember.team_id == CareTeam.id)
                                   .where(TeamMember.user_id == actor.user_id).order_by(CareTeam.name))
            return [TeamOption(r.id, r.name, bool(r.is_lead) or actor.role == "provider") for r in rows]

    async def _membership(self, s: AsyncSession, actor: Actor, team_id: str) -> TeamMember:
        member = await s.get(TeamMember, (team_id or "", actor.user_id)) if actor.is_staff else None
        if member is None:
            raise NotFound("care team")
        return member

    async def _may_broadcast(self, s: AsyncSession, actor: Actor, team_id: str) -> None:
        member = await self._membership(s, actor, team_id)
        if not (member.is_lead or actor.role == "provider"):
            raise NotAllowed("Only a team lead or a provider can send a broadcast.")

    def _patients(self, team_id: str, cohort: Cohort | None = None):
        query = (select(User.id).join(PatientTeam, PatientTeam.patient_id == User.id)
                 .where(PatientTeam.team_id == team_id, PatientTeam.blocked.is_(False), User.active.is_(True),
                        User.role == "patient"))
        if cohort is None:
            return query
        today = self._clock.now().astimezone(self._tz).date()
        if cohort.sex:
            query = query.where(User.sex == cohort.sex)
        if cohort.min_age is not None:
            query = query.where(User.birth_date <= _years_before(today, cohort.min_age))
        if cohort.max_age is not None:
            query = query.where(User.birth_date > _years_before(today, cohort.max_age + 1))
        return query

    async def patients(self, actor: Actor, team_id: str) -> list[PatientChoice]:
        """The team's patients a staff member may write to."""
        async with self._db.read() as s:
            await self._membership(s, actor, team_id)
            ids = self._patients(team_id).subquery()
            rows = await s.execute(select(User.id, User.name).where(User.id.in_(select(ids.c.id))).order_by(User.name))
            return [PatientChoice(r.id, r.name) for r in rows]

    # -- one patient ------------------------------------------------------------------------------------
    async def message_patient(self, actor: Actor, *, team_id: str, patient_id: str, category: str, subject: str,
                              body: str, fields: tuple[tuple[str, str], ...] = (),
                              replies_allowed: bool = True, send_key: str | None = None) -> str:
        """A staff member starts a conversation with one patient of their team; returns the thread id. With a
        `send_key`, a second call with the same key sends nothing and returns the first call's thread."""
        _, _, subject, body = every_problem(lambda: _patient_chosen(patient_id), lambda: check_category(category),
                                            lambda: check_subject(subject), lambda: check_body(body))

        async def send(claim: Claim) -> str:
            async with self._uow() as work:
                s = work.session
                await self._membership(s, actor, team_id)
                await claim.take(s)
                if (await s.execute(self._patients(team_id).where(User.id == (patient_id or "")))).first() is None:
                    raise ValidationError("Patient", "Choose a patient of this care team.")
                staff = (await s.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team_id))).all()
                thread_id = await self._messaging.team_thread_in(work, actor, team_id=team_id, patient_id=patient_id,
                                                                 category=category, subject=subject, body=body,
                                                                 fields=fields, replies_allowed=replies_allowed,
                                                                 also_tell=tuple(staff))
                await claim.made(thread_id=thread_id)
                await self._audit.record(s, actor_id=actor.user_id, action="message.send", object_type="thread",
                                         object_id=thread_id, detail="team_started")
            return thread_id

        async def earlier_thread(earlier: EarlierSend) -> str:
            return earlier.thread_id

        return await self._sends.once(actor.user_id, send_key, send, earlier_thread)

    async def result_available(self, actor: Actor, *, team_id: str, patient_id: str, test: str, test_date: str,
                               note: str = "", send_key: str | None = None) -> str:
        """The "result available" message from the test-results template: which test, from when; no result values."""
        _patient_chosen(patient_id)
        test = (test or "").strip()
        if not test or len(test) > 100:
            raise ValidationError("Test", "Name the test (up to 100 characters).")
        try:
            taken = date.fromisoformat((test_date or "").strip())
        except ValueError:
            raise ValidationError("Date of test", "Enter the date of the test (YYYY-MM-DD).") from None
        body = (f"Your {test} result from {taken.strftime('%B %d, %Y')} is available. Your care team has reviewed "
                "it; sign in to the patient portal or call the clinic if you have questions.")
        if (note or "").strip():
            body += "\n\n" + note.strip()
        return await self.message_patient(actor, team_id=team_id, patient_id=patient_id, category="Test results",
                                          subject=RESULT_AVAILABLE_SUBJECT, body=body,
                                          fields=(("Test", test), ("Date of test", taken.isoformat())),
                                          send_key=send_key)

    # -- broadcasts -------------------------------------------------------------------------------------
    async def count(self, actor: Actor, team_id: str, cohort: Cohort) -> int:
        """How many patients the cohort reaches now (shown before sending)."""
        cohort = cohort.checked()
        if cohort.condition.strip():  # looking into health records is audited, so this is a unit of work
            async with self._uow() as work:
                await self._may_broadcast(work.session, actor, team_id)
                return len(await self._cohort_ids(work.session, actor, team_id, cohort))
        async with self._db.read() as s:
            await self._may_broadcast(s, actor, team_id)
            return (await s.execute(select(func.count()).select_from(self._patients(team_id, cohort).subquery())
                                    )).scalar_one()

    async def _cohort_ids(self, s: AsyncSession, actor: Actor, team_id: str, cohort: Cohort) -> list[str]:
        patient_ids = list((await s.scalars(self._patients(team_id, cohort))).all())
        if cohort.condition.strip():
            patient_ids = await self._record.with_condition_in(s, actor, team_id, patient_ids, cohort.condition)
        return patient_ids

    def _criteria(self, cohort: Cohort, broadcast_id: str) -> str:
        """Sex and ages as they are; the condition (health information) sealed like a subject."""
        criteria: dict = {"sex": cohort.sex, "min_age": cohort.min_age, "max_age": cohort.max_age}
        if cohort.condition.strip():
            criteria["condition_sealed"] = base64.b64encode(self._keys.seal(
                cohort.condition.strip(), table="broadcasts", row_id=broadcast_id, column="condition")).decode()
        return json.dumps(criteria)

    def _cohort_of(self, criteria_json: str, broadcast_id: str) -> Cohort:
        criteria = json.loads(criteria_json)
        sealed = criteria.pop("condition_sealed", None)
        condition = self._keys.open(base64.b64decode(sealed), table="broadcasts", row_id=broadcast_id,
                                    column="condition") if sealed else ""
        return Cohort(criteria.get("sex", ""), criteria.get("min_age"), criteria.get("max_age"), condition)

    async def send(self, actor: Actor, *, team_id: str, cohort: Cohort, category: str, subject: str, body: str,
                   replies_allowed: bool, expected_count: int | None = None,
                   send_key: str | None = None) -> DeliveryReport:
        """Send one thread per patient of the cohort, in one transaction (all or nothing).

        `expected_count` is the count the sender saw: if the cohort changed since, nothing is sent and the sender
        is told, so nobody sends to more people than they agreed to. With a `send_key`, a second call with the same
        key sends nothing and returns the first call's delivery report.
        """
        cohort = cohort.checked()
        _, subject, body = every_problem(lambda: check_category(category), lambda: check_subject(subject),
                                         lambda: check_body(body))

        async def send(claim: Claim) -> DeliveryReport:
            now = self._clock.now()
            async with self._uow() as work:
                s = work.session
                await self._may_broadcast(s, actor, team_id)
                await claim.take(s)
                patient_ids = await self._cohort_ids(s, actor, team_id, cohort)
                if not patient_ids:
                    raise ValidationError("Cohort", "No patient of this team matches the cohort.")
                if len(patient_ids) > MAX_RECIPIENTS:
                    raise ValidationError("Cohort", f"A broadcast can reach at most {MAX_RECIPIENTS:,} patients.")
                if expected_count is not None and expected_count != len(patient_ids):
                    raise ValidationError("Cohort", f"The cohort now has {plural(len(patient_ids), 'patient')}, not "
                                                    f"{expected_count}. Check the count and send again.")
                broadcast = Broadcast(id=new_id(), team_id=team_id, sender_id=actor.user_id, category=category,
                                      subject_enc=b"", criteria_json="{}",
                                      replies_allowed=replies_allowed, recipients=len(patient_ids), created_at=now)
                broadcast.criteria_json = self._criteria(cohort, broadcast.id)
                broadcast.subject_enc = self._keys.seal(subject, table="broadcasts", row_id=broadcast.id,
                                                        column="subject")
                s.add(broadcast)
                await s.flush()
                await claim.made(broadcast_id=broadcast.id)
                # Each patient is told about their own thread (live and by email); the team gets one push below.
                for patient_id in patient_ids:
                    await self._messaging.team_thread_in(work, actor, team_id=team_id, patient_id=patient_id,
                                                         category=category, subject=subject, body=body,
                                                         replies_allowed=replies_allowed, broadcast_id=broadcast.id)
                await self._audit.record(s, actor_id=actor.user_id, action="broadcast.send", object_type="broadcast",
                                         object_id=broadcast.id, detail=f"recipients={len(patient_ids)}")
                staff = (await s.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team_id))).all()
                team_name = (await s.get(CareTeam, team_id)).name
                work.record(BroadcastSent(broadcast.id, tuple(staff)))
            return DeliveryReport(broadcast.id, subject, team_name, cohort.describe(), now, len(patient_ids), 0,
                                  replies_allowed)

        async def earlier_report(earlier: EarlierSend) -> DeliveryReport:
            # A retry comes seconds after the send, so its report is among the newest.
            report = next((r for r in await self.reports(actor) if r.id == earlier.broadcast_id), None)
            if report is None:
                raise ValidationError("Send", "This broadcast was sent already; see its delivery report.")
            return report

        return await self._sends.once(actor.user_id, send_key, send, earlier_report)

    async def reports(self, actor: Actor) -> list[DeliveryReport]:
        """Delivery reports of the broadcasts of the actor's teams, newest first: sent and read counts."""
        if not actor.is_staff:
            return []
        read_count = (select(func.count()).select_from(Message).join(Thread, Thread.id == Message.thread_id)
                      .where(Thread.broadcast_id == Broadcast.id, Message.from_side == "team",
                             Message.read_at.is_not(None)).scalar_subquery())
        async with self._db.read() as s:
            rows = (await s.execute(
                select(Broadcast, CareTeam.name, read_count.label("read"))
                .join(CareTeam, CareTeam.id == Broadcast.team_id)
                .join(TeamMember, and_(TeamMember.team_id == Broadcast.team_id, TeamMember.user_id == actor.user_id))
                .order_by(Broadcast.created_at.desc()).limit(100)
            )).all()
        return [DeliveryReport(b.id, self._keys.open(b.subject_enc, table="broadcasts", row_id=b.id, column="subject"),
                               team, self._cohort_of(b.criteria_json, b.id).describe(), as_utc(b.created_at),
                               b.recipients, read, b.replies_allowed) for b, team, read in rows]
