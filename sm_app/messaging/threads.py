"""Threads and messages between a patient and a care team.

Every method takes the acting user and applies one deny-by-default visibility rule
(`visible_threads`): a patient reaches only their own threads, staff only threads of the care
teams they belong to, everybody else nothing. A thread outside the rule is reported exactly like
a thread that does not exist. Subjects and bodies are sealed with the key ring before they reach
the database; pushes go out only after commit, with ids only.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import (
    CareTeam,
    Filing,
    Folder,
    Message,
    PatientTeam,
    Preferences,
    TeamMember,
    Thread,
    User,
    new_id,
)
from sm_app.identity.accounts import Actor
from sm_app.messaging.access import visible_threads
from sm_app.messaging.attachments import AttachmentInfo, Attachments, PendingFile
from sm_app.messaging.outcomes import build_outcome
from sm_app.messaging.templates import Templates, check_answers
from sm_app.safety.urgency import UrgencyDecision, assess
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from sm_app.shared.events import (
    MessageSent,
    MessagesRead,
    OutcomeRecorded,
    ThreadClosed,
    ThreadReopened,
    ThreadStarted,
    UnitOfWork,
    Work,
)

CATEGORIES = ("General", "Appointment", "Medication", "Test results", "Education", "Administrative")
SUBJECT_MAX = 100
BODY_MAX = 10_000
CLOSE_REASON_MAX = 200
PAGE_SIZES = (10, 20, 50)
SORTS = ("newest", "oldest", "team", "subject")


class UrgentCheck(Exception):  # noqa: N818 - a question for the sender, not a failure
    """The text suggests an emergency: show the emergency notice again and let the sender choose."""

    def __init__(self, decision: UrgencyDecision):
        super().__init__("This message may describe an emergency.")
        self.decision = decision


@dataclass(frozen=True)
class TeamChoice:
    id: str
    name: str


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
    # Messages from the other side not yet marked read (a redraw then calls `mark_read`).
    unseen: bool = False


@dataclass(frozen=True)
class ThreadPage:
    items: list[ThreadSummary]
    total: int
    page: int
    page_size: int
    pages: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "pages", max(1, -(-self.total // self.page_size)))


@dataclass(frozen=True)
class Prefill:
    team_id: str | None
    subject: str


@dataclass(frozen=True)
class SentMessage:
    thread_id: str
    message_id: str


async def unread_threads_count(s: AsyncSession, actor: Actor) -> int:
    """Threads the actor can see with a message from the other side nobody on the actor's side has opened."""
    unread = exists().where(Message.thread_id == Thread.id, Message.from_side == _other_side(actor),
                            Message.read_at.is_(None))
    return (await s.execute(select(func.count()).select_from(Thread).where(visible_threads(actor), unread))
            ).scalar_one()


def _side(actor: Actor) -> str:
    return "patient" if actor.is_patient else "team"


def _other_side(actor: Actor) -> str:
    return "team" if actor.is_patient else "patient"


def check_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError("Subject", "Subject is required.")
    if len(subject) > SUBJECT_MAX:
        raise ValidationError("Subject", f"Subject must be at most {SUBJECT_MAX} characters (it has {len(subject)}).")
    return subject


def check_body(body: str) -> str:
    if not (body or "").strip():
        raise ValidationError("Message", "Message is required.")
    if len(body) > BODY_MAX:
        raise ValidationError("Message", f"Message must be at most {BODY_MAX:,} characters (it has {len(body):,}).")
    return body


class Messaging:
    """Threads and messages. What else a send sets off (the response clock, the search index, the email, the live
    push) are handlers of the events it records (`events.py`, wired in bootstrap); messaging calls none of them."""

    def __init__(self, db: Database, uow: UnitOfWork, keys: KeyRing, audit: AuditLog, clock: Clock, *,
                 reply_window_days: int, templates: Templates, attachments: Attachments):
        self._db = db
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._reply_window = timedelta(days=reply_window_days)
        self._templates = templates
        self._attachments = attachments

    # -- sealing --------------------------------------------------------------------------------
    def _subject(self, t: Thread) -> str:
        return self._keys.open(t.subject_enc, table="threads", row_id=t.id, column="subject")

    def _body(self, m: Message) -> str:
        return self._keys.open(m.body_enc, table="messages", row_id=m.id, column="body")

    def _fields(self, m: Message) -> tuple[tuple[str, str], ...]:
        if m.fields_enc is None:
            return ()
        raw = self._keys.open(m.fields_enc, table="messages", row_id=m.id, column="fields")
        return tuple((label, value) for label, value in json.loads(raw))

    # -- who may write to whom ------------------------------------------------------------------
    async def teams_for_compose(self, actor: Actor) -> list[TeamChoice]:
        """Care teams this patient may write to: associated and not blocked."""
        if not actor.is_patient:
            return []
        async with self._db.read() as s:
            rows = await s.execute(
                select(CareTeam.id, CareTeam.name)
                .join(PatientTeam, PatientTeam.team_id == CareTeam.id)
                .where(PatientTeam.patient_id == actor.user_id, PatientTeam.blocked.is_(False))
                .order_by(CareTeam.name)
            )
            return [TeamChoice(r.id, r.name) for r in rows]

    async def _patient_may_write(self, s: AsyncSession, patient_id: str, team_id: str) -> bool:
        link = await s.get(PatientTeam, (patient_id, team_id))
        return link is not None and not link.blocked

    async def _recipients(self, s: AsyncSession, thread: Thread) -> list[str]:
        staff = (await s.scalars(select(TeamMember.user_id).where(TeamMember.team_id == thread.team_id))).all()
        return [thread.patient_id, *staff]

    # -- writing --------------------------------------------------------------------------------
    async def start_thread(self, actor: Actor, *, team_id: str, category: str, subject: str, body: str,
                           urgent_acknowledged: bool = False, template_key: str | None = None,
                           answers: dict[str, str] | None = None, files: list[PendingFile] | None = None,
                           ) -> SentMessage:
        """A patient starts a conversation with one of their care teams.

        When the text suggests an emergency, raises UrgentCheck unless the patient has seen the emergency
        notice again and chosen to send anyway; the thread is then flagged urgent for the team.
        """
        if not actor.is_patient:
            raise NotAllowed("Only patients start conversations here.")
        if not team_id:
            raise ValidationError("To", "Choose a care team in To.")
        if category not in CATEGORIES:
            raise ValidationError("Category", "Choose a category.")
        subject = check_subject(subject)
        fields: list[tuple[str, str]] = []
        if template_key:
            try:
                template = await self._templates.get(template_key)
            except NotFound:
                raise ValidationError("Template", "Choose a template from the list.") from None
            fields = check_answers(template, answers or {})
            # With a template the answers carry the request; the free-text message is optional.
            body = check_body(body) if (body or "").strip() else ""
        else:
            body = check_body(body)
        files = self._recheck(files)
        # Off the event loop: a long message takes tens of milliseconds to read; other pages would wait meanwhile.
        urgency = await asyncio.to_thread(assess, subject, body, *(answer for _, answer in fields))
        if urgency.urgent and not urgent_acknowledged:
            raise UrgentCheck(urgency)
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            if not await self._patient_may_write(s, actor.user_id, team_id):
                # Same words whether the team does not exist, is not theirs, or blocks them.
                raise ValidationError("To", "You cannot send messages to that care team.")
            thread = Thread(id=new_id(), patient_id=actor.user_id, team_id=team_id, category=category,
                            status="new", created_at=now, last_message_at=now, subject_enc=b"",
                            template_key=template_key or None)
            thread.subject_enc = self._keys.seal(subject, table="threads", row_id=thread.id, column="subject")
            self._flag_urgent(thread, urgency)
            s.add(thread)
            await s.flush()
            message = self._new_message(thread, actor, await self._signed(s, actor, body) if body else "", now)
            if fields:
                message.fields_enc = self._keys.seal(json.dumps(fields), table="messages", row_id=message.id,
                                                     column="fields")
            s.add(message)
            await self._store_files(s, message, files)
            await self._audit.record(s, actor_id=actor.user_id, action="message.send", object_type="thread",
                                     object_id=thread.id, detail=f"message={message.id}")
            recipients = tuple(await self._recipients(s, thread))
            work.record(ThreadStarted(thread.id, actor.user_id, now, by_patient=True))
            work.record(MessageSent(thread.id, message.id, actor.user_id, True, now, recipients, recipients,
                                    words=(subject, body, *(answer for _, answer in fields)), opens_thread=True))
        return SentMessage(thread.id, message.id)

    async def team_thread_in(self, work: Work, actor: Actor, *, team_id: str, patient_id: str, category: str,
                             subject: str, body: str, fields: tuple[tuple[str, str], ...] = (),
                             replies_allowed: bool = True, broadcast_id: str | None = None,
                             also_tell: tuple[str, ...] = ()) -> str:
        """A conversation the care team starts with one of its patients, inside the caller's unit of work; returns
        the thread id. The patient is told live and by email; `also_tell` are told live too (the team's staff).

        The caller has checked the actor's right to write for the team and that the patient belongs to it.
        Nothing is owed to the patient, so it starts Completed with no clock; a reply from the patient reopens
        it like any other. With replies off it is closed with a reason the patient sees.
        """
        s = work.session
        now = self._clock.now()
        thread = Thread(id=new_id(), patient_id=patient_id, team_id=team_id, category=category, status="completed",
                        created_at=now, last_message_at=now, subject_enc=b"", broadcast_id=broadcast_id)
        thread.subject_enc = self._keys.seal(subject, table="threads", row_id=thread.id, column="subject")
        if not replies_allowed:
            thread.closed_at = now
            thread.closed_reason_enc = self._keys.seal("replies are turned off for this message", table="threads",
                                                       row_id=thread.id, column="closed_reason")
        s.add(thread)
        await s.flush()
        message = self._new_message(thread, actor, await self._signed(s, actor, body), now)
        if fields:
            message.fields_enc = self._keys.seal(json.dumps(fields), table="messages", row_id=message.id,
                                                 column="fields")
        s.add(message)
        work.record(ThreadStarted(thread.id, actor.user_id, now, by_patient=False))
        work.record(MessageSent(thread.id, message.id, actor.user_id, False, now, (patient_id, *also_tell),
                                (patient_id,), words=(subject, body, *(answer for _, answer in fields)),
                                opens_thread=True))
        return thread.id

    def _new_message(self, thread: Thread, actor: Actor, body: str, now: datetime) -> Message:
        message = Message(id=new_id(), thread_id=thread.id, sender_id=actor.user_id, from_side=_side(actor),
                          created_at=now, body_enc=b"")
        message.body_enc = self._keys.seal(body, table="messages", row_id=message.id, column="body")
        return message

    async def reply(self, actor: Actor, thread_id: str, body: str, *, urgent_acknowledged: bool = False,
                    files: list[PendingFile] | None = None) -> SentMessage:
        """Add a message to a thread the actor can see. A patient's urgent-sounding reply is checked like a new one."""
        body = check_body(body)
        files = self._recheck(files)
        urgency = await asyncio.to_thread(assess, body) if actor.is_patient else UrgencyDecision(False)
        if urgency.urgent and not urgent_acknowledged:
            raise UrgentCheck(urgency)
        return await self._append(actor, thread_id, body, urgency=urgency, files=files)

    async def send_outcome(self, actor: Actor, thread_id: str, outcome: str, *, on_date: str = "", at_time: str = "",
                           place: str = "", note: str = "") -> SentMessage:
        """Staff record the outcome of a template request; the patient sees it in the thread as a message."""
        if not actor.is_staff:
            raise NotAllowed("Only the care team records outcomes.")
        async with self._db.read() as s:
            template_key = (await self._visible_thread(s, actor, thread_id)).template_key
        result = build_outcome(template_key, outcome, on_date=on_date, at_time=at_time, place=place, note=note)
        return await self._append(actor, thread_id, result.body, urgency=UrgencyDecision(False), files=[],
                                  fields=result.fields, outcome=(result.key, result.status))

    async def _append(self, actor: Actor, thread_id: str, body: str, *, urgency: UrgencyDecision,
                      files: list[PendingFile], fields: tuple[tuple[str, str], ...] = (),
                      outcome: tuple[str, str] | None = None) -> SentMessage:
        now = self._clock.now()
        try:
            async with self._uow() as work:
                s = work.session
                thread = await self._visible_thread(s, actor, thread_id)
                reason, _ = await self._reply_blocked_reason(s, actor, thread)
                if reason:
                    raise ValidationError("Message", reason)
                message = self._new_message(thread, actor, await self._signed(s, actor, body), now)
                if fields:
                    message.fields_enc = self._keys.seal(json.dumps(fields), table="messages", row_id=message.id,
                                                         column="fields")
                s.add(message)
                await self._store_files(s, message, files)
                thread.last_message_at = now
                self._flag_urgent(thread, urgency)
                # A new message from the other side brings a trashed conversation back, so it is not missed.
                await s.execute(update(Filing).where(Filing.thread_id == thread.id, Filing.user_id != actor.user_id)
                                .values(trashed_at=None))
                await self._audit.record(s, actor_id=actor.user_id, action="message.send", object_type="thread",
                                         object_id=thread.id, detail=f"message={message.id}")
                recipients = tuple(await self._recipients(s, thread))
                work.record(MessageSent(thread.id, message.id, actor.user_id, actor.is_patient, now, recipients,
                                        recipients, words=(body,)))
                if outcome is not None:
                    thread.outcome_enc = self._keys.seal(outcome[0], table="threads", row_id=thread.id,
                                                         column="outcome")
                    work.record(OutcomeRecorded(thread.id, actor.user_id, now, outcome[0], outcome[1]))
        except NotFound:
            await self._record_denial(actor, "message.send", thread_id)
            raise
        return SentMessage(thread.id, message.id)

    def _recheck(self, files: list[PendingFile] | None) -> list[PendingFile]:
        return self._attachments.recheck(files) if files else []

    async def _store_files(self, s: AsyncSession, message: Message, files: list[PendingFile]) -> None:
        if files:
            await s.flush()  # the message row must exist before attachments point at it
            await self._attachments.store(s, files, message_id=message.id)

    def _flag_urgent(self, thread: Thread, urgency: UrgencyDecision) -> None:
        if urgency.urgent:
            thread.urgent = True
            label = f"{urgency.label} (learned)" if urgency.learned else urgency.label
            thread.urgent_evidence_enc = self._keys.seal(f"{label}: {urgency.explanation()}", table="threads",
                                                         row_id=thread.id, column="urgent_evidence")

    async def _signed(self, s: AsyncSession, actor: Actor, body: str) -> str:
        prefs = await s.get(Preferences, actor.user_id)
        if prefs is None or not prefs.signature_on or not (prefs.signature_name or prefs.signature_title):
            return body
        lines = [x for x in (prefs.signature_name, prefs.signature_title) if x]
        return body.rstrip() + "\n\n" + "\n".join(lines)

    async def _reply_blocked_reason(self, s: AsyncSession, actor: Actor, thread: Thread) -> tuple[str, bool]:
        """Why this actor cannot reply now ("" if they can), and whether a new message to the team is possible."""
        if actor.is_patient:
            may_write = await self._patient_may_write(s, actor.user_id, thread.team_id)
            if not may_write:
                return "You can no longer send messages to this care team.", False
            if thread.closed_at is not None:
                reason = self._closed_reason(thread)
                return (f"Your care team closed this conversation ({reason}), so it cannot be replied to. "
                        "You can start a new message instead."), True
            if self._clock.now() - as_utc(thread.last_message_at) > self._reply_window:
                days = self._reply_window.days
                return (f"The last message in this conversation is more than {days} days old, so it cannot be "
                        "replied to. You can start a new message instead."), True
            return "", False
        if thread.closed_at is not None:
            return "This conversation is closed. Reopen it to reply.", False
        return "", False

    def _urgent_evidence(self, thread: Thread) -> str:
        if thread.urgent_evidence_enc is None:
            return ""
        return self._keys.open(thread.urgent_evidence_enc, table="threads", row_id=thread.id, column="urgent_evidence")

    def _closed_reason(self, thread: Thread) -> str:
        if thread.closed_reason_enc is None:
            return ""
        return self._keys.open(thread.closed_reason_enc, table="threads", row_id=thread.id, column="closed_reason")

    async def close_thread(self, actor: Actor, thread_id: str, reason: str) -> None:
        """Staff close a conversation with a reason the patient sees; the patient can no longer reply."""
        if not actor.is_staff:
            raise NotAllowed("Only the care team can close a conversation.")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("Reason", "Give a reason for closing; the patient will see it.")
        if len(reason) > CLOSE_REASON_MAX:
            raise ValidationError("Reason", f"Reason must be at most {CLOSE_REASON_MAX} characters.")
        try:
            async with self._uow() as work:
                s = work.session
                thread = await self._visible_thread(s, actor, thread_id)
                thread.closed_at = self._clock.now()
                thread.closed_reason_enc = self._keys.seal(reason, table="threads", row_id=thread.id,
                                                           column="closed_reason")
                await self._audit.record(s, actor_id=actor.user_id, action="thread.close", object_type="thread",
                                         object_id=thread.id)
                work.record(ThreadClosed(thread.id, actor.user_id, thread.closed_at,
                                         tuple(await self._recipients(s, thread))))
        except NotFound:
            await self._record_denial(actor, "thread.close", thread_id)
            raise

    async def reopen_thread(self, actor: Actor, thread_id: str) -> None:
        if not actor.is_staff:
            raise NotAllowed("Only the care team can reopen a conversation.")
        try:
            async with self._uow() as work:
                s = work.session
                thread = await self._visible_thread(s, actor, thread_id)
                thread.closed_at = None
                thread.closed_reason_enc = None
                await self._audit.record(s, actor_id=actor.user_id, action="thread.reopen", object_type="thread",
                                         object_id=thread.id)
                work.record(ThreadReopened(thread.id, actor.user_id, self._clock.now(),
                                           tuple(await self._recipients(s, thread))))
        except NotFound:
            await self._record_denial(actor, "thread.reopen", thread_id)
            raise

    async def new_message_prefill(self, actor: Actor, thread_id: str) -> Prefill:
        """Team and subject for "Start a new message" from a conversation that can no longer be replied to."""
        async with self._db.read() as s:
            thread = await self._visible_thread(s, actor, thread_id)
            team = thread.team_id if await self._patient_may_write(s, actor.user_id, thread.team_id) else None
            subject = self._subject(thread)
        return Prefill(team, subject)

    # -- reading --------------------------------------------------------------------------------
    async def _visible_thread(self, s: AsyncSession, actor: Actor, thread_id: str) -> Thread:
        thread = (
            await s.execute(select(Thread).where(Thread.id == thread_id, visible_threads(actor)))
        ).scalar_one_or_none()
        if thread is None:
            raise NotFound("conversation")
        return thread

    async def _record_denial(self, actor: Actor, action: str, thread_id: str) -> None:
        # Its own transaction: the one that found nothing has been rolled back.
        await self._audit.record_alone(actor_id=actor.user_id, action=action, object_type="thread",
                                       object_id=(thread_id or "")[:64], outcome="denied")

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
                thread = await self._visible_thread(s, actor, thread_id)
                result = await s.execute(
                    update(Message)
                    .where(Message.thread_id == thread.id, Message.from_side == _other_side(actor),
                           Message.read_at.is_(None))
                    .values(read_at=self._clock.now(), read_by_id=actor.user_id)
                )
                if result.rowcount > 0 or always_record:
                    await self._audit.record(s, actor_id=actor.user_id, action="thread.read", object_type="thread",
                                             object_id=thread.id)
                if result.rowcount > 0:
                    work.record(MessagesRead(thread.id, actor.user_id, tuple(await self._recipients(s, thread))))
        except NotFound:
            await self._record_denial(actor, "thread.read", thread_id)
            raise

    async def view_thread(self, actor: Actor, thread_id: str) -> ThreadView:
        """The whole conversation in order, read only: what an open page redraws. `ThreadView.unseen` says whether
        the other side wrote something this person has not been marked as reading yet."""
        try:
            async with self._db.read() as s:
                thread = await self._visible_thread(s, actor, thread_id)
                rows = (
                    await s.execute(
                        select(Message, User.name)
                        .join(User, User.id == Message.sender_id)
                        .where(Message.thread_id == thread.id)
                        .order_by(Message.created_at, Message.id)
                    )
                ).all()
                team_name = (await s.get(CareTeam, thread.team_id)).name
                patient_name = (await s.get(User, thread.patient_id)).name
                reason, offer_new = await self._reply_blocked_reason(s, actor, thread)
                filing = await s.get(Filing, (actor.user_id, thread.id))
                files = await self._attachments.for_messages(s, [m.id for m, _ in rows])
        except NotFound:
            await self._record_denial(actor, "thread.read", thread_id)
            raise
        messages = [
            MessageView(m.id, m.from_side, name, self._body(m), as_utc(m.created_at),
                        as_utc(m.read_at) if m.read_at else None, fields=self._fields(m),
                        attachments=tuple(files.get(m.id, ())))
            for m, name in rows
        ]
        other = _other_side(actor)
        return ThreadView(thread.id, self._subject(thread), team_name, patient_name, thread.category,
                          thread.status, messages, can_reply=not reason, reply_blocked_reason=reason,
                          offer_new_message=offer_new, closed=thread.closed_at is not None,
                          in_trash=bool(filing and filing.trashed_at), folder_id=filing.folder_id if filing else None,
                          urgent=thread.urgent, urgent_evidence=self._urgent_evidence(thread) if actor.is_staff else "",
                          unseen=any(m.from_side == other and m.read_at is None for m in messages))

    def _unread_condition(self, actor: Actor):
        return exists().where(
            Message.thread_id == Thread.id, Message.from_side == _other_side(actor), Message.read_at.is_(None)
        )

    async def list_threads(self, actor: Actor, folder: str, *, page: int = 1, page_size: int = 10,
                           sort: str = "newest") -> ThreadPage:
        """One page of a folder. Folders: inbox (received), sent (sent by the actor), trash, a custom folder id,
        and worklist (staff: every thread of their teams). Sort: newest, oldest, team, subject."""
        if page_size not in PAGE_SIZES:
            raise ValidationError("Per page", f"Per page must be one of {', '.join(map(str, PAGE_SIZES))}.")
        if sort not in SORTS:
            raise ValidationError("Sort by", "Choose how to sort.")
        page = max(1, int(page))
        filed = Filing.__table__.alias("filed")
        conditions = [visible_threads(actor)]
        not_trashed = filed.c.trashed_at.is_(None)
        if folder == "inbox":
            conditions += [exists().where(Message.thread_id == Thread.id, Message.from_side == _other_side(actor)),
                           filed.c.folder_id.is_(None), not_trashed]
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
        unread = self._unread_condition(actor).label("unread")
        base = (
            select(Thread, CareTeam.name, User.name, unread)
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
            "team": (CareTeam.name.asc(), Thread.last_message_at.desc(), Thread.id),
            "subject": (Thread.last_message_at.desc(), Thread.id),
        }[sort]
        async with self._db.read() as s:
            total = (await s.execute(select(func.count()).select_from(base.subquery()))).scalar_one()
            query = base.order_by(*order)
            if sort != "subject":
                query = query.offset((page - 1) * page_size).limit(page_size)
            rows = (await s.execute(query)).all()
        items = [
            ThreadSummary(t.id, self._subject(t), team, patient, t.category, t.status, as_utc(t.last_message_at),
                          bool(is_unread), urgent=bool(t.urgent) and actor.is_staff)
            for t, team, patient, is_unread in rows
        ]
        if sort == "subject":
            # Subjects are sealed, so the database cannot sort them: sort the actor's own threads in memory.
            items.sort(key=lambda t: (t.subject.casefold(), t.id))
            items = items[(page - 1) * page_size : page * page_size]
        return ThreadPage(items, total, page, page_size)

    async def unread_count(self, actor: Actor) -> int:
        """Threads with a message from the other side that nobody on this side has opened yet."""
        async with self._db.read() as s:
            return await unread_threads_count(s, actor)
