"""Idle timeout, sign-out across tabs and push subscriptions, as a signed-in person meets them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from nicegui import Client, app
from nicegui.testing import User
from starlette.requests import empty_receive

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient


def _idle_for(monkeypatch, minutes: float) -> None:
    """Let `minutes` pass without activity: the server's clock (real) runs that far ahead from now on. Moving the
    clock, not the stored activity time, because an open page knows when its session ends and asks the server only
    then — as it would after real idle minutes."""
    clock = app.state.sm_system.clock
    monkeypatch.setattr(clock, "now", lambda: datetime.now(UTC) + timedelta(minutes=minutes))


async def test_idle_staff_session_warns_then_ends(user: User, monkeypatch) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "No conversations for your care teams.")
    _idle_for(monkeypatch, 14.5)
    await see(user, "You will be signed out in about a minute")
    _idle_for(monkeypatch, 15.5)
    await see(user, "You were signed out because you were inactive")
    await user.open("/worklist")
    await see(user, "Sign in")


async def test_patient_is_not_warned_at_staff_limit(user: User, monkeypatch) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    _idle_for(monkeypatch, 16)
    await user.open("/inbox")  # 16 idle minutes end a staff session, not a patient's
    await see(user, "New message")


async def test_sign_out_in_one_tab_ends_the_other(user: User, create_user) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    # A second tab of the same browser shares the session token.
    await user.open("/sent")
    second = await user.open("/inbox")
    assert second is user.client
    user.find("Sign out").click()
    await see(user, "Sign in")
    await user.open("/inbox")
    await see(user, "Sign in")


async def test_push_subscriptions_end_with_the_page(user: User) -> None:
    clinic = await seeded(user)
    bus = app.state.sm_system.bus
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    client = await user.open("/inbox")
    await see(user, "No messages yet.")  # the page has finished building (its list subscribes last)
    for other in list(Client.instances.values()):  # earlier pages of this test (sign-in, terms)
        if other is not client:
            other.delete()
    assert bus.subscriber_count(clinic.pat.user_id) == 1  # one per page, whatever follows changes on it
    client.delete()
    assert bus.subscriber_count(clinic.pat.user_id) == 0


async def test_an_open_page_keeps_only_what_it_reads_of_its_request(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    client = await user.open("/inbox")
    await see(user, "No messages yet.")
    request = client.request
    # Not the request's ASGI callables or FastAPI's per-request exit stacks, which reach its middleware's objects
    # (sm_app/nicegui_speedups.py) ...
    assert request.receive is empty_receive
    assert not [key for key in request.scope if key.startswith("fastapi_")]
    # ... but what an open page reads: its session, the sign-in state, its address and its cookies.
    assert request.session and request.state.sm_session is not None
    assert request.client is not None and request.cookies
    user.find("Sign out").click()  # and the open page still works
    await see(user, "Sign in")


@pytest.fixture
def slow_idle_checks(clinic_env, monkeypatch):
    """The page's own session timer (every half second in these tests) would also catch an ended session;
    slow it down so the test sees what a live push alone does."""
    monkeypatch.setenv("SM_SESSION_CHECK_SECONDS", "3600")


async def test_an_open_page_pushes_nothing_once_its_session_has_ended(slow_idle_checks, user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    page = await user.open("/inbox")
    await see(user, "No messages yet.")
    for other in list(Client.instances.values()):  # earlier pages of this test (sign-in, terms)
        if other is not page:
            other.delete()
    assert system.bus.subscriber_count(clinic.pat.user_id) == 1

    await system.sessions.end_all_for_user(clinic.pat.user_id)  # signed out elsewhere, or timed out
    await system.broadcasts.message_patient(clinic.blue_nurse, team_id=clinic.blue_id, patient_id=clinic.pat.user_id,
                                            category="General", subject="Your biopsy results",
                                            body="Please call us.")
    # Ending the sessions tells the person's open pages at once: the page checks its session and unsubscribes.
    for _ in range(200):
        if system.bus.subscriber_count(clinic.pat.user_id) == 0:
            break
        await asyncio.sleep(0.05)
    assert system.bus.subscriber_count(clinic.pat.user_id) == 0
    shown = [getattr(e, "text", "") for e in page.layout.descendants()]
    assert not any("biopsy" in str(t) for t in shown)
    await see(user, "Your session ended. Please sign in again.")


async def test_a_push_that_finds_the_session_timed_out_says_so(slow_idle_checks, user: User, monkeypatch) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/inbox")
    await see(user, "No messages yet.")
    _idle_for(monkeypatch, 31)  # past the patient's 30 idle minutes; the page's own timer is slowed down
    await system.broadcasts.message_patient(clinic.blue_nurse, team_id=clinic.blue_id, patient_id=clinic.pat.user_id,
                                            category="General", subject="Flu shots", body="Walk-ins all week.")
    # The push finds the session gone after its known end: the person is told why, as the idle timer would.
    await see(user, "You were signed out because you were inactive")
