"""Sending: a patient starts a conversation or replies, the care team starts one, answers, records an outcome,
closes or reopens it. (What a person reads is `mailbox.py`.)

Every method takes the acting user and applies one deny-by-default visibility rule (`visible_threads`, through
`thread_rules.py`): a patient reaches only their own threads, staff only threads of the care teams they belong to,
everybody else nothing. A thread outside the rule is reported exactly like a thread that does not exist. Subjects
and bodies are sealed with the key ring before they reach the database; what else a send sets off is a handler of
the events recorded here.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, Filing, Message, PatientTeam, Preferences, Thread, new_id
from sm_app.identity.accounts import Actor, team_name_for
from sm_app.messaging.attachment_files import AttachmentStore
from sm_app.messaging.attachments import PendingFile, recheck
from sm_app.messaging.outcomes import build_outcome
from sm_app.messaging.send_keys import Claim, EarlierSend, SendKeys
from sm_app.messaging.templates import Templates, check_answers
from sm_app.messaging.thread_rules import ThreadRules, side
from sm_app.safety.urgency import UrgencyDecision, assess
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError, every_problem
from sm_app.shared.events import (
    ArticlesAttached,
    MessageSent,
    OutcomeRecorded,
    ThreadClosed,
    ThreadFlaggedUrgent,
    ThreadReopened,
    ThreadStarted,
    UnitOfWork,
    Work,
)

CATEGORIES = ("General", "Appointment", "Medication", "Test results", "Education", "Administrative")
SUBJECT_MAX = 100
BODY_MAX = 10_000
CLOSE_REASON_MAX = 200

# A reply's writes, built once (their compiled form is cached by the statement): the message row, the thread's time,
# and the conversation back out of the other side's Trash.
_MESSAGES = Message.__table__
_WRITE_MESSAGE = insert(_MESSAGES)
_TOUCH_THREAD = (update(Thread.__table__).where(Thread.__table__.c.id == bindparam("b_thread"))
                 .values(last_message_at=bindparam("b_at")))
_UNTRASH = (update(Filing.__table__)
            .where(Filing.__table__.c.thread_id == bindparam("b_thread"),
                   Filing.__table__.c.user_id != bindparam("b_sender"))
            .values(trashed_at=None))

_SIGNATURE = select(Preferences.signature_on, Preferences.signature_name, Preferences.signature_title).where(
    Preferences.user_id == bindparam("user_id"))


def _message_row(message: Message) -> dict:
    return {c.key: getattr(message, c.key) for c in _MESSAGES.c}


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
class Prefill:
    team_id: str | None
    subject: str


@dataclass(frozen=True)
class SentMessage:
    thread_id: str
    message_id: str


def too_long(label: str, text: str, limit: int) -> str | None:
    """What a field says when it holds more than `limit` characters (None when it does not)."""
    n = len(text or "")
    return None if n <= limit else f"{label} must be at most {limit:,} characters (it has {n:,})."


def check_subject(subject: str) -> str:
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError("Subject", "Subject is required.")
    if problem := too_long("Subject", subject, SUBJECT_MAX):
        raise ValidationError("Subject", problem)
    return subject


def check_team_chosen(team_id: str) -> str:
    if not team_id:
        raise ValidationError("To", "Choose a care team in To.")
    return team_id


def check_category(category: str) -> str:
    if category not in CATEGORIES:
        raise ValidationError("Category", "Choose a category.")
    return category


def check_body(body: str) -> str:
    if not (body or "").strip():
        raise ValidationError("Message", "Message is required.")
    if problem := too_long("Message", body, BODY_MAX):
        raise ValidationError("Message", problem)
    return body


class Messaging:
    """Threads and messages. What else a send sets off (the response clock, the search index, the email, the live
    push) are handlers of the events it records (`events.py`, wired in bootstrap); messaging calls none of them."""

    def __init__(self, db: Database, uow: UnitOfWork, keys: KeyRing, audit: AuditLog, clock: Clock, *,
                 reply_window_days: int, templates: Templates, attachments: AttachmentStore):
        self._db = db
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._templates = templates
        self._attachments = attachments
        self._rules = ThreadRules(keys, audit, clock, reply_window_days=reply_window_days)
        self._sends = SendKeys(db, clock)

    # -- who may write to whom ------------------------------------------------------------------
    async def teams_for_compose(self, actor: Actor) -> list[TeamChoice]:
        """Care teams this patient may write to: associated and not blocked."""
        if not actor.is_patient:
            return []
        async with self._db.read() as s:
            rows = await s.execute(
                select(CareTeam.id, team_name_for(actor))
                .join(PatientTeam, PatientTeam.team_id == CareTeam.id)
                .where(PatientTeam.patient_id == actor.user_id, PatientTeam.blocked.is_(False))
                .order_by("name")
            )
            return [TeamChoice(r.id, r.name) for r in rows]

    # -- writing --------------------------------------------------------------------------------
    async def start_thread(self, actor: Actor, *, team_id: str, category: str, subject: str, body: str,
                           urgent_acknowledged: bool = False, template_key: str | None = None,
                           answers: dict[str, str] | None = None, files: list[PendingFile] | None = None,
                           send_key: str | None = None) -> SentMessage:
        """A patient starts a conversation with one of their care teams.

        When the text suggests an emergency, raises UrgentCheck unless the patient has seen the emergency
        notice again and chosen to send anyway; the thread is then flagged urgent for the team. Every field that
        is missing or too long is named at once (one ValidationError with all the problems). With a `send_key`, a
        second call with the same key sends nothing and returns the first call's result.
        """
        if not actor.is_patient:
            raise NotAllowed("Only patients start conversations here.")
        return await self._sends.once(
            actor.user_id, send_key,
            lambda claim: self._start_thread(actor, claim, team_id=team_id, category=category, subject=subject,
                                             body=body, urgent_acknowledged=urgent_acknowledged,
                                             template_key=template_key, answers=answers, files=files),
            self._earlier_message)

    async def _earlier_message(self, earlier: EarlierSend) -> SentMessage:
        return SentMessage(earlier.thread_id, earlier.message_id)

    async def _start_thread(self, actor: Actor, claim: Claim, *, team_id: str, category: str, subject: str,
                            body: str, urgent_acknowledged: bool, template_key: str | None,
                            answers: dict[str, str] | None, files: list[PendingFile] | None) -> SentMessage:
        template = None
        if template_key:
            try:
                template = await self._templates.get(template_key)
            except NotFound:
                raise ValidationError("Template", "Choose a template from the list.") from None

        def checked_text() -> tuple[str, list[tuple[str, str]]]:
            if template is None:
                return check_body(body), []
            fields = check_answers(template, answers or {})
            # With a template the answers carry the request; the free-text message is optional.
            return (check_body(body) if (body or "").strip() else ""), fields

        _, _, subject, (body, fields) = every_problem(
            lambda: check_team_chosen(team_id), lambda: check_category(category), lambda: check_subject(subject),
            checked_text)
        files = self._recheck(files)
        # Off the event loop: a long message takes tens of milliseconds to read; other pages would wait meanwhile.
        urgency = await asyncio.to_thread(assess, subject, body, *(answer for _, answer in fields))
        if urgency.urgent and not urgent_acknowledged:
            raise UrgentCheck(urgency)
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            await claim.take(s)
            if not await self._rules.patient_may_write(s, actor.user_id, team_id):
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
            await claim.made(thread_id=thread.id, message_id=message.id)
            await self._audit.record(s, actor_id=actor.user_id, action="message.send", object_type="thread",
                                     object_id=thread.id, detail=f"message={message.id}")
            recipients = tuple(await self._rules.recipients(s, thread))
            work.record(ThreadStarted(thread.id, actor.user_id, now, by_patient=True))
            work.record(MessageSent(thread.id, message.id, actor.user_id, True, now, recipients, recipients,
                                    words=(subject, body, *(answer for _, answer in fields)), opens_thread=True))
            if urgency.urgent:
                work.record(ThreadFlaggedUrgent(thread.id, message.id, now))
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
        message = Message(id=new_id(), thread_id=thread.id, sender_id=actor.user_id, from_side=side(actor),
                          created_at=now, body_enc=b"")
        message.body_enc = self._keys.seal(body, table="messages", row_id=message.id, column="body")
        return message

    async def reply(self, actor: Actor, thread_id: str, body: str, *, urgent_acknowledged: bool = False,
                    files: list[PendingFile] | None = None, send_key: str | None = None,
                    articles: tuple[str, ...] = ()) -> SentMessage:
        """Add a message to a thread the actor can see. A patient's urgent-sounding reply is checked like a new one.
        With a `send_key`, a second call with the same key sends nothing and returns the first call's result.
        Staff may attach library `articles` (ids); the library's handler of `ArticlesAttached` records them."""
        if articles and not actor.is_staff:
            raise NotAllowed("Only the care team sends library articles.")

        async def send(claim: Claim) -> SentMessage:
            checked = check_body(body)
            checked_files = self._recheck(files)
            urgency = await asyncio.to_thread(assess, checked) if actor.is_patient else UrgencyDecision(False)
            if urgency.urgent and not urgent_acknowledged:
                raise UrgentCheck(urgency)
            return await self._append(actor, thread_id, checked, urgency=urgency, files=checked_files, claim=claim,
                                      articles=tuple(dict.fromkeys(articles)))

        return await self._sends.once(actor.user_id, send_key, send, self._earlier_message)

    async def send_outcome(self, actor: Actor, thread_id: str, outcome: str, *, on_date: str = "", at_time: str = "",
                           place: str = "", note: str = "", send_key: str | None = None) -> SentMessage:
        """Staff record the outcome of a template request; the patient sees it in the thread as a message.
        With a `send_key`, a second call with the same key sends nothing and returns the first call's result."""
        if not actor.is_staff:
            raise NotAllowed("Only the care team records outcomes.")

        async def send(claim: Claim) -> SentMessage:
            async with self._db.read() as s:
                template_key = (await self._rules.visible_thread(s, actor, thread_id)).template_key
            result = build_outcome(template_key, outcome, on_date=on_date, at_time=at_time, place=place, note=note)
            return await self._append(actor, thread_id, result.body, urgency=UrgencyDecision(False), files=[],
                                      fields=result.fields, outcome=(result.key, result.status), claim=claim)

        return await self._sends.once(actor.user_id, send_key, send, self._earlier_message)

    async def _append(self, actor: Actor, thread_id: str, body: str, *, urgency: UrgencyDecision,
                      files: list[PendingFile], claim: Claim, fields: tuple[tuple[str, str], ...] = (),
                      outcome: tuple[str, str] | None = None, articles: tuple[str, ...] = ()) -> SentMessage:
        try:
            async with self._uow() as work:
                s = work.session
                # Messages of one conversation are ordered by when they were written, and an open page asks only for
                # those after the last one it shows (`view_thread(after=…)`). So the time is taken with the
                # conversation locked, and never before its latest message: two sends at once (patient and nurse, or
                # two processes whose clocks differ) can no longer commit in one order and be dated in the other,
                # which left the earlier-dated one off the open page until it was reloaded.
                thread = await self._rules.visible_thread(s, actor, thread_id, lock=True)
                now = self._clock.now()
                latest = as_utc(thread.last_message_at) if thread.last_message_at else None
                if latest is not None and now <= latest:
                    now = latest + timedelta(microseconds=1)
                await claim.take(s)
                reason, _ = await self._rules.reply_blocked_reason(s, actor, thread)
                if reason:
                    raise ValidationError("Message", reason)
                message = self._new_message(thread, actor, await self._signed(s, actor, body), now)
                if fields:
                    message.fields_enc = self._keys.seal(json.dumps(fields), table="messages", row_id=message.id,
                                                         column="fields")
                # The message row and the thread's time as statements on their tables, the loaded thread told of
                # the new time as if it had been read so: the session stays clean, so what follows runs on its
                # connection without the ORM (db.InlineWriteSession), about a third of a send's CPU before.
                await s.execute(_WRITE_MESSAGE, _message_row(message))
                await s.execute(_TOUCH_THREAD, {"b_thread": thread.id, "b_at": now})
                set_committed_value(thread, "last_message_at", now)
                await self._store_files(s, message, files)
                await claim.made(thread_id=thread.id, message_id=message.id)
                self._flag_urgent(thread, urgency)
                # A new message from the other side brings a trashed conversation back, so it is not missed.
                await s.execute(_UNTRASH, {"b_thread": thread.id, "b_sender": actor.user_id})
                await self._audit.record(s, actor_id=actor.user_id, action="message.send", object_type="thread",
                                         object_id=thread.id, detail=f"message={message.id}")
                recipients = tuple(await self._rules.recipients(s, thread))
                work.record(MessageSent(thread.id, message.id, actor.user_id, actor.is_patient, now, recipients,
                                        recipients, words=(body,)))
                if urgency.urgent:
                    work.record(ThreadFlaggedUrgent(thread.id, message.id, now))
                if articles:
                    work.record(ArticlesAttached(thread.id, message.id, actor.user_id, now, articles))
                if outcome is not None:
                    thread.outcome_enc = self._keys.seal(outcome[0], table="threads", row_id=thread.id,
                                                         column="outcome")
                    work.record(OutcomeRecorded(thread.id, actor.user_id, now, outcome[0], outcome[1]))
        except NotFound:
            await self._rules.record_denial(actor, "message.send", thread_id)
            raise
        return SentMessage(thread.id, message.id)

    def _recheck(self, files: list[PendingFile] | None) -> list[PendingFile]:
        return recheck(files) if files else []

    async def _store_files(self, s: AsyncSession, message: Message, files: list[PendingFile]) -> None:
        if files:
            await s.flush()  # a new thread's message is added to the session: its row must exist before attachments
            await self._attachments.store(s, files, message_id=message.id)

    def _flag_urgent(self, thread: Thread, urgency: UrgencyDecision) -> None:
        if urgency.urgent:
            thread.urgent = True
            thread.urgent_language = urgency.language
            label = f"{urgency.label} (learned)" if urgency.learned else urgency.label
            thread.urgent_evidence_enc = self._keys.seal(f"{label}: {urgency.explanation()}", table="threads",
                                                         row_id=thread.id, column="urgent_evidence")

    async def _signed(self, s: AsyncSession, actor: Actor, body: str) -> str:
        prefs = (await s.execute(_SIGNATURE, {"user_id": actor.user_id})).one_or_none()
        if prefs is None or not prefs.signature_on or not (prefs.signature_name or prefs.signature_title):
            return body
        lines = [x for x in (prefs.signature_name, prefs.signature_title) if x]
        return body.rstrip() + "\n\n" + "\n".join(lines)

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
                thread = await self._rules.visible_thread(s, actor, thread_id)
                thread.closed_at = self._clock.now()
                thread.closed_reason_enc = self._keys.seal(reason, table="threads", row_id=thread.id,
                                                           column="closed_reason")
                await self._audit.record(s, actor_id=actor.user_id, action="thread.close", object_type="thread",
                                         object_id=thread.id)
                work.record(ThreadClosed(thread.id, actor.user_id, thread.closed_at,
                                         tuple(await self._rules.recipients(s, thread))))
        except NotFound:
            await self._rules.record_denial(actor, "thread.close", thread_id)
            raise

    async def reopen_thread(self, actor: Actor, thread_id: str) -> None:
        if not actor.is_staff:
            raise NotAllowed("Only the care team can reopen a conversation.")
        try:
            async with self._uow() as work:
                s = work.session
                thread = await self._rules.visible_thread(s, actor, thread_id)
                thread.closed_at = None
                thread.closed_reason_enc = None
                await self._audit.record(s, actor_id=actor.user_id, action="thread.reopen", object_type="thread",
                                         object_id=thread.id)
                work.record(ThreadReopened(thread.id, actor.user_id, self._clock.now(),
                                           tuple(await self._rules.recipients(s, thread))))
        except NotFound:
            await self._rules.record_denial(actor, "thread.reopen", thread_id)
            raise

    async def new_message_prefill(self, actor: Actor, thread_id: str) -> Prefill:
        """Team and subject for "Start a new message" from a conversation that can no longer be replied to."""
        async with self._db.read() as s:
            thread = await self._rules.visible_thread(s, actor, thread_id)
            team = thread.team_id if await self._rules.patient_may_write(s, actor.user_id, thread.team_id) else None
            subject = self._rules.subject(thread)
        return Prefill(team, subject)
