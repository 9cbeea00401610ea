"""SQLAlchemy models, one module per domain; every model is importable from here.

Columns ending in _enc hold envelope-encrypted bytes (adapters/crypto.py). Importing this package imports
every module, so all tables are on `Base.metadata` (Alembic's env.py and create_all rely on it). Tables refer
to one another by name ("users.id"), never by import, so the modules do not import each other.
"""

from __future__ import annotations

from sm_app.adapters.models.audit import AuditEntry, AuditHead
from sm_app.adapters.models.base import Base, new_id
from sm_app.adapters.models.care_team import (
    Broadcast,
    ClinicSetting,
    InternalNote,
    ResponseCycle,
    StaffAlert,
    ThreadEvent,
)
from sm_app.adapters.models.health_record import RecordEntry, RecordGrant, RecordVersion
from sm_app.adapters.models.identity import (
    AccountToken,
    CareTeam,
    PatientTeam,
    SignInThrottle,
    TeamMember,
    TermsAcceptance,
    User,
    UserSession,
)
from sm_app.adapters.models.messaging import (
    Attachment,
    Draft,
    Filing,
    Folder,
    Message,
    MessageTemplate,
    Preferences,
    SearchTerm,
    SendKey,
    Thread,
)
from sm_app.adapters.models.notifications import OutboxEmail

__all__ = [
    # base
    "new_id",
    "Base",
    # identity
    "User",
    "CareTeam",
    "TeamMember",
    "PatientTeam",
    "TermsAcceptance",
    "UserSession",
    "SignInThrottle",
    "AccountToken",
    # messaging
    "Thread",
    "Message",
    "MessageTemplate",
    "Draft",
    "Attachment",
    "SearchTerm",
    "Folder",
    "Filing",
    "Preferences",
    "SendKey",
    # care_team
    "Broadcast",
    "ResponseCycle",
    "ThreadEvent",
    "InternalNote",
    "StaffAlert",
    "ClinicSetting",
    # notifications
    "OutboxEmail",
    # health record
    "RecordEntry",
    "RecordVersion",
    "RecordGrant",
    # audit
    "AuditHead",
    "AuditEntry",
]
