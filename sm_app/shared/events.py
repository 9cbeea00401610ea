"""Domain events and the unit of work that carries them.

A service opens one unit of work per public write (`async with self._uow() as work:`), changes its own rows and
records what happened as events (`work.record(MessageSent(...))`). When its block ends without an error, the
*in-transaction* handlers run, in the order the events were recorded, inside the same transaction (the response
clock, the search index, the outbox email: they commit or roll back with the message); then the transaction
commits; then the *after-commit* handlers run (realtime pushes, ids only: nobody is told about a message that
might still roll back). Handlers are registered once, in bootstrap, so a service never calls another domain's side
effects by hand and adding a reaction to "a message was sent" means adding a handler, not editing messaging.

This is cosmicpython's message bus cut down to what the app needs (events only, no commands), with zulip's
"send on commit" for the after-commit side.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.db import Database

log = logging.getLogger(__name__)


# -- events ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThreadStarted:
    """A new conversation: by a patient (it needs an answer) or by the care team (nothing is owed)."""

    thread_id: str
    by: str
    at: datetime
    by_patient: bool


@dataclass(frozen=True)
class MessageSent:
    """A message was added to a thread. `words` (subject, body, answers) are for the search index only: events stay
    in this process and after-commit handlers pass on ids, never words."""

    thread_id: str
    message_id: str
    sender_id: str
    from_patient: bool
    at: datetime
    recipients: tuple[str, ...]  # told live (the sender included: their other tabs)
    email_to: tuple[str, ...]  # may get an email (the sender is skipped by the outbox)
    words: tuple[str, ...] = ()
    opens_thread: bool = False  # the first message of a thread (ThreadStarted already started its clock)


@dataclass(frozen=True)
class ThreadFlaggedUrgent:
    """A patient's message was flagged by the urgent-words check and sent anyway (recorded after its MessageSent,
    whose handlers have started the response clock): the care team puts the thread on the urgent clock and alerts
    its leads and whoever is on call."""

    thread_id: str
    message_id: str
    at: datetime


@dataclass(frozen=True)
class OutcomeRecorded:
    thread_id: str
    by: str
    at: datetime
    outcome: str
    status: str


@dataclass(frozen=True)
class ThreadClosed:
    thread_id: str
    by: str
    at: datetime
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class ThreadReopened:
    thread_id: str
    by: str
    at: datetime
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class MessagesRead:
    """Someone opened messages from the other side; the senders' open pages show the read receipt."""

    thread_id: str
    reader_id: str
    recipients: tuple[str, ...]
    reader_side: str = "team"  # "patient" | "team": a page ignores reads that change nothing it shows


@dataclass(frozen=True)
class ThreadTriaged:
    """Staff claimed, assigned, routed, or changed a thread's status or priority."""

    thread_id: str
    action: str
    recipients: tuple[str, ...]  # the team's staff and the patient (their view shows the status)


@dataclass(frozen=True)
class AlertsRaised:
    """The response-clock sweep raised reminders and escalations: (alert id, user id, kind) and, per thread, who."""

    alerts: tuple[tuple[str, str, str], ...]
    told: tuple[tuple[str, tuple[str, ...]], ...]  # (thread id, recipients)


@dataclass(frozen=True)
class ThreadFiled:
    """A person moved a thread to a folder, to Trash or back (only their own view changes)."""

    thread_id: str
    owner_id: str


@dataclass(frozen=True)
class BroadcastSent:
    broadcast_id: str
    staff: tuple[str, ...]  # the team's staff follow delivery reports


@dataclass(frozen=True)
class SessionsEnded:
    """One or all of a person's sessions ended (signed out, timed out, ended by an admin): their open pages check
    their own session again at once instead of asking the database on a timer."""

    user_id: str


@dataclass(frozen=True)
class HealthRecordChanged:
    """An entry of a patient's health record was added, edited, or marked inactive or active again: the patient's
    and the granted staff's open views of the record read it again."""

    patient_id: str
    entry_id: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class RecordSharingChanged:
    """A patient changed what a care team may do with their record: the team's open pages check their access at
    once (a withdrawn grant takes the record off their screens)."""

    patient_id: str
    team_id: str
    level: str
    recipients: tuple[str, ...]  # the team's staff and the patient (their other tabs)


@dataclass(frozen=True)
class AccountLinkIssued:
    """Identity minted a single-use link for someone (an invitation, a password reset, a new notification address to
    confirm); notifications queues its fixed-text email in the same transaction. `link` and `code` exist only in this
    event and the email: the database keeps their hashes."""

    token_id: str
    user_id: str
    to_address: str
    kind: str  # invitation | password_reset | verify_address
    link: str
    code: str = ""


# -- handlers and the unit of work -----------------------------------------------------------------------------------
@dataclass
class Work:
    """What a service holds inside its unit of work: the transaction and the events recorded so far."""

    session: AsyncSession
    events: list[Any] = field(default_factory=list)

    def record(self, event: Any) -> None:
        self.events.append(event)


InTransaction = Callable[[Work, Any], Awaitable[None]]
AfterCommit = Callable[[Any], None]


class EventHandlers:
    """Who reacts to which event; filled once by bootstrap."""

    def __init__(self) -> None:
        self._in_transaction: dict[type, list[InTransaction]] = defaultdict(list)
        self._after_commit: dict[type, list[AfterCommit]] = defaultdict(list)

    def in_transaction(self, event_type: type, handler: InTransaction) -> None:
        self._in_transaction[event_type].append(handler)

    def after_commit(self, event_type: type, handler: AfterCommit) -> None:
        self._after_commit[event_type].append(handler)

    async def run_in_transaction(self, work: Work) -> None:
        # By index: a handler may record further events, which are handled in turn.
        i = 0
        while i < len(work.events):
            event = work.events[i]
            for handler in self._in_transaction[type(event)]:
                await handler(work, event)
            i += 1

    def run_after_commit(self, events: list[Any]) -> None:
        for event in events:
            for handler in self._after_commit[type(event)]:
                try:
                    handler(event)
                except Exception:  # the change is committed; one failed push must not turn it into an error
                    log.exception("after-commit handler for %s failed", type(event).__name__)


class UnitOfWork:
    """`async with uow() as work:` — one write transaction, its events handled before and after commit."""

    def __init__(self, db: Database, handlers: EventHandlers):
        self._db = db
        self._handlers = handlers

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Work]:
        async with self._db.write() as session:
            work = Work(session)
            yield work
            await self._handlers.run_in_transaction(work)
        self._handlers.run_after_commit(work.events)
