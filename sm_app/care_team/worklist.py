"""What staff read about the care team's work: the worklist (filters, sort by due, paging) and, next to a
conversation, who has it, its clock, its hand-off history in words and the internal notes (`TriageView`).

Staff only. Every read runs the one access rule (`access.visible_to`, the reader bound): staff of another team get
"not found", exactly as for a thread that does not exist, and the denial is audited. Internal notes are read here and
nowhere else: nothing patient-facing (thread view, print, search index, unread counts) ever reads them.

Reading lives apart from changing (`triage`) and from the response clock's bookkeeping (`response_cycle`): this
module only reads, so the worklist's query and the history's wording can change without touching a write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, InternalNote, Message, TeamMember, Thread, ThreadEvent, User
from sm_app.identity.accounts import Actor
from sm_app.messaging.access import visible_to
from sm_app.messaging.mailbox import PAGE_SIZES
from sm_app.messaging.outcomes import OUTCOMES, outcomes_for
from sm_app.messaging.threads import CATEGORIES
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

STATUSES = {"new": "New", "in_progress": "In progress", "waiting_on_patient": "Waiting on patient",
            "completed": "Completed"}
POOL_NAMES = {"clerk": "Clerk pool", "nurse": "Nurse pool", "pharmacist": "Pharmacist pool",
              "provider": "Provider pool"}
SHOW = {"all": "All", "mine": "Assigned to me", "unassigned": "Unassigned", "overdue": "Overdue"}
STATUS_FILTERS = {"open": "Open (not completed)", **STATUSES, "any": "Any status"}
WORKLIST_SORTS = {"due": "Due soonest", "newest": "Newest first", "oldest": "Oldest first"}


# Every open Worklist asks for its page on every change to its team's threads, so the statements are built once per
# combination of filters, with the reader, the time, the filter values and the page as bound parameters: building them
# and computing their cache key cost more CPU than SQLite spends running them.
@lru_cache(maxsize=64)
def _worklist_statements(show: str, by_category: bool, status: str, sort: str) -> tuple[Select, Select]:
    """The count and the page's rows for one combination of filters; `status` is "open", "any" or "=" (one status,
    bound as "status")."""
    user_id = bindparam("user_id")
    conditions = [visible_to(patient=False, user_id=user_id)]
    if show == "mine":
        conditions.append(Thread.assignee_id == user_id)
    elif show == "unassigned":
        conditions.append(Thread.assignee_id.is_(None))
    elif show == "overdue":
        conditions.append(Thread.due_at <= bindparam("now"))
    if by_category:
        conditions.append(Thread.category == bindparam("category"))
    if status == "open":
        conditions.append(Thread.status != "completed")
    elif status == "=":
        conditions.append(Thread.status == bindparam("status"))
    unread = exists().where(Message.thread_id == Thread.id, Message.from_side == "patient",
                            Message.read_at.is_(None)).label("unread")
    # Names as correlated subqueries rather than joins of aliased Users: an aliased query costs more to build.
    patient_name = select(User.name).where(User.id == Thread.patient_id).correlate(Thread).scalar_subquery()
    assignee_name = select(User.name).where(User.id == Thread.assignee_id).correlate(Thread).scalar_subquery()
    no_clock_last = case((Thread.due_at.is_(None), 1), else_=0)
    order = {
        "due": (Thread.urgent.desc(), no_clock_last, Thread.due_at.asc(), Thread.last_message_at.desc(), Thread.id),
        "newest": (Thread.urgent.desc(), Thread.last_message_at.desc(), Thread.id),
        "oldest": (Thread.urgent.desc(), Thread.last_message_at.asc(), Thread.id),
    }[sort]
    count = select(func.count()).select_from(Thread).where(and_(*conditions))
    # Sort and page the threads alone, then join names and the unread flag for that page only: sorting the joined
    # rows made SQLite build every matching row (and its unread subquery) first (bench_sweep).
    page_ids = (select(Thread.id).where(and_(*conditions)).order_by(*order)
                .offset(bindparam("offset")).limit(bindparam("limit")).correlate(None))
    # The thread's columns, not the mapped Thread: a read of columns skips the ORM (db.InlineReadSession).
    rows = (select(*Thread.__table__.c, CareTeam.name.label("team_name"), patient_name.label("patient_name"),
                   assignee_name.label("assignee_name"), unread)
            .join(CareTeam, CareTeam.id == Thread.team_id)
            .where(Thread.id.in_(page_ids)).order_by(*order))
    return count, rows


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


class Worklist:
    """The care team's reads: a page of the worklist, and the triage details of one thread."""

    def __init__(self, db: Database, keys: KeyRing, audit: AuditLog, clock: Clock):
        self._db = db
        self._keys = keys
        self._audit = audit
        self._clock = clock

    # -- the worklist ---------------------------------------------------------------------------------
    async def page(self, actor: Actor, *, show: str = "all", category: str = "", status: str = "open",
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
        count, rows_query = _worklist_statements(show, bool(category), status if status in ("open", "any") else "=",
                                                 sort)
        params = {"user_id": actor.user_id, "now": now, "category": category, "status": status,
                  "offset": (page - 1) * page_size, "limit": page_size}
        async with self._db.read() as s:
            total = (await s.execute(count, params)).scalar_one()
            rows = (await s.execute(rows_query, params)).all()
        items = []
        for t in rows:
            due = as_utc(t.due_at) if t.due_at else None
            items.append(WorklistRow(
                t.id, self._keys.open(t.subject_enc, table="threads", row_id=t.id, column="subject"), t.patient_name,
                t.team_name, t.category, t.status, t.assignee_name or "", t.pool_role,
                as_utc(t.awaiting_since or t.created_at), due, bool(t.urgent), due is not None and due <= now,
                bool(t.unread), as_utc(t.last_message_at)))
        return WorklistPage(items, total, page, page_size)

    # -- one thread -----------------------------------------------------------------------------------
    async def _thread(self, s: AsyncSession, actor: Actor, thread_id: str):  # a row of the thread's columns
        if not actor.is_staff:
            raise NotFound("conversation")
        thread = (await s.execute(_details_statements()[0], {"thread_id": thread_id, "user_id": actor.user_id})
                  ).one_or_none()
        if thread is None:
            raise NotFound("conversation")
        return thread

    async def _team_staff(self, s: AsyncSession, team_id: str) -> list[StaffChoice]:
        rows = await s.execute(_details_statements()[1], {"team_id": team_id})
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

    async def _history(self, s: AsyncSession, thread, names: dict[str, str]) -> list[HistoryEntry]:
        events = (await s.execute(_details_statements()[2], {"thread_id": thread.id})).all()
        missing = {i for e in events for i in (e.actor_id, e.assignee_id) if i and i not in names}
        if missing:
            names = {**names, **dict((await s.execute(select(User.id, User.name).where(User.id.in_(missing)))).all())}
        return [HistoryEntry(as_utc(e.at), self._describe(e, names)) for e in events]

    def _describe(self, e, names: dict[str, str]) -> str:  # e: a row of thread_events
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
            case "urgent_alerted":
                return "Flagged urgent: the team leads and on call were alerted"
            case "urgent_unopened":
                return "Urgent and unopened: escalated to the whole team and the clinic admin"
        return e.kind

    async def _notes(self, s: AsyncSession, thread) -> list[NoteView]:
        rows = (await s.execute(_details_statements()[3], {"thread_id": thread.id})).all()
        return [NoteView(n.id, n.author_name,
                         self._keys.open(n.body_enc, table="internal_notes", row_id=n.id, column="body"),
                         as_utc(n.created_at)) for n in rows]

    async def _record_denial(self, actor: Actor, action: str, thread_id: str) -> None:
        await self._audit.record_alone(actor_id=actor.user_id, action=action, object_type="thread",
                                       object_id=(thread_id or "")[:64], outcome="denied")


@lru_cache(maxsize=1)
def _details_statements() -> tuple[Select, Select, Select, Select]:
    """`Worklist.details`' four reads (the thread under the access rule, the team's staff, the history, the notes),
    built once with bound parameters: the triage panel asks them on every change to its conversation. Columns, not
    mapped objects: a read of columns skips the ORM (db.InlineReadSession); the rows stand in for them."""
    thread_id = bindparam("thread_id")
    thread = select(*Thread.__table__.c).where(Thread.id == thread_id,
                                               visible_to(patient=False, user_id=bindparam("user_id")))
    staff = (select(User.id, User.name, User.role).join(TeamMember, TeamMember.user_id == User.id)
             .where(TeamMember.team_id == bindparam("team_id"), User.active.is_(True)).order_by(User.name))
    history = select(*ThreadEvent.__table__.c).where(ThreadEvent.thread_id == thread_id).order_by(ThreadEvent.id)
    notes = (select(*InternalNote.__table__.c, User.name.label("author_name"))
             .join(User, User.id == InternalNote.author_id).where(InternalNote.thread_id == thread_id)
             .order_by(InternalNote.created_at, InternalNote.id))
    return thread, staff, history, notes
