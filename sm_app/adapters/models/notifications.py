"""The email outbox: emails written in the same transaction as the event that causes them, sent later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base, new_id


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
