"""Urgent threads: their own response clock, and an alert at once to the team leads and whoever is on call.

When a patient sends a message the urgent-words check flagged (they saw the emergency notice again and chose "Send
anyway"), messaging records `ThreadFlaggedUrgent` after its `MessageSent`. The response cycle's handlers have by then
opened (or kept) the thread's cycle; this handler, in the same transaction:

  1. puts the cycle on the urgent clock (`urgent_target_business_hours`, a clinic setting, default 1): the due time
     moves earlier, never later, and the reminder stage is skipped (the alert below stands in for it);
  2. alerts the team's leads and its members marked on call (the clinic admin sets the mark), or the whole team when
     the team has neither, in the app and by email (the outbox's `AlertsRaised` handler; fixed text, no health
     information);
  3. writes the history line and the audit entry.

When the urgent clock runs out and nobody on the team has opened the patient's messages since the flag, the sweep
(`escalation.py`) escalates to the whole team and the clinic admin. An alert is unique per (person, thread, kind,
due time), so two urgent messages whose clock ends at the same time (e.g. both on one weekend night) alert once.
"""

from __future__ import annotations

from sqlalchemy import select

from sm_app.adapters.clock import as_utc
from sm_app.adapters.models import ResponseCycle, StaffAlert, TeamMember, Thread, ThreadEvent, User, new_id
from sm_app.care_team.clinic_settings import ClinicSettings
from sm_app.shared.audit import AuditLog
from sm_app.shared.events import AlertsRaised, EventHandlers, ThreadFlaggedUrgent, Work

URGENT_ALERT = "urgent"


async def first_responders(work: Work, team_id: str) -> list[str]:
    """Who hears of an urgent thread at once: the team's active leads and members on call; the whole team when it
    has neither (someone must hear of it rather than nobody)."""
    rows = (await work.session.execute(
        select(TeamMember.user_id, TeamMember.is_lead, TeamMember.on_call)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.team_id == team_id, User.active.is_(True)).order_by(TeamMember.user_id))).all()
    return [u for u, lead, on_call in rows if lead or on_call] or [u for u, _, _ in rows]


def register_handlers(handlers: EventHandlers, settings: ClinicSettings, audit: AuditLog) -> None:
    """The urgent clock and the immediate alert follow messaging's `ThreadFlaggedUrgent`, in its transaction."""

    async def flagged(work: Work, e: ThreadFlaggedUrgent) -> None:
        s = work.session
        thread = await s.get(Thread, e.thread_id)
        cycle = (await s.execute(select(ResponseCycle).where(ResponseCycle.thread_id == thread.id,
                                                             ResponseCycle.ended_at.is_(None)))).scalar_one_or_none()
        if cycle is None:
            return  # nothing is owed on this thread (a patient's message always opens a cycle; defensive)
        urgent = (await settings.clock_in(work, thread.team_id)).urgent_deadlines(e.at)
        if cycle.urgent_at is None:
            cycle.urgent_at = e.at
        if urgent.due_at < as_utc(cycle.due_at):
            cycle.due_at = thread.due_at = urgent.due_at
            cycle.second_escalation_at = min(as_utc(cycle.second_escalation_at), urgent.second_escalation_at)
            if cycle.alert_stage < 2:
                # The alert below is this cycle's reminder; the next stage is the escalation at the urgent due time.
                cycle.alert_stage = 1
                cycle.next_alert_at = urgent.due_at
        due = as_utc(cycle.due_at)
        recipients = await first_responders(work, thread.team_id)
        already = set((await s.execute(select(StaffAlert.user_id, StaffAlert.due_at).where(
            StaffAlert.thread_id == thread.id, StaffAlert.kind == URGENT_ALERT))).all())
        already = {user for user, at in already if as_utc(at) == due}
        alerts = []
        for user_id in recipients:
            if user_id not in already:
                alert_id = new_id()
                s.add(StaffAlert(id=alert_id, user_id=user_id, thread_id=thread.id, team_id=thread.team_id,
                                 kind=URGENT_ALERT, due_at=due, created_at=e.at))
                alerts.append((alert_id, user_id, URGENT_ALERT))
        if not alerts:
            return
        s.add(ThreadEvent(thread_id=thread.id, at=e.at, kind="urgent_alerted"))
        await audit.record(s, actor_id=None, action="thread.urgent_alert", object_type="thread", object_id=thread.id,
                           detail=f"recipients={len(alerts)}")
        # The outbox queues the emails in this transaction; the pushes follow the commit.
        work.record(AlertsRaised(tuple(alerts), ((thread.id, tuple(a[1] for a in alerts)),)))

    handlers.in_transaction(ThreadFlaggedUrgent, flagged)
