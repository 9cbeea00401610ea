"""The conversations: threads, messages (with their read marks), request templates, drafts, attachments,
the keyed-hash search tokens, personal folders and filings, and per-person preferences.

Columns ending in _enc hold envelope-encrypted bytes (adapters/crypto.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
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
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base, new_id


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
    # The language ("en" | "es") of the patient's latest message the urgent-words check flagged and the patient sent
    # anyway; the patient's conversation page keeps the 911 / 988 notice in it. None: no such message (a thread staff
    # marked urgent shows the patient nothing).
    urgent_language: Mapped[str | None] = mapped_column(String(5), nullable=True)
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
    # Every save by the admin adds one (history in message_template_versions); retiring is `active` = False.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


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
    # Every save adds one; a save from a page that read an older version (another tab saved since) is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Set when the compose page kept the text here because the session ended; the patient is told after signing in.
    kept_at_sign_out: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SendKey(Base):
    """One press of Send, remembered: the compose form's random key, unique per sender, and what the send made.

    A second send with the same key (a double click, a retry after a dropped connection) is answered with the
    first one's result instead of sending again."""

    __tablename__ = "send_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    sender_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    send_key: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(ForeignKey("threads.id"), nullable=True)
    message_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id"), nullable=True)
    broadcast_id: Mapped[str | None] = mapped_column(ForeignKey("broadcasts.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("sender_id", "send_key", name="uq_send_keys_sender_key"),)


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
