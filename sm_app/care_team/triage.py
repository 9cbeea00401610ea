"""Care-team work on threads: the worklist, routing, claiming and assigning, statuses, priority, internal
notes, each thread's hand-off history, and the response clock's bookkeeping.

Staff only. Every method runs the one access rule (`access.visible_threads`): staff of another team
get "not found", exactly as for a thread that does not exist. Internal notes live in their own
table, and nothing patient-facing (thread view, print, search index, unread counts) ever reads it.

The response clock runs in cycles (`response_cycles`): a patient's message that needs an answer
opens a cycle if none is open (received, reminder, due, second escalation computed by the clinic's
`ResponseClock`); the team's reply answers it; Completed, Waiting on patient and closing stop it.
The hooks run as in-transaction handlers of messaging's events (`register_handlers`), so the clock and the
message commit together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import (
    CareTeam,
    InternalNote,
    Message,
    ResponseCycle,
    TeamMember,
    Thread,
    ThreadEvent,
    User,
    new_id,
)
from sm_app.care_team.clinic_settings import ClinicSettings
from sm_app.care_team.response_clock import ResponseClock
from sm_app.identity.accounts import Actor
from sm_app.identity.passwords import STAFF_ROLES
from sm_app.messaging.access import visible_threads
from sm_app.messaging.mailbox import PAGE_SIZES
from sm_app.messaging.outcomes import OUTCOMES, outcomes_for
from sm_app.messaging.threads import CATEGORIES
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from sm_app.shared.events import (
    EventHandlers,
    MessageSent,
    OutcomeRecorded,
    ThreadClosed,
    ThreadReopened,
    ThreadStarted,
    ThreadTriaged,
    UnitOfWork,
    Work,
)

STATUSES = {"new": "New", "in_progress": "In progress", "waiting_on_patient": "Waiting on patient",
            "completed": "Completed"}
# Statuses in which the team owes the patient nothing: the clock is stopped.
CLOCK_STOPPED = ("waiting_on_patient", "completed")
POOL_NAMES = {"clerk": "Clerk pool", "nurse": "Nurse pool", "pharmacist": "Pharmacist pool",
              "provider": "Provider pool"}
SHOW = {"all": "All", "mine": "Assigned to me", "unassigned": "Unassigned", "overdue": "Overdue"}
STATUS_FILTERS = {"open": "Open (not completed)", **STATUSES, "any": "Any status"}
WORKLIST_SORTS = {"due": "Due soonest", "newest": "Newest first", "oldest": "Oldest first"}
REASON_MAX = 200
NOTE_MAX = 5_000


@dataclass(frozen=True)
class WorklistRow:
    id: str
    subject: str
    patient_name: str
    team_name: str
    category: str
    status: str
    assignee_name: str  # "" when unassigned
    pool_role: str | None
    received_at: datetime  # the oldest unanswered patient message, or when the thread started
    due_at: datetime | None
    urgent: bool
    overdue: bool
    unread: bool
    last_message_at: datetime


@dataclass(frozen=True)
class WorklistPage:
    items: list[WorklistRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class StaffChoice:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    text: str


@dataclass(frozen=True)
class NoteView:
    id: str
    author_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class TriageView:
    """What staff see next to a conversation: who has it, its clock, its history and internal notes."""

    thread_id: str
    status: str
    urgent: bool
    assignee_id: str | None
    assignee_name: str
    pool_role: str | None
    awaiting_since: datetime | None
    due_at: datetime | None
    overdue: bool
    team_staff: list[StaffChoice]
    history: list[HistoryEntry]
    notes: list[NoteView]
    # Outcomes staff can record for this thread's template request (key -> label), and the one recorded.
    outcome_choices: dict[str, str] = field(default_factory=dict)
    outcome: str | None = None


def where_label(assignee_name: str, pool_role: str | None) -> str:
    """"Nina Blue", "Pharmacist pool" or "Team" — who a thread waits for."""
    return assignee_name or (POOL_NAMES.get(pool_role, "Team") if pool_role else "Team")


# -- response clock hooks (called inside messaging's transactions) ---------------------------------------
async def open_cycle(s: AsyncSession, thread: Thread, clock: ResponseClock, received_at: datetime) -> None:
    """A patient's message needs an answer: start the clock unless one is already running for this thread."""
    running = (await s.execute(select(ResponseCycle.id).where(ResponseCycle.thread_id == thread.id,
                                                              ResponseCycle.ended_at.is_(None)))).first()
    if running is not None:
        return
    d = clock.deadlines(received_at)
    s.add(ResponseCycle(id=new_id(), thread_id=thread.id, team_id=thread.team_id, category=thread.category,
                        received_at=received_at, remind_at=d.remind_at, due_at=d.due_at,
                        second_escalation_at=d.second_escalation_at, alert_stage=0, next_alert_at=d.remind_at))
    thread.awaiting_since = received_at
    thread.due_at = d.due_at


async def end_cycle(s: AsyncSession, thread: Thread, now: datetime, *, answered_by: str | None = None) -> None:
    """Stop the clock: answered by the team (a reply), or no answer owed any more (completed, waiting, closed)."""
    cycle = (await s.execute(select(ResponseCycle).where(ResponseCycle.thread_id == thread.id,
                                                         ResponseCycle.ended_at.is_(None)))).scalar_one_or_none()
    if cycle is not None:
        cycle.ended_at = now
        cycle.next_alert_at = None
        if answered_by is not None:
            cycle.answered_at, cycle.answered_by_id = now, answered_by
    thread.awaiting_since = None
    thread.due_at = None


async def record_event(s: AsyncSession, thread: Thread, at: datetime, kind: str, *, actor_id: str | None = None,
                       assignee_id: str | None = None, role: str | None = None,
                       status: str | None = None) -> ThreadEvent:
    """Add a line to the thread's history; flushed so its id (order, and a reason's sealing binding) exists."""
    event = ThreadEvent(thread_id=thread.id, at=at, actor_id=actor_id, kind=kind, assignee_id=assignee_id, role=role,
                        status=status)
    s.add(event)
    await s.flush()
    return event


async def on_new_thread(s: AsyncSession, thread: Thread, settings: ClinicSettings, now: datetime) -> None:
    """A patient's new conversation: route it by category into a role pool and start the clock."""
    thread.status = "new"
    thread.pool_role = (await settings.routing_in(s)).get(thread.category)
    await record_event(s, thread, now, "created", role=thread.pool_role)
    await open_cycle(s, thread, await settings.clock_in(s), now)


async def on_patient_message(s: AsyncSession, thread: Thread, settings: ClinicSettings, now: datetime) -> None:
    """A patient's new message reopens a finished or waiting thread and starts the clock if it is stopped."""
    if thread.status in CLOCK_STOPPED:
        thread.status = "in_progress" if thread.assignee_id else "new"
        await record_event(s, thread, now, "reopened", status=thread.status)
    await open_cycle(s, thread, await settings.clock_in(s), now)


async def on_team_reply(s: AsyncSession, thread: Thread, sender_id: str, now: datetime) -> None:
    if thread.status == "new":
        thread.status = "in_progress"
    await end_cycle(s, thread, now, answered_by=sender_id)


def register_handlers(handlers: EventHandlers, settings: ClinicSettings, keys: KeyRing) -> None:
    """The response clock, statuses and the hand-off history follow what messaging records, in its transaction."""

    async def thread_started(work: Work, e: ThreadStarted) -> None:
        thread = await work.session.get(Thread, e.thread_id)
        if e.by_patient:
            await on_new_thread(work.session, thread, settings, e.at)
        else:
            await record_event(work.session, thread, e.at, "team_started", actor_id=e.by)

    async def message_sent(work: Work, e: MessageSent) -> None:
        if e.opens_thread:
            return  # ThreadStarted has set the clock for a new thread
        thread = await work.session.get(Thread, e.thread_id)
        if e.from_patient:
            await on_patient_message(work.session, thread, settings, e.at)
        else:
            await on_team_reply(work.session, thread, e.sender_id, e.at)

    async def outcome_recorded(work: Work, e: OutcomeRecorded) -> None:
        thread = await work.session.get(Thread, e.thread_id)
        thread.status = e.status
        await end_cycle(work.session, thread, e.at)
        event = await record_event(work.session, thread, e.at, "outcome", actor_id=e.by)
        event.outcome_enc = keys.seal(e.outcome, table="thread_events", row_id=str(event.id), column="outcome")

    async def thread_closed(work: Work, e: ThreadClosed) -> None:
        # A closed conversation owes the patient nothing more: stop the response clock, and it is done.
        thread = await work.session.get(Thread, e.thread_id)
        await end_cycle(work.session, thread, e.at)
        thread.status = "completed"
        await record_event(work.session, thread, e.at, "closed", actor_id=e.by)

    async def thread_reopened(work: Work, e: ThreadReopened) -> None:
        thread = await work.session.get(Thread, e.thread_id)
        thread.status = "in_progress"
        await record_event(work.session, thread, e.at, "unclosed", actor_id=e.by)

    handlers.in_transaction(ThreadStarted, thread_started)
    handlers.in_transaction(MessageSent, message_sent)
    handlers.in_transaction(OutcomeRecorded, outcome_recorded)
    handlers.in_transaction(ThreadClosed, thread_closed)
    handlers.in_transaction(ThreadReopened, thread_reopened)


class Triage:
    def __init__(self, db: Database, uow: UnitOfWork, keys: KeyRing, audit: AuditLog, clock: Clock,
                 settings: ClinicSettings):
        self._db = db
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._settings = settings

    # -- the worklist ---------------------------------------------------------------------------------
    async def worklist(self, actor: Actor, *, show: str = "all", category: str = "", status: str = "open",
                       sort: str = "due", page: int = 1, page_size: int = 20) -> WorklistPage:
        """Threads of the actor's care teams with who has them and their clock, filtered and sorted.

        Urgent threads come first in every sort; "due" puts the earliest due next and threads without a
        running clock last.
        """
        if not actor.is_staff:
            raise NotAllowed("The worklist is for care teams.")
        if show not in SHOW:
            raise ValidationError("Show", "Choose which conversations to show.")
        if category and category not in CATEGORIES:
            raise ValidationError("Category", "Choose a category.")
        if status not in STATUS_FILTERS:
            raise ValidationError("Status", "Choose a status.")
        if sort not in WORKLIST_SORTS:
            raise ValidationError("Sort by", "Choose how to sort.")
        if page_size not in PAGE_SIZES:
            raise ValidationError("Per page", f"Per page must be one of {', '.join(map(str, PAGE_SIZES))}.")
        page = max(1, int(page))
        now = self._clock.now()
        conditions = [visible_threads(actor)]
        if show == "mine":
            conditions.append(Thread.assignee_id == actor.user_id)
        elif show == "unassigned":
            conditions.append(Thread.assignee_id.is_(None))
        elif show == "overdue":
            conditions.append(Thread.due_at <= now)
        if category:
            conditions.append(Thread.category == category)
        if status == "open":
            conditions.append(Thread.status != "completed")
        elif status != "any":
            conditions.append(Thread.status == status)
        assignee = aliased(User)
        patient = aliased(User)
        unread = exists().where(Message.thread_id == Thread.id, Message.from_side == "patient",
                                Message.read_at.is_(None)).label("unread")
        base = (
            select(Thread, CareTeam.name, patient.name, assignee.name, unread)
            .join(CareTeam, CareTeam.id == Thread.team_id)
            .join(patient, patient.id == Thread.patient_id)
            .outerjoin(assignee, assignee.id == Thread.assignee_id)
        )
        no_clock_last = case((Thread.due_at.is_(None), 1), else_=0)
        order = {
            "due": (Thread.urgent.desc(), no_clock_last, Thread.due_at.asc(), Thread.last_message_at.desc(),
                    Thread.id),
            "newest": (Thread.urgent.desc(), Thread.last_message_at.desc(), Thread.id),
            "oldest": (Thread.urgent.desc(), Thread.last_message_at.asc(), Thread.id),
        }[sort]
        async with self._db.read() as s:
            total = (await s.execute(select(func.count()).select_from(Thread).where(and_(*conditions)))).scalar_one()
            # Sort and page the threads alone, then join names and the unread flag for that page only: sorting the
            # joined rows made SQLite build every matching row (and its unread subquery) first (bench_sweep).
            page_ids = (select(Thread.id).where(and_(*conditions)).order_by(*order)
                        .offset((page - 1) * page_size).limit(page_size).correlate(None))
            rows = (await s.execute(base.where(Thread.id.in_(page_ids)).order_by(*order))).all()
        items = []
        for t, team, patient_name, assignee_name, is_unread in rows:
            due = as_utc(t.due_at) if t.due_at else None
            items.append(WorklistRow(
                t.id, self._keys.open(t.subject_enc, table="threads", row_id=t.id, column="subject"), patient_name,
                team, t.category, t.status, assignee_name or "", t.pool_role,
                as_utc(t.awaiting_since or t.created_at), due, bool(t.urgent), due is not None and due <= now,
                bool(is_unread), as_utc(t.last_message_at)))
        return WorklistPage(items, total, page, page_size)

    # -- one thread -----------------------------------------------------------------------------------
    async def _thread(self, s: AsyncSession, actor: Actor, thread_id: str, *, lock: bool = False) -> Thread:
        if not actor.is_staff:
            raise NotFound("conversation")
        query = select(Thread).where(Thread.id == thread_id, visible_threads(actor))
        # Changes lock the row (PostgreSQL) so two hand-offs at once apply one after the other.
        thread = (await s.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
        if thread is None:
            raise NotFound("conversation")
        return thread

    async def _team_staff(self, s: AsyncSession, team_id: str) -> list[StaffChoice]:
        rows = await s.execute(select(User.id, User.name, User.role).join(TeamMember, TeamMember.user_id == User.id)
                               .where(TeamMember.team_id == team_id, User.active.is_(True)).order_by(User.name))
        return [StaffChoice(r.id, r.name, r.role) for r in rows]

    async def details(self, actor: Actor, thread_id: str) -> TriageView:
        """Assignment, clock, hand-off history and internal notes of a thread (staff of its team only)."""
        try:
            async with self._db.read() as s:
                thread = await self._thread(s, actor, thread_id)
                staff = await self._team_staff(s, thread.team_id)
                names = {p.id: p.name for p in staff}
                history = await self._history(s, thread, names)
                notes = await self._notes(s, thread)
                assignee_name = names.get(thread.assignee_id) or (
                    (await s.get(User, thread.assignee_id)).name if thread.assignee_id else "")
        except NotFound:
            await self._record_denial(actor, "thread.triage_read", thread_id)
            raise
        due = as_utc(thread.due_at) if thread.due_at else None
        return TriageView(thread.id, thread.status, bool(thread.urgent), thread.assignee_id, assignee_name,
                          thread.pool_role, as_utc(thread.awaiting_since) if thread.awaiting_since else None, due,
                          due is not None and due <= self._clock.now(), staff, history, notes,
                          outcome_choices=outcomes_for(thread.template_key), outcome=self._outcome(thread))

    def _outcome(self, thread: Thread) -> str | None:
        if thread.outcome_enc is not None:
            return self._keys.open(thread.outcome_enc, table="threads", row_id=thread.id, column="outcome")
        return thread.outcome  # recorded before outcomes were sealed

    async def _history(self, s: AsyncSession, thread: Thread, names: dict[str, str]) -> list[HistoryEntry]:
        events = (await s.scalars(select(ThreadEvent).where(ThreadEvent.thread_id == thread.id)
                                  .order_by(ThreadEvent.id))).all()
        missing = {i for e in events for i in (e.actor_id, e.assignee_id) if i and i not in names}
        if missing:
            names = {**names, **dict((await s.execute(select(User.id, User.name).where(User.id.in_(missing)))).all())}
        return [HistoryEntry(as_utc(e.at), self._describe(e, names)) for e in events]

    def _describe(self, e: ThreadEvent, names: dict[str, str]) -> str:
        who = names.get(e.actor_id, "Someone") if e.actor_id else "The clinic's rules"
        reason = ""
        if e.reason_enc is not None:
            reason = ": " + self._keys.open(e.reason_enc, table="thread_events", row_id=str(e.id), column="reason")
        pool = POOL_NAMES.get(e.role, "the team") if e.role else "the team"
        match e.kind:
            case "created":
                return f"Received; routed to {pool} by the clinic's rules"
            case "closed":
                return f"{who} closed the conversation"
            case "unclosed":
                return f"{who} reopened the conversation"
            case "team_started":
                return f"{who} started this conversation with the patient"
            case "claimed":
                return f"{who} claimed it"
            case "assigned":
                return f"{who} assigned it to {names.get(e.assignee_id, 'someone')}{reason}"
            case "routed":
                return f"{who} routed it to {pool}{reason}"
            case "status":
                return f"{who} set the status to {STATUSES.get(e.status, e.status)}"
            case "priority":
                return f"{who} set the priority to {e.status}"
            case "reopened":
                return f"The patient's new message reopened it ({STATUSES.get(e.status, e.status)})"
            case "reminded":
                return f"Reminder sent to {names.get(e.assignee_id, pool) if e.assignee_id else pool}"
            case "outcome":
                outcome = e.status if e.outcome_enc is None else self._keys.open(
                    e.outcome_enc, table="thread_events", row_id=str(e.id), column="outcome")
                label = next((o[outcome][0] for o in OUTCOMES.values() if outcome in o), outcome)
                return f"{who} recorded the outcome: {label}"
            case "escalated":
                return "Overdue: escalated to the team leads"
            case "escalated_admin":
                return "Still overdue: escalated to the clinic admin"
        return e.kind

    async def _notes(self, s: AsyncSession, thread: Thread) -> list[NoteView]:
        rows = (await s.execute(select(InternalNote, User.name).join(User, User.id == InternalNote.author_id)
                                .where(InternalNote.thread_id == thread.id)
                                .order_by(InternalNote.created_at, InternalNote.id))).all()
        return [NoteView(n.id, name, self._keys.open(n.body_enc, table="internal_notes", row_id=n.id, column="body"),
                         as_utc(n.created_at)) for n, name in rows]

    async def _record_denial(self, actor: Actor, action: str, thread_id: str) -> None:
        await self._audit.record_alone(actor_id=actor.user_id, action=action, object_type="thread",
                                       object_id=(thread_id or "")[:64], outcome="denied")

    def _reason(self, reason: str, *, required: bool) -> str:
        reason = (reason or "").strip()
        if required and not reason:
            raise ValidationError("Reason", "Give a reason for the hand-off.")
        if len(reason) > REASON_MAX:
            raise ValidationError("Reason", f"Reason must be at most {REASON_MAX} characters.")
        return reason

    def _sealed_reason(self, event: ThreadEvent, reason: str) -> None:
        if reason:
            event.reason_enc = self._keys.seal(reason, table="thread_events", row_id=str(event.id), column="reason")

    async def _change(self, actor: Actor, thread_id: str, action: str, apply) -> None:
        """Run one staff change on a visible thread, audit it, and tell the team's open pages afterwards."""
        try:
            async with self._uow() as work:
                s = work.session
                thread = await self._thread(s, actor, thread_id, lock=True)
                await apply(s, thread, self._clock.now())
                await self._audit.record(s, actor_id=actor.user_id, action=action, object_type="thread",
                                         object_id=thread.id)
                staff = [p.id for p in await self._team_staff(s, thread.team_id)]
                # The patient's pages show the status too (their view re-reads what they may see).
                work.record(ThreadTriaged(thread.id, action, (*staff, thread.patient_id)))
        except NotFound:
            await self._record_denial(actor, action, thread_id)
            raise

    # -- hand-offs ------------------------------------------------------------------------------------
    async def claim(self, actor: Actor, thread_id: str) -> None:
        """Take a thread: it becomes the actor's, and New becomes In progress."""
        async def apply(s, thread, now):
            thread.assignee_id = actor.user_id
            if thread.status == "new":
                thread.status = "in_progress"
            await record_event(s, thread, now, "claimed", actor_id=actor.user_id, assignee_id=actor.user_id)

        await self._change(actor, thread_id, "thread.claim", apply)

    async def assign(self, actor: Actor, thread_id: str, assignee_id: str, reason: str = "") -> None:
        """Hand a thread to a member of its care team (nobody else can be assigned)."""
        reason = self._reason(reason, required=False)

        async def apply(s, thread, now):
            member = (await s.execute(
                select(User.id).join(TeamMember, TeamMember.user_id == User.id)
                .where(TeamMember.team_id == thread.team_id, User.id == assignee_id, User.active.is_(True))
            )).first()
            if member is None:
                raise ValidationError("Assign to", "Choose a member of this care team.")
            thread.assignee_id = assignee_id
            event = await record_event(s, thread, now, "assigned", actor_id=actor.user_id, assignee_id=assignee_id)
            self._sealed_reason(event, reason)

        await self._change(actor, thread_id, "thread.assign", apply)

    async def route(self, actor: Actor, thread_id: str, role: str | None, reason: str) -> None:
        """Send a thread to a role pool (or the whole team, role None), unassigned, with a reason."""
        if role not in (None, "", *STAFF_ROLES):
            raise ValidationError("Route to", "Choose a pool.")
        reason = self._reason(reason, required=True)

        async def apply(s, thread, now):
            thread.pool_role = role or None
            thread.assignee_id = None
            event = await record_event(s, thread, now, "routed", actor_id=actor.user_id, role=thread.pool_role)
            self._sealed_reason(event, reason)

        await self._change(actor, thread_id, "thread.route", apply)

    async def set_status(self, actor: Actor, thread_id: str, status: str) -> None:
        """New → In progress → Waiting on patient → Completed. Waiting and Completed stop the clock."""
        if status not in STATUSES:
            raise ValidationError("Status", "Choose a status.")

        async def apply(s, thread, now):
            if thread.status == status:
                return
            thread.status = status
            if status in CLOCK_STOPPED:
                await end_cycle(s, thread, now)
            await record_event(s, thread, now, "status", actor_id=actor.user_id, status=status)

        await self._change(actor, thread_id, "thread.status", apply)

    async def set_priority(self, actor: Actor, thread_id: str, priority: str) -> None:
        """Routine or urgent; urgent threads head the worklist."""
        if priority not in ("routine", "urgent"):
            raise ValidationError("Priority", "Choose routine or urgent.")

        async def apply(s, thread, now):
            if bool(thread.urgent) == (priority == "urgent"):
                return
            thread.urgent = priority == "urgent"
            await record_event(s, thread, now, "priority", actor_id=actor.user_id, status=priority)

        await self._change(actor, thread_id, "thread.priority", apply)

    async def add_note(self, actor: Actor, thread_id: str, text: str) -> None:
        """An internal note for the team. Patients never see it; it is not searchable and not exported."""
        text = (text or "").strip()
        if not text:
            raise ValidationError("Internal note", "Write the note first.")
        if len(text) > NOTE_MAX:
            raise ValidationError("Internal note", f"A note can be at most {NOTE_MAX:,} characters.")

        async def apply(s, thread, now):
            note = InternalNote(id=new_id(), thread_id=thread.id, author_id=actor.user_id, created_at=now,
                                body_enc=b"")
            note.body_enc = self._keys.seal(text, table="internal_notes", row_id=note.id, column="body")
            s.add(note)

        await self._change(actor, thread_id, "thread.note", apply)
