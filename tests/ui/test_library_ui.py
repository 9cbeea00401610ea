"""The patient-education library with the User fixture: Library in the header, search by keyword, topic and language
(Spanish, accents ignored), drafts read as not found, article text rendered inert; a nurse attaches an article from
the reply box and sees it read; the patient's "Sent to you by your care team"; the editor's review screens."""

from __future__ import annotations

import asyncio
import re

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
    user.find("Search the library").type("gout")
    await press(user, "Search")
    await see(user, "Review past due since Jan 10, 2025")  # flagged before it is sent
    user.find("Search the library").clear().type("kidney")
    await press(user, "Search")
    await see(user, "Kidney stones and water")
    await user.should_not_see("Gout flares")
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
    (when,) = [e.text for e in user.current_layout.descendants()
               if isinstance(e, ui.label) and e.text.startswith("Sent by ") and any(
                   "sent-article" in p.classes for p in _parents(e))]
    assert re.fullmatch(r"Sent by Nina Blue · [A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2} [AP]M", when)
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


async def test_reviewers_publish_and_the_admin_retires_on_the_screens(library_env, user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    # A nurse writes a new article on the screen and sends it for review.
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")
    await user.open("/library/editor/new")
    await see(user, "New article")
    user.find("Title").type("Hand washing")
    user.find("Summary").type("Clean hands stop germs.")
    user.find("Topics").type("germs, hands")
    user.find("Text").type("Wash with soap and water. Scrub for 20 seconds.")
    await press(user, "Save draft")
    await see(user, "version 1: Draft")
    await press(user, "Send for review")
    await see(user, "version 1: In review")

    # The provider reviews it from the list of articles in review and publishes it.
    provider = create_user()
    await sign_in(provider, "paul@example.org", STAFF_PW)
    await see(provider, "Sign out")
    await provider.open("/library/editor?state=in_review")
    await see(provider, "In review (1)")
    provider.find(kind=ui.link, content="Hand washing").click()
    await see(provider, "version 1: In review")
    await press(provider, "Publish")
    await see(provider, "version 1: Published")
    await see(provider, "Patients read version 1.")
    (article,) = [v for v in await system.editorial.list_by_state(clinic.blue_provider, "published")
                  if v.slug == "hand-washing"]
    # An edit of the published article is a new draft; patients keep reading version 1 until it is published.
    provider.find("Summary").clear().type("Soap, water and 20 seconds.")
    await press(provider, "Save draft")
    await see(provider, "version 2: Draft")
    await see(provider, "Patients read version 1.")
    await press(provider, "Send for review")
    await see(provider, "version 2: In review")
    assert (await system.library.article(clinic.pat, "hand-washing")).summary == "Clean hands stop germs."

    # The clinic admin sees articles past their review date and retires one; patients no longer find it.
    admin = create_user()
    await sign_in(admin, "ada@example.org", STAFF_PW)
    await see(admin, "Sign out")
    await admin.open("/library/editor?state=published")
    await see(admin, "Reviews past due (1)")
    await see(admin, "Gout flares — Review past due since Jan 10, 2025")
    await admin.open(f"/library/editor/{article.article_id}")
    await see(admin, "version 2: In review")
    # The admin answers for the office, not the health content: no Publish for them.
    await admin.should_not_see(kind=ui.button, content="Publish")
    await press(admin, "Retire")
    await see(admin, "Retired")
    assert await system.library.search(clinic.pat, "hand washing") == ()

    # The workflow screens do not exist for patients.
    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    for path in ("/library/editor", f"/library/editor/{article.article_id}"):
        await patient.open(path)
        await see(patient, "not found")
        await patient.should_not_see("Hand washing")


async def test_staff_see_reviews_past_due_on_the_library_and_patients_do_not(library_env, user: User,
                                                                            create_user) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sign out")
    await user.open("/library")
    await see(user, "1 article past the review date")
    await see(user, "Gout flares — Review past due since Jan 10, 2025")
    await see(user, "Reading grade")
    await user.open("/library/article/gout-flares")
    await see(user, "Review past due since Jan 10, 2025")
    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    await patient.open("/library/article/gout-flares")
    await see(patient, "Rest the joint and put ice on it.")
    await patient.should_not_see("Review past due")
    await patient.should_not_see("Reading grade")
    await patient.open("/library")
    await see(patient, "3 articles")
    await patient.should_not_see("past the review date")
