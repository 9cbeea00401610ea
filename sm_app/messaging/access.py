"""The one access rule for threads: who may reach which conversation.

Every service that reads or writes a thread, its messages, notes, history or files filters by
`visible_threads`; a thread outside it is reported exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import false, select

from sm_app.adapters.models import TeamMember, Thread
from sm_app.identity.accounts import Actor


def visible_threads(actor: Actor):
    """A patient reaches their own threads, staff the threads of care teams they belong to, anybody else none."""
    if actor.is_patient or actor.is_staff:
        return visible_to(patient=actor.is_patient, user_id=actor.user_id)
    return false()


def visible_to(*, patient: bool, user_id):
    """The same rule for a patient's or a staff member's `user_id`, which may be a bound parameter: a statement built
    once for every reader of a kind (mailbox.view_thread's) filters by this."""
    if patient:
        return Thread.patient_id == user_id
    return Thread.team_id.in_(select(TeamMember.team_id).where(TeamMember.user_id == user_id))
