"""The email outbox against a real SMTP server on loopback (aiosmtpd), on SQLite and PostgreSQL.

Every email is fixed text: it reaches the right people once, survives a server that is down, 4xx and
5xx answers, a crash between commit and send, and never carries a name, subject, body or category.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import ipaddress
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import formataddr
from pathlib import Path
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from sm_app.adapters.clock import FakeClock, as_utc
from sm_app.adapters.models import OutboxEmail, User
from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor
from sm_app.notifications import outbox
from sm_app.notifications.outbox import DispatchResult
from sm_app.shared.errors import NotAllowed, ValidationError
from tests.conftest import PATIENT_PW, STAFF_PW, make_settings, seed_clinic

MONDAY_9AM = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # New York time (EST)
REMIND = datetime(2026, 11, 4, 16, 15, tzinfo=UTC)
DUE = datetime(2026, 11, 5, 14, 0, tzinfo=UTC)
SECOND = datetime(2026, 11, 6, 14, 0, tzinfo=UTC)
FROM = "no-reply@clinic.test"
BACKOFF = 30.0
FOOTER = ("\n\nSign in to read it: {link}\n\nThis email contains no message content. Please do not reply.\n")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the SMTP server ----------------------------------------------------------------------------------------
@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    tls: bool

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def text(self) -> str:
        return self.message.get_content().replace("\r\n", "\n")


@dataclass
class Recorder:
    """aiosmtpd handler: records every accepted email; answers from `rcpt_replies` / `data_replies` first."""

    messages: list[Received] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.data_replies:
            return self.data_replies.pop(0)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                                      session.ssl is not None))
        return "250 Message accepted for delivery"


class SmtpServer:
    """An aiosmtpd server on a fixed free loopback port, started and stopped by the test (in its own thread)."""

    def __init__(self, port: int):
        self.port = port
        self.handler = Recorder()
        self._controller: Controller | None = None

    def start(self, tls_context: ssl.SSLContext | None = None) -> SmtpServer:
        kwargs = dict(tls_context=tls_context, require_starttls=True) if tls_context else {}
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                      server_hostname="mail.test", **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


@pytest.fixture
def mail_server():
    """Not listening yet: the test starts it (so it can also be down first)."""
    server = SmtpServer(_free_port())
    yield server
    server.stop()


@pytest.fixture
def smtp(mail_server):
    return mail_server.start()


# -- the clinic ---------------------------------------------------------------------------------------------
@pytest.fixture
async def make_clinic(tmp_path, database_url, mail_server):
    """make_clinic(**settings) -> a seeded clinic on a FakeClock whose emails go to `mail_server` (plain SMTP)."""
    systems = []

    async def make(start: datetime = MONDAY_9AM, **overrides):
        options = dict(smtp_host="127.0.0.1", smtp_port=mail_server.port, smtp_security="none", smtp_from=FROM,
                       smtp_timeout=5.0, mail_backoff_seconds=BACKOFF)
        settings = replace(make_settings(tmp_path, database_url), **{**options, **overrides})
        system = build_system(settings, clock=FakeClock(start))
        systems.append(system)
        return await seed_clinic(system)

    yield make
    for system in systems:
        await system.close()


async def _write(clinic, subject="Question", body="When is my next visit due?", **kwargs) -> str:
    sent = await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                      subject=subject, body=body, **kwargs)
    return sent.thread_id


async def _rows(clinic) -> list[OutboxEmail]:
    async with clinic.system.db.read() as s:
        return list((await s.scalars(select(OutboxEmail).order_by(OutboxEmail.created_at, OutboxEmail.id))).all())


def _text(clinic, kind: str, count: int = 0) -> tuple[str, str]:
    clinic_name = clinic.system.settings.clinic_name
    footer = FOOTER.format(link=clinic.system.settings.base_url.rstrip("/") + "/login")
    return {
        "new_message": ("New secure message", f"You have a new secure message from {clinic_name}.{footer}"),
        "reminder": ("A conversation is due soon",
                     f"A conversation for your care team at {clinic_name} is due soon.{footer}"),
        "escalation": ("A conversation is overdue",
                       f"A conversation for your care team at {clinic_name} is overdue.{footer}"),
        "admin_escalation": ("A conversation is still overdue",
                             f"A conversation at {clinic_name} is still overdue and has been escalated to you."
                             f"{footer}"),
        "digest": ("Your secure messages", f"You have {count} new secure messages from {clinic_name}.{footer}"),
    }[kind]


def _assert_fixed_email(clinic, received: Received, to: str, kind: str, count: int = 0) -> None:
    subject, body = _text(clinic, kind, count)
    msg = received.message
    assert received.rcpt_tos == [to]
    assert received.mail_from == FROM
    assert msg["To"] == to
    assert msg["From"] == formataddr((clinic.system.settings.clinic_name, FROM))
    assert msg["Subject"] == subject
    assert msg["Auto-Submitted"] == "auto-generated"
    assert received.text == body


# -- delivery -----------------------------------------------------------------------------------------------
async def test_a_new_message_email_reaches_each_readers_only_with_fixed_text(make_clinic, smtp):
    clinic = await make_clinic()
    n = clinic.system.notifications
    await n.set_email_mode(clinic.blue_nurse, "each")  # staff default to the daily digest
    assert await n.email_mode(clinic.blue_nurse) == "each"
    assert await n.email_mode(clinic.blue_provider) == "digest"
    assert await n.email_mode(clinic.pat) == "each"

    thread = await _write(clinic)
    assert await n.dispatch() == DispatchResult(sent=1)
    [received] = smtp.messages
    _assert_fixed_email(clinic, received, clinic.blue_nurse.email, "new_message")
    [row] = await _rows(clinic)
    assert received.message["Message-ID"] == row.message_id
    assert row.message_id.startswith("<") and row.message_id.endswith("@clinic.test>")
    assert received.message["Date"]
    assert not received.tls
    [shown] = await n.outbox(clinic.admin)
    assert (shown.kind, shown.to_address, shown.status, shown.attempts, shown.sent_at) == (
        "new_message", clinic.blue_nurse.email, "sent", 1, MONDAY_9AM)
    assert await n.counts(clinic.admin) == {"pending": 0, "sent": 1, "failed": 0}

    # The nurse answers: the patient (default "each") is told; the nurse, the sender, is not.
    await clinic.system.messaging.reply(clinic.blue_nurse, thread, "Your next visit is in March.")
    assert await n.dispatch() == DispatchResult(sent=1)
    assert await n.dispatch() == DispatchResult()
    assert [m.rcpt_tos for m in smtp.messages] == [[clinic.blue_nurse.email], [clinic.pat.email]]
    _assert_fixed_email(clinic, smtp.messages[1], clinic.pat.email, "new_message")
    assert len({m.message["Message-ID"] for m in smtp.messages}) == 2


def _tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """A private CA and a server certificate it signed for 127.0.0.1 / localhost: (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: PLC0415
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: PLC0415

    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SM Test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
          .not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


async def test_a_clinic_name_beyond_ascii_arrives_intact(make_clinic, smtp):
    clinic = await make_clinic(clinic_name="Clínica San José")
    await clinic.system.notifications.set_email_mode(clinic.blue_nurse, "each")  # staff default to the digest
    await _write(clinic)
    assert await clinic.system.notifications.dispatch() == DispatchResult(sent=1)
    [received] = smtp.messages
    assert received.raw.isascii()  # encoded words and quoted-printable: any mail server takes it
    subject, body = _text(clinic, "new_message")
    msg = received.message
    assert (received.rcpt_tos, msg["To"], msg["Subject"], received.text) == ([clinic.blue_nurse.email],
                                                                             clinic.blue_nurse.email, subject, body)
    [sender] = msg["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Clínica San José", FROM)


async def test_the_demo_mail_folder_holds_emails_a_mail_program_opens(make_clinic):
    clinic = await make_clinic(clinic_name="Clínica San José", smtp_host="")  # no SMTP server: the demo's folder
    await clinic.system.notifications.set_email_mode(clinic.blue_nurse, "each")
    await _write(clinic)
    assert await clinic.system.notifications.dispatch() == DispatchResult(sent=1)
    [eml] = (clinic.system.settings.data_dir / "mail").glob("*.eml")
    stored = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    subject, body = _text(clinic, "new_message")
    assert (stored["To"], stored["Subject"], stored["Auto-Submitted"]) == (clinic.blue_nurse.email, subject,
                                                                           "auto-generated")
    assert stored["From"].addresses[0].display_name == "Clínica San José"
    assert stored.get_content().replace("\r\n", "\n") == body


async def test_the_admins_test_email_is_built_like_every_other(make_clinic):
    clinic = await make_clinic(clinic_name="Clínica San José", smtp_host="")  # no SMTP server: the demo's folder
    result = await clinic.system.email_settings.send_test(clinic.admin, "ada@example.org")
    assert result.ok and "mail folder" in result.message
    [eml] = (clinic.system.settings.data_dir / "mail").glob("*.eml")
    raw = eml.read_bytes()
    assert raw.isascii()  # encoded words and quoted-printable, as the outbox's emails
    stored = email.message_from_bytes(raw, policy=email.policy.default)
    assert (stored["To"], stored["Subject"], stored["Auto-Submitted"]) == (
        "ada@example.org", "Test email from Clínica San José", "auto-generated")
    assert stored["From"].addresses[0].display_name == "Clínica San José"
    assert stored.get_content().replace("\r\n", "\n") == (
        "This is a test email from Clínica San José's secure messaging. The email settings work.\n")


async def test_starttls_to_a_server_with_a_private_ca(make_clinic, mail_server, tmp_path):
    ca, cert, key = _tls_files(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mail_server.start(tls_context=context)  # refuses MAIL before STARTTLS
    clinic = await make_clinic(smtp_security="starttls", smtp_ca_file=str(ca))
    n = clinic.system.notifications
    await n.set_email_mode(clinic.blue_nurse, "each")
    await _write(clinic)
    assert await n.dispatch() == DispatchResult(sent=1)
    [received] = mail_server.messages
    assert received.tls
    _assert_fixed_email(clinic, received, clinic.blue_nurse.email, "new_message")


async def test_starttls_refuses_a_certificate_it_cannot_verify(make_clinic, mail_server, tmp_path):
    _, cert, key = _tls_files(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mail_server.start(tls_context=context)
    clinic = await make_clinic(smtp_security="starttls")  # the private CA is not trusted
    n = clinic.system.notifications
    await n.set_email_mode(clinic.blue_nurse, "each")
    await _write(clinic)
    assert await n.dispatch() == DispatchResult(retried=1)
    [row] = await n.outbox(clinic.admin)
    assert row.status == "pending"
    assert "certificate" in row.last_error.lower()
    assert mail_server.messages == []


async def test_a_server_down_for_a_while_gets_the_email_once_it_is_back(make_clinic, mail_server):
    clinic = await make_clinic()
    n, clock = clinic.system.notifications, clinic.system.clock
    await n.set_email_mode(clinic.blue_nurse, "each")
    await _write(clinic)

    assert await n.dispatch() == DispatchResult(retried=1)  # nothing listens
    [row] = await n.outbox(clinic.admin)
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 1, MONDAY_9AM + timedelta(seconds=BACKOFF))
    assert row.last_error
    assert await n.dispatch() == DispatchResult()  # not due yet
    clock.advance(seconds=BACKOFF)
    assert await n.dispatch() == DispatchResult(retried=1)
    [row] = await n.outbox(clinic.admin)
    assert (row.attempts, row.next_attempt_at) == (2, clock.now() + timedelta(seconds=2 * BACKOFF))  # doubled
    clock.advance(seconds=2 * BACKOFF - 1)
    assert await n.dispatch() == DispatchResult()

    mail_server.start()
    clock.advance(seconds=1)
    assert await n.dispatch() == DispatchResult(sent=1)
    assert await n.dispatch() == DispatchResult()
    clock.advance(hours=2)
    assert await n.dispatch() == DispatchResult()
    [received] = mail_server.messages
    _assert_fixed_email(clinic, received, clinic.blue_nurse.email, "new_message")
    [row] = await n.outbox(clinic.admin)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")


@pytest.mark.parametrize("stage", ["rcpt", "data"])
async def test_a_temporary_refusal_is_retried_after_the_backoff(make_clinic, smtp, stage):
    clinic = await make_clinic()
    n, clock = clinic.system.notifications, clinic.system.clock
    await n.set_email_mode(clinic.blue_nurse, "each")
    getattr(smtp.handler, f"{stage}_replies").append("451 Try again later")
    await _write(clinic)

    assert await n.dispatch() == DispatchResult(retried=1)
    [row] = await n.outbox(clinic.admin)
    assert row.status == "pending" and "451" in row.last_error and "Try again later" in row.last_error
    assert row.next_attempt_at == MONDAY_9AM + timedelta(seconds=BACKOFF)
    assert smtp.messages == []
    clock.advance(seconds=BACKOFF)
    assert await n.dispatch() == DispatchResult(sent=1)
    assert await n.dispatch() == DispatchResult()
    assert len(smtp.messages) == 1
    assert await n.counts(clinic.admin) == {"pending": 0, "sent": 1, "failed": 0}


@pytest.mark.parametrize("stage", ["rcpt", "data"])
async def test_a_permanent_refusal_fails_visibly_and_the_admin_can_retry(make_clinic, smtp, stage):
    clinic = await make_clinic()
    n = clinic.system.notifications
    await n.set_email_mode(clinic.blue_nurse, "each")
    getattr(smtp.handler, f"{stage}_replies").append("550 No such user")
    await _write(clinic)

    assert await n.dispatch() == DispatchResult(failed=1)
    [row] = await n.outbox(clinic.admin)
    assert (row.status, row.attempts, row.to_address) == ("failed", 1, clinic.blue_nurse.email)
    assert "550" in row.last_error and "No such user" in row.last_error
    assert [r.id for r in await n.outbox(clinic.admin, status="failed")] == [row.id]
    assert await n.counts(clinic.admin) == {"pending": 0, "sent": 0, "failed": 1}
    assert await n.dispatch() == DispatchResult()  # failed stays failed
    assert smtp.messages == []
    with pytest.raises(NotAllowed):
        await n.outbox(clinic.blue_nurse)
    with pytest.raises(NotAllowed):
        await n.retry(clinic.blue_nurse, row.id)

    await n.retry(clinic.admin, row.id)
    assert await n.counts(clinic.admin) == {"pending": 1, "sent": 0, "failed": 0}
    assert await n.dispatch() == DispatchResult(sent=1)
    [received] = smtp.messages
    assert received.message["Message-ID"] == (await _rows(clinic))[0].message_id  # the same email
    assert await n.counts(clinic.admin) == {"pending": 0, "sent": 1, "failed": 0}
    actions = [e["action"] for e in await clinic.system.audit.entries(50)]
    assert "email.failed" in actions and "email.retry" in actions
    assert (await clinic.system.audit.verify()).ok


async def test_too_many_attempts_is_failed(make_clinic, smtp):
    clinic = await make_clinic(mail_max_attempts=3)
    n, clock = clinic.system.notifications, clinic.system.clock
    await n.set_email_mode(clinic.blue_nurse, "each")
    smtp.handler.data_replies.extend(["451 Try again later"] * 3)
    await _write(clinic)
    assert await n.dispatch() == DispatchResult(retried=1)
    clock.advance(seconds=BACKOFF)
    assert await n.dispatch() == DispatchResult(retried=1)
    clock.advance(seconds=2 * BACKOFF)
    assert await n.dispatch() == DispatchResult(failed=1)
    [row] = await n.outbox(clinic.admin)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "451" in row.last_error
    clock.advance(hours=2)
    assert await n.dispatch() == DispatchResult()
    assert smtp.messages == []
    assert await n.counts(clinic.admin) == {"pending": 0, "sent": 0, "failed": 1}


@pytest.mark.parametrize("record_after_each", [False, True])
async def test_one_dispatch_records_sent_retried_and_failed_emails_side_by_side(make_clinic, smtp, monkeypatch,
                                                                                   record_after_each):
    """Outcomes are written together after the batch (or after each email once sending takes a while): each email
    still ends with its own status, error, next attempt and audit entry."""
    if record_after_each:
        monkeypatch.setattr(outbox, "OUTCOME_SECONDS", 0.0)
    clinic = await make_clinic()
    n = clinic.system.notifications
    await n.set_email_mode(clinic.blue_nurse, "each")
    smtp.handler.data_replies.extend(["451 Try again later", "550 No such user"])
    for i in range(3):
        await _write(clinic, subject=f"Question {i}")

    assert await n.dispatch() == DispatchResult(sent=1, retried=1, failed=1)
    rows = {r.status: r for r in await n.outbox(clinic.admin)}
    assert sorted(rows) == ["failed", "pending", "sent"]
    assert (rows["sent"].attempts, rows["sent"].last_error) == (1, "")
    assert "451" in rows["pending"].last_error
    assert rows["pending"].next_attempt_at == MONDAY_9AM + timedelta(seconds=BACKOFF)
    assert "550" in rows["failed"].last_error and rows["failed"].attempts == 1
    assert len(smtp.messages) == 1
    failed = [e for e in await clinic.system.audit.entries(50) if e["action"] == "email.failed"]
    assert [e["object_id"] for e in failed] == [rows["failed"].id]
    assert (await clinic.system.audit.verify()).ok
    clinic.system.clock.advance(seconds=BACKOFF)
    assert await n.dispatch() == DispatchResult(sent=1)
    assert await n.counts(clinic.admin) == {"pending": 0, "sent": 2, "failed": 1}


# -- no leaks -----------------------------------------------------------------------------------------------
async def test_no_name_subject_body_or_answer_ever_reaches_an_email(make_clinic, smtp):
    marker = f"Zq{uuid.uuid4().hex[:10]}Mark"
    clinic = await make_clinic(start=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))  # 05:00 clinic time
    system = clinic.system
    acc, n = system.accounts, system.notifications
    u = await acc.create_user(email="mara@example.org", role="patient", name=f"Mara {marker}", password=PATIENT_PW)
    await acc.assign_patient(team="Blue Team", email=u.email)
    mara = Actor(u.id, u.role, u.name, u.email)
    s = await acc.create_user(email="sam@example.org", role="nurse", name=f"Sam {marker}", password=STAFF_PW)
    await acc.add_member(team="Blue Team", email=s.email, role="nurse", lead=True)
    sam = Actor(s.id, s.role, s.name, s.email)
    await n.set_email_mode(clinic.blue_nurse, "each")

    m = system.messaging
    first = await m.start_thread(mara, team_id=clinic.blue_id, category="Medication", subject=f"Rash {marker}",
                                 body=f"My {marker} condition is worse.")
    await m.start_thread(mara, team_id=clinic.blue_id, category="Medication", subject=f"Renewal {marker}", body="",
                         template_key="prescription_renewal",
                         answers={"Pharmacy": f"{marker} Pharmacy", "Medication": f"{marker}-statin",
                                  "Dose": "500 mg"})
    await m.reply(sam, first.thread_id, f"About your {marker}: come in on Monday. {sam.name}")
    system.clock.set(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))  # 07:00: digests
    assert await n.send_digests() >= 1
    system.clock.set(SECOND + timedelta(days=3))  # every stage fell due: reminders, escalations, the admin's
    await system.escalation.sweep()
    result = await n.dispatch()
    assert result.failed == result.retried == 0

    rows = await _rows(clinic)
    kinds = {r.kind for r in rows}
    assert {"new_message", "digest", "reminder", "escalation", "admin_escalation"} <= kinds, kinds
    assert len(smtp.messages) == len(rows) == result.sent
    for row in rows:
        stored = " ".join(str(getattr(row, c.key)) for c in OutboxEmail.__table__.columns)
        assert marker.lower() not in stored.lower()
    for shown in await n.outbox(clinic.admin, limit=1000):
        assert marker.lower() not in repr(shown).lower()
    for received in smtp.messages:
        assert marker.lower().encode() not in received.raw.lower()
        msg = received.message
        for name, value in msg.items():
            assert marker.lower() not in f"{name}: {value}".lower()
        assert marker.lower() not in received.text.lower()
        for word in ("Rash", "Renewal", "Pharmacy", "statin", "Medication", "Mara", "Sam"):
            assert word.lower() not in received.text.lower()
            assert word.lower() not in str(msg["Subject"]).lower()


async def test_no_header_can_be_injected(make_clinic, smtp):
    clinic = await make_clinic(clinic_name="Clinic\r\nBcc: x@y.z")
    system, n = clinic.system, clinic.system.notifications
    long_address = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 59 + ".example"
    assert len(long_address) == 254
    await n.set_email_mode(clinic.blue_nurse, "each")
    await n.set_email_mode(clinic.blue_provider, "each")
    async with system.db.write() as s:
        await s.execute(update(User).where(User.id == clinic.blue_provider.user_id).values(email=long_address))
    thread = await _write(clinic)
    assert await n.dispatch() == DispatchResult(sent=2)

    expected = {"From", "To", "Subject", "Message-ID", "Date", "Auto-Submitted", "Content-Type",
                "Content-Transfer-Encoding", "MIME-Version"}
    assert sorted(m.rcpt_tos for m in smtp.messages) == sorted([[clinic.blue_nurse.email], [long_address]])
    for received in smtp.messages:
        msg = received.message
        assert set(msg.keys()) == expected
        assert len(msg.keys()) == len(expected)
        assert msg["To"] == received.rcpt_tos[0]
        assert msg["Bcc"] is None
        assert b"\nbcc:" not in received.raw.lower()
        [sender] = msg["From"].addresses
        assert (sender.addr_spec, sender.display_name) == (FROM, "Clinic  Bcc: x@y.z")  # one quoted name
        assert "\r" not in str(msg["From"]) and "\n" not in str(msg["From"])

    # An address with CR/LF in it (only possible by editing the database) is failed, never sent.
    await n.set_email_mode(clinic.pat, "each")
    await n.set_email_mode(clinic.blue_provider, "none")
    async with system.db.write() as s:
        await s.execute(update(User).where(User.id == clinic.pat.user_id)
                        .values(email="pat@example.org\r\nBcc: x@y.z"))
    await system.messaging.reply(clinic.blue_nurse, thread, "Thanks, noted.")
    assert await n.dispatch() == DispatchResult(failed=1)
    failed = await n.outbox(clinic.admin, status="failed")
    assert [f.last_error for f in failed] == ["the recipient address is not usable"]
    assert len(smtp.messages) == 2
    assert all(m.rcpt_tos != ["x@y.z"] for m in smtp.messages)


# -- preferences --------------------------------------------------------------------------------------------
async def test_each_digest_and_none_do_as_chosen(make_clinic, smtp):
    clinic = await make_clinic(start=datetime(2026, 11, 2, 10, 0, tzinfo=UTC))  # Monday 05:00 clinic time
    system, n, clock = clinic.system, clinic.system.notifications, clinic.system.clock
    d = await system.accounts.create_user(email="dora@example.org", role="nurse", name="Dora Digest", password=STAFF_PW)
    await system.accounts.add_member(team="Blue Team", email=d.email, role="nurse")
    dora = Actor(d.id, d.role, d.name, d.email)
    await n.set_email_mode(clinic.blue_nurse, "each")
    await n.set_email_mode(clinic.blue_provider, "none")
    with pytest.raises(ValidationError):
        await n.set_email_mode(clinic.blue_nurse, "hourly")
    assert await n.email_mode(dora) == "digest"

    first = await _write(clinic, subject="One")
    await _write(clinic, subject="Two")
    assert await n.dispatch() == DispatchResult(sent=2)  # each: one email per message
    assert [m.rcpt_tos for m in smtp.messages] == [[clinic.blue_nurse.email]] * 2
    assert await n.send_digests() == 0  # before the digest hour
    clock.set(datetime(2026, 11, 2, 11, 59, tzinfo=UTC))  # 06:59
    assert await n.send_digests() == 0
    assert await n.dispatch() == DispatchResult()

    clock.set(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))  # 07:00 clinic time
    assert await n.send_digests() == 1  # Dora only: Nina reads each, Paul chose none, admins get none
    assert await n.send_digests() == 0
    await _write(clinic, subject="Three")  # later the same day: tomorrow's digest
    clock.advance(hours=5)
    assert await n.send_digests() == 0
    assert await n.dispatch() == DispatchResult(sent=2)
    digests = [m for m in smtp.messages if m.rcpt_tos == [dora.email]]
    assert len(digests) == 1
    _assert_fixed_email(clinic, digests[0], dora.email, "digest", count=2)
    assert all(clinic.blue_provider.email not in m.rcpt_tos for m in smtp.messages)

    clock.set(datetime(2026, 11, 3, 12, 0, tzinfo=UTC))  # Tuesday 07:00: one more digest, three threads now
    assert await n.send_digests() == 1
    assert await n.send_digests() == 0
    assert await n.dispatch() == DispatchResult(sent=1)
    _assert_fixed_email(clinic, smtp.messages[-1], dora.email, "digest", count=3)
    assert [r.kind for r in await _rows(clinic)].count("digest") == 2

    # none for the patient: the answer is not emailed (each: it would be).
    await n.set_email_mode(clinic.pat, "none")
    await system.messaging.reply(clinic.blue_nurse, first, "We have it.")
    assert await n.dispatch() == DispatchResult()
    await n.set_email_mode(clinic.pat, "each")
    await system.messaging.reply(clinic.blue_nurse, first, "And here is more.")
    assert await n.dispatch() == DispatchResult(sent=1)
    assert smtp.messages[-1].rcpt_tos == [clinic.pat.email]


# -- duplicates ---------------------------------------------------------------------------------------------
async def test_dispatch_twice_or_concurrently_sends_each_email_once(make_clinic, smtp):
    clinic = await make_clinic()
    n = clinic.system.notifications
    await n.set_email_mode(clinic.blue_nurse, "each")
    await n.set_email_mode(clinic.blue_provider, "each")
    for i in range(30):  # 60 emails: more than one claim batch
        await _write(clinic, subject=f"Question {i}")
    results = await asyncio.gather(*(n.dispatch() for _ in range(4)))
    assert sum(r.sent for r in results) == 60
    assert sum(r.retried + r.failed for r in results) == 0
    assert await n.dispatch() == DispatchResult()
    ids = [m.message["Message-ID"] for m in smtp.messages]
    assert len(ids) == len(set(ids)) == 60
    assert {r.message_id for r in await _rows(clinic)} == set(ids)
    assert await n.counts(clinic.admin) == {"pending": 0, "sent": 60, "failed": 0}


# -- escalations --------------------------------------------------------------------------------------------
async def test_reminders_and_escalations_are_emailed_with_fixed_text(make_clinic, smtp):
    clinic = await make_clinic()
    system, n = clinic.system, clinic.system.notifications
    await system.accounts.add_member(team="Blue Team", email=clinic.blue_provider.email, role="provider", lead=True)
    await n.set_email_mode(clinic.blue_nurse, "none")  # none: no alert emails either
    await n.set_email_mode(clinic.pat, "none")
    await _write(clinic, subject="Chest rash", body="The rash on my arm is spreading.")

    system.clock.set(REMIND)
    assert (await system.escalation.sweep()).reminders == 1
    assert await n.dispatch() == DispatchResult(sent=1)
    _assert_fixed_email(clinic, smtp.messages[-1], clinic.blue_provider.email, "reminder")
    system.clock.set(DUE)
    assert (await system.escalation.sweep()).escalations == 1
    assert await n.dispatch() == DispatchResult(sent=1)
    _assert_fixed_email(clinic, smtp.messages[-1], clinic.blue_provider.email, "escalation")
    system.clock.set(SECOND)
    assert (await system.escalation.sweep()).admin_escalations == 1
    assert (await system.escalation.sweep()).admin_escalations == 0
    assert await n.dispatch() == DispatchResult(sent=1)
    _assert_fixed_email(clinic, smtp.messages[-1], clinic.admin.email, "admin_escalation")
    assert len(smtp.messages) == 3
    for received in smtp.messages:
        for word in ("rash", "Pat", "Blue", "General", "spreading"):
            assert word.lower().encode() not in received.raw.lower()


# -- a crash between commit and send ------------------------------------------------------------------------
def _wait_for_login(proc: subprocess.Popen, port: int, log: Path, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"sm-app serve exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"sm-app serve did not answer in {timeout} s:\n{log.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass


async def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_sigkill_between_commit_and_send_sends_once_after_restart(tmp_path, database_url, mail_server):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SM_", "NICEGUI_", "PYTEST_"))}
    env.update(SM_DATA_DIR=str(data_dir), SM_DATABASE_URL=database_url, SM_HOST="127.0.0.1", SM_PORT=str(port),
               SM_BASE_URL=f"http://127.0.0.1:{port}", SM_SMTP_HOST="127.0.0.1", SM_SMTP_PORT=str(mail_server.port),
               SM_SMTP_SECURITY="none", SM_SMTP_FROM=FROM, SM_MAIL_SECONDS="0.5", SM_MAIL_BACKOFF_SECONDS="0.5",
               SM_MAIL_MAX_ATTEMPTS="100", PYTHONUNBUFFERED="1")
    with mock.patch.dict(os.environ, env, clear=True):
        settings = Settings.from_env()
    system = build_system(settings)  # the same database and key file as the server's
    log = tmp_path / "serve.log"
    procs: list[subprocess.Popen] = []

    def serve() -> subprocess.Popen:
        with open(log, "ab") as out:
            proc = subprocess.Popen([sys.executable, "-m", "sm_app", "serve"], env=env, cwd=tmp_path, stdout=out,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        procs.append(proc)
        _wait_for_login(proc, port, log)
        return proc

    async def row() -> OutboxEmail:
        async with system.db.read() as s:
            return (await s.scalars(select(OutboxEmail))).one()

    try:
        clinic = await seed_clinic(system)
        await system.notifications.set_email_mode(clinic.blue_nurse, "each")
        await system.notifications.set_email_mode(clinic.blue_provider, "none")  # no digest in this test
        proc = serve()
        await _write(clinic)  # committed with its email; nothing listens for SMTP yet

        async def between_attempts():
            # Tried and failed (nothing listens), and not in the middle of a claim: freeze it there. A kill
            # inside a claim is also recovered, but only once the claim's lease (a minute) runs out.
            r = await row()
            if not (r.attempts >= 1 and r.last_error):
                return False
            os.killpg(proc.pid, signal.SIGSTOP)
            r = await row()
            if r.status == "pending" and r.last_error and as_utc(r.next_attempt_at) < datetime.now(UTC) + timedelta(
                    seconds=30):
                return True
            os.killpg(proc.pid, signal.SIGCONT)
            return False

        await _wait(between_attempts, 30, "the server's dispatcher to try (and fail) to send")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert (await row()).status == "pending"
        assert mail_server.messages == []

        mail_server.start()
        serve()

        async def delivered():
            return len(mail_server.messages) >= 1

        await _wait(delivered, 30, "the email after the restart")
        await asyncio.sleep(3)  # six more dispatch intervals: no second copy
        [received] = mail_server.messages
        assert received.rcpt_tos == [clinic.blue_nurse.email]
        final = await row()
        assert final.status == "sent"
        assert received.message["Message-ID"] == final.message_id
        assert "Traceback (most recent call last)" not in log.read_text(errors="replace")
    finally:
        for proc in procs:
            _stop(proc)
        await system.close()
