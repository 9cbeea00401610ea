"""SQLAlchemy models. Columns ending in _enc hold envelope-encrypted bytes (adapters/crypto.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    """Random ids: URLs never reveal how many threads exist or let anyone count through them."""
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # patient | clerk | nurse | pharmacist | provider | admin | privacy_officer
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Patients' demographics for targeted broadcasts (age range, sex). Plain: SQL must filter on them.
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(10), nullable=True)  # female | male | other


class CareTeam(Base):
    __tablename__ = "care_teams"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TeamMember(Base):
    """A staff member's membership of a care team; the staff role lives on the user."""

    __tablename__ = "team_members"
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)


class PatientTeam(Base):
    """A patient's association with a care team; a blocked patient cannot write to the team."""

    __tablename__ = "patient_teams"
    patient_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), primary_key=True, index=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The patient's contact list: a hidden team is left out of "To" (at least one team stays shown).
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TermsAcceptance(Base):
    __tablename__ = "terms_acceptances"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserSession(Base):
    """Server-side sign-in session. Only a hash of the bearer token is stored."""

    __tablename__ = "user_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SignInThrottle(Base):
    """A run of failed sign-ins for one keyed-hash counter (account, client address, or the pair).

    Keys and `account` are HMACs of the typed email / address: the table names no person and no address.
    """

    __tablename__ = "sign_in_throttles"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # pair | address | account
    account: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Thread(Base):
    __tablename__ = "threads"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    patient_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"))
    category: Mapped[str] = mapped_column(String(40))
    subject_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set when the care team closes the conversation; the patient then cannot reply and sees why.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_reason_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The template the patient started from (prescription renewal, ...), if any.
    template_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Flagged when the text suggested an emergency; the evidence (words matched) is sealed.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    urgent_evidence_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Triage: who is working on it, or which role pool it waits in (None: the whole team).
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    pool_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The response clock, copied from the open response cycle so the worklist can filter and sort on it.
    awaiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The structured outcome of a template request (renewal_approved, appointment_booked, ...), if recorded: sealed,
    # since no query needs it. `outcome` is the plain column of outcomes recorded before 0008 (read, never written).
    outcome_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # Set when the thread is one patient's copy of a targeted broadcast.
    broadcast_id: Mapped[str | None] = mapped_column(ForeignKey("broadcasts.id"), nullable=True, index=True)

    __table_args__ = (
        Index("ix_threads_patient_last", "patient_id", "last_message_at"),
        Index("ix_threads_team_last", "team_id", "last_message_at"),
        # The worklist: filters on (team, status, due) and, past them, every column it filters or sorts on, so
        # sorting a team's open threads reads this index only, never the table (bench/bench_sweep.py).
        Index("ix_threads_team_status_due", "team_id", "status", "due_at", "urgent", "last_message_at", "assignee_id",
              "category", "id"),
        Index("ix_threads_assignee", "assignee_id"),
    )


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


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"))
    sender_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    # "patient" or "team": which side of the conversation wrote it.
    from_side: Mapped[str] = mapped_column(String(10))
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # Structured template answers (JSON object of field label -> answer), sealed like the body.
    fields_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # First time the other side opened the thread after this message arrived.
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    read_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    __table_args__ = (
        Index("ix_messages_thread_created", "thread_id", "created_at"),
        # Unread lookups touch only unread rows.
        Index(
            "ix_messages_unread",
            "thread_id",
            "from_side",
            sqlite_where=read_at.is_(None),
            postgresql_where=read_at.is_(None),
        ),
    )


class MessageTemplate(Base):
    """A structured request form (standard or clinic-made). Field definitions are not health information."""

    __tablename__ = "message_templates"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40))
    # JSON list of {"label": ..., "kind": "text"|"textarea"|"date"|"choice", "required": bool, "options": [...]}
    fields_json: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Draft(Base):
    """An unsent message. Everything typed is sealed; a draft is visible to its owner only."""

    __tablename__ = "drafts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("care_teams.id"), nullable=True)
    reply_to_thread_id: Mapped[str | None] = mapped_column(ForeignKey("threads.id"), nullable=True)
    category: Mapped[str | None] = mapped_column(String(40), nullable=True)
    template_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    subject_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    body_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    fields_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Attachment(Base):
    """A file sent with a message. The bytes live sealed in a file with a random name under the data
    directory (never the web root); the original file name is sealed too (it can be health information)."""

    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    # Exactly one of these: a sent message's file, or a draft's (drafts keep their files until sent).
    message_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id"), nullable=True, index=True)
    draft_id: Mapped[str | None] = mapped_column(ForeignKey("drafts.id"), nullable=True, index=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(10))  # detected type: pdf, png, jpeg, gif, txt, rtf, doc, docx, ...
    size: Mapped[int] = mapped_column(Integer)
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the content: duplicate checks without opening
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SearchTerm(Base):
    """Keyed-hash tokens of the words (and word prefixes) in a thread's subject and messages.

    The token is HMAC(search key, normalised word): the table holds no plaintext words, and without
    the key a token cannot be tested against a guess.
    """

    __tablename__ = "search_terms"
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"), primary_key=True, index=True)


class Folder(Base):
    """A person's own folder. A name like "Cancer" is health information, so it is sealed; uniqueness per
    owner is kept on a keyed hash of the normalised name, which reveals nothing without the key."""

    __tablename__ = "folders"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    name_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("owner_id", "name_token", name="uq_folder_owner_name"),)


class Filing(Base):
    """Where one person keeps one thread: in a custom folder and/or in Trash. No row: the default folders.

    Trash is a flag, not a deletion: nothing is ever hard-deleted and a thread is restored by clearing it.
    """

    __tablename__ = "filings"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"), primary_key=True)
    folder_id: Mapped[str | None] = mapped_column(ForeignKey("folders.id"), nullable=True, index=True)
    trashed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Preferences(Base):
    """Per-person settings that are not health information (signature text is the person's own words)."""

    __tablename__ = "preferences"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    signature_on: Mapped[bool] = mapped_column(Boolean, default=False)
    signature_name: Mapped[str] = mapped_column(String(100), default="")
    signature_title: Mapped[str] = mapped_column(String(100), default="")
    # Email notifications: "each" message, a daily "digest", or "none"; None means the role's default.
    email_mode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    last_digest_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class AuditHead(Base):
    """One row: the newest link of the audit chain. Locked while appending so links never fork."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(400), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("hash", name="uq_audit_hash"),)


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
    # 0 nothing sent yet, 1 assignee reminded, 2 escalated to team leads, 3 escalated to the clinic admin.
    alert_stage: Mapped[int] = mapped_column(Integer, default=0)
    next_alert_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
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
    kind: Mapped[str] = mapped_column(String(20))  # reminder | escalation | admin_escalation
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


class OutboxEmail(Base):
    """An email waiting to be sent, written in the same transaction as the event that causes it.

    Subject and body are fixed texts (no health information). `event_key` is unique: the same event never
    queues two emails. `message_id` is the stable Message-ID header, the same on every attempt, so a retry
    after an ambiguous failure is recognisable as the same email.
    """

    __tablename__ = "email_outbox"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    event_key: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # new_message | reminder | escalation | admin_escalation | digest
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_email_outbox_due", "next_attempt_at", sqlite_where=status == "pending",
              postgresql_where=status == "pending"),
        Index("ix_email_outbox_status_created", "status", "created_at"),
    )
