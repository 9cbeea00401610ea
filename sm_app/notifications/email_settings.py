"""The SMTP server, set by the clinic admin in the browser (/admin/email), and "Send test email".

Until the admin saves settings, the SM_SMTP_* variables apply (no host: emails are written to files, the demo). Saved
settings override them and apply to the next email sent, the outbox's and the test email alike, without a restart:
`ConfiguredMailer` asks for them on every send (from memory, replaced when they are saved). The password is sealed
with the key ring and never shown back; an empty password field keeps the stored one. What is read only at start-up
(a restart is needed to change it) is listed in `NEEDS_RESTART`.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import Message
from email.utils import formataddr, make_msgid, parseaddr

import aiosmtplib

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import SmtpSettings
from sm_app.config import Settings
from sm_app.identity.accounts import Actor
from sm_app.notifications.outbox import (
    SMTP_SECURITY,
    FileMailer,
    Mailer,
    PermanentFailure,
    SmtpMailer,
    build_email,
    make_mailer,
)
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, ValidationError, every_problem

SECURITY_NAMES = {"starttls": "STARTTLS (usually port 587)", "tls": "TLS from the start (usually port 465)",
                  "none": "None (a relay on this machine or network only)"}
# Read once at start-up: changing them means a restart (and the SM_* variable, not this page).
NEEDS_RESTART = ("SM_SMTP_CA_FILE (extra CA certificates)", "SM_MAIL_SECONDS (how often the outbox is sent)",
                 "SM_MAIL_MAX_ATTEMPTS and SM_MAIL_BACKOFF_SECONDS (retries)")
TEST_TIMEOUT = 15.0
_HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
_ADDRESS = re.compile(r"^[^@\s\x00-\x1f\x7f<>]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,63}$|^[^@\s]{1,64}@localhost$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class EmailSettingsView:
    """What the admin's form shows: never the password, only whether one is stored."""

    host: str
    port: int
    security: str
    username: str
    has_password: bool
    from_address: str
    saved_at: datetime | None  # None: the SM_SMTP_* variables apply


@dataclass(frozen=True)
class TestResult:
    ok: bool
    message: str  # plain words: where it went, or what the server or the network said


def _check_host(host: str) -> str:
    host = (host or "").strip()
    if host and not _HOST.match(host):
        raise ValidationError("SMTP host", "Enter a host name such as smtp.example.org, or leave it empty to "
                                           "write emails to files.")
    return host


def _check_port(port) -> int:
    try:
        value = int(port)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 65535:
        raise ValidationError("Port", "Port must be a number from 1 to 65535.")
    return value


def _check_address(label: str, value: str) -> str:
    value = (value or "").strip()
    if len(value) > 254 or not _ADDRESS.match(value):
        raise ValidationError(label, f"{label}: enter an email address such as name@example.org.")
    return value


def _check_user(user: str) -> str:
    user = (user or "").strip()
    if len(user) > 254 or _CONTROL.search(user):
        raise ValidationError("User name", "User name must be at most 254 characters on one line.")
    return user


def _check_password(password: str | None) -> str | None:
    if password and (len(password) > 200 or _CONTROL.search(password)):
        raise ValidationError("Password", "Password must be at most 200 characters on one line.")
    return password or None


def plain_words(exc: BaseException, host: str, port: int) -> str:
    """What went wrong, for the admin: the server's own answer when there is one."""
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return f"The server refused the user name or password ({exc.code} {exc.message})."
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return "The server refused the address: " + "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return f"The server refused the from-address ({exc.code} {exc.message})."
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | asyncio.TimeoutError | TimeoutError):
        return f"{host}:{port} did not answer in time."
    if isinstance(exc, aiosmtplib.SMTPConnectError | ConnectionError | OSError) and not isinstance(
            exc, ssl.SSLError):
        return f"Could not connect to {host}:{port} ({exc})."
    if isinstance(exc, ssl.SSLError | aiosmtplib.SMTPServerDisconnected):
        return f"The secure connection to {host}:{port} failed ({exc}). Check the security setting and the port."
    if isinstance(exc, aiosmtplib.SMTPException) and "AUTH extension" in str(exc):
        return (f"{host}:{port} does not take a user name and password over this connection. Leave them empty, or "
                "choose STARTTLS or TLS.")
    if isinstance(exc, aiosmtplib.SMTPException) and "STARTTLS extension" in str(exc):
        return f"{host}:{port} does not offer STARTTLS ({exc}). Choose another security setting or port."
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"The server answered {exc.code} {exc.message}."
    if isinstance(exc, PermanentFailure):
        return f"The server refused the email ({exc})."
    return f"Sending failed ({exc.__class__.__name__}: {exc})."


class EmailSettings:
    def __init__(self, db: Database, keys: KeyRing, audit: AuditLog, clock: Clock, settings: Settings):
        self._db = db
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._settings = settings
        self._env_mailer = make_mailer(settings)  # a misspelt SM_SMTP_SECURITY still stops start-up
        self._effective: Settings | None = None  # settings with the saved SMTP values; None: not read yet
        self._saved = False

    @staticmethod
    def _require_admin(actor: Actor) -> None:
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can change the email settings.")

    async def _read(self) -> tuple[Settings, bool]:
        if self._effective is None:
            async with self._db.read() as s:
                row = await s.get(SmtpSettings, 1)
                if row is None:
                    self._effective, self._saved = self._settings, False
                else:
                    password = (self._keys.open(row.password_enc, table="smtp_settings", row_id="1",
                                                column="password") if row.password_enc else "")
                    self._effective = replace(self._settings, smtp_host=row.host, smtp_port=row.port,
                                              smtp_security=row.security, smtp_user=row.username,
                                              smtp_password=password, smtp_from=row.from_address)
                    self._saved = True
        return self._effective, self._saved

    async def mailer(self) -> tuple[Mailer, str]:
        """The mailer for the next email and its from-address."""
        effective, saved = await self._read()
        if not saved:
            return self._env_mailer, effective.smtp_from
        if effective.smtp_host:
            return SmtpMailer(effective), effective.smtp_from
        return FileMailer(self._settings.data_dir / "mail"), effective.smtp_from

    async def current(self, actor: Actor) -> EmailSettingsView:
        self._require_admin(actor)
        effective, saved = await self._read()
        saved_at = None
        if saved:
            async with self._db.read() as s:
                saved_at = as_utc((await s.get(SmtpSettings, 1)).updated_at)
        return EmailSettingsView(effective.smtp_host, effective.smtp_port, effective.smtp_security,
                                 effective.smtp_user, bool(effective.smtp_password), effective.smtp_from, saved_at)

    async def save(self, actor: Actor, *, host: str, port, security: str, username: str, password: str | None,
                   from_address: str, forget_password: bool = False) -> EmailSettingsView:
        """Save the SMTP settings; the next email uses them. An empty password keeps the stored one (unless
        `forget_password`). Audited without any of the values."""
        self._require_admin(actor)

        def check_security() -> str:
            if security not in SMTP_SECURITY:
                raise ValidationError("Security", "Choose how the connection is secured.")
            return security

        host, port, security, username, password, from_address = every_problem(
            lambda: _check_host(host), lambda: _check_port(port), check_security, lambda: _check_user(username),
            lambda: _check_password(password), lambda: _check_address("From address", from_address))
        async with self._db.write() as s:
            row = await s.get(SmtpSettings, 1)
            if row is None:
                row = SmtpSettings(id=1)
                s.add(row)
            row.host, row.port, row.security, row.username, row.from_address = (host, port, security, username,
                                                                                from_address)
            if forget_password or not username:
                row.password_enc = None
            elif password:
                row.password_enc = self._keys.seal(password, table="smtp_settings", row_id="1", column="password")
            row.updated_at, row.updated_by_id = self._clock.now(), actor.user_id
            await self._audit.record(s, actor_id=actor.user_id, action="settings.change", object_type="setting",
                                     object_id="smtp")
        self._effective = None  # the next email reads them again
        return await self.current(actor)

    async def send_test(self, actor: Actor, to: str) -> TestResult:
        """Send a fixed test email now, with the saved settings, to an address the admin typed; the result in plain
        words. Not queued: the admin waits for the answer (at most TEST_TIMEOUT seconds)."""
        self._require_admin(actor)
        to = _check_address("Test address", to)
        effective, _ = await self._read()
        mailer, sender = await self.mailer()
        clinic = _CONTROL.sub(" ", self._settings.clinic_name)[:100] or "your clinic"
        message = build_email(clinic=clinic, sender=sender, to=to, subject=f"Test email from {clinic}",
                              body=f"This is a test email from {clinic}'s secure messaging. The email settings work.",
                              message_id=make_msgid(domain="sm-app.test"), date=self._clock.now())
        if isinstance(mailer, SmtpMailer):
            mailer = SmtpMailer(replace(effective, smtp_timeout=min(effective.smtp_timeout, TEST_TIMEOUT)))
        try:
            await asyncio.wait_for(mailer.send(message), TEST_TIMEOUT + 1)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the admin, in plain words
            result = TestResult(False, plain_words(exc, effective.smtp_host, effective.smtp_port))
        else:
            where = (f"{effective.smtp_host}:{effective.smtp_port} accepted it" if effective.smtp_host else
                     "no SMTP host is set, so it was written to the mail folder on the server")
            result = TestResult(True, f"Test email sent to {to}: {where}.")
        # The address is not health information, but the audit keeps ids only: who tested, and the outcome.
        await self._audit.record_alone(actor_id=actor.user_id, action="email.test", object_type="setting",
                                       object_id="smtp", outcome="ok" if result.ok else "failed")
        return result


class ConfiguredMailer:
    """The outbox's mailer: each send asks `EmailSettings` which server and from-address apply now."""

    def __init__(self, email_settings: EmailSettings):
        self._settings = email_settings

    async def send(self, message: Message) -> None:
        mailer, sender = await self._settings.mailer()
        if message["From"]:
            name, _ = parseaddr(message["From"])
            message.replace_header("From", formataddr((name, sender)))
        await mailer.send(message)
