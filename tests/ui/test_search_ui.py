"""Search as a patient and a nurse use it: keyword, highlighted matches, no matches, clearing, a bad date range."""

from __future__ import annotations

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import follow_header_link, see, seeded, sign_in, sign_in_patient


async def _thread(clinic, subject, body, patient=None, team_id=None):
    return await app.state.sm_system.messaging.start_thread(patient or clinic.pat, team_id=team_id or clinic.blue_id,
                                                            category="General", subject=subject, body=body)


def press_search(user: User) -> None:
    # "Search" is also the page heading and a header link: press the button.
    user.find(kind=ui.button, content="Search").click()


def highlighted(user: User) -> list[str]:
    return [label.text for label in user.find(marker="search-hit").elements]


async def test_patient_finds_a_conversation_with_the_match_highlighted(user: User) -> None:
    clinic = await seeded(user)
    await _thread(clinic, "Physio plan", "Please bring <b>shorts</b> to physiotherapy on Monday.")
    await _thread(clinic, "Refill", "Metformin renewal.")
    await _thread(clinic, "Gil's physio", "Physiotherapy for Gil.", patient=clinic.gil, team_id=clinic.green_id)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await follow_header_link(user, "Search")
    await see(user, "Enter a word, choose filters, and press Search.")

    user.find("Keyword").type("physio")
    press_search(user)
    await see(user, "1 conversation found")
    await see(user, "Physio plan")
    await user.should_not_see("Refill")
    await user.should_not_see("Gil's physio")
    assert highlighted(user) == ["physiotherapy"]
    # Message text is shown as text, markup and all.
    await see(user, "Please bring <b>shorts</b> to ")
    user.find("Physio plan").click()
    await see(user, "Please bring <b>shorts</b> to physiotherapy on Monday.")

    await user.open("/search")
    user.find("Keyword").type("xylophone")
    press_search(user)
    await see(user, "No conversations match your search.")

    user.find("Clear filters").click()
    await see(user, "Enter a word, choose filters, and press Search.")
    await user.should_not_see("No conversations match your search.")
    assert user.find("Keyword").elements.pop().value == ""
    assert user.find("Category").elements.pop().value == "Any"


async def test_custom_range_with_start_after_end_is_refused_at_the_field(user: User) -> None:
    clinic = await seeded(user)
    await _thread(clinic, "Knee pain", "It hurts.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/search")
    await see(user, "Enter a word, choose filters, and press Search.")
    user.find("Date range").click()
    user.find("Custom").click()
    user.find("Start date").type("2026-11-20")
    user.find("End date").type("2026-11-01")
    press_search(user)
    await see(user, "Start date must be on or before the end date (Nov 01, 2026).")
    start = user.find("Start date").elements.pop()
    assert start.props.get("error") is True and "on or before" in start.props.get("error-message", "")

    start.set_value("2026-13-01")
    press_search(user)
    await see(user, "Enter the start date as YYYY-MM-DD")

    start.set_value("2026-11-01")
    user.find("End date").elements.pop().set_value("")
    press_search(user)
    await see(user, "Knee pain")
    assert "error" not in user.find("Start date").elements.pop().props


async def test_nurse_searches_the_team_conversations(user: User) -> None:
    clinic = await seeded(user)
    await _thread(clinic, "Knee pain", "Stairs are hard.")
    await _thread(clinic, "Rash", "Stairs too.", patient=clinic.gil, team_id=clinic.green_id)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Knee pain")
    await user.open("/search")
    user.find("Keyword").type("STAIRS")
    press_search(user)
    await see(user, "Pat Patient · Blue Team · General")
    await see(user, "1 conversation found")
    await user.should_not_see("Rash")
    assert highlighted(user) == ["Stairs"]
