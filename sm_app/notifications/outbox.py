"""Email notifications that never leak and never get lost.

An email is queued in `email_outbox` inside the same transaction as the event that causes it (a message,
a reminder, an escalation, a digest), so it exists exactly when the event does. The dispatcher (jobs.py)
claims due rows for a lease, sends them with aiosmtplib, and records the result: sent; a temporary failure
(4xx, connection trouble) is retried with exponential backoff up to a cap; a permanent one (5xx) or too many
attempts is "failed" with the last error, for the admin to see and retry. Delivery is at least once: a crash
after the server accepted an email but before "sent" was recorded resends it with the same Message-ID.

Every email is fixed text: the clinic's name and a sign-in link. Never a name, subject, body, category or
diagnosis. Without SMTP settings (the demo) emails are written as .eml files under $SM_DATA_DIR/mail.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

import aiosmtplib
from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import OutboxEmail, Preferences, User, new_id
from sm_app.config import Settings
from sm_app.identity.accounts import Actor
from sm_app.messaging.mailbox import unread_threads_query
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from sm_app.shared.events import AccountLinkIssued, AlertsRaised, EventHandlers, MessageSent, Work

log = logging.getLogger(__name__)

EMAIL_MODES = {"each": "An email for each new message", "digest": "One daily digest", "none": "No emails"}
BACKOFF_CAP = timedelta(hours=1)
CLAIM_BATCH = 50
OUTCOME_SECONDS = 1.0  # how long sent emails may wait for their outcome to be written
# The body of an email that carries a link into someone's account is stored sealed, marked by this prefix.
SEALED = "sealed:"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
# Who gets an email and how (active users among `ids`; a confirmed notification address wins over the sign-in one),
# and an email queued: built once, asked on every message.
_MODES = (select(User.id, func.coalesce(User.notification_email, User.email).label("email"), User.role,
                 Preferences.email_mode)
          .outerjoin(Preferences, Preferences.user_id == User.id)
          .where(User.id.in_(bindparam("ids", expanding=True)), User.active.is_(True)))
_QUEUE = insert(OutboxEmail.__table__)


def default_mode(role: str) -> str:
    """Patients hear about each message; staff get a daily digest (their worklist is their inbox)."""
    return "each" if role == "patient" else "digest"


def _one_line(text: str, limit: int = 200) -> str:
    """Header-safe text: control characters (CR/LF above all) removed, so nothing can add a header."""
    return _UNSAFE.sub(" ", text or "").strip()[:limit]


_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable in the raw email, as the modern API chose for short lines


def _text_part(body: str) -> MIMEText:
    body = body if body.endswith("\n") else body + "\n"  # the text ends its last line, as set_content made it
    return MIMEText(body, "plain", "us-ascii" if body.isascii() else _UTF8_QP)


def _header(text: str) -> str | Header:
    return text if text.isascii() else Header(text, "utf-8")


def build_email(*, clinic: str, sender: str, to: str, subject: str, body: str, message_id: str,
                date: datetime) -> Message:
    """Every email the app sends (the outbox's and the admin's test email), from the app's own checked text.

    The classic (compat32) message: the modern EmailMessage parses each header back through its header registry,
    which made building an email cost more CPU than writing and sending it (docs/benchmarks.md). Non-ASCII text is
    RFC 2047-encoded; bodies beyond ASCII are quoted-printable."""
    message = _text_part(body)
    message["From"] = formataddr((clinic, sender))
    message["To"] = to
    message["Subject"] = _header(_one_line(subject))
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(date)
    message["Auto-Submitted"] = "auto-generated"
    return message


class PermanentFailure(Exception):
    """The server refused for good (5xx) or the email cannot be built: do not retry."""


class Mailer(Protocol):
    async def send(self, message: Message) -> None: ...


class SmtpMailer:
    """Real SMTP with aiosmtplib: STARTTLS, implicit TLS or plain (a local relay), optional login."""

    def __init__(self, settings: Settings):
        self._s = settings

    async def send(self, message: Message) -> None:
        s = self._s
        try:
            await aiosmtplib.send(
                message, hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_user or None,
                password=s.smtp_password or None, use_tls=s.smtp_security == "tls",
                start_tls=s.smtp_security == "starttls", timeout=s.smtp_timeout,
                cert_bundle=s.smtp_ca_file or None)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            # A refusal at RCPT TO ("550 No such user") comes as this, not as an SMTPResponseException.
            if exc.recipients and all(500 <= r.code < 600 for r in exc.recipients):
                raise PermanentFailure("; ".join(f"{r.code} {r.message}" for r in exc.recipients)) from exc
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if 500 <= exc.code < 600:
                raise PermanentFailure(f"{exc.code} {exc.message}") from exc
            raise


class FileMailer:
    """The demo's mail: each email an .eml file (0600) in a private directory. Written and fsynced, never lost."""

    def __init__(self, directory: Path):
        self.directory = directory

    async def send(self, message: Message) -> None:
        name = re.sub(r"[^A-Za-z0-9._-]", "_", message["Message-ID"].strip("<>")) + ".eml"
        # In a worker thread: an fsync takes milliseconds, which every open page would otherwise wait for.
        await asyncio.to_thread(self._write, name, message.as_bytes())

    def _write(self, name: str, data: bytes) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.directory / (name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.directory / name)


SMTP_SECURITY = ("starttls", "tls", "none")


def make_mailer(settings: Settings) -> Mailer:
    """SMTP when SM_SMTP_HOST is set, else the file sink. A misspelt security mode stops start-up rather than
    silently sending in plain text."""
    if settings.smtp_security not in SMTP_SECURITY:
        raise ValueError(f"SM_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)} (got {settings.smtp_security!r})")
    return SmtpMailer(settings) if settings.smtp_host else FileMailer(settings.data_dir / "mail")


@dataclass(frozen=True)
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class OutboxRow:
    id: str
    kind: str
    to_address: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime


class Notifications:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock, settings: Settings, mailer: Mailer,
                 keys: KeyRing):
        self._db = db
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._settings = settings
        self._mailer = mailer
        self._clinic = _one_line(settings.clinic_name, 100) or "your clinic"
        self._link = settings.base_url.rstrip("/") + "/login"

    @property
    def mailer(self) -> Mailer:
        return self._mailer

    # -- the fixed texts ----------------------------------------------------------------------------------
    def _text(self, kind: str, count: int = 0) -> tuple[str, str]:
        clinic, link = self._clinic, self._link
        footer = f"\n\nSign in to read it: {link}\n\nThis email contains no message content. Please do not reply."
        texts = {
            "new_message": ("New secure message", f"You have a new secure message from {clinic}.{footer}"),
            "reminder": ("A conversation is due soon", f"A conversation for your care team at {clinic} is due soon."
                                                        f"{footer}"),
            "escalation": ("A conversation is overdue", f"A conversation for your care team at {clinic} is overdue."
                                                        f"{footer}"),
            "admin_escalation": ("A conversation is still overdue",
                                 f"A conversation at {clinic} is still overdue and has been escalated to you."
                                 f"{footer}"),
            # Urgent alerts say only that something urgent waits: no patient, no words, no kind of emergency.
            "urgent": ("An urgent conversation is waiting",
                       f"A conversation for your care team at {clinic} was flagged urgent. Please sign in now."
                       f"{footer}"),
            "urgent_unopened": ("An urgent conversation is still unopened",
                                f"An urgent conversation at {clinic} has not been opened within its response time."
                                f"{footer}"),
            "digest": ("Your secure messages", f"You have {count} new secure message{'s' if count != 1 else ''} "
                                               f"from {clinic}.{footer}"),
        }
        return texts[kind]

    # -- queueing, inside the caller's transaction ------------------------------------------------------
    async def _modes(self, s: AsyncSession, user_ids: Iterable[str]) -> list[tuple[str, str, str]]:
        """(user id, email, mode) for active users among `user_ids`."""
        ids = list(set(user_ids))
        if not ids:
            return []
        # A confirmed notification address (Settings) wins over the sign-in address.
        rows = await s.execute(_MODES, {"ids": ids})
        return [(r.id, r.email, r.email_mode or default_mode(r.role)) for r in rows]

    async def _queue(self, s: AsyncSession, *, event_key: str, user_id: str, email: str, kind: str,
                     count: int = 0) -> None:
        subject, body = self._text(kind, count)
        now = self._clock.now()
        domain = self._settings.smtp_from.rpartition("@")[2] or "localhost"
        # A statement on the table, not a mapped object: the sending transaction's session stays clean
        # (db.InlineWriteSession), and nothing in it reads the email back.
        await s.execute(_QUEUE, {"id": new_id(), "event_key": event_key[:120], "user_id": user_id, "kind": kind,
                                 "to_address": email, "subject": subject, "body": body,
                                 "message_id": make_msgid(domain=domain), "status": "pending", "attempts": 0,
                                 "next_attempt_at": now, "last_error": "", "created_at": now})

    def register_handlers(self, handlers: EventHandlers) -> None:
        """In the sending transaction: the email exists exactly when the message does."""

        async def message_sent(work: Work, e: MessageSent) -> None:
            await self._queue_for_message(work.session, message_id=e.message_id, recipient_ids=e.email_to,
                                          sender_id=e.sender_id)

        async def alerts_raised(work: Work, e: AlertsRaised) -> None:
            await self._queue_for_alerts(work.session, list(e.alerts))

        async def account_link(work: Work, e: AccountLinkIssued) -> None:
            self._queue_account_link(work.session, e)

        handlers.in_transaction(MessageSent, message_sent)
        handlers.in_transaction(AlertsRaised, alerts_raised)
        handlers.in_transaction(AccountLinkIssued, account_link)

    def _queue_account_link(self, s: AsyncSession, e: AccountLinkIssued) -> None:
        """An invitation, a password-reset link or an address to confirm: fixed words, the link (and the code), and
        nothing about the person's care — not even the kind of care of the team that invited them. Sent whatever the
        person's email choice: they asked for it, or cannot have chosen yet."""
        clinic, link, code = self._clinic, _one_line(e.link, 300), _one_line(e.code, 20)
        ignore = "If you did not expect this email, you can ignore it."
        if e.kind == "invitation":
            subject = f"Your invitation to secure messaging at {clinic}"
            body = (f"You have been invited to use secure messaging at {clinic}.\n\n"
                    f"1. Open this link: {link}\n2. Enter this code: {code}\n3. Choose a password.\n\n"
                    "The link works once, for 72 hours. If it has expired, ask the clinic to send a new invitation."
                    f"\n\n{ignore} Please do not reply.")
        elif e.kind == "password_reset":
            subject = "Choose a new password"
            body = (f"Someone asked to choose a new password for your secure messaging account at {clinic}.\n\n"
                    f"Open this link to choose one: {link}\n\nThe link works once, for 30 minutes. Using it signs "
                    f"you out everywhere.\n\n{ignore} Your password stays the same. Please do not reply.")
        else:
            subject = "Confirm your email address"
            body = (f"Open this link to receive notifications from secure messaging at {clinic} at this address: "
                    f"{link}\n\nThe link works once, for 24 hours.\n\n{ignore} Please do not reply.")
        now = self._clock.now()
        domain = self._settings.smtp_from.rpartition("@")[2] or "localhost"
        # The link (and the code) open an account: the database keeps only their hashes, so the email waiting here
        # is sealed with the key ring like message text, and opened only to be sent.
        row_id = new_id()
        sealed = self._keys.seal(body, table="email_outbox", row_id=row_id, column="body")
        s.add(OutboxEmail(id=row_id, event_key=f"account:{e.token_id}", user_id=e.user_id, kind=e.kind,
                          to_address=e.to_address, subject=subject, body=SEALED + base64.b64encode(sealed).decode(),
                          message_id=make_msgid(domain=domain), status="pending", attempts=0, next_attempt_at=now,
                          last_error="", created_at=now))

    def body_of(self, row: OutboxEmail) -> str:
        """An email's text as it is sent (a sealed one opened)."""
        if row.body.startswith(SEALED):
            return self._keys.open(base64.b64decode(row.body[len(SEALED):]), table="email_outbox", row_id=row.id,
                                   column="body")
        return row.body

    async def _queue_for_message(self, s: AsyncSession, *, message_id: str, recipient_ids: Iterable[str],
                                 sender_id: str) -> None:
        """A new message: one email to each recipient (not the sender) who wants an email for each message."""
        for user_id, email, mode in await self._modes(s, (r for r in recipient_ids if r != sender_id)):
            if mode == "each":
                await self._queue(s, event_key=f"message:{message_id}:{user_id}", user_id=user_id, email=email,
                            kind="new_message")

    async def _queue_for_alerts(self, s: AsyncSession, alerts: list[tuple[str, str, str]]) -> None:
        """Reminders and escalations, as (alert id, user id, kind): staff get these by email too, unless they
        chose no emails at all. One lookup for the whole batch (the sweep can raise a thousand at once)."""
        modes = {uid: (email, mode) for uid, email, mode in await self._modes(s, (a[1] for a in alerts))}
        for alert_id, user_id, kind in alerts:
            email, mode = modes.get(user_id, ("", "none"))
            if mode != "none":
                await self._queue(s, event_key=f"alert:{alert_id}", user_id=user_id, email=email, kind=kind)

    # -- preferences ----------------------------------------------------------------------------------------
    async def email_mode(self, actor: Actor) -> str:
        async with self._db.read() as s:
            prefs = await s.get(Preferences, actor.user_id)
        return (prefs.email_mode if prefs else None) or default_mode(actor.role)

    async def set_email_mode(self, actor: Actor, mode: str) -> None:
        if mode not in EMAIL_MODES:
            raise ValidationError("Email notifications", "Choose how you want to be told about new messages.")
        async with self._db.write() as s:
            prefs = await s.get(Preferences, actor.user_id)
            if prefs is None:
                prefs = Preferences(user_id=actor.user_id, signature_on=False, signature_name="", signature_title="")
                s.add(prefs)
            prefs.email_mode = mode

    # -- digests --------------------------------------------------------------------------------------------
    async def send_digests(self) -> int:
        """Once a day from the digest hour (clinic time): to each digest reader with something new, the count only.

        Queued with a per-day key, so running this any number of times a day queues one digest per person.
        """

        now = self._clock.now()
        local = now.astimezone(ZoneInfo(self._settings.timezone))
        if local.hour < self._settings.digest_hour:
            return 0
        today = local.date()
        queued = 0
        async with self._db.write() as s:
            rows = (await s.execute(
                select(User, Preferences).outerjoin(Preferences, Preferences.user_id == User.id)
                .where(User.active.is_(True), User.role != "admin", User.role != "privacy_officer",
                       or_(Preferences.last_digest_on.is_(None), Preferences.last_digest_on < today))
            )).all()
            for user, prefs in rows:
                if ((prefs.email_mode if prefs else None) or default_mode(user.role)) != "digest":
                    continue
                count = (await s.execute(unread_threads_query(Actor(user.id, user.role, user.name, user.email)))
                         ).scalar_one()
                if prefs is None:
                    prefs = Preferences(user_id=user.id, signature_on=False, signature_name="", signature_title="")
                    s.add(prefs)
                prefs.last_digest_on = today
                if count:
                    await self._queue(s, event_key=f"digest:{user.id}:{today.isoformat()}", user_id=user.id,
                                email=user.notification_email or user.email, kind="digest", count=count)
                    queued += 1
        return queued

    # -- dispatch -------------------------------------------------------------------------------------------
    def _build(self, row: OutboxEmail) -> Message:
        to = row.to_address or ""
        if _UNSAFE.search(to) or len(to) > 254 or "@" not in to:
            raise PermanentFailure("the recipient address is not usable")
        return build_email(clinic=self._clinic, sender=self._settings.smtp_from, to=to, subject=row.subject,
                           body=self.body_of(row), message_id=row.message_id, date=as_utc(row.created_at))

    def _lease(self) -> timedelta:
        # Long enough for one send to finish; a crashed dispatcher's claims come back after it.
        return timedelta(seconds=max(60.0, 2 * self._settings.smtp_timeout))

    def _backoff(self, attempts: int) -> timedelta:
        return min(BACKOFF_CAP, timedelta(seconds=self._settings.mail_backoff_seconds * 2 ** max(0, attempts - 1)))

    async def dispatch(self) -> DispatchResult:
        """Send every email that is due. Safe to run concurrently (claims are leased) and after a crash."""
        tally: Counter[str] = Counter()  # sent, retried, failed
        while True:
            now = self._clock.now()
            async with self._db.write() as s:
                rows = (await s.scalars(
                    select(OutboxEmail).where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
                    .order_by(OutboxEmail.next_attempt_at).limit(CLAIM_BATCH).with_for_update(skip_locked=True)
                )).all()
                for row in rows:
                    row.attempts += 1
                    row.next_attempt_at = now + self._lease()
                claimed = [(r.id, r.attempts, self._safe_build(r)) for r in rows]
            # Outcomes are recorded together, not one transaction per email (a commit is an fsync): after the batch,
            # or sooner once sending has taken OUTCOME_SECONDS, so a crash re-sends at most that much (at least once).
            outcomes: list[tuple[str, int, tuple[bool, str] | None]] = []
            since = time.monotonic()
            for row_id, attempts, built in claimed:
                outcomes.append((row_id, attempts, await self._send_one(built)))
                if time.monotonic() - since >= OUTCOME_SECONDS:
                    await self._record(outcomes, tally)
                    outcomes, since = [], time.monotonic()
            await self._record(outcomes, tally)
            if len(claimed) < CLAIM_BATCH:
                return DispatchResult(tally["sent"], tally["retried"], tally["failed"])

    async def _record(self, outcomes: list[tuple[str, int, tuple[bool, str] | None]], tally: Counter[str]) -> None:
        """Write what happened to each email, in one transaction, and count it in `tally`."""
        if not outcomes:
            return
        async with self._db.write() as s:
            rows = {r.id: r for r in (await s.scalars(
                select(OutboxEmail).where(OutboxEmail.id.in_([row_id for row_id, _, _ in outcomes])))).all()}
            for row_id, attempts, outcome in outcomes:
                row = rows[row_id]
                if outcome is None:
                    row.status, row.sent_at, row.last_error = "sent", self._clock.now(), ""
                    tally["sent"] += 1
                    continue
                permanent, error = outcome
                row.last_error = error[:300]
                if permanent or attempts >= self._settings.mail_max_attempts:
                    row.status = "failed"
                    tally["failed"] += 1
                    await self._audit.record(s, actor_id=None, action="email.failed", object_type="email",
                                             object_id=row.id, detail=f"attempts={attempts}")
                else:
                    row.next_attempt_at = self._clock.now() + self._backoff(attempts)
                    tally["retried"] += 1

    def _safe_build(self, row: OutboxEmail) -> Message | PermanentFailure:
        try:
            return self._build(row)
        except (PermanentFailure, ValueError) as exc:
            return exc if isinstance(exc, PermanentFailure) else PermanentFailure(str(exc))

    async def _send_one(self, built: Message | PermanentFailure) -> tuple[bool, str] | None:
        """None when sent; else (permanent?, error text). Error texts are the server's, never the email's content."""
        if isinstance(built, PermanentFailure):
            return True, str(built)
        try:
            await self._mailer.send(built)
        except PermanentFailure as exc:
            return True, str(exc)
        except Exception as exc:  # noqa: BLE001 - any other trouble is temporary: try again later
            log.warning("email delivery will be retried: %s", exc.__class__.__name__)
            return False, f"{exc.__class__.__name__}: {exc}"
        return None

    # -- the admin's view -----------------------------------------------------------------------------------
    def _require_admin(self, actor: Actor) -> None:
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can see the email outbox.")

    async def outbox(self, actor: Actor, *, status: str = "", limit: int = 100) -> list[OutboxRow]:
        """Emails newest first, optionally only pending, sent or failed."""
        self._require_admin(actor)
        query = select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id).limit(limit)
        if status:
            query = query.where(OutboxEmail.status == status)
        async with self._db.read() as s:
            rows = (await s.scalars(query)).all()
        return [OutboxRow(r.id, r.kind, r.to_address, r.status, r.attempts, r.last_error, as_utc(r.created_at),
                          as_utc(r.sent_at) if r.sent_at else None, as_utc(r.next_attempt_at)) for r in rows]

    async def counts(self, actor: Actor) -> dict[str, int]:
        self._require_admin(actor)
        async with self._db.read() as s:
            rows = await s.execute(select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status))
            return {"pending": 0, "sent": 0, "failed": 0, **dict(rows.all())}

    async def retry(self, actor: Actor, email_id: str) -> None:
        """Put a failed email back in the queue, to be sent at once."""
        self._require_admin(actor)
        async with self._db.write() as s:
            result = await s.execute(update(OutboxEmail).where(and_(OutboxEmail.id == email_id,
                                                                    OutboxEmail.status == "failed"))
                                     .values(status="pending", attempts=0, next_attempt_at=self._clock.now()))
            if result.rowcount != 1:
                raise NotFound("email")
            await self._audit.record(s, actor_id=actor.user_id, action="email.retry", object_type="email",
                                     object_id=email_id)
