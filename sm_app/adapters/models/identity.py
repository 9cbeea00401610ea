"""Who people are and where they belong: users, care teams, staff memberships, patients' teams, terms
accepted, sign-in sessions and the failed-sign-in throttle."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from sm_app.adapters.models.base import Base, new_id


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
    # Set at each successful sign-in, for the admin's user list (the audit chain is too long to search for it).
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Where notification emails go when it is not the sign-in address; set only once a link sent there was opened.
    notification_email: Mapped[str | None] = mapped_column(String(254), nullable=True)


class CareTeam(Base):
    __tablename__ = "care_teams"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # What patients see instead of the clinic's internal name ("Kidney care, West Hills (Dr. Patel)" rather than
    # "REN PAC 03 WH"); None: patients see `name`.
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)


class TeamMember(Base):
    """A staff member's membership of a care team; the staff role lives on the user."""

    __tablename__ = "team_members"
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    # Marked by the clinic admin: told at once, with the team leads, when a patient's message is flagged urgent.
    on_call: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PatientTeam(Base):
    """A patient's association with a care team; a blocked patient cannot write to the team."""

    __tablename__ = "patient_teams"
    patient_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("care_teams.id"), primary_key=True, index=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why the clinic blocked the patient from writing to this team; shown to the patient in their contact list.
    block_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
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


class AccountToken(Base):
    """A single-use link emailed to someone: an invitation (72 h, with an 8-character code), a password reset (30 min)
    or a new notification address to confirm.

    Only hashes are stored: `token_hash` is the SHA-256 of the link's 256-bit token, `code_hash` a keyed hash of the
    code. `binding` is a keyed hash over the purpose, user, address, role, teams and expiry: a row whose role, address
    or teams were changed in the database no longer matches it and the link stops working.
    """

    __tablename__ = "account_tokens"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    purpose: Mapped[str] = mapped_column(String(12))  # invitation | reset | address
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    email: Mapped[str] = mapped_column(String(254))  # the address the link was sent to
    role: Mapped[str] = mapped_column(String(20), default="")  # invitations: the role the invitee gets
    team_ids: Mapped[str] = mapped_column(String(400), default="")  # invitations: teams joined on accepting (spaces)
    binding: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended: Mapped[str | None] = mapped_column(String(10), nullable=True)  # used | revoked | replaced
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_account_tokens_user_purpose", "user_id", "purpose", "created_at"),)
