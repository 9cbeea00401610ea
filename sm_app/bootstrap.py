"""Composition root: builds the one System object the app, the CLI and the tests share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sm_app.adapters.clock import Clock
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.realtime import RealtimeBus, ThreadChanged, make_bus
from sm_app.care_team.broadcast import Broadcasts
from sm_app.care_team.clinic_settings import ClinicSettings
from sm_app.care_team.documentation import DocumentationNotes
from sm_app.care_team.escalation import Escalation
from sm_app.care_team.reports import Reports
from sm_app.care_team.response_clock import BusinessHours
from sm_app.care_team.response_cycle import register_handlers as follow_the_response_clock
from sm_app.care_team.triage import Triage
from sm_app.care_team.urgent import register_handlers as treat_urgent_as_urgent
from sm_app.care_team.worklist import Worklist
from sm_app.config import Settings
from sm_app.health_record.record import HealthRecord
from sm_app.health_record.sharing import RecordSharing
from sm_app.health_record.transfer import RecordTransfer
from sm_app.identity.account_links import LinkKeys
from sm_app.identity.accounts import Accounts
from sm_app.identity.credentials import Credentials
from sm_app.identity.invitations import Invitations
from sm_app.identity.passwords import Hasher
from sm_app.identity.recovery import Recovery
from sm_app.identity.sessions import Sessions
from sm_app.identity.sign_in_throttle import SignInThrottleKeys
from sm_app.identity.team_admin import TeamAdmin
from sm_app.identity.terms import TermsService
from sm_app.identity.user_admin import UserAdmin
from sm_app.library.articles import Library
from sm_app.library.editorial import Editorial
from sm_app.library.sends import LibrarySends
from sm_app.messaging.attachment_files import Attachments, AttachmentStore
from sm_app.messaging.contacts import Contacts
from sm_app.messaging.drafts import Drafts
from sm_app.messaging.folders import Folders
from sm_app.messaging.mailbox import Mailbox
from sm_app.messaging.preferences import PreferencesService
from sm_app.messaging.quick_replies import QuickReplies
from sm_app.messaging.search import Search
from sm_app.messaging.search import register_handlers as index_sent_messages
from sm_app.messaging.templates import Templates
from sm_app.messaging.threads import CATEGORIES, Messaging
from sm_app.notifications.email_settings import ConfiguredMailer, EmailSettings
from sm_app.notifications.outbox import Mailer, Notifications
from sm_app.privacy.audit_review import AuditReview
from sm_app.shared.audit import AuditLog
from sm_app.shared.events import (
    AlertsRaised,
    BroadcastSent,
    EventHandlers,
    HealthRecordChanged,
    LibraryArticleRead,
    MessageSent,
    MessagesRead,
    RecordSharingChanged,
    SessionsEnded,
    ThreadClosed,
    ThreadFiled,
    ThreadReopened,
    ThreadTriaged,
    UnitOfWork,
)


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
    user_admin: UserAdmin
    team_admin: TeamAdmin
    terms: TermsService
    invitations: Invitations
    recovery: Recovery
    credentials: Credentials
    messaging: Messaging
    mailbox: Mailbox
    folders: Folders
    preferences: PreferencesService
    search: Search
    contacts: Contacts
    drafts: Drafts
    templates: Templates
    quick_replies: QuickReplies
    attachments: Attachments
    clinic_settings: ClinicSettings
    worklist: Worklist
    triage: Triage
    escalation: Escalation
    documentation: DocumentationNotes
    broadcasts: Broadcasts
    notifications: Notifications
    email_settings: EmailSettings
    audit_review: AuditReview
    reports: Reports
    health_record: HealthRecord
    record_sharing: RecordSharing
    record_transfer: RecordTransfer
    library: Library
    editorial: Editorial
    library_sends: LibrarySends
    events: EventHandlers  # who reacts to which domain event (see _event_handlers)

    async def close(self) -> None:
        await self.db.dispose()


def _event_handlers(keys: KeyRing, bus: RealtimeBus, clinic_settings: ClinicSettings,
                    notifications: Notifications, audit: AuditLog) -> EventHandlers:
    """Who reacts to what. In the sending transaction, in this order: the care team's clock and history (an urgent
    thread's clock and its immediate alerts too), the search index, the outbox email. After commit: the live pushes,
    ids only."""
    handlers = EventHandlers()
    follow_the_response_clock(handlers, clinic_settings, keys)
    treat_urgent_as_urgent(handlers, clinic_settings, audit)
    index_sent_messages(handlers, keys)
    notifications.register_handlers(handlers)

    def push(kind: str):
        return lambda e: bus.publish(e.recipients, ThreadChanged(e.thread_id, kind))

    handlers.after_commit(MessageSent, lambda e: bus.publish(e.recipients, ThreadChanged(e.thread_id, "message",
                                                                                         by=e.sender_id)))
    handlers.after_commit(MessagesRead, lambda e: bus.publish(e.recipients, ThreadChanged(e.thread_id, "read",
                                                                                          side=e.reader_side)))
    handlers.after_commit(ThreadClosed, push("status"))
    handlers.after_commit(ThreadReopened, push("status"))
    handlers.after_commit(ThreadTriaged, push("status"))
    handlers.after_commit(ThreadFiled, lambda e: bus.publish([e.owner_id], ThreadChanged(e.thread_id, "filing")))
    handlers.after_commit(BroadcastSent, lambda e: bus.publish(e.staff, ThreadChanged(e.broadcast_id, "broadcast")))

    def alerts(e: AlertsRaised) -> None:
        for thread_id, recipients in e.told:
            bus.publish(recipients, ThreadChanged(thread_id, "alert"))

    handlers.after_commit(AlertsRaised, alerts)
    handlers.after_commit(SessionsEnded, lambda e: bus.publish([e.user_id], ThreadChanged("", "session")))
    # The health record: open views of it read it again; a page whose grant was withdrawn takes it off the screen.
    for record_event in (HealthRecordChanged, RecordSharingChanged):
        handlers.after_commit(record_event, lambda e: bus.publish(e.recipients, ThreadChanged(
            "", "record", patient_id=e.patient_id)))
    # A patient opened an article their care team sent: the conversation's open pages show it read.
    handlers.after_commit(LibraryArticleRead, lambda e: bus.publish(e.recipients, ThreadChanged(e.thread_id,
                                                                                                "article")))
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
    bus = make_bus(settings.database_url, spawn)
    audit = AuditLog(db, keys.audit_mac_key, clock)
    templates = Templates(db, clock, CATEGORIES, audit)
    files = AttachmentStore(keys, clock, settings.data_dir / "attachments")
    default_hours = BusinessHours(timezone=settings.timezone,
                                  target_business_days=settings.reply_target_business_days)
    clinic_settings = ClinicSettings(db, audit, clock, categories=CATEGORIES, default_hours=default_hours)
    # Without a mailer given (tests give one), emails go where the saved SMTP settings say, else SM_SMTP_*.
    email_settings = EmailSettings(db, keys, audit, clock, settings)
    notifications = Notifications(db, audit, clock, settings, mailer or ConfiguredMailer(email_settings), keys)
    handlers = _event_handlers(keys, bus, clinic_settings, notifications, audit)
    uow = UnitOfWork(db, handlers)
    sessions = Sessions(db, uow, hasher, audit, clock, settings, throttle_secret=keys.search_key)
    library = Library(db, audit, clock, library_dir=settings.library_dir, tz=settings.timezone)
    library_sends = LibrarySends(db, uow, keys, audit, clock, library)
    library_sends.register_handlers(handlers)  # records the articles a team's message carries, in its transaction
    messaging = Messaging(db, uow, keys, audit, clock, reply_window_days=settings.reply_window_days,
                          templates=templates, attachments=files)
    # Emailed links (invitations, resets, new addresses) and the throttle share the sign-in throttle's secret.
    links, throttle_keys = LinkKeys(keys.search_key), SignInThrottleKeys(keys.search_key)
    link_args = (db, uow, hasher, audit, clock, links, throttle_keys, settings.base_url)
    health_record = HealthRecord(db, uow, keys, audit, clock, tz=settings.timezone)
    return System(
        settings=settings,
        db=db,
        keys=keys,
        clock=clock,
        bus=bus,
        audit=audit,
        accounts=Accounts(db, hasher, audit, clock),
        sessions=sessions,
        user_admin=UserAdmin(db, uow, audit, clock, sessions),
        team_admin=TeamAdmin(db, audit, clock),
        terms=TermsService(db, audit, clock, settings.terms_version),
        invitations=Invitations(*link_args),
        recovery=Recovery(*link_args),
        credentials=Credentials(*link_args),
        messaging=messaging,
        mailbox=Mailbox(db, uow, keys, audit, clock, reply_window_days=settings.reply_window_days,
                        attachments=files),
        folders=Folders(db, uow, keys, audit, clock),
        preferences=PreferencesService(db),
        search=Search(db, keys, audit, clock, tz=settings.timezone),
        contacts=Contacts(db),
        drafts=Drafts(db, keys, clock, files),
        templates=templates,
        quick_replies=QuickReplies(db, audit, clock),
        attachments=Attachments(db, keys, audit, files),
        clinic_settings=clinic_settings,
        worklist=Worklist(db, keys, audit, clock),
        triage=Triage(uow, keys, audit, clock),
        escalation=Escalation(db, uow, audit, clock, clinic_settings),
        notifications=notifications,
        email_settings=email_settings,
        audit_review=AuditReview(db, audit, tz=settings.timezone),
        documentation=DocumentationNotes(db, keys, audit, clock, clinic_name=settings.clinic_name,
                                         timezone=settings.timezone),
        broadcasts=Broadcasts(db, uow, keys, audit, clock, messaging, health_record, tz=settings.timezone),
        reports=Reports(db, audit, clock, clinic_settings),
        health_record=health_record,
        record_sharing=RecordSharing(db, uow, audit, clock),
        record_transfer=RecordTransfer(health_record, audit, clock, clinic_name=settings.clinic_name,
                                       tz=settings.timezone),
        library=library,
        editorial=Editorial(db, uow, audit, clock, library),
        library_sends=library_sends,
        events=handlers,
    )
