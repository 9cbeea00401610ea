"""The care team's work on threads: targeted broadcasts, the response clock (cycles and staff alerts), the
thread's event history, staff-only notes and clinic-wide settings.

Columns ending in _enc hold envelope-encrypted bytes (adapters/crypto.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base, new_id


class Broadcast(Base):
    """One targeted message from a care team to a cohort of its patients; each patient gets their own thread."""

    __tablename__ = "broadcasts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), index=True)
    sender_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(40))
    subject_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # The cohort as chosen (JSON of the criteria: sex, age range); not health information by itself.
    criteria_json: Mapped[str] = mapped_column(Text)
    replies_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    recipients: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ResponseCycle(Base):
    """One turn of the response clock: from a patient's message that needs an answer to the team's answer.

    A thread has at most one open cycle (ended_at is None). The sweep reads only rows with a pending
    alert (`next_alert_at`, partial index), so it stays fast however many messages there are; the
    dashboard reads finished cycles for response times.
    """

    __tablename__ = "response_cycles"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"), index=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"))
    category: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    remind_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    second_escalation_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # 0 nothing sent yet, 1 assignee reminded (urgent: leads and on call alerted at once), 2 escalated to team leads
    # (urgent and unopened: the whole team and the clinic admin), 3 escalated to the clinic admin.
    alert_stage: Mapped[int] = mapped_column(Integer, default=0)
    next_alert_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # When a message of this cycle was flagged urgent: the cycle then runs on the urgent clock, and its escalation
    # asks whether anybody on the team has opened the patient's messages since.
    urgent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # First answer from the team, and when the clock stopped (answer, completed, waiting on patient, closed).
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    answered_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_cycles_next_alert", "next_alert_at", sqlite_where=next_alert_at.is_not(None),
              postgresql_where=next_alert_at.is_not(None)),
        Index("ix_cycles_team_received", "team_id", "received_at"),
    )


class ThreadEvent(Base):
    """The thread's history of hand-offs and status changes, shown to staff. A reason is sealed (free text)."""

    __tablename__ = "thread_events"
    # A sequence, not a random id: events of one transaction share a timestamp and must keep their order.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)  # None: the clinic's rules
    # created | claimed | assigned | routed | status | priority | reopened | closed | reminded | escalated
    kind: Mapped[str] = mapped_column(String(20))
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # An "outcome" event's outcome, sealed like the thread's (before 0008 it was in `status`).
    outcome_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)

    __table_args__ = (Index("ix_thread_events_thread_at", "thread_id", "at"),)


class InternalNote(Base):
    """A staff-only note on a thread. Its own table: no patient-facing query can ever reach it."""

    __tablename__ = "internal_notes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_internal_notes_thread_created", "thread_id", "created_at"),)


class StaffAlert(Base):
    """An in-app alert: a reminder or an escalation about one thread, for one person.

    The unique key makes an alert for the same clock (same due time) impossible to create twice,
    whatever the sweep does.
    """

    __tablename__ = "staff_alerts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"))
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"))
    kind: Mapped[str] = mapped_column(String(20))  # reminder | escalation | admin_escalation | urgent | urgent_unopened
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("user_id", "thread_id", "kind", "due_at", name="uq_staff_alert_once"),
        Index("ix_staff_alerts_user_created", "user_id", "created_at"),
        # The sweep's "already alerted?" lookup by thread (the unique key leads with user_id).
        Index("ix_staff_alerts_thread", "thread_id"),
    )


class ClinicSetting(Base):
    """A clinic-wide setting (routing rules, business hours) as JSON. Not health information."""

    __tablename__ = "clinic_settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
