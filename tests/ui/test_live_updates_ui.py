"""Live pages change only what changed: a new message is appended, a worklist row is redrawn alone, and a push
costs no session read while the session's known end lies ahead."""

from __future__ import annotations

import asyncio
import gc
import re
import weakref

from nicegui import app
from nicegui.testing import User

from sm_app.components.care_team.worklist_row import WorklistRowView
from sm_app.components.frame import PageContext
from sm_app.components.live import follow
from sm_app.components.messaging.message_card import MessageCard
from sm_app.components.messaging.thread_list import ThreadRowView
from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient, until


def _cards(user: User) -> list[MessageCard]:
    """The conversation's messages: one element each, its text the body (caption and receipt inside it)."""
    return [e for e in user.current_layout.descendants() if isinstance(e, MessageCard) and "message" in e.classes]


def _texts(element) -> list[str]:
    return [getattr(e, "text", "") for e in element.descendants(include_self=True)]


def _worklist_rows(user: User) -> list[WorklistRowView]:
    """The worklist's rows: one element each, a link (its text the subject) whose markers and captions are props."""
    return [e for e in user.current_layout.descendants()
            if isinstance(e, WorklistRowView) and "worklist-row" in e.classes]


async def test_a_new_message_is_appended_to_the_open_conversation(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee after the fall", body="It is still swollen.")
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Keep it raised and iced.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Keep it raised and iced.")
    before = [c.id for c in _cards(user)]
    assert len(before) == 2

    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Come in on Monday if it is no better.")
    await see(user, "Come in on Monday if it is no better.")
    after = _cards(user)
    # The two messages already shown are the same elements; one card was added for the new message.
    assert [c.id for c in after[:2]] == before
    assert len(after) == 3
    assert _texts(after[2]).count("Come in on Monday if it is no better.") == 1
    # Shown, so read: the nurse's side gets its read receipt.
    for _ in range(200):
        if (await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)).own_latest_read:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the appended message was never marked read")


async def test_a_message_on_an_open_conversation_is_one_element_that_shows_who_when_and_what(user: User) -> None:
    """Every element an open page holds is memory and collector work for as long as it is open: a new message adds
    one element to the page (it was four: card, caption, body, and the receipt's label), and still shows its sender,
    time and text."""
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee after the fall", body="It is still swollen.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "It is still swollen.")
    elements = len(user.client.elements)

    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Keep it raised and iced.")
    await see(user, "Keep it raised and iced.")
    assert len(user.client.elements) == elements + 1
    card = _cards(user)[-1]
    assert card.text == "Keep it raised and iced."
    assert re.fullmatch(r"Nina Blue · .+", card.props["caption"])
    await see(user, card.props["caption"])  # what the browser draws from the prop is findable as text, too

async def test_a_message_redraws_only_its_own_worklist_row(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    threads = []
    for subject in ("Refill of metformin", "Blood test results", "Travel vaccines"):
        sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject=subject, body=f"A question about {subject.lower()}.")
        threads.append(sent.thread_id)
        await system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)  # read: no row is marked Unread
    await sign_in(user, "nina@example.org", STAFF_PW)
    await user.open("/worklist")
    await see(user, "Travel vaccines")

    def rows() -> dict[str, WorklistRowView]:
        return {item.props["href"].rsplit("/", 1)[1]: item for item in _worklist_rows(user)}

    before = {thread_id: item.id for thread_id, item in rows().items()}
    assert set(before) == set(threads)

    await system.messaging.reply(clinic.pat, threads[1], "The lab called me too.")
    await until(lambda: "Unread" in rows()[threads[1]].texts(), "the row shows the new message")
    after = {thread_id: item.id for thread_id, item in rows().items()}
    assert after[threads[0]] == before[threads[0]] and after[threads[2]] == before[threads[2]]
    assert after[threads[1]] != before[threads[1]]
    assert len(after) == 3


async def test_pushes_to_an_open_page_do_not_read_the_session(user: User, monkeypatch) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Sleep", body="I wake up at 4 every night.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "I wake up at 4 every night.")

    checks: list[str | None] = []
    current = system.sessions.current

    async def counted(token, **kwargs):
        checks.append(token)
        return await current(token, **kwargs)

    monkeypatch.setattr(system.sessions, "current", counted)
    for n in range(3):
        await system.messaging.reply(clinic.blue_nurse, sent.thread_id, f"Note {n}: no screens after 9.")
        await see(user, f"Note {n}: no screens after 9.")
    # Three pushes, each delivered to the page (header badge and conversation) and the idle timer ticking every
    # half second: not one session read, because the session's end is hours away and nothing ended it.
    assert checks == []
    # Ending the session is pushed, and only then does the page ask — and leave.
    await system.sessions.end_all_for_user(clinic.pat.user_id)
    await see(user, "Your session ended. Please sign in again.")
    assert checks


async def test_a_patients_read_does_not_wake_the_worklist(user: User, monkeypatch) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Rash on my arm", body="It itches since Tuesday.")
    await system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)  # read by the team: the row is not Unread
    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Please send a photo.")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await user.open("/worklist")
    await see(user, "Rash on my arm")
    assert not [e for e in user.current_layout.descendants() if getattr(e, "text", "") == "Unread"]
    assert not [row for row in _worklist_rows(user) if "Unread" in row.texts()]

    reads: list[str] = []
    page = system.worklist.page

    async def counted(actor, **view):
        reads.append(actor.user_id)
        return await page(actor, **view)

    monkeypatch.setattr(system.worklist, "page", counted)
    # The patient reads the nurse's reply: the nurse's receipt changes (her conversation pages are told), but
    # nothing on the worklist does, so it does not read again.
    await system.mailbox.open_thread(clinic.pat, sent.thread_id)
    await system.messaging.reply(clinic.pat, sent.thread_id, "Photo attached tomorrow.")
    # Pushes reach a page in the order they were sent: once the message shows, the read's push was handled too.
    await until(lambda: any("Unread" in item.texts() for item in _worklist_rows(user)),
                "the row shows the patient's new message")
    assert reads == [clinic.blue_nurse.user_id]  # once, for the message; not for the read


async def test_a_page_that_waits_its_turn_under_a_burst_is_served_not_a_500(user: User, monkeypatch) -> None:
    # A burst of page loads on one core (the clinic opening in the morning) can keep a page's build waiting for
    # longer than NiceGUI's default 3 s, after which it answers a bare 500 page. Here the wait is made by the
    # patient's unread count taking 3.5 s to come back; the page must still arrive.
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                        subject="Knee after the fall", body="It is still swollen.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    counted = system.mailbox.unread_count

    async def slow_count(actor):
        await asyncio.sleep(3.5)  # the queue a burst makes, not a wait for something to happen
        return await counted(actor)

    monkeypatch.setattr(system.mailbox, "unread_count", slow_count)
    await user.open("/sent")
    await see(user, "Knee after the fall")
    await user.should_not_see("took longer than the response_timeout")


async def test_a_page_load_reads_the_session_once(user: User, monkeypatch) -> None:
    # The sign-in gate reads the session for every page request; the page it lets through uses that reading
    # instead of asking the store again.
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee after the fall", body="It is still swollen.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await see(user, "Sign out")
    reads = []
    current = system.sessions.current

    async def counted(token, **kwargs):
        reads.append(token)
        return await current(token, **kwargs)

    monkeypatch.setattr(system.sessions, "current", counted)
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "It is still swollen.")
    assert len(reads) == 1, f"{len(reads)} session reads for one page load"
    # The page still ends when the session does: the gate's reading is of this request only.
    await system.sessions.end_all_for_user(clinic.pat.user_id)
    await user.open("/inbox")
    await see(user, "Sign in")


async def test_a_closed_page_is_freed_at_once_without_the_cycle_collector(user: User) -> None:
    # A closed page left in reference cycles waited, elements and all, for a full garbage collection, which stops
    # the server for 100-250 ms under load (docs/benchmarks.md). Closing must let reference counting free it.
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                        subject="Knee after the fall", body="It is still swollen.")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await user.open("/worklist")
    await see(user, "Knee after the fall")
    page = user.client
    gone = weakref.ref(page)
    gc.collect()
    gc.disable()
    try:
        page.delete()
        del page
        user.client = None  # the test's own handle on it
        # NiceGUI's send loop holds the page until it notices the page is gone (within a second).
        for _ in range(60):
            if gone() is None:
                break
            await asyncio.sleep(0.05)
        assert gone() is None, "the closed Worklist waited for the cycle collector"
    finally:
        gc.enable()


async def test_a_part_that_starts_following_after_its_page_closed_subscribes_to_nothing(user: User) -> None:
    # A page whose build outlives the person's visit (a slow build under load) must not leave a subscription that no
    # delete handler will ever end.
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "No conversations for your care teams.")
    page = user.client
    before = system.bus.subscriber_count(clinic.blue_nurse.user_id)
    ctx = PageContext(system, "token", clinic.blue_nurse, system.clock.now())
    page.delete()
    with page:
        follow(ctx, lambda event: asyncio.sleep(0))
    assert system.bus.subscriber_count(clinic.blue_nurse.user_id) == before - 1  # the page's own one ended; none new


async def test_an_inbox_row_is_one_element_that_shows_what_the_patient_needs(user: User) -> None:
    """A patient may keep the Inbox open all day: each conversation's row is one element (it was about ten), still
    showing its subject as a link, the team and category, where it stands, when, and Unread once the team replied."""
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Knee after the fall", body="It is still swollen.")
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="Medication",
                                        subject="Refill of metformin", body="Two weeks left.")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await see(user, "Knee after the fall")
    lists = [e for e in user.current_layout.descendants() if "thread-list" in e.classes]
    assert len(lists) == 1
    rows = list(lists[0].descendants())
    assert len(rows) == 2 and all(isinstance(r, ThreadRowView) for r in rows)
    for text in ("Blue Team · General", "Blue Team · Medication"):
        await user.should_see(text)
    await user.should_not_see("Unread")

    await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Keep it raised and iced.")
    await see(user, "Your care team replied")
    await see(user, "Unread")
    row = next(r for r in lists[0].descendants() if r.text == "Knee after the fall")
    assert row.props["href"] == f"/thread/{sent.thread_id}"
    assert row.props["unread"] and "bg-blue-1" in row.classes
    assert len(list(lists[0].descendants())) == 2
