"""Sign-in and server-side sessions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from sm_app.identity.sessions import CHECKS_AT_ONCE, MOST_WAITING
from sm_app.shared.errors import SignInBusy, SignInFailed, SignInThrottled
from tests.conftest import PATIENT_PW, STAFF_PW, make_settings, seed_clinic


@pytest.fixture
async def timed(tmp_path, sqlite_url):
    clock = FakeClock()
    system = build_system(make_settings(tmp_path, sqlite_url), clock=clock)
    clinic = await seed_clinic(system)
    yield clinic, clock
    await system.close()


async def test_sign_in_gives_a_new_session_each_time(clinic):
    s = clinic.system.sessions
    a = await s.sign_in(clinic.pat.email, PATIENT_PW)
    b = await s.sign_in(clinic.pat.email.upper(), PATIENT_PW)
    assert a.token != b.token
    assert (await s.current(a.token)).actor.user_id == clinic.pat.user_id
    await s.sign_out(a.token)
    assert await s.current(a.token) is None
    assert await s.current(b.token) is not None


async def test_wrong_password_and_unknown_user_fail_alike(clinic):
    s = clinic.system.sessions
    with pytest.raises(SignInFailed) as wrong:
        await s.sign_in(clinic.pat.email, "not the password")
    with pytest.raises(SignInFailed) as unknown:
        await s.sign_in("nobody@example.org", PATIENT_PW)
    assert str(wrong.value) == str(unknown.value)
    failures = [e for e in await clinic.system.audit.entries() if e["action"] == "sign_in"]
    assert [e["outcome"] for e in failures[:2]] == ["failure", "failure"]


async def test_idle_session_ends_staff_15_patients_30_minutes(timed):
    clinic, clock = timed
    s = clinic.system.sessions
    pat = await s.sign_in(clinic.pat.email, PATIENT_PW)
    nurse = await s.sign_in(clinic.blue_nurse.email, STAFF_PW)
    clock.advance(minutes=14)
    assert (await s.current(nurse.token)).idle_left <= timedelta(minutes=1)
    clock.advance(minutes=1, seconds=1)
    assert await s.current(nurse.token) is None
    assert await s.current(pat.token) is not None  # a read without activity does not extend it
    clock.advance(minutes=15)
    assert await s.current(pat.token) is None


async def test_activity_keeps_a_session_alive_until_the_absolute_limit(timed):
    clinic, clock = timed
    s = clinic.system.sessions
    nurse = await s.sign_in(clinic.blue_nurse.email, STAFF_PW)
    for _ in range(51):  # 51 x 14 min = 11.9 h
        clock.advance(minutes=14)
        assert await s.current(nurse.token, touch=True) is not None
    clock.advance(minutes=14)
    assert await s.current(nurse.token, touch=True) is None  # 52 x 14 min: past 12 hours


async def test_password_hash_is_argon2id_at_or_above_the_floor(clinic):
    from sqlalchemy import select

    from sm_app.adapters.models import User

    async with clinic.system.db.read() as session:
        stored = (await session.execute(select(User.password_hash).where(User.id == clinic.pat.user_id))).scalar_one()
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and int(params["p"]) >= 1


# -- throttling: growing waits, temporary locks, nothing that reveals an account ------------------------------------

async def _fail(s, email: str, times: int, *, address: str = "198.51.100.7", clock=None) -> list[Exception]:
    """`times` wrong passwords; with a clock, each waits out any wait first (as a patient attacker would)."""
    errors = []
    for _ in range(times):
        try:
            await s.sign_in(email, "not the password at all", address=address)
        except SignInThrottled as exc:
            if clock is None:
                errors.append(exc)
                continue
            clock.advance(seconds=exc.wait.total_seconds() + 1)
            with pytest.raises(SignInFailed):
                await s.sign_in(email, "not the password at all", address=address)
            errors.append(SignInFailed())
        except SignInFailed as exc:
            errors.append(exc)
    return errors


async def test_after_five_failures_even_the_right_password_waits_and_the_wait_grows_then_expires(timed):
    clinic, clock = timed
    s = clinic.system.sessions
    assert all(isinstance(e, SignInFailed) for e in await _fail(s, clinic.pat.email, 5))
    with pytest.raises(SignInThrottled) as first:
        await s.sign_in(clinic.pat.email, PATIENT_PW, address="198.51.100.7")
    assert str(first.value) == "Too many sign-in attempts. Please wait 1 second and try again."
    clock.advance(seconds=2)
    await _fail(s, clinic.pat.email, 1)  # the sixth failure doubles the wait
    with pytest.raises(SignInThrottled) as second:
        await s.sign_in(clinic.pat.email, PATIENT_PW, address="198.51.100.7")
    assert second.value.wait == timedelta(seconds=2)
    clock.advance(seconds=3)
    signed = await s.sign_in(clinic.pat.email, PATIENT_PW, address="198.51.100.7")  # the wait has expired
    assert signed.actor.user_id == clinic.pat.user_id
    # A success starts the count again: five more failures before the next wait.
    assert all(isinstance(e, SignInFailed) for e in await _fail(s, clinic.pat.email, 5))


async def test_an_unknown_email_is_throttled_exactly_like_a_real_one(timed):
    clinic, _clock = timed
    s = clinic.system.sessions
    real = await _fail(s, clinic.pat.email, 7)
    unknown = await _fail(s, "nobody-here@example.org", 7)
    assert [str(e) for e in real] == [str(e) for e in unknown]
    assert isinstance(real[-1], SignInThrottled)


async def test_a_hundred_failures_lock_the_account_for_an_hour_not_for_good(timed):
    clinic, clock = timed
    s = clinic.system.sessions
    # Spread over many addresses, as a determined attacker would (each address only gets its five free tries).
    for n in range(20):
        await _fail(s, clinic.pat.email, 5, address=f"203.0.113.{n}")
    with pytest.raises(SignInThrottled) as locked:
        await s.sign_in(clinic.pat.email, PATIENT_PW, address="192.0.2.1")  # the patient, from home
    assert locked.value.wait == timedelta(hours=1)
    assert "Please wait 60 minutes" in str(locked.value)
    clock.advance(minutes=61)
    assert (await s.sign_in(clinic.pat.email, PATIENT_PW, address="192.0.2.1")).actor.user_id == clinic.pat.user_id
    locks = [e for e in await clinic.system.audit.entries() if e["detail"] == "account locked for an hour"]
    assert len(locks) == 1


async def test_unlock_ends_the_waits_at_once(timed):
    clinic, _clock = timed
    s = clinic.system.sessions
    for n in range(20):
        await _fail(s, clinic.blue_nurse.email, 5, address=f"203.0.113.{n}")
    with pytest.raises(SignInThrottled):
        await s.sign_in(clinic.blue_nurse.email, STAFF_PW, address="192.0.2.1")
    assert await s.unlock(clinic.blue_nurse.email.upper()) == 21  # the account's counter and 20 pairs
    assert (await s.sign_in(clinic.blue_nurse.email, STAFF_PW, address="192.0.2.1")).actor.role == "nurse"
    assert [e for e in await clinic.system.audit.entries() if e["action"] == "sign_in.unlock"]


async def test_someone_elses_failures_elsewhere_do_not_lock_the_patient_out(clinic):
    s = clinic.system.sessions  # SQLite and PostgreSQL
    await _fail(s, clinic.pat.email, 12, address="203.0.113.9")
    assert (await s.sign_in(clinic.pat.email, PATIENT_PW, address="192.0.2.1")).actor.user_id == clinic.pat.user_id


async def test_spraying_many_accounts_from_one_address_is_slowed_there_only(timed):
    clinic, _clock = timed
    s = clinic.system.sessions
    for n in range(20):  # one try each at 20 different accounts: no account reaches its own limit
        await _fail(s, f"guess{n}@example.org", 1, address="203.0.113.50")
    with pytest.raises(SignInThrottled):
        await s.sign_in(clinic.pat.email, PATIENT_PW, address="203.0.113.50")
    assert (await s.sign_in(clinic.pat.email, PATIENT_PW, address="192.0.2.1")).actor.user_id == clinic.pat.user_id


async def test_the_throttle_table_names_no_email_and_no_address(clinic):
    s = clinic.system.sessions
    await _fail(s, clinic.pat.email, 6, address="203.0.113.77")
    async with clinic.system.db.read() as session:
        rows = (await session.execute(text("SELECT * FROM sign_in_throttles"))).all()
    assert len(rows) == 3
    dump = repr(rows)
    assert clinic.pat.email not in dump and clinic.pat.email.split("@")[0] not in dump and "203.0.113" not in dump


async def test_a_flood_of_sign_ins_is_refused_clearly_beyond_what_waits(timed):
    clinic, _clock = timed
    s = clinic.system.sessions
    results = await asyncio.gather(*(s.sign_in(clinic.pat.email, PATIENT_PW, address=f"192.0.2.{n}")
                                     for n in range(40)), return_exceptions=True)
    busy = [r for r in results if isinstance(r, SignInBusy)]
    assert len(busy) == 40 - CHECKS_AT_ONCE - MOST_WAITING
    assert str(busy[0]) == "Sign-in is busy right now. Please try again in a moment."
    assert sum(1 for r in results if not isinstance(r, Exception)) == CHECKS_AT_ONCE + MOST_WAITING
