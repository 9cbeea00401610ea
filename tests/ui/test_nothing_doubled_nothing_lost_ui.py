"""Nothing doubled, nothing lost, as a patient meets it: Send pressed three times sends once, two tabs on one draft
never overwrite each other, text left when a session ends lands in Drafts, and nothing past a limit is cut off."""

from __future__ import annotations

import asyncio

from nicegui import app, background_tasks, ui
from nicegui.testing import User
from sqlalchemy import func, select

from sm_app.adapters.models import Message, Thread
from tests.conftest import PATIENT_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient


async def _count(model) -> int:
    async with app.state.sm_system.db.read() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def _open_compose(user: User, path: str = "/compose") -> None:
    await user.open(path)
    await see(user, "Save draft")  # the whole compose form is there


def _value(user: User, label: str) -> str:
    return user.find(label).elements.pop().value


def _field(user: User, label: str) -> ui.element:
    return user.find(label).elements.pop()


async def test_three_quick_clicks_on_send_make_one_conversation(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _open_compose(user)
    user.find("Category").click()
    user.find("General").click()
    user.find("Subject").type("Knee pain")
    user.find("Message").type("It hurts on the stairs.")
    before = set(background_tasks.running_tasks)
    send = user.find(kind=ui.button, content="Send")
    # Three clicks reach the server before the first one's "disable the button" reaches the browser.
    send.click()
    send.click()
    send.click()
    clicked = set(background_tasks.running_tasks) - before
    await asyncio.wait_for(asyncio.gather(*clicked, return_exceptions=True), timeout=30)
    await see(user, "Message sent")
    assert await _count(Thread) == 1
    assert await _count(Message) == 1


async def test_an_empty_form_shows_every_missing_field_at_once(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _open_compose(user)
    user.find(kind=ui.button, content="Send").click()
    await see(user, "Please check: Category, Subject, Message.")  # one team: To is chosen already
    for label, message in (("Category", "Choose a category."), ("Subject", "Subject is required."),
                           ("Message", "Message is required.")):
        assert _field(user, label).props.get("error") is True
        assert _field(user, label).props.get("error-message") == message


async def test_a_message_past_the_limit_is_refused_with_its_counter_and_nothing_is_cut(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _open_compose(user)
    user.find("Category").click()
    user.find("General").click()
    long_subject, long_body = "S" * 101, "word " * 2000 + "x"  # 101 and 10,001 characters
    user.find("Subject").type(long_subject)
    user.find("Message").type(long_body)
    subject, body = _field(user, "Subject"), _field(user, "Message")
    # The browser's maxlength would cut what is typed or pasted without a word; a counter and an error instead.
    for element in (subject, body):
        assert "maxlength" not in element.props
        assert element.props.get("counter") is True
    assert body.props.get("error-message") == "Message must be at most 10,000 characters (it has 10,001)."
    assert subject.props.get("error-message") == "Subject must be at most 100 characters (it has 101)."
    user.find(kind=ui.button, content="Send").click()
    await see(user, "Please check: Subject, Message.")
    assert (_value(user, "Subject"), _value(user, "Message")) == (long_subject, long_body)
    assert await _count(Thread) == 0


def _status(user: User) -> str:
    labels = [e for e in user.current_layout.descendants() if "draft-status" in e.classes]
    return labels[0].text


async def _two_tabs_on_one_draft(user: User, create_user) -> tuple:
    clinic = await seeded(user)
    drafts = app.state.sm_system.drafts
    draft = await drafts.save(clinic.pat, None, team_id=clinic.blue_id, category="Medication",
                              subject="Dose question", body="Should I")
    other_tab = create_user()
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await sign_in(other_tab, "pat@example.org", PATIENT_PW)  # the terms are accepted already
    await see(other_tab, "New message")
    for tab in (user, other_tab):
        await _open_compose(tab, f"/compose?draft={draft.id}")
    return clinic, drafts, draft, other_tab


async def test_two_tabs_on_one_draft_a_stale_save_is_refused_and_kept_as_a_new_draft(user: User,
                                                                                      create_user) -> None:
    clinic, drafts, draft, other_tab = await _two_tabs_on_one_draft(user, create_user)
    user.find("Message").type(" take it with food?")
    await see(user, "Draft saved at")
    other_tab.find("Message").type(" double the dose?")
    await see(other_tab, "This draft was changed in another tab or window, so this page did not save over it.")
    assert _status(other_tab) == "Draft not saved"
    assert (await drafts.get(clinic.pat, draft.id)).body == "Should I take it with food?"  # not overwritten
    assert _value(other_tab, "Message") == "Should I double the dose?"  # and nothing typed there is lost
    other_tab.find("Keep my text as a new draft").click()
    await see(other_tab, "Draft saved at")
    kept = {(await drafts.get(clinic.pat, d.id)).body for d in await drafts.list_drafts(clinic.pat)}
    assert kept == {"Should I take it with food?", "Should I double the dose?"}


async def test_after_one_tab_sends_the_others_autosave_says_so_and_keeps_the_text(user: User, create_user,
                                                                                   caplog) -> None:
    clinic, drafts, draft, other_tab = await _two_tabs_on_one_draft(user, create_user)
    user.find("Message").type(" take it with food?")
    user.find(kind=ui.button, content="Send").click()
    await see(user, "Message sent")
    other_tab.find("Message").type(" split the pill?")
    await see(other_tab, "This draft was sent or deleted in another tab or window.")
    assert _status(other_tab) == "Draft not saved"
    await other_tab.should_not_see("Draft saved")
    assert _value(other_tab, "Message") == "Should I split the pill?"
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    other_tab.find("Keep my text as a new draft").click()
    await see(other_tab, "Draft saved at")
    assert [(await drafts.get(clinic.pat, d.id)).body for d in await drafts.list_drafts(clinic.pat)] == [
        "Should I split the pill?"]


async def test_text_left_when_the_session_ends_lands_in_drafts_and_the_patient_is_told(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await _open_compose(user)
    user.find("Subject").type("Rash on my arm")
    user.find("Message").type("It started on Monday")
    await system.sessions.end_all_for_user(clinic.pat.user_id)  # signed out in another tab
    await see(user, "Your session ended. Please sign in again.")
    kept = await system.drafts.list_drafts(clinic.pat)
    assert [(await system.drafts.get(clinic.pat, d.id)).body for d in kept] == ["It started on Monday"]

    await sign_in(user, "pat@example.org", PATIENT_PW)
    await see(user, "You have an unsent draft")
    user.find("Open Drafts").click()
    await see(user, "Rash on my arm")
    await user.open("/inbox")
    await see(user, "You have an unsent draft")
    user.find("Dismiss").click()
    await user.should_not_see("You have an unsent draft")
    await user.open("/sent")
    await see(user, "You have not sent any messages.")
    await user.should_not_see("You have an unsent draft")


async def _click_thrice_and_finish(user: User, label: str) -> None:
    before = set(background_tasks.running_tasks)
    button = user.find(kind=ui.button, content=label)
    button.click()
    button.click()
    button.click()
    clicked = set(background_tasks.running_tasks) - before
    await asyncio.wait_for(asyncio.gather(*clicked, return_exceptions=True), timeout=30)


async def test_three_quick_clicks_on_a_team_message_and_an_outcome_send_once(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in(user, "nina@example.org", "staff-password-long-1")
    await see(user, "Sign out")
    await user.open("/team-messages")
    await see(user, "Message a patient")
    user.find(kind=ui.select, content="Patient").click()
    user.find("Pat Patient").click()
    user.find(kind=ui.input, content="Subject").type("Your visit")
    user.find(kind=ui.textarea, content="Message").type("See you on Monday.")
    await _click_thrice_and_finish(user, "Send to patient")
    await see(user, "Message sent")
    assert await _count(Thread) == 1

    renewal = await system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Metformin renewal", body="",
        template_key="prescription_renewal", answers={"Medication": "Metformin"})
    await user.open(f"/thread/{renewal.thread_id}")
    await see(user, "Care-team work")
    user.find(kind=ui.button, content="Record outcome").click()  # the form is opened when needed
    user.find(kind=ui.select, content="Outcome").click()
    user.find("Renewal approved").click()
    await _click_thrice_and_finish(user, "Send outcome")
    await see(user, "Recorded: Renewal approved")
    assert len((await system.mailbox.view_thread(clinic.pat, renewal.thread_id)).messages) == 2
