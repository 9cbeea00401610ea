"""The patient-education library with the User fixture: Library in the header, search by keyword, topic and language
(Spanish, accents ignored), drafts read as not found, article text rendered inert; a nurse attaches an article from
the reply box and sees it read; the patient's "Sent to you by your care team"; the editor's review screens."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.library_fixtures import write_fixture_library
from tests.ui.helpers import follow_header_link, press, see, seeded, sign_in, sign_in_patient


@pytest.fixture
def library_env(tmp_path, monkeypatch):
    """Fixture articles instead of the shipped ones (read when the `user` fixture starts the app)."""
    monkeypatch.setenv("SM_LIBRARY_DIR", str(write_fixture_library(tmp_path / "fixture-library")))


def _results(user: User) -> list[str]:
    return [e.text for e in user.current_layout.descendants()
            if isinstance(e, ui.link) and any("library-results" in p.classes for p in _parents(e))]


async def _shows(user: User, titles: list[str]) -> None:
    """Wait until the results are exactly `titles` (a search redraws them after the server answers)."""
    for _ in range(200):
        if _results(user) == titles:
            return
        await asyncio.sleep(0.05)
    assert _results(user) == titles


def _parents(element):
    while element.parent_slot is not None:
        element = element.parent_slot.parent
        yield element


async def _thread(clinic) -> str:
    sent = await app.state.sm_system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                            subject="Kidney stone", body="I passed a stone.")
    return sent.thread_id


async def test_patient_searches_by_keyword_topic_and_spanish(library_env, user: User) -> None:
    clinic = await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await follow_header_link(user, "Library")
    await see(user, "Health library")
    await see(user, "Sent to you by your care team")
    await see(user, "3 articles")
    user.find("Search the library").type("lemon")
    await press(user, "Search")
    await _shows(user, ["Kidney stones and water"])
    user.find("Search the library").clear().type("presion")  # Spanish, typed without the accent
    await press(user, "Search")
    await _shows(user, ["Cálculos renales y agua"])
    await see(user, "Español")
    user.find("Search the library").clear()
    user.find(kind=ui.select, content="Topic").click()
    user.find("joints").click()
    await _shows(user, ["Gout flares"])
    await user.should_not_see("Reading grade")  # reading levels are for staff
    user.find(kind=ui.link, content="Gout flares").click()
    await see(user, "Rest the joint and put ice on it.")
    await see(user, "Reviewed by Rita Reviewer")
    # A draft's address answers exactly like an address that never existed.
    draft = await app.state.sm_system.editorial.create(clinic.blue_nurse, language="en", title="Secret draft",
                                                       summary="Not yet.", body="Not ready.", topics="drafts")
    await user.open(f"/library/article/{draft.slug}")
    await see(user, "Article not found")
    await user.should_not_see("Secret draft")
    await user.open("/library/article/no-such-article")
    await see(user, "Article not found")


async def test_article_markup_renders_inert(library_env, user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    body = ("## Safe\n\n<script>alert('x')</script>\n\n<img src=x onerror=\"alert('y')\">\n\n"
            "[click](javascript:alert(1)) and **bold**")
    v = await system.editorial.create(clinic.blue_nurse, language="en", title="Markup test", summary="Markup.",
                                      body=body, topics="tests")
    await system.editorial.submit(clinic.blue_nurse, v.id)
    await system.editorial.publish(clinic.blue_provider, v.id)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/library/article/{v.slug}")
    await see(user, "Markup test")
    (html,) = [e for e in user.find(kind=ui.html).elements if "article-text" in e.classes]
    content = html.content
    assert "<strong>bold</strong>" in content and "<h2>Safe</h2>" in content
    assert "<script" not in content and "<img" not in content and "href=\"javascript" not in content
    # The markup is shown as text, so a reader sees what was written instead of it running.
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=\"alert('y')\"&gt;" in content  # text inside a paragraph, not an attribute


async def test_nurse_attaches_an_article_from_the_reply_box_and_sees_it_read(library_env, user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = await _thread(clinic)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")
    await user.open(f"/thread/{thread_id}")
    await press(user, "Reply")
    user.find("Message").type("Here is something to read.")
    await press(user, "Attach article")
    user.find("Search the library").type("kidney")
    await press(user, "Search")
    await see(user, "Reading grade")  # the reading level is shown to staff
    user.find(marker="attach-this-article").click()
    await see(user, "Article attached")
    await press(user, "Send")
    await see(user, "Reply sent")
    await see(user, "Not opened yet")
    cards = await system.library_sends.in_thread(clinic.blue_nurse, thread_id)
    ((card,),) = cards.values()
    assert card.title == "Kidney stones and water"
    await system.library_sends.open_sent(clinic.pat, card.send_id)
    await see(user, "Read by patient")  # live, like a message's read receipt


async def test_patient_sees_what_the_care_team_sent(library_env, user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = await _thread(clinic)
    article = await system.library.article(clinic.blue_nurse, "kidney-stones-and-water")
    await system.messaging.reply(clinic.blue_nurse, thread_id, "Please read this.", articles=(article.id,))
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{thread_id}")
    await see(user, "Please read this.")
    await see(user, "Kidney stones and water")  # the card under the message
    await follow_header_link(user, "Library")
    await see(user, "Sent to you by your care team")
    await see(user, "Sent by Nina Blue")
    await see(user, "New")
    user.find(kind=ui.link, content="Kidney stones and water").click()
    await see(user, "Sent to you by Nina Blue")
    await see(user, "Water keeps the urine thin.")
    (send,) = await system.library_sends.sent_to_me(clinic.pat)
    assert send.read_at is not None
    # Another patient's send is not found for them.
    await user.open("/library/sent/" + "0" * 32)
    await see(user, "Article not found")


async def test_the_review_screens(library_env, user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    v = await system.editorial.create(clinic.blue_nurse, language="en", title="Hand washing",
                                      summary="Clean hands stop germs.", body="Wash with soap for 20 seconds.",
                                      topics="germs")
    await system.editorial.submit(clinic.blue_nurse, v.id)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")
    await user.open("/library/editor")
    await see(user, "In review (1)")
    await see(user, "Reviews past due (1)")  # the fixture's gout article
    user.find(kind=ui.link, content="Hand washing").click()
    await see(user, "version 1: In review")
    await see(user, "You wrote or changed this version, so another reviewer must review it.")
    await user.should_not_see("Publish")
    await press(user, "Return to draft")
    await see(user, "version 1: Draft")
    user.find("Title").clear().type("Washing your hands")
    await press(user, "Save draft")
    await see(user, "Draft saved")
    await press(user, "Send for review")
    await see(user, "version 1: In review")
    # A colleague publishes it.
    await system.editorial.publish(clinic.blue_provider, v.id)
    await user.open(f"/library/editor/{v.article_id}")
    await see(user, "version 1: Published")
    await see(user, "Patients read version 1.")
