"""Composition root: builds the one System object the app, the CLI and the tests share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .config import Settings
from .db import Database
from .services.accounts import Accounts
from .services.attachments import Attachments
from .services.audit import AuditLog
from .services.broadcast import Broadcasts
from .services.clinic_settings import ClinicSettings
from .services.clock import Clock
from .services.contacts import Contacts
from .services.crypto import KeyRing
from .services.documentation import DocumentationNotes
from .services.drafts import Drafts
from .services.escalation import Escalation
from .services.events import (
    AlertsRaised,
    BroadcastSent,
    EventHandlers,
    MessageSent,
    MessagesRead,
    ThreadClosed,
    ThreadFiled,
    ThreadReopened,
    ThreadTriaged,
    UnitOfWork,
)
from .services.folders import Folders
from .services.messaging import CATEGORIES, Messaging
from .services.notifications import Mailer, Notifications, make_mailer
from .services.passwords import Hasher
from .services.preferences import PreferencesService
from .services.realtime import RealtimeBus, ThreadChanged
from .services.reports import Reports
from .services.response_clock import BusinessHours
from .services.search import Search
from .services.search import register_handlers as index_sent_messages
from .services.sessions import Sessions
from .services.templates import Templates
from .services.terms import TermsService
from .services.triage import Triage
from .services.triage import register_handlers as follow_the_response_clock


@dataclass
class System:
    settings: Settings
    db: Database
    keys: KeyRing
    clock: Clock
    bus: RealtimeBus
    audit: AuditLog
    accounts: Accounts
    sessions: Sessions
    terms: TermsService
    messaging: Messaging
    folders: Folders
    preferences: PreferencesService
    search: Search
    contacts: Contacts
    drafts: Drafts
    templates: Templates
    attachments: Attachments
    clinic_settings: ClinicSettings
    triage: Triage
    escalation: Escalation
    documentation: DocumentationNotes
    broadcasts: Broadcasts
    notifications: Notifications
    reports: Reports
    events: EventHandlers  # who reacts to which domain event (see _event_handlers)

    async def close(self) -> None:
        await self.db.dispose()


def _event_handlers(keys: KeyRing, bus: RealtimeBus, clinic_settings: ClinicSettings,
                    notifications: Notifications) -> EventHandlers:
    """Who reacts to what. In the sending transaction, in this order: the care team's clock and history, the search
    index, the outbox email. After commit: the live pushes, ids only."""
    handlers = EventHandlers()
    follow_the_response_clock(handlers, clinic_settings, keys)
    index_sent_messages(handlers, keys)
    notifications.register_handlers(handlers)

    def push(kind: str):
        return lambda e: bus.publish(e.recipients, ThreadChanged(e.thread_id, kind))

    handlers.after_commit(MessageSent, lambda e: bus.publish(e.recipients, ThreadChanged(e.thread_id, "message",
                                                                                         by=e.sender_id)))
    handlers.after_commit(MessagesRead, push("read"))
    handlers.after_commit(ThreadClosed, push("status"))
    handlers.after_commit(ThreadReopened, push("status"))
    handlers.after_commit(ThreadTriaged, push("status"))
    handlers.after_commit(ThreadFiled, lambda e: bus.publish([e.owner_id], ThreadChanged(e.thread_id, "filing")))
    handlers.after_commit(BroadcastSent, lambda e: bus.publish(e.staff, ThreadChanged(e.broadcast_id, "broadcast")))

    def alerts(e: AlertsRaised) -> None:
        for thread_id, recipients in e.told:
            bus.publish(recipients, ThreadChanged(thread_id, "alert"))

    handlers.after_commit(AlertsRaised, alerts)
    return handlers


def build_system(
    settings: Settings,
    *,
    clock: Clock | None = None,
    hasher: Hasher | None = None,
    spawn: Callable[[Awaitable], object] | None = None,
    mailer: Mailer | None = None,
) -> System:
    """Wire services together. Reads (or creates) the key file; refuses one others can read."""
    keys = KeyRing.load_or_create(settings.key_file)
    clock = clock or Clock()
    hasher = hasher or Hasher()
    db = Database(settings.database_url)
    bus = RealtimeBus(spawn)
    audit = AuditLog(db, keys.audit_mac_key, clock)
    templates = Templates(db, clock, CATEGORIES)
    attachments = Attachments(db, keys, audit, clock, settings.data_dir / "attachments")
    default_hours = BusinessHours(timezone=settings.timezone,
                                  target_business_days=settings.reply_target_business_days)
    clinic_settings = ClinicSettings(db, audit, clock, categories=CATEGORIES, default_hours=default_hours)
    notifications = Notifications(db, audit, clock, settings, mailer or make_mailer(settings))
    handlers = _event_handlers(keys, bus, clinic_settings, notifications)
    uow = UnitOfWork(db, handlers)
    messaging = Messaging(db, uow, keys, audit, clock, reply_window_days=settings.reply_window_days,
                          templates=templates, attachments=attachments)
    return System(
        settings=settings,
        db=db,
        keys=keys,
        clock=clock,
        bus=bus,
        audit=audit,
        accounts=Accounts(db, hasher, audit, clock),
        sessions=Sessions(db, hasher, audit, clock, settings, throttle_secret=keys.search_key),
        terms=TermsService(db, audit, clock, settings.terms_version),
        messaging=messaging,
        folders=Folders(db, uow, keys, audit, clock),
        preferences=PreferencesService(db),
        search=Search(db, keys, audit, clock, tz=settings.timezone),
        contacts=Contacts(db),
        drafts=Drafts(db, keys, clock, attachments),
        templates=templates,
        attachments=attachments,
        clinic_settings=clinic_settings,
        triage=Triage(db, uow, keys, audit, clock, clinic_settings),
        escalation=Escalation(db, uow, audit, clock),
        notifications=notifications,
        documentation=DocumentationNotes(db, keys, audit, clock, clinic_name=settings.clinic_name,
                                         timezone=settings.timezone),
        broadcasts=Broadcasts(db, uow, keys, audit, clock, messaging, tz=settings.timezone),
        reports=Reports(db, audit, clock, clinic_settings),
        events=handlers,
    )
