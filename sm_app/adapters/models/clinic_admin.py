"""What the clinic admin edits from the browser: template versions, staff quick replies, published terms versions and
the SMTP settings. None of it is health information; the SMTP password is sealed with the key ring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base, new_id


class MessageTemplateVersion(Base):
    """Every saved version of a patient template (the live one is `message_templates`): the history of a form.
    Sent messages keep their own answers (label -> answer, sealed), so an edit never changes what was sent."""

    __tablename__ = "message_template_versions"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40))
    fields_json: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    saved_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class QuickReply(Base):
    """A staff quick reply: text a care team inserts into a reply and edits before sending. Retired ones stay."""

    __tablename__ = "quick_replies"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class TermsVersion(Base):
    """A published version of the messaging terms (Markdown). The newest is current; patients accept it once."""

    __tablename__ = "terms_versions"
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    published_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class SmtpSettings(Base):
    """One row (id 1): the SMTP server the admin set in the browser; it overrides SM_SMTP_* once saved."""

    __tablename__ = "smtp_settings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(10))  # starttls | tls | none
    username: Mapped[str] = mapped_column(String(254))
    password_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # sealed; never shown back
    from_address: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
