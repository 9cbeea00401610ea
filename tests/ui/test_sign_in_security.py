"""Sign-in as an attacker meets it: no way off the site, no borrowed browser identity, no endless guessing."""

from __future__ import annotations

import asyncio

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in


async def _failed_sign_ins() -> int:
    entries = await app.state.sm_system.audit.entries()
    return sum(1 for e in entries if e["action"] == "sign_in" and e["outcome"] == "failure")


async def _wait_for_failures(count: int) -> None:
    for _ in range(200):
        if await _failed_sign_ins() >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} failed sign-ins")


def _fill(user: User, label: str, value: str) -> None:
    """Type into the input labelled `label` (find('Email') would also match the error 'Email or password …')."""
    field = next(e for e in user.current_layout.descendants()
                 if isinstance(e, ui.input) and e.props.get("label") == label)
    with user:
        field.set_value(value)


async def _nurse_signs_in_from(user: User, login_url: str) -> None:
    await seeded(user)
    await user.open(login_url)
    _fill(user, "Email", "nina@example.org")
    _fill(user, "Password", STAFF_PW)
    user.find("Sign in").click()


async def test_a_redirect_with_a_tab_in_it_stays_on_the_site(user: User) -> None:
    # The browser would drop the tab and read '//evil.example/' as another site.
    await _nurse_signs_in_from(user, "/login?redirect_to=%2F%09%2Fevil.example%2F")
    await see(user, "No conversations for your care teams.")


async def test_a_redirect_to_a_page_of_the_site_is_kept(user: User) -> None:
    await _nurse_signs_in_from(user, "/login?redirect_to=%2Falerts")
    await see(user, "No reminders or escalations.")


async def test_a_browser_identity_from_before_sign_in_does_not_reach_the_account(user: User, create_user) -> None:
    await seeded(user)
    await user.open("/login")
    before = user.http_client.cookies.get("session")
    assert before
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "No conversations for your care teams.")
    assert user.http_client.cookies.get("session") != before  # a new identity was handed out at sign-in

    # Someone who copied (or planted) the cookie from before sign-in gets the sign-in page, not the worklist.
    attacker = create_user()
    attacker.http_client.cookies.set("session", before)
    await attacker.open("/worklist")
    await see(attacker, "Sign in")
    await attacker.should_not_see("Worklist")
    # The person who signed in keeps working.
    await user.open("/worklist")
    await see(user, "No conversations for your care teams.")


async def test_a_sign_in_ticket_works_once_and_only_in_its_own_browser(user: User, create_user) -> None:
    tickets: list[str] = []
    navigate = user.navigate.to

    def remember(target: str, new_tab: bool = False) -> None:
        if target.startswith("/login/finish"):
            tickets.append(target)
        navigate(target, new_tab)

    user.navigate.to = remember
    await _nurse_signs_in_from(user, "/login")
    await see(user, "No conversations for your care teams.")
    assert len(tickets) == 1
    other = create_user()
    await other.open(tickets[0])  # replayed, from another browser
    await see(other, "Your session ended. Please sign in again.")
    await other.should_not_see("Worklist")


async def _sign_in_ready(user: User) -> None:
    """The button is off while a sign-in is checked, and on again just after its failure is recorded: a person
    clicks once it is back, and so must the test (a click on the button while it is off does nothing)."""
    for _ in range(200):
        button = next(e for e in user.current_layout.descendants()
                      if isinstance(e, ui.button) and e.text == "Sign in")
        if button.enabled:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the Sign in button stayed off")


async def _five_wrong_passwords(user: User, email: str, already: int) -> None:
    for n in range(already + 1, already + 6):
        _fill(user, "Email", email)
        _fill(user, "Password", f"wrong password number {n}")
        user.find("Sign in").click()
        await _wait_for_failures(n)
        await _sign_in_ready(user)


async def test_after_five_failures_even_the_right_password_waits_and_nothing_tells_the_account_exists(
        user: User) -> None:
    await seeded(user)
    await user.open("/login")
    await _five_wrong_passwords(user, "pat@example.org", already=0)
    await see(user, "Email or password is not correct.")
    _fill(user, "Password", PATIENT_PW)
    user.find("Sign in").click()
    await see(user, "Too many sign-in attempts. Please wait 1 second and try again.")
    await user.should_not_see("Inbox")

    # An address nobody has ever registered gets the same answers in the same order.
    await _five_wrong_passwords(user, "nobody-at-all@example.org", already=5)
    user.find("Sign in").click()
    await see(user, "Too many sign-in attempts. Please wait 1 second and try again.")


async def test_every_answer_carries_the_security_headers_and_pages_need_a_session(user: User) -> None:
    await seeded(user)
    client = user.http_client
    refused = await client.get("/alerts", follow_redirects=False)
    assert refused.status_code in (302, 307) and refused.headers["location"] == "/login?redirect_to=/alerts"
    for response in (refused, await client.get("/login")):
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in refused.headers  # plain http here; set only behind https
