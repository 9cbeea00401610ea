"""What a person reads: a folder's page of conversations, one conversation, read marks and unread counts.

Reading is not writing: `view_thread` (what an open page redraws) only reads; `open_thread` (a person opens a
conversation) and `mark_read` (new messages from the other side were shown on an open page) mark the other side's
messages read and record it, once. Every query goes through the one access rule (`visible_threads`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select, true, update

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, Filing, Folder, Message, PatientTeam, Thread, User
from sm_app.identity.accounts import Actor, team_name_column, team_name_for
from sm_app.messaging.access import visible_threads, visible_to
from sm_app.messaging.attachment_files import AttachmentStore
from sm_app.messaging.attachments import AttachmentInfo
from sm_app.messaging.thread_rules import ThreadRules, other_side, side
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError
from sm_app.shared.events import MessagesRead, UnitOfWork

PAGE_SIZES = (10, 20, 50)
SORTS = ("newest", "oldest", "team", "subject")
# Made once: an alias built per call is a new set of columns each time, left for the cycle collector.
_FILED = Filing.__table__.alias("filed")
_MESSAGES = Message.__table__


@dataclass(frozen=True)
class ThreadSummary:
    id: str
    subject: str
    team_name: str
    patient_name: str
    category: str
    status: str
    last_message_at: datetime
    unread: bool
    urgent: bool = False
    # The response clock as the patient sees it: the team owes an answer (and by when), or not.
    waiting_for_team: bool = False
    reply_due_at: datetime | None = None
    closed: bool = False
    # Whether the patient wrote in it (False: a message the care team started, such as a broadcast).
    patient_wrote: bool = True

    def patient_status(self) -> str:
        """Where the conversation stands, in the patient's words ("Waiting for your care team", ...)."""
        if self.waiting_for_team:
            return "Waiting for your care team"
        if self.closed:
            return "Closed by your care team"
        if not self.patient_wrote:
            return "Message from your care team"
        if self.status == "completed":
            return "Completed"
        return "Your care team replied"


@dataclass(frozen=True)
class MessageView:
    id: str
    from_side: str  # "patient" | "team"
    sender_name: str
    body: str
    sent_at: datetime
    read_at: datetime | None
    # Template answers as (field label, answer), in the template's order; empty for free text.
    fields: tuple[tuple[str, str], ...] = ()
    attachments: tuple[AttachmentInfo, ...] = ()


@dataclass(frozen=True)
class ThreadView:
    id: str
    subject: str
    team_name: str
    patient_name: str
    category: str
    status: str
    messages: list[MessageView]
    can_reply: bool
    reply_blocked_reason: str
    # True when the patient may write to the team again in a new conversation (closed or too old).
    offer_new_message: bool = False
    closed: bool = False
    in_trash: bool = False
    folder_id: str | None = None
    urgent: bool = False
    # What triggered the urgent flag; shown to staff only.
    urgent_evidence: str = ""
    # For the patient, once they sent a message the urgent-words check flagged: the language ("en" | "es") of the
    # notice the conversation keeps (call 911 if it gets worse, 988 for a crisis). Empty: no notice.
    safety_notice_language: str = ""
    # Messages from the other side not yet marked read (a redraw then calls `mark_read`).
    unseen: bool = False
    # Whether the other side has read this person's side's latest message (the read receipt under it).
    own_latest_read: bool = False
    # When, and by whom on the other side, it was read (the receipt says who and when; None / "" while unread).
    own_latest_read_at: datetime | None = None
    own_latest_read_by: str = ""
    # The recorded outcome of a template request ("Renewal approved"), "" when none.
    outcome: str = ""
    # Whose conversation it is (staff open the patient's health record from it, when the patient shared it).
    patient_id: str = ""


@dataclass(frozen=True)
class ThreadPage:
    items: list[ThreadSummary]
    total: int
    page: int
    page_size: int
    pages: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "pages", max(1, -(-self.total // self.page_size)))


def _unread(actor: Actor):
    return _unread_from(other_side(actor))


def _unread_from(other: str):
    return exists().where(Message.thread_id == Thread.id, Message.from_side == other, Message.read_at.is_(None))


def unread_threads_query(actor: Actor) -> Select:
    """How many threads the actor can see have a message from the other side nobody on the actor's side has opened
    (the unread badge, and the daily digest's count)."""
    if not (actor.is_patient or actor.is_staff):
        return select(func.count()).select_from(Thread).where(visible_threads(actor))
    return _unread_count(actor.is_patient).params(user_id=actor.user_id)


@lru_cache(maxsize=2)
def _unread_count(for_patient: bool) -> Select:
    """`unread_threads_query` built once per kind of reader, the reader bound as "user_id": every open page's header
    badge asks it when something changes for its person."""
    return (select(func.count()).select_from(Thread)
            .where(visible_to(patient=for_patient, user_id=bindparam("user_id")),
                   _unread_from("team" if for_patient else "patient")))


# An open page asks for its conversation on every change to it, so these two statements are built once per kind of
# reader, with the thread and the reader as bound parameters: building them (several correlated subqueries) and
# computing their cache key cost more CPU than SQLite spends running them.
@lru_cache(maxsize=2)
def _thread_head(for_patient: bool) -> Select:
    """The thread and everything shown around its messages (names, the reader's filing, may the patient still write,
    unseen, the receipt) in one query, for a patient (their own threads) or staff (their teams' threads)."""
    own, other = ("patient", "team") if for_patient else ("team", "patient")
    user_id = bindparam("user_id")
    unseen = _unread_from(other)
    patient_name = select(User.name).where(User.id == Thread.patient_id).correlate(Thread).scalar_subquery()
    # The receipt: when the other side read this side's latest message, and who (a name for staff to read).
    own_latest_read = (select(Message.read_at)
                       .where(Message.thread_id == Thread.id, Message.from_side == own)
                       .order_by(Message.created_at.desc(), Message.id.desc()).limit(1)
                       .correlate(Thread).scalar_subquery())
    own_latest_reader = (select(User.name).join(Message, Message.read_by_id == User.id)
                         .where(Message.thread_id == Thread.id, Message.from_side == own)
                         .order_by(Message.created_at.desc(), Message.id.desc()).limit(1)
                         .correlate(Thread).scalar_subquery())
    return (
        # The patient's name as a subquery, not a join of an aliased User: an aliased query costs more to build. The
        # thread's columns, not the mapped Thread: a read of columns skips the ORM (db.InlineReadSession); the row
        # stands in for the thread where ThreadRules reads it.
        select(*Thread.__table__.c, team_name_column(patient=for_patient).label("team_name"),
               patient_name.label("patient_name"), Filing.folder_id, Filing.trashed_at, PatientTeam.blocked,
               unseen.label("unseen"), own_latest_read.label("own_latest_read"),
               own_latest_reader.label("own_latest_reader"))
        .join(CareTeam, CareTeam.id == Thread.team_id)
        .outerjoin(Filing, and_(Filing.thread_id == Thread.id, Filing.user_id == user_id))
        .outerjoin(PatientTeam, and_(PatientTeam.patient_id == Thread.patient_id,
                                     PatientTeam.team_id == Thread.team_id))
        .where(Thread.id == bindparam("thread_id"), visible_to(patient=for_patient, user_id=user_id))
    )


@lru_cache(maxsize=2)
def _thread_messages(*, after: bool) -> Select:
    """A thread's messages in order with their senders' names; with `after`, only those after that message id."""
    thread_id = bindparam("thread_id")
    query = (select(*Message.__table__.c, User.name.label("sender_name")).join(User, User.id == Message.sender_id)
             .where(Message.thread_id == thread_id).order_by(Message.created_at, Message.id))
    if after:
        shown = (select(Message.created_at).where(Message.id == bindparam("after"), Message.thread_id == thread_id)
                 .scalar_subquery())
        query = query.where(or_(Message.created_at > shown,
                                and_(Message.created_at == shown, Message.id > bindparam("after"))))
    return query


class Mailbox:
    def __init__(self, db: Database, uow: UnitOfWork, keys: KeyRing, audit: AuditLog, clock: Clock, *,
                 reply_window_days: int, attachments: AttachmentStore):
        self._db = db
        self._uow = uow
        self._clock = clock
        self._audit = audit
        self._attachments = attachments
        self._rules = ThreadRules(keys, audit, clock, reply_window_days=reply_window_days)

    async def open_thread(self, actor: Actor, thread_id: str) -> ThreadView:
        """A person opens a conversation: the other side's messages are marked read, the read is recorded, and the
        whole conversation comes back in order."""
        await self._mark_read(actor, thread_id, always_record=True)
        return await self.view_thread(actor, thread_id)

    async def mark_read(self, actor: Actor, thread_id: str) -> None:
        """The person has seen new messages from the other side on an open page: mark and record them, once.
        Nothing is written when there is nothing new (a redraw is not a read)."""
        await self._mark_read(actor, thread_id, always_record=False)

    async def _mark_read(self, actor: Actor, thread_id: str, *, always_record: bool) -> None:
        try:
            async with self._uow() as work:
                s = work.session
                thread = await self._rules.visible_thread_keys(s, actor, thread_id)
                # On the table: no message is loaded in this transaction to keep in step (db.InlineWriteSession).
                result = await s.execute(
                    update(_MESSAGES)
                    .where(_MESSAGES.c.thread_id == thread.id, _MESSAGES.c.from_side == other_side(actor),
                           _MESSAGES.c.read_at.is_(None))
                    .values(read_at=self._clock.now(), read_by_id=actor.user_id)
                )
                if result.rowcount > 0 or always_record:
                    await self._audit.record(s, actor_id=actor.user_id, action="thread.read", object_type="thread",
                                             object_id=thread.id)
                if result.rowcount > 0:
                    work.record(MessagesRead(thread.id, actor.user_id, tuple(await self._rules.recipients(s, thread)),
                                             reader_side=side(actor)))
        except NotFound:
            await self._rules.record_denial(actor, "thread.read", thread_id)
            raise

    async def view_thread(self, actor: Actor, thread_id: str, *, after: str | None = None) -> ThreadView:
        """The conversation in order, read only: what an open page shows. With `after` (a message id the page
        already shows), only the messages that came after it: an open page appends those instead of redrawing.
        `ThreadView.unseen` says whether the other side wrote something this person has not been marked as reading
        yet (in the whole conversation)."""
        if not (actor.is_patient or actor.is_staff):
            await self._rules.record_denial(actor, "thread.read", thread_id)
            raise NotFound("conversation")
        try:
            async with self._db.read() as s:
                thread = (await s.execute(_thread_head(actor.is_patient),
                                          {"thread_id": thread_id, "user_id": actor.user_id})).one_or_none()
                if thread is None:
                    raise NotFound("conversation")
                rows = (await s.execute(_thread_messages(after=bool(after)),
                                        {"thread_id": thread.id, "after": after})).all()
                files = await self._attachments.for_messages(s, [m.id for m in rows]) if rows else {}
        except NotFound:
            await self._rules.record_denial(actor, "thread.read", thread_id)
            raise
        reason, offer_new = self._rules.blocked_reason(actor, thread, patient_may_write=thread.blocked is False)
        messages = [
            MessageView(m.id, m.from_side, m.sender_name, self._rules.body(m), as_utc(m.created_at),
                        as_utc(m.read_at) if m.read_at else None, fields=self._rules.fields(m),
                        attachments=tuple(files.get(m.id, ())))
            for m in rows
        ]
        own_latest_read = thread.own_latest_read
        return ThreadView(thread.id, self._rules.subject(thread), thread.team_name, thread.patient_name,
                          thread.category, thread.status, messages, can_reply=not reason, reply_blocked_reason=reason,
                          offer_new_message=offer_new, closed=thread.closed_at is not None,
                          in_trash=thread.trashed_at is not None, folder_id=thread.folder_id,
                          urgent=thread.urgent,
                          urgent_evidence=self._rules.urgent_evidence(thread) if actor.is_staff else "",
                          safety_notice_language=(thread.urgent_language or "") if actor.is_patient else "",
                          unseen=bool(thread.unseen), own_latest_read=own_latest_read is not None,
                          own_latest_read_at=as_utc(own_latest_read) if own_latest_read is not None else None,
                          own_latest_read_by=(thread.own_latest_reader or "") if own_latest_read is not None else "",
                          outcome=self._rules.outcome(thread), patient_id=thread.patient_id)

    async def list_threads(self, actor: Actor, folder: str, *, page: int = 1, page_size: int = 10,
                           sort: str = "newest") -> ThreadPage:
        """One page of a folder. Folders: inbox (received), sent (sent by the actor), trash, a custom folder id,
        and worklist (staff: every thread of their teams). Sort: newest, oldest, team, subject."""
        if page_size not in PAGE_SIZES:
            raise ValidationError("Per page", f"Per page must be one of {', '.join(map(str, PAGE_SIZES))}.")
        if sort not in SORTS:
            raise ValidationError("Sort by", "Choose how to sort.")
        page = max(1, int(page))
        filed = _FILED
        conditions = [visible_threads(actor)]
        not_trashed = filed.c.trashed_at.is_(None)
        if folder == "inbox":
            conditions += [filed.c.folder_id.is_(None), not_trashed]
            if not actor.is_patient:
                conditions.append(exists().where(Message.thread_id == Thread.id,
                                                 Message.from_side == other_side(actor)))
            # A patient's Inbox holds every conversation of theirs, those nobody has answered yet included (with
            # "Waiting for your care team"): one that only they wrote in must not seem to vanish.
        elif folder == "sent":
            conditions += [exists().where(Message.thread_id == Thread.id, Message.sender_id == actor.user_id),
                           not_trashed]
        elif folder == "trash":
            conditions.append(filed.c.trashed_at.is_not(None))
        elif folder == "worklist":
            if not actor.is_staff:
                return ThreadPage([], 0, 1, page_size)
        else:
            # A custom folder: only the owner's own folder id matches.
            conditions += [filed.c.folder_id == folder, not_trashed,
                           exists().where(Folder.id == folder, Folder.owner_id == actor.user_id)]
        unread = _unread(actor).label("unread")
        # Whether the patient wrote in it: a conversation only the team wrote in (a broadcast) is a message from the
        # care team, not a request of the patient's that was completed. Patients only; staff rows do not show it.
        patient_wrote = (exists().where(Message.thread_id == Thread.id, Message.from_side == "patient")
                         if actor.is_patient else true()).label("patient_wrote")
        base = (
            select(Thread, team_name_for(actor), User.name, unread, patient_wrote)
            .join(CareTeam, CareTeam.id == Thread.team_id)
            .join(User, User.id == Thread.patient_id)
            .outerjoin(filed, and_(filed.c.thread_id == Thread.id, filed.c.user_id == actor.user_id))
            .where(and_(*conditions))
        )
        # The team sees urgent conversations at the top of its worklist.
        urgent_first = (Thread.urgent.desc(),) if folder == "worklist" else ()
        order = {
            "newest": (*urgent_first, Thread.last_message_at.desc(), Thread.id),
            "oldest": (Thread.last_message_at.asc(), Thread.id),
            "team": (team_name_for(actor).asc(), Thread.last_message_at.desc(), Thread.id),
            "subject": (Thread.last_message_at.desc(), Thread.id),
        }[sort]
        async with self._db.read() as s:
            total = (await s.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
            query = base.order_by(*order)
            if sort != "subject":
                query = query.offset((page - 1) * page_size).limit(page_size)
            rows = (await s.execute(query)).all()
        items = [
            ThreadSummary(t.id, self._rules.subject(t), team, patient, t.category, t.status, as_utc(t.last_message_at),
                          bool(is_unread), urgent=bool(t.urgent) and actor.is_staff,
                          waiting_for_team=t.awaiting_since is not None,
                          reply_due_at=as_utc(t.due_at) if t.due_at is not None else None,
                          closed=t.closed_at is not None, patient_wrote=bool(wrote))
            for t, team, patient, is_unread, wrote in rows
        ]
        if sort == "subject":
            # Subjects are sealed, so the database cannot sort them: sort the actor's own threads in memory.
            items.sort(key=lambda t: (t.subject.casefold(), t.id))
            items = items[(page - 1) * page_size : page * page_size]
        return ThreadPage(items, total, page, page_size)

    async def unread_count(self, actor: Actor) -> int:
        """Threads with a message from the other side that nobody on this side has opened yet."""
        async with self._db.read() as s:
            if not (actor.is_patient or actor.is_staff):
                return 0
            return (await s.execute(_unread_count(actor.is_patient), {"user_id": actor.user_id})).scalar_one()
