"""The patient's own health record: entries, every version of them, and the patient's grants to care teams.

Everything a person wrote is in `content_enc` (sealed JSON of the entry's fields); the plain columns say only which
section an entry belongs to, whether it is active, and who changed it when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base, new_id


class RecordEntry(Base):
    """One entry of a patient's record (a medication, an allergy, a reading…) as it is now. Never deleted: marking
    it inactive is a change like any other."""

    __tablename__ = "record_entries"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    patient_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    section: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)  # the newest version's number; a stale edit is refused
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_by_team_id: Mapped[str | None] = mapped_column(ForeignKey("care_teams.id"), nullable=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    changed_by_team_id: Mapped[str | None] = mapped_column(ForeignKey("care_teams.id"), nullable=True)

    __table_args__ = (Index("ix_record_entries_patient_section", "patient_id", "section"),)


class RecordVersion(Base):
    """Every state an entry has had, with who (and for staff, under which team's grant) made it and when."""

    __tablename__ = "record_versions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    entry_id: Mapped[str] = mapped_column(ForeignKey("record_entries.id"))
    version: Mapped[int] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(20))  # added | edited | inactivated | reactivated
    active: Mapped[bool] = mapped_column(Boolean)
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    changed_by_team_id: Mapped[str | None] = mapped_column(ForeignKey("care_teams.id"), nullable=True)

    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_record_versions_entry_version"),)


class RecordGrant(Base):
    """What one care team's staff may do with a patient's record: read, or read and write. No row, or level
    "none", is no access (the default)."""

    __tablename__ = "record_grants"
    patient_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), primary_key=True, index=True)
    level: Mapped[str] = mapped_column(String(10))  # none | read | write
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
