"""Reminders and escalations from the response clock, and the in-app alerts they leave.

`sweep` is the scheduled job (jobs.py). It reads only response cycles with an alert due
(`next_alert_at <= now`, a partial index), so its cost follows the number of alerts, not the
number of messages. Each cycle moves through stages in one transaction with its alerts:

  1. at 75 % of the clock: a reminder to the assignee (or the pool / team when nobody has it);
  2. at the due time: escalation to the team leads; the thread shows as overdue;
  3. the clinic's second-escalation time later (1 business day by default; 0: at the due time): escalation to
     the clinic admin.

An urgent cycle (`urgent.py`) alerted its leads and on-call members at once instead of a reminder; at its urgent due
time, if nobody on the team has opened the patient's messages since the flag, stage 2 goes to the whole team and
the clinic admin ("urgent_unopened"); opened but unanswered, it escalates like any overdue thread.

Each alert also queues an email (the notification outbox, same transaction) unless the person chose none.
The stage is stored with the cycle, and an alert has a unique key (person, thread, kind, due time):
running the sweep twice, concurrently (PostgreSQL: SKIP LOCKED) or after a restart never alerts
twice, and a sweep after downtime catches up on every stage that fell due meanwhile, once each.
Alerts carry ids only. Read back, a staff member's alert names the patient and links the conversation (the one
access rule decides); an admin's alert names the care team, never the patient or the subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import (
    CareTeam,
    Message,
    ResponseCycle,
    StaffAlert,
    TeamMember,
    Thread,
    ThreadEvent,
    User,
    new_id,
)
from sm_app.care_team.clinic_settings import ClinicSettings
from sm_app.identity.accounts import Actor
from sm_app.messaging.access import visible_threads
from sm_app.shared.audit import AuditLog
from sm_app.shared.events import AlertsRaised, UnitOfWork
from sm_app.shared.wording import plural

KINDS = {1: "reminder", 2: "escalation", 3: "admin_escalation"}
EVENTS = {1: "reminded", 2: "escalated", 3: "escalated_admin"}
BATCH = 200


@dataclass(frozen=True)
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    admin_escalations: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(self.reminders + other.reminders, self.escalations + other.escalations,
                           self.admin_escalations + other.admin_escalations)


@dataclass(frozen=True)
class AlertView:
    id: str
    kind: str
    text: str
    thread_id: str
    team_name: str
    due_at: datetime
    created_at: datetime
    read: bool
    # Admins are not on the care team: they get the alert but cannot open the conversation.
    can_open: bool
    # Whose conversation it is, for staff who may open it ("" otherwise: admins never see patients).
    patient_name: str = ""


@dataclass(frozen=True)
class _Member:
    user_id: str
    role: str
    is_lead: bool


def _team_recipients(stage: int, thread: Thread, team: list[_Member]) -> list[str]:
    """Reminder: the assignee, else the thread's pool, else the team. Escalation: the leads, else the team (someone
    must hear of it rather than nobody)."""
    everyone = [m.user_id for m in team]
    if stage == 1:
        if thread.assignee_id in everyone:
            return [thread.assignee_id]
        pool = [m.user_id for m in team if thread.pool_role and m.role == thread.pool_role]
        return pool or everyone
    return [m.user_id for m in team if m.is_lead] or everyone


def _alert_text(kind: str, team_name: str, *, patient_name: str | None = None, later_days: int = 1) -> str:
    """What an alert says. Staff who may open the conversation read whose it is; otherwise (admins, or staff no longer
    on the team) only the team is named. `later_days`: how long after the due time an admin escalation came."""
    if patient_name is not None:
        return {
            "reminder": f"Reminder: {patient_name}'s conversation with {team_name} is due soon.",
            "escalation": f"Overdue: {patient_name}'s conversation with {team_name} has passed its response time.",
            "admin_escalation": f"Still overdue: {patient_name}'s conversation with {team_name}.",
            "urgent": f"Urgent: {patient_name}'s message to {team_name} was flagged urgent. Open it now.",
            "urgent_unopened": f"Urgent and still unopened: {patient_name}'s conversation with {team_name} has passed "
                               "its urgent response time.",
        }[kind]
    if kind == "admin_escalation":
        if later_days <= 0:  # the clinic sends it together with the team leads' escalation
            return f"Overdue: a conversation for {team_name} has passed its response time."
        later = "one business day" if later_days == 1 else plural(later_days, "business day")
        return f"Still overdue {later} later: a conversation for {team_name}."
    return {
        "reminder": f"Reminder: a conversation for {team_name} is due soon.",
        "escalation": f"Overdue: a conversation for {team_name} has passed its response time.",
        "urgent": f"Urgent: a patient's message to {team_name} was flagged urgent. Open it now.",
        "urgent_unopened": f"Urgent and still unopened: a conversation for {team_name} has passed its urgent "
                           "response time.",
    }[kind]


class Escalation:
    def __init__(self, db: Database, uow: UnitOfWork, audit: AuditLog, clock: Clock, clinic_settings: ClinicSettings):
        self._db = db
        self._uow = uow
        self._audit = audit
        self._clock = clock
        self._settings = clinic_settings

    async def sweep(self) -> SweepResult:
        """Send every reminder and escalation that is due, once. Safe to run at any time, any number of times."""
        total = SweepResult()
        while True:
            result, handled = await self._sweep_batch(self._clock.now())
            total += result
            if handled < BATCH:
                return total

    async def _sweep_batch(self, now: datetime) -> tuple[SweepResult, int]:
        """One batch in one transaction. A fixed handful of queries per batch, not per alert: after downtime a
        thousand alerts can fall due at once, and the sweep must not hold the write lock for long."""
        counts = {1: 0, 2: 0, 3: 0}
        told: list[tuple[str, tuple[str, ...]]] = []
        async with self._uow() as work:
            s = work.session
            cycles = (await s.scalars(
                select(ResponseCycle).where(ResponseCycle.next_alert_at <= now)
                .order_by(ResponseCycle.next_alert_at).limit(BATCH)
                .with_for_update(skip_locked=True)
            )).all()
            if not cycles:
                return SweepResult(), 0
            thread_ids = [c.thread_id for c in cycles]
            threads = {t.id: t for t in (await s.scalars(select(Thread).where(Thread.id.in_(thread_ids)))).all()}
            teams = await self._team_members(s, {t.team_id for t in threads.values()})
            admins = list((await s.scalars(select(User.id).where(User.role == "admin", User.active.is_(True)))).all())
            sent = set((await s.execute(select(StaffAlert.user_id, StaffAlert.thread_id, StaffAlert.kind,
                                               StaffAlert.due_at).where(StaffAlert.thread_id.in_(thread_ids)))).all())
            sent = {(user, thread, kind, as_utc(due)) for user, thread, kind, due in sent}
            unopened = await self._unopened_since_flag(s, [c for c in cycles if c.urgent_at is not None])
            audit_entries = []
            emails: list[tuple[str, str, str]] = []
            for cycle in cycles:
                thread = threads[cycle.thread_id]
                # Every stage that fell due (after downtime, several may have) runs now, in order, once.
                while cycle.next_alert_at is not None and as_utc(cycle.next_alert_at) <= now:
                    stage = cycle.alert_stage + 1
                    kind = KINDS[stage]
                    team = teams.get(thread.team_id, [])
                    recipients = admins if stage == 3 else _team_recipients(stage, thread, team)
                    history = EVENTS[stage]
                    if stage == 2 and cycle.id in unopened:
                        # Urgent, and nobody has even opened it: everyone on the team, and the clinic admin.
                        kind = history = "urgent_unopened"
                        members = [m.user_id for m in team]
                        recipients = members + [a for a in admins if a not in members]
                    due = as_utc(cycle.due_at)
                    for user_id in recipients:
                        if (user_id, thread.id, kind, due) not in sent:
                            sent.add((user_id, thread.id, kind, due))
                            alert_id = new_id()
                            s.add(StaffAlert(id=alert_id, user_id=user_id, thread_id=thread.id, team_id=thread.team_id,
                                             kind=kind, due_at=cycle.due_at, created_at=now))
                            emails.append((alert_id, user_id, kind))
                    s.add(ThreadEvent(thread_id=thread.id, at=now, kind=history, role=thread.pool_role,
                                      assignee_id=thread.assignee_id if stage == 1 else None))
                    audit_entries.append(dict(actor_id=None, action=f"thread.{kind}", object_type="thread",
                                              object_id=thread.id, detail=f"recipients={len(recipients)}"))
                    cycle.alert_stage = stage
                    cycle.next_alert_at = {1: cycle.due_at, 2: cycle.second_escalation_at}.get(stage)
                    counts[stage] += 1
                    told.append((thread.id, tuple(recipients)))
            await self._audit.record_many(s, audit_entries)
            # Their emails are queued in this transaction by the outbox's handler; the pushes follow the commit.
            work.record(AlertsRaised(tuple(emails), tuple(told)))
        return SweepResult(counts[1], counts[2], counts[3]), len(cycles)

    async def _unopened_since_flag(self, s: AsyncSession, urgent: list[ResponseCycle]) -> set[str]:
        """The urgent cycles (by id) whose thread has a patient's message, sent since the flag, that nobody on the
        team has opened."""
        if not urgent:
            return set()
        latest_unread = dict((await s.execute(
            select(Message.thread_id, func.max(Message.created_at))
            .where(Message.thread_id.in_([c.thread_id for c in urgent]), Message.from_side == "patient",
                   Message.read_at.is_(None)).group_by(Message.thread_id))).all())
        return {c.id for c in urgent
                if c.thread_id in latest_unread and as_utc(latest_unread[c.thread_id]) >= as_utc(c.urgent_at)}

    async def _team_members(self, s: AsyncSession, team_ids: set[str]) -> dict[str, list[_Member]]:
        rows = await s.execute(select(TeamMember.team_id, User.id, User.role, TeamMember.is_lead)
                               .join(User, User.id == TeamMember.user_id)
                               .where(TeamMember.team_id.in_(team_ids), User.active.is_(True)).order_by(User.id))
        members: dict[str, list[_Member]] = {}
        for team_id, user_id, role, is_lead in rows:
            members.setdefault(team_id, []).append(_Member(user_id, role, bool(is_lead)))
        return members

    # -- reading alerts ---------------------------------------------------------------------------------
    async def alerts(self, actor: Actor, *, limit: int = 50) -> list[AlertView]:
        """The actor's own alerts, newest first. An alert about a conversation the actor may open (the one access
        rule: staff of its team) names the patient and links it; an admin's names the team only."""
        async with self._db.read() as s:
            rows = (await s.execute(
                select(StaffAlert, CareTeam.name, User.name).join(CareTeam, CareTeam.id == StaffAlert.team_id)
                .outerjoin(Thread, and_(Thread.id == StaffAlert.thread_id, visible_threads(actor)))
                .outerjoin(User, User.id == Thread.patient_id)
                .where(StaffAlert.user_id == actor.user_id)
                .order_by(StaffAlert.created_at.desc(), StaffAlert.id).limit(limit)
            )).all()
            later = await self._admin_escalation_days(s, [a for a, _, patient in rows
                                                          if a.kind == "admin_escalation" and patient is None])
        return [AlertView(a.id, a.kind, _alert_text(a.kind, team, patient_name=patient,
                                                    later_days=later.get((a.thread_id, as_utc(a.due_at)), 1)),
                          a.thread_id, team, as_utc(a.due_at), as_utc(a.created_at), a.read_at is not None,
                          can_open=patient is not None, patient_name=patient or "")
                for a, team, patient in rows]

    async def _admin_escalation_days(self, s: AsyncSession, alerts: list[StaffAlert]) -> dict[tuple, int]:
        """(thread, due time) -> whole business days between the due time and the admin escalation, from the cycle's
        own computed times (a later change of the setting does not reword old alerts)."""
        if not alerts:
            return {}
        cycles = (await s.execute(
            select(ResponseCycle.thread_id, ResponseCycle.due_at, ResponseCycle.second_escalation_at)
            .where(ResponseCycle.thread_id.in_({a.thread_id for a in alerts}))
        )).all()
        clock = await self._settings.clock()
        day = clock.business_day_length()
        return {(thread_id, as_utc(due)): round(clock.business_time_between(as_utc(due), as_utc(second)) / day)
                for thread_id, due, second in cycles}

    async def unread_count(self, actor: Actor) -> int:
        async with self._db.read() as s:
            return (await s.execute(_unread_alerts(), {"user_id": actor.user_id})).scalar_one()

    async def mark_all_read(self, actor: Actor) -> None:
        async with self._db.write() as s:
            await s.execute(update(StaffAlert).where(StaffAlert.user_id == actor.user_id,
                                                     StaffAlert.read_at.is_(None)).values(read_at=self._clock.now()))


@lru_cache(maxsize=1)
def _unread_alerts() -> Select:
    """The header's alerts badge, built once: every staff page load and alert change asks it."""
    return (select(func.count()).select_from(StaffAlert)
            .where(StaffAlert.user_id == bindparam("user_id"), StaffAlert.read_at.is_(None)))
