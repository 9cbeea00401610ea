"""The changes staff make to a thread: claim, assign and route it (with a reason, sealed), set its status and
priority, and add internal notes.

Staff only. Each change is one unit of work on a visible thread (`access.visible_threads`; staff of another team get
"not found", exactly as for a thread that does not exist, and the denial is audited): the row is locked, changed,
a line is added to its hand-off history (`response_cycle.record_event`), the change is audited, and
`ThreadTriaged` tells the team's and the patient's open pages after commit. Waiting on patient and Completed stop
the response clock (`response_cycle.end_cycle`).

What staff read (the worklist, the panel's details) is in `worklist`; what messaging's events do to the clock and
the status is in `response_cycle`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.models import InternalNote, TeamMember, Thread, ThreadEvent, User, new_id
from sm_app.care_team.response_cycle import CLOCK_STOPPED, end_cycle, record_event
from sm_app.care_team.worklist import STATUSES
from sm_app.identity.accounts import Actor
from sm_app.identity.passwords import STAFF_ROLES
from sm_app.messaging.access import visible_threads
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError
from sm_app.shared.events import ThreadTriaged, UnitOfWork

REASON_MAX = 200
NOTE_MAX = 5_000


class Triage:
    """Staff's changes to a thread, each in its own unit of work."""

    def __init__(self, uow: UnitOfWork, keys: KeyRing, audit: AuditLog, clock: Clock):
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock

    # -- one change on one thread ---------------------------------------------------------------------
    async def _thread(self, s: AsyncSession, actor: Actor, thread_id: str) -> Thread:
        """The visible thread, its row locked (PostgreSQL) so two hand-offs at once apply one after the other."""
        if not actor.is_staff:
            raise NotFound("conversation")
        thread = (await s.execute(select(Thread).where(Thread.id == thread_id, visible_threads(actor))
                                  .with_for_update())).scalar_one_or_none()
        if thread is None:
            raise NotFound("conversation")
        return thread

    async def _team_staff_ids(self, s: AsyncSession, team_id: str) -> list[str]:
        """The active members of the team (they are told of the change)."""
        return list((await s.scalars(select(User.id).join(TeamMember, TeamMember.user_id == User.id)
                                     .where(TeamMember.team_id == team_id, User.active.is_(True))
                                     .order_by(User.name))).all())

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
                thread = await self._thread(s, actor, thread_id)
                await apply(work, thread, self._clock.now())
                await self._audit.record(s, actor_id=actor.user_id, action=action, object_type="thread",
                                         object_id=thread.id)
                staff = await self._team_staff_ids(s, thread.team_id)
                # The patient's pages show the status too (their view re-reads what they may see).
                work.record(ThreadTriaged(thread.id, action, (*staff, thread.patient_id)))
        except NotFound:
            await self._record_denial(actor, action, thread_id)
            raise

    # -- hand-offs ------------------------------------------------------------------------------------
    async def claim(self, actor: Actor, thread_id: str) -> None:
        """Take a thread: it becomes the actor's, and New becomes In progress."""
        async def apply(work, thread, now):
            thread.assignee_id = actor.user_id
            if thread.status == "new":
                thread.status = "in_progress"
            await record_event(work, thread, now, "claimed", actor_id=actor.user_id, assignee_id=actor.user_id)

        await self._change(actor, thread_id, "thread.claim", apply)

    async def assign(self, actor: Actor, thread_id: str, assignee_id: str, reason: str = "") -> None:
        """Hand a thread to a member of its care team (nobody else can be assigned)."""
        reason = self._reason(reason, required=False)

        async def apply(work, thread, now):
            member = (await work.session.execute(
                select(User.id).join(TeamMember, TeamMember.user_id == User.id)
                .where(TeamMember.team_id == thread.team_id, User.id == assignee_id, User.active.is_(True))
            )).first()
            if member is None:
                raise ValidationError("Assign to", "Choose a member of this care team.")
            thread.assignee_id = assignee_id
            event = await record_event(work, thread, now, "assigned", actor_id=actor.user_id, assignee_id=assignee_id)
            self._sealed_reason(event, reason)

        await self._change(actor, thread_id, "thread.assign", apply)

    async def route(self, actor: Actor, thread_id: str, role: str | None, reason: str) -> None:
        """Send a thread to a role pool (or the whole team, role None), unassigned, with a reason."""
        if role not in (None, "", *STAFF_ROLES):
            raise ValidationError("Route to", "Choose a pool.")
        reason = self._reason(reason, required=True)

        async def apply(work, thread, now):
            thread.pool_role = role or None
            thread.assignee_id = None
            event = await record_event(work, thread, now, "routed", actor_id=actor.user_id, role=thread.pool_role)
            self._sealed_reason(event, reason)

        await self._change(actor, thread_id, "thread.route", apply)

    async def set_status(self, actor: Actor, thread_id: str, status: str) -> None:
        """New → In progress → Waiting on patient → Completed. Waiting and Completed stop the clock."""
        if status not in STATUSES:
            raise ValidationError("Status", "Choose a status.")

        async def apply(work, thread, now):
            if thread.status == status:
                return
            thread.status = status
            if status in CLOCK_STOPPED:
                await end_cycle(work, thread, now)
            await record_event(work, thread, now, "status", actor_id=actor.user_id, status=status)

        await self._change(actor, thread_id, "thread.status", apply)

    async def set_priority(self, actor: Actor, thread_id: str, priority: str) -> None:
        """Routine or urgent; urgent threads head the worklist."""
        if priority not in ("routine", "urgent"):
            raise ValidationError("Priority", "Choose routine or urgent.")

        async def apply(work, thread, now):
            if bool(thread.urgent) == (priority == "urgent"):
                return
            thread.urgent = priority == "urgent"
            await record_event(work, thread, now, "priority", actor_id=actor.user_id, status=priority)

        await self._change(actor, thread_id, "thread.priority", apply)

    async def add_note(self, actor: Actor, thread_id: str, text: str) -> None:
        """An internal note for the team. Patients never see it; it is not searchable and not exported."""
        text = (text or "").strip()
        if not text:
            raise ValidationError("Internal note", "Write the note first.")
        if len(text) > NOTE_MAX:
            raise ValidationError("Internal note", f"A note can be at most {NOTE_MAX:,} characters.")

        async def apply(work, thread, now):
            note = InternalNote(id=new_id(), thread_id=thread.id, author_id=actor.user_id, created_at=now,
                                body_enc=b"")
            note.body_enc = self._keys.seal(text, table="internal_notes", row_id=note.id, column="body")
            work.session.add(note)

        await self._change(actor, thread_id, "thread.note", apply)
