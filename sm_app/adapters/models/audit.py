"""The tamper-evident audit log: hash-chained entries and the one-row head of the chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base


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

    # (object_type, object_id): a patient's "Who looked" reads the entries about their record. The privacy officer's
    # viewer pages newest first by seq (keyset): by person and by action through (actor_id, seq) and (action, seq); a
    # date range becomes a seq range through `at`.
    __table_args__ = (UniqueConstraint("hash", name="uq_audit_hash"),
                      Index("ix_audit_object", "object_type", "object_id"),
                      Index("ix_audit_actor_seq", "actor_id", "seq"),
                      Index("ix_audit_action_seq", "action", "seq"),
                      Index("ix_audit_at", "at"))
