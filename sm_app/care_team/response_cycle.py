"""The response clock's bookkeeping inside other services' transactions: response cycles, the hand-off history,
and the care team's in-transaction handlers of messaging's events.

The clock runs in cycles (`response_cycles`): a patient's message that needs an answer opens a cycle if none is
open (received, reminder, due, second escalation computed by the clinic's `ResponseClock`); the team's reply
answers it; Completed, Waiting on patient and closing stop it. `threads.due_at` / `awaiting_since` mirror the open
cycle so the worklist filters and sorts on an index.

Everything here runs inside a unit of work someone else opened and takes its `Work`: messaging's sends, outcomes,
closing and reopening reach it through `register_handlers` (bootstrap wires them), so the clock, the status and the
history line commit or roll back with the message; triage's changes call `end_cycle` and `record_event` from
their own unit of work. It lives apart from `triage` (staff's changes) and `worklist` (what staff read) because
it is driven by events, not by a person acting on a thread.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.models import ResponseCycle, Thread, ThreadEvent, new_id
from sm_app.care_team.clinic_settings import ClinicSettings
from sm_app.care_team.response_clock import ResponseClock
from sm_app.shared.events import (
    EventHandlers,
    MessageSent,
    OutcomeRecorded,
    ThreadClosed,
    ThreadReopened,
    ThreadStarted,
    Work,
)

# Statuses in which the team owes the patient nothing: the clock is stopped.
CLOCK_STOPPED = ("waiting_on_patient", "completed")


async def end_cycle(work: Work, thread: Thread, now: datetime, *, answered_by: str | None = None) -> None:
    """Stop the clock: answered by the team (a reply), or no answer owed any more (completed, waiting, closed)."""
    cycle = (await work.session.execute(
        select(ResponseCycle).where(ResponseCycle.thread_id == thread.id, ResponseCycle.ended_at.is_(None))
    )).scalar_one_or_none()
    if cycle is not None:
        cycle.ended_at = now
        cycle.next_alert_at = None
        if answered_by is not None:
            cycle.answered_at, cycle.answered_by_id = now, answered_by
    if thread.awaiting_since is not None or thread.due_at is not None:  # else the thread stays as it was read
        thread.awaiting_since = None
        thread.due_at = None


async def record_event(work: Work, thread: Thread, at: datetime, kind: str, *, actor_id: str | None = None,
                       assignee_id: str | None = None, role: str | None = None,
                       status: str | None = None) -> ThreadEvent:
    """Add a line to the thread's history; flushed so its id (order, and a reason's sealing binding) exists."""
    event = ThreadEvent(thread_id=thread.id, at=at, actor_id=actor_id, kind=kind, assignee_id=assignee_id, role=role,
                        status=status)
    work.session.add(event)
    await work.session.flush()
    return event


async def _open_cycle(work: Work, thread: Thread, clock: ResponseClock, received_at: datetime) -> None:
    """A patient's message needs an answer: start the clock unless one is already running for this thread."""
    s = work.session
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


async def _on_new_thread(work: Work, thread: Thread, settings: ClinicSettings, now: datetime) -> None:
    """A patient's new conversation: route it by category into a role pool and start the clock."""
    thread.status = "new"
    thread.pool_role = (await settings.routing_in(work)).get(thread.category)
    await record_event(work, thread, now, "created", role=thread.pool_role)
    await _open_cycle(work, thread, await settings.clock_in(work, thread.team_id), now)


async def _on_patient_message(work: Work, thread: Thread, settings: ClinicSettings, now: datetime) -> None:
    """A patient's new message reopens a finished or waiting thread and starts the clock if it is stopped."""
    if thread.status in CLOCK_STOPPED:
        thread.status = "in_progress" if thread.assignee_id else "new"
        await record_event(work, thread, now, "reopened", status=thread.status)
    await _open_cycle(work, thread, await settings.clock_in(work, thread.team_id), now)


async def _on_team_reply(work: Work, thread: Thread, sender_id: str, now: datetime) -> None:
    if thread.status == "new":
        thread.status = "in_progress"
    await end_cycle(work, thread, now, answered_by=sender_id)


def register_handlers(handlers: EventHandlers, settings: ClinicSettings, keys: KeyRing) -> None:
    """The response clock, statuses and the hand-off history follow what messaging records, in its transaction."""

    async def thread_started(work: Work, e: ThreadStarted) -> None:
        thread = await work.session.get(Thread, e.thread_id)
        if e.by_patient:
            await _on_new_thread(work, thread, settings, e.at)
        else:
            await record_event(work, thread, e.at, "team_started", actor_id=e.by)

    async def message_sent(work: Work, e: MessageSent) -> None:
        if e.opens_thread:
            return  # ThreadStarted has set the clock for a new thread
        thread = await work.session.get(Thread, e.thread_id)
        if e.from_patient:
            await _on_patient_message(work, thread, settings, e.at)
        else:
            await _on_team_reply(work, thread, e.sender_id, e.at)

    async def outcome_recorded(work: Work, e: OutcomeRecorded) -> None:
        thread = await work.session.get(Thread, e.thread_id)
        thread.status = e.status
        await end_cycle(work, thread, e.at)
        event = await record_event(work, thread, e.at, "outcome", actor_id=e.by)
        event.outcome_enc = keys.seal(e.outcome, table="thread_events", row_id=str(event.id), column="outcome")

    async def thread_closed(work: Work, e: ThreadClosed) -> None:
        # A closed conversation owes the patient nothing more: stop the response clock, and it is done.
        thread = await work.session.get(Thread, e.thread_id)
        await end_cycle(work, thread, e.at)
        thread.status = "completed"
        await record_event(work, thread, e.at, "closed", actor_id=e.by)

    async def thread_reopened(work: Work, e: ThreadReopened) -> None:
        thread = await work.session.get(Thread, e.thread_id)
        thread.status = "in_progress"
        await record_event(work, thread, e.at, "unclosed", actor_id=e.by)

    handlers.in_transaction(ThreadStarted, thread_started)
    handlers.in_transaction(MessageSent, message_sent)
    handlers.in_transaction(OutcomeRecorded, outcome_recorded)
    handlers.in_transaction(ThreadClosed, thread_closed)
    handlers.in_transaction(ThreadReopened, thread_reopened)
