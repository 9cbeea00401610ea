"""A nurse opens a conversation inside the Worklist: no page load, the conversation in place of the list, a reply
sent from there, live messages shown there, and back to a list that kept itself up to date.

In a browser a plain click on a row sends the row's "open" event (worklist_row.js) instead of following the link;
the simulated `User` follows links, so these tests send that event as the browser does (tests/e2e has the click).
"""

from __future__ import annotations

import gc
import weakref

from nicegui import app, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from sm_app.components.care_team.worklist_row import WorklistRowView
from sm_app.components.live import PageLive
from sm_app.components.messaging.message_card import MessageCard
from sm_app.components.messaging.reply_box import ReplyBox
from tests.conftest import STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, until


async def _start(clinic, subject: str, body: str, *, patient=None, team_id=None) -> str:
    sent = await app.state.sm_system.messaging.start_thread(patient or clinic.pat, team_id=team_id or clinic.blue_id,
                                                           category="General", subject=subject, body=body)
    return sent.thread_id


def _row(user: User, subject: str) -> WorklistRowView:
    return next(e for e in user.current_layout.descendants()
                if isinstance(e, WorklistRowView) and e.text == subject and not e.is_deleted)


def _shown_bodies(user: User) -> list[str]:
    return [c.text for c in user.current_layout.descendants()
            if isinstance(c, MessageCard) and "message" in c.classes and c.visible]


def _reply_texts(user: User) -> list[str]:
    """What the reply forms on the page hold (the field labelled Message)."""
    return [e.value for e in user.current_layout.descendants()
            if isinstance(e, ui.textarea) and e.props.get("label") == "Message" and not e.is_deleted]


def _listeners(user: User) -> int:
    """How many parts of this page follow live changes (the page's one subscription holds them)."""
    lives = [o for o in gc.get_objects() if isinstance(o, PageLive) and o._client() is user.client]
    assert len(lives) == 1
    return len(lives[0]._listeners)


def _browser_at(user: User, path: str) -> None:
    """The browser's Back or Forward button brought the address to `path` (worklist_reader.py's popstate hook)."""
    UserInteraction(user, {user.current_layout}, None).trigger("sm_worklist_at", path)


async def _open_here(user: User, subject: str, body: str) -> None:
    """A plain click on the row of `subject` (the row's "open" event), then the conversation's first message shown."""
    user.find(kind=WorklistRowView, content=subject).trigger("open")
    await see(user, body)


async def _back_to_worklist(user: User) -> None:
    user.find("Back to Worklist").click()
    await until(lambda: not _shown_bodies(user), "the list is back")


async def test_a_nurse_reads_answers_and_goes_back_without_leaving_the_worklist(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    renewal = await _start(clinic, "Inhaler renewal", "May I have a renewal of my inhaler?")
    await _start(clinic, "Parking question", "Where do I park on Tuesday?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Parking question")
    page = user.client
    following = _listeners(user)

    await _open_here(user, "Inhaler renewal", "May I have a renewal of my inhaler?")
    assert user.client is page  # the same page: nothing was loaded
    await user.should_not_see("Parking question")  # the list is out of the way
    await see(user, "Back to Worklist")
    # Opened means read, as on the conversation page: the patient sees the team read it.
    assert (await system.mailbox.view_thread(clinic.pat, renewal)).own_latest_read

    user.find("Reply").click()
    user.find("Message").type("Renewed: pick it up tomorrow.")
    user.find("Send").click()
    await see(user, "Reply sent")
    await see(user, "Renewed: pick it up tomorrow.")
    patient_view = await system.mailbox.view_thread(clinic.pat, renewal)
    assert [m.body for m in patient_view.messages][-1] == "Renewed: pick it up tomorrow."

    # A message from the patient is appended where the nurse is reading.
    await system.messaging.reply(clinic.pat, renewal, "Thank you!")
    await see(user, "Thank you!")
    assert _shown_bodies(user) == ["May I have a renewal of my inhaler?", "Renewed: pick it up tomorrow.",
                                   "Thank you!"]

    user.find("Back to Worklist").click()
    await see(user, "Parking question")
    await user.should_not_see("Thank you!")
    assert user.client is page
    # The conversation and what it followed are gone with it: a later message reaches the list only.
    assert _listeners(user) == following
    await system.messaging.reply(clinic.pat, renewal, "One more thing about the spacer.")
    await until(lambda: "bg-blue-1" in _row(user, "Inhaler renewal").classes, "the row shows the unread message")
    assert _shown_bodies(user) == []


async def test_a_reply_typed_and_not_sent_is_back_when_the_conversation_is_opened_again(user: User) -> None:
    clinic = await seeded(user)
    await _start(clinic, "Rash on arm", "A small rash since Monday.")
    await _start(clinic, "Flu shot", "When can I get my flu shot?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Flu shot")

    await _open_here(user, "Rash on arm", "A small rash since Monday.")
    user.find("Reply").click()
    user.find("Message").type("Please send a photo of the")
    user.find("Back to Worklist").click()
    await see(user, "Flu shot")

    await _open_here(user, "Flu shot", "When can I get my flu shot?")
    assert _reply_texts(user) == []  # another conversation: its reply form is not even made yet

    _browser_at(user, "/worklist")
    await see(user, "Rash on arm")
    await _open_here(user, "Rash on arm", "A small rash since Monday.")
    assert _reply_texts(user) == ["Please send a photo of the"]


async def test_the_browsers_back_and_forward_buttons_move_between_list_and_conversation(user: User) -> None:
    clinic = await seeded(user)
    renewal = await _start(clinic, "Inhaler renewal", "May I have a renewal of my inhaler?")
    await _start(clinic, "Parking question", "Where do I park on Tuesday?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Parking question")

    _browser_at(user, f"/thread/{renewal}")  # Forward, to a conversation opened here before
    await see(user, "May I have a renewal of my inhaler?")
    await user.should_not_see("Parking question")
    _browser_at(user, "/worklist")  # Back
    await see(user, "Parking question")
    await user.should_not_see("May I have a renewal of my inhaler?")
    # Any other address is not the Worklist's to show.
    _browser_at(user, "/thread/../admin")
    _browser_at(user, "/settings")
    await see(user, "Parking question")
    await user.should_not_see("Back to Worklist")


async def test_another_teams_conversation_is_not_opened_by_a_forged_address(user: User) -> None:
    clinic = await seeded(user)
    theirs = await _start(clinic, "Green team matter", "Only for the Green team.", patient=clinic.gil,
                          team_id=clinic.green_id)
    await _start(clinic, "Parking question", "Where do I park on Tuesday?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Parking question")

    _browser_at(user, f"/thread/{theirs}")
    await see(user, "This conversation is no longer available.")
    await user.should_not_see("Only for the Green team.")
    await user.should_not_see("Green team matter")
    await see(user, "Parking question")  # still the list


async def test_back_pressed_while_a_reply_is_sending_sends_it_once_and_keeps_nothing(user: User) -> None:
    """Send and at once Back to Worklist: the send finishes first, so the reply goes once and is not kept as unsent
    text to be sent again when the conversation is opened next."""
    clinic = await seeded(user)
    system = app.state.sm_system
    renewal = await _start(clinic, "Inhaler renewal", "May I have a renewal of my inhaler?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Inhaler renewal")
    await _open_here(user, "Inhaler renewal", "May I have a renewal of my inhaler?")
    user.find("Reply").click()
    user.find("Message").type("Renewed for three months.")
    user.find("Send").click()
    await _back_to_worklist(user)  # pressed while the send is under way
    await see(user, "Reply sent")
    await _open_here(user, "Inhaler renewal", "Renewed for three months.")
    assert _reply_texts(user) == []  # nothing kept: the form is not even made
    bodies = [m.body for m in (await system.mailbox.view_thread(clinic.blue_nurse, renewal)).messages]
    assert bodies == ["May I have a renewal of my inhaler?", "Renewed for three months."]


async def test_a_conversation_closed_in_the_worklist_leaves_nothing_behind(user: User) -> None:
    """An open Worklist is kept all day: every conversation opened and closed in it must give back its elements and
    its objects, or the page would grow with each one (memory per open page is what issue 12 measures)."""
    clinic = await seeded(user)
    await _start(clinic, "Rash on arm", "A small rash since Monday.")
    await _start(clinic, "Flu shot", "When can I get my flu shot?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Flu shot")

    forms: list[weakref.ref] = []  # the reply form of every conversation opened

    async def open_and_close(subject: str, body: str) -> None:
        await _open_here(user, subject, body)
        user.find("Reply").click()  # the reply form too, its pickers and its quick replies
        await until(lambda: _reply_texts(user) == [""], "the reply form is made")
        forms.extend(weakref.ref(o) for o in gc.get_objects() if isinstance(o, ReplyBox))
        await _back_to_worklist(user)

    await open_and_close("Rash on arm", "A small rash since Monday.")
    elements, following = len(user.client.elements), _listeners(user)
    for _ in range(3):
        await open_and_close("Flu shot", "When can I get my flu shot?")
        await open_and_close("Rash on arm", "A small rash since Monday.")
    assert len(user.client.elements) == elements
    assert _listeners(user) == following
    gc.collect()
    assert len(forms) >= 7 and all(form() is None for form in forms)


async def test_a_kept_reply_waits_while_its_conversation_is_closed(user: User) -> None:
    """The reply kept for a conversation comes back only when a reply can be sent there: closed meanwhile, the
    conversation shows no form holding it; reopened, the text is back."""
    clinic = await seeded(user)
    system = app.state.sm_system
    rash = await _start(clinic, "Rash on arm", "A small rash since Monday.")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Rash on arm")
    await _open_here(user, "Rash on arm", "A small rash since Monday.")
    user.find("Reply").click()
    user.find("Message").type("Please send a photo of the")
    await _back_to_worklist(user)

    await system.messaging.close_thread(clinic.blue_provider, rash, "Seen in clinic today.")
    _browser_at(user, f"/thread/{rash}")  # Forward: a closed conversation leaves the list of open ones
    await see(user, "A small rash since Monday.")
    await until(lambda: not any(isinstance(e, ui.button) and e.text == "Reply" and e.visible
                                for e in user.current_layout.descendants()), "no Reply on a closed conversation")
    assert _reply_texts(user) == []
    await _back_to_worklist(user)

    await system.messaging.reopen_thread(clinic.blue_provider, rash)
    _browser_at(user, f"/thread/{rash}")
    await see(user, "A small rash since Monday.")
    await until(lambda: _reply_texts(user) == ["Please send a photo of the"], "the kept reply is back")
