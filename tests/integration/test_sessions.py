"""Sign-in and server-side sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sm_app.bootstrap import build_system
from sm_app.services.clock import FakeClock
from sm_app.services.errors import SignInFailed
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

    from sm_app.models import User

    async with clinic.system.db.read() as session:
        stored = (await session.execute(select(User.password_hash).where(User.id == clinic.pat.user_id))).scalar_one()
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2 and int(params["p"]) >= 1
