"""What sending (`threads.py`) and reading (`mailbox.py`) a conversation share: finding a thread the actor may see,
who is on it, whether the actor may reply now, and opening its sealed text.

Internal to messaging (an import contract keeps every other package out): these helpers work inside the calling
service's transaction and on ORM rows, which never leave messaging's services.
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.models import Message, PatientTeam, TeamMember, Thread
from sm_app.identity.accounts import Actor
from sm_app.messaging.access import visible_to
from sm_app.messaging.outcomes import outcome_label
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound

# Whether a patient may still write to a team (None: not their team), as a column: every patient's send asks.
_LINK_BLOCKED = select(PatientTeam.blocked).where(PatientTeam.patient_id == bindparam("patient_id"),
                                                  PatientTeam.team_id == bindparam("team_id"))


def _visible(actor: Actor, thread_id: str, what: str) -> tuple:
    """(statement, parameters) for one thread under the access rule: built once per kind of reader and `what`, with
    the thread and the reader as bound parameters (every send, page load and read mark asks; a statement built anew
    each time is built and its cache key computed each time)."""
    if not (actor.is_patient or actor.is_staff):
        return _visible_statement(None, what), {"thread_id": thread_id}
    return _visible_statement(actor.is_patient, what), {"thread_id": thread_id, "user_id": actor.user_id}


@cache
def _visible_statement(patient: bool | None, what: str):
    rule = false() if patient is None else visible_to(patient=patient, user_id=bindparam("user_id"))
    columns = (Thread.id, Thread.team_id, Thread.patient_id) if what == "keys" else (Thread,)
    query = select(*columns).where(Thread.id == bindparam("thread_id"), rule)
    return query.with_for_update() if what == "thread_locked" else query


def side(actor: Actor) -> str:
    return "patient" if actor.is_patient else "team"


def other_side(actor: Actor) -> str:
    return "team" if actor.is_patient else "patient"


class ThreadRules:
    def __init__(self, keys: KeyRing, audit: AuditLog, clock: Clock, *, reply_window_days: int):
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self.reply_window = timedelta(days=reply_window_days)

    # -- sealed text ----------------------------------------------------------------------------
    def subject(self, t: Thread) -> str:
        return self._keys.open(t.subject_enc, table="threads", row_id=t.id, column="subject")

    def body(self, m: Message) -> str:
        return self._keys.open(m.body_enc, table="messages", row_id=m.id, column="body")

    def fields(self, m: Message) -> tuple[tuple[str, str], ...]:
        if m.fields_enc is None:
            return ()
        raw = self._keys.open(m.fields_enc, table="messages", row_id=m.id, column="fields")
        return tuple((label, value) for label, value in json.loads(raw))

    def urgent_evidence(self, thread: Thread) -> str:
        if thread.urgent_evidence_enc is None:
            return ""
        return self._keys.open(thread.urgent_evidence_enc, table="threads", row_id=thread.id, column="urgent_evidence")

    def closed_reason(self, thread: Thread) -> str:
        if thread.closed_reason_enc is None:
            return ""
        return self._keys.open(thread.closed_reason_enc, table="threads", row_id=thread.id, column="closed_reason")

    def outcome(self, thread: Thread) -> str:
        """The recorded outcome's label ("Renewal approved"), "" when none was recorded."""
        key = thread.outcome  # recorded before outcomes were sealed
        if thread.outcome_enc is not None:
            key = self._keys.open(thread.outcome_enc, table="threads", row_id=thread.id, column="outcome")
        return outcome_label(key)

    # -- who sees, who is told, who may reply ---------------------------------------------------
    async def visible_thread(self, s: AsyncSession, actor: Actor, thread_id: str, *, lock: bool = False) -> Thread:
        """The thread if the actor may see it. `lock`: hold its row until the transaction ends (PostgreSQL; SQLite's
        write transactions are serial anyway), so writers of one conversation take turns."""
        thread = (await s.execute(*_visible(actor, thread_id, "thread_locked" if lock else "thread"))
                  ).scalar_one_or_none()
        if thread is None:
            raise NotFound("conversation")
        return thread

    async def visible_thread_keys(self, s: AsyncSession, actor: Actor, thread_id: str):
        """The thread's id, team_id and patient_id if the actor may see it: for a change that needs no more of the
        thread (marking read). Columns, not the mapped Thread: such a read skips the ORM (db.InlineReadSession)."""
        found = (await s.execute(*_visible(actor, thread_id, "keys"))).one_or_none()
        if found is None:
            raise NotFound("conversation")
        return found

    async def record_denial(self, actor: Actor, action: str, thread_id: str) -> None:
        # Its own transaction: the one that found nothing has been rolled back.
        await self._audit.record_alone(actor_id=actor.user_id, action=action, object_type="thread",
                                       object_id=(thread_id or "")[:64], outcome="denied")

    async def recipients(self, s: AsyncSession, thread) -> list[str]:
        """The patient and the team's staff (`thread`: a Thread, or a row with its team_id and patient_id)."""
        staff = (await s.scalars(select(TeamMember.user_id).where(TeamMember.team_id == thread.team_id))).all()
        return [thread.patient_id, *staff]

    async def patient_may_write(self, s: AsyncSession, patient_id: str, team_id: str) -> bool:
        blocked = (await s.execute(_LINK_BLOCKED, {"patient_id": patient_id, "team_id": team_id})).scalar_one_or_none()
        return blocked is not None and not blocked

    async def reply_blocked_reason(self, s: AsyncSession, actor: Actor, thread: Thread) -> tuple[str, bool]:
        """Why this actor cannot reply now ("" if they can), and whether a new message to the team is possible."""
        may_write = actor.is_patient and await self.patient_may_write(s, actor.user_id, thread.team_id)
        return self.blocked_reason(actor, thread, patient_may_write=may_write)

    def blocked_reason(self, actor: Actor, thread: Thread, *, patient_may_write: bool) -> tuple[str, bool]:
        """`reply_blocked_reason` when the caller has read whether the patient may still write to the team."""
        if actor.is_patient:
            if not patient_may_write:
                return "You can no longer send messages to this care team.", False
            if thread.closed_at is not None:
                reason = self.closed_reason(thread)
                return (f"Your care team closed this conversation ({reason}), so it cannot be replied to. "
                        "You can start a new message instead."), True
            if self._clock.now() - as_utc(thread.last_message_at) > self.reply_window:
                days = self.reply_window.days
                return (f"The last message in this conversation is more than {days} days old, so it cannot be "
                        "replied to. You can start a new message instead."), True
            return "", False
        if thread.closed_at is not None:
            return "This conversation is closed. Reopen it to reply.", False
        return "", False
