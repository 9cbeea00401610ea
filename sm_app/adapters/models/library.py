"""The patient-education library: articles, every version of them with its review, and what a care team sent to
a patient.

Published education is not anyone's health information, so articles and versions are plain text. A send is: it says
which article one patient was given, so the article it points to is sealed (`article_enc`) like a message."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base, new_id


class LibraryArticle(Base):
    """One article in one language. Patients see it only while `published_version_id` is set."""

    __tablename__ = "library_articles"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    language: Mapped[str] = mapped_column(String(5))  # en | es
    translation_of: Mapped[str | None] = mapped_column(String(120), nullable=True)  # the English slug
    # The version patients read; no FK, so articles and versions do not refer to each other in a cycle.
    published_version_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    shipped: Mapped[bool] = mapped_column(default=False)  # came from data/library (loaded once, then the clinic's)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LibraryVersion(Base):
    """One version of an article: draft -> in_review -> published -> (superseded | retired)."""

    __tablename__ = "library_versions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    article_id: Mapped[str] = mapped_column(ForeignKey("library_articles.id"))
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(600))
    body: Mapped[str] = mapped_column(Text)
    topics: Mapped[str] = mapped_column(Text)  # JSON list of lowercase topic words
    grade: Mapped[float] = mapped_column(Float)  # reading grade of the body (library/content.reading_grade)
    author_name: Mapped[str] = mapped_column(String(120))
    # Everyone who wrote or changed this version (user ids, space-separated): none of them may review it.
    contributor_ids: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reviewer_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    next_review_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_library_versions_article_number"),
                      Index("ix_library_versions_state", "state"))


class LibrarySend(Base):
    """An article a care team member attached to a message for a patient; `read_at` is when the patient opened it."""

    __tablename__ = "library_sends"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    patient_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"), index=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id"))
    sent_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    article_enc: Mapped[bytes] = mapped_column(LargeBinary)  # sealed {"article_id", "version_id"}
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_library_sends_patient_sent", "patient_id", "sent_at"),)
