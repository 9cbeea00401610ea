"""Forgot password without enumeration, the reset link (single use, 30 minutes, ends every session), and the
Settings changes: password (ends other sessions) and notification address (confirmed by a link first)."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from sqlalchemy import select

from sm_app.adapters.clock import FakeClock
from sm_app.adapters.models import OutboxEmail
from sm_app.bootstrap import build_system
from sm_app.shared.errors import LinkClosed, SignInFailed, SignInThrottled, ValidationError
from tests.conftest import PATIENT_PW, STAFF_PW, make_settings, seed_clinic

NEW_PW = "another long passphrase"


@pytest.fixture
async def timed(tmp_path, database_url):
    clock = FakeClock()
    system = build_system(make_settings(tmp_path, database_url), clock=clock)
    clinic = await seed_clinic(system)
    yield clinic, clock
    await system.close()


async def outbox(system, address: str | None = None) -> list[OutboxEmail]:
    query = select(OutboxEmail).order_by(OutboxEmail.created_at, OutboxEmail.id)
    if address:
        query = query.where(OutboxEmail.to_address == address)
    async with system.db.read() as s:
        return list((await s.execute(query)).scalars())


def token_in(email: OutboxEmail, path: str) -> str:
    return re.search(rf"{path}\?t=([A-Za-z0-9_-]+)", email.body).group(1)


async def test_forgot_password_says_the_same_whether_or_not_the_account_exists(timed):
    clinic, _ = timed
    system = clinic.system
    known = await system.recovery.request_reset(clinic.pat.email, address="198.51.100.1")
    unknown = await system.recovery.request_reset("nobody@example.org", address="198.51.100.1")
    assert known == unknown
    emails = await outbox(system)
    assert [(e.to_address, e.kind) for e in emails] == [(clinic.pat.email, "password_reset")]
    assert "Pat" not in emails[0].body
    # Both requests wrote one audit entry of the same action; the unknown one names nobody.
    entries = [e for e in await system.audit.entries() if e["action"] == "password_reset.request"]
    assert sorted(e["object_id"] is None for e in entries) == [False, True]
    # Invited-but-not-accepted and unknown look alike too: no link for an account without a password yet.
    await system.invitations.invite_patient(clinic.blue_nurse, email="pending@example.org", name="Pen",
                                            team_id=clinic.blue_id)
    assert await system.recovery.request_reset("pending@example.org") == known
    assert [e.kind for e in await outbox(system, "pending@example.org")] == ["invitation"]


async def test_forgot_password_takes_about_the_same_time_either_way(tmp_path, sqlite_url):
    """Medians over repeated requests, interleaved, with a generous bound: the unknown address must not answer
    measurably faster (it does the same transaction, only without the two rows of a real link)."""
    system = build_system(make_settings(tmp_path, sqlite_url), clock=FakeClock())
    clinic = await seed_clinic(system)
    known, unknown = [], []
    for i in range(24):  # a different client address each time keeps the throttle out of the measurement
        for email, times in ((clinic.pat.email, known), (f"nobody{i}@example.org", unknown)):
            start = time.perf_counter()
            await system.recovery.request_reset(email, address=f"192.0.2.{i}")
            times.append(time.perf_counter() - start)
    await system.close()
    k, u = statistics.median(known), statistics.median(unknown)
    assert 0.4 < u / k < 2.5, (k, u)


async def test_reset_requests_are_throttled_alike(timed):
    clinic, _ = timed
    system = clinic.system
    for email in (clinic.gil.email, "ghost@example.org"):
        for _ in range(5):
            await system.recovery.request_reset(email, address="198.51.100.7")
        with pytest.raises(SignInThrottled) as waited:
            await system.recovery.request_reset(email, address="198.51.100.7")
        assert "1 second" in str(waited.value)
    assert len(await outbox(system, clinic.gil.email)) == 5
    # Requests do not lock anybody out of signing in.
    assert (await system.sessions.sign_in(clinic.gil.email, PATIENT_PW, address="198.51.100.7")).actor.role


async def test_a_reset_link_sets_a_password_once_and_ends_every_session(timed):
    clinic, clock = timed
    system = clinic.system
    phone = await system.sessions.sign_in(clinic.pat.email, PATIENT_PW)
    laptop = await system.sessions.sign_in(clinic.pat.email, PATIENT_PW)
    await system.recovery.request_reset(clinic.pat.email)
    token = token_in((await outbox(system, clinic.pat.email))[-1], "/reset-password")
    assert await system.recovery.status(token) == "pending"
    with pytest.raises(ValidationError) as short:
        await system.recovery.reset_password(token, "short")
    assert "at least 12" in str(short.value)
    assert await system.recovery.status(token) == "pending"  # a refused password does not use the link up
    await system.recovery.reset_password(token, NEW_PW)
    assert await system.sessions.current(phone.token) is None and await system.sessions.current(laptop.token) is None
    with pytest.raises(SignInFailed):
        await system.sessions.sign_in(clinic.pat.email, PATIENT_PW)
    assert (await system.sessions.sign_in(clinic.pat.email, NEW_PW)).actor.user_id == clinic.pat.user_id
    with pytest.raises(LinkClosed) as replay:
        await system.recovery.reset_password(token, "yet another passphrase")
    assert "already been used" in str(replay.value)
    # A newer request replaces an older link; a link dies after 30 minutes.
    clock.advance(minutes=1)
    await system.recovery.request_reset(clinic.pat.email)
    first = token_in((await outbox(system, clinic.pat.email))[-1], "/reset-password")
    clock.advance(minutes=1)
    await system.recovery.request_reset(clinic.pat.email)
    second = token_in((await outbox(system, clinic.pat.email))[-1], "/reset-password")
    assert await system.recovery.status(first) == "replaced"
    clock.advance(minutes=30)
    with pytest.raises(LinkClosed) as late:
        await system.recovery.reset_password(second, "yet another passphrase")
    assert "expired" in str(late.value)
    assert await system.recovery.status("made-up-token") == "unknown"


async def test_changing_the_password_asks_for_the_current_one_and_ends_other_sessions(timed):
    clinic, _ = timed
    system = clinic.system
    here = await system.sessions.sign_in(clinic.blue_nurse.email, STAFF_PW)
    elsewhere = await system.sessions.sign_in(clinic.blue_nurse.email, STAFF_PW)
    with pytest.raises(ValidationError) as wrong:
        await system.credentials.change_password(clinic.blue_nurse, current="not it", new="short",
                                                 session_token=here.token)
    assert [f for f, _ in wrong.value.problems] == ["Current password", "New password"]
    assert await system.sessions.current(elsewhere.token) is not None
    await system.credentials.change_password(clinic.blue_nurse, current=STAFF_PW, new="a new staff passphrase",
                                             session_token=here.token)
    assert await system.sessions.current(here.token) is not None
    assert await system.sessions.current(elsewhere.token) is None
    assert await system.sessions.sign_in(clinic.blue_nurse.email, "a new staff passphrase")


async def test_wrong_current_passwords_are_throttled(timed):
    clinic, _ = timed
    for _ in range(5):
        with pytest.raises(ValidationError):
            await clinic.system.credentials.change_password(clinic.pat, current="guess", new=NEW_PW,
                                                            session_token=None, address="203.0.113.5")
    with pytest.raises(SignInThrottled):
        await clinic.system.credentials.change_password(clinic.pat, current=PATIENT_PW, new=NEW_PW,
                                                        session_token=None, address="203.0.113.5")


async def test_a_new_notification_address_is_used_only_once_confirmed(timed):
    clinic, _ = timed
    system = clinic.system
    cred = system.credentials
    with pytest.raises(ValidationError) as wrong:
        await cred.request_address_change(clinic.pat, current_password="nope", new_email="pat.home@example.org")
    assert wrong.value.field == "Current password"
    state = await cred.request_address_change(clinic.pat, current_password=PATIENT_PW,
                                              new_email="Pat.Home@example.org")
    assert (state.current, state.waiting) == (clinic.pat.email, "pat.home@example.org")
    [link_email] = await outbox(system, "pat.home@example.org")
    assert link_email.kind == "verify_address"
    # Until confirmed, message emails still go to the old address; afterwards to the new one.
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Question", body="When is my next visit?")
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "In March.")
    assert [e.kind for e in await outbox(system, clinic.pat.email)] == ["new_message"]
    await cred.confirm_address(token_in(link_email, "/verify-address"))
    state = await cred.notification_address(clinic.pat)
    assert (state.current, state.waiting) == ("pat.home@example.org", None)
    with pytest.raises(LinkClosed):
        await cred.confirm_address(token_in(link_email, "/verify-address"))
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Or April.")
    assert sorted(e.kind for e in await outbox(system, "pat.home@example.org")) == ["new_message", "verify_address"]
    # Choosing the sign-in address again takes effect at once.
    state = await cred.request_address_change(clinic.pat, current_password=PATIENT_PW, new_email=clinic.pat.email)
    assert (state.current, state.waiting) == (clinic.pat.email, None)
