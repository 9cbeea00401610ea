"""A patient and a nurse in separate real browsers: messages, read receipts and unread counts arrive live.

"Live" means the page that shows the change was neither reloaded nor navigated: a marker left in the
document before the change is still there after it.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import pytest

from .browser_steps import (
    By,
    assert_drawn_once,
    assert_not_reloaded,
    body_text,
    click_button,
    fill_new_message,
    heading,
    link_xpath,
    mark_page,
    message_bodies,
    notification_texts,
    read_receipts,
    row_is_unread,
    sign_in,
    thread_id_of,
    thread_links,
    thread_row_text,
    type_into,
    unread_badge_count,
    wait,
    wait_connected,
    wait_for_folder,
    wait_for_heading,
    wait_for_path,
    wait_for_text,
)
from .clinic_db import CARDIO_NURSE, LEAD, NURSE, PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e

TEAM = "Primary Care Blue"


def _unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def _open_thread(driver, base_url: str, thread_id: str, subject: str) -> None:
    driver.get(f"{base_url}/thread/{thread_id}")
    wait_for_heading(driver, subject)
    wait_connected(driver)


# A read receipt says who and when: "Read by your care team · Dec 5, 2:14 PM" (the year only when not this year's).
_WHEN = r"[A-Z][a-z]{2} \d{1,2}(, \d{4})?, \d{1,2}:\d{2} [AP]M"


def _receipts_read_by(driver, who: str) -> bool:
    receipts = read_receipts(driver)
    return len(receipts) == 1 and re.fullmatch(f"Read by {re.escape(who)} · {_WHEN}", receipts[0]) is not None


def _reply(nurse, text: str) -> None:
    click_button(nurse, "Reply")
    type_into(nurse, "Message", text)
    click_button(nurse, "Send")
    wait(nurse).until(lambda d: "Reply sent" in notification_texts(d), "the nurse never saw 'Reply sent'")
    wait(nurse).until(lambda d: text in message_bodies(d), "the nurse's own reply never showed in the thread")


async def _patient_starts_thread(data_dir, subject: str, body: str) -> str:
    """Set-up without a browser: the demo patient writes to Primary Care Blue (the server is not told)."""
    async with clinic_system(data_dir) as system:
        patient = await actor_for(system, PATIENT[0])
        team = next(t for t in await system.messaging.teams_for_compose(patient) if t.name == TEAM)
        sent = await system.messaging.start_thread(patient, team_id=team.id, category="Medication",
                                                   subject=subject, body=body)
        return sent.thread_id


async def _unread_count(data_dir, email: str) -> int:
    async with clinic_system(data_dir) as system:
        return await system.mailbox.unread_count(await actor_for(system, email))


def test_patient_and_nurse_exchange_messages_live(shared_server, browser):
    base = shared_server.base_url
    subject = _unique("Blood pressure tablets")
    body = "My blood pressure tablets run out next week.\nCould you renew the prescription?"
    reply = _unique("Renewed for 90 days, ready at the pharmacy tomorrow.")

    nurse = browser("nurse")
    patient = browser("patient")

    # The nurse signs in and just watches the worklist.
    sign_in(nurse, base, *NURSE, home="/worklist")
    assert not thread_links(nurse, subject)
    nurse_unread_before = unread_badge_count(nurse)
    mark_page(nurse, "nurse worklist")

    # The patient writes.
    sign_in(patient, base, *PATIENT, home="/inbox")
    fill_new_message(patient, team=TEAM, category="General", subject=subject, body=body)
    click_button(patient, "Send")
    wait_for_path(patient, r"/thread/[^/]+")
    thread_id = thread_id_of(patient)
    wait_for_heading(patient, subject)
    wait_connected(patient)
    assert message_bodies(patient) == [body]
    assert read_receipts(patient) == ["Not read yet"]
    assert f"{TEAM} · General" in body_text(patient)
    mark_page(patient, "patient thread")

    # The nurse's worklist shows it without the nurse doing anything: an unread row, and the badge counts it.
    wait(nurse).until(lambda d: thread_links(d, subject), "the new thread never appeared live on the worklist")
    assert_not_reloaded(nurse, "nurse worklist")
    assert thread_links(nurse, subject)[0].get_attribute("href").endswith(f"/thread/{thread_id}")
    assert row_is_unread(nurse, subject)
    assert "Pat Rivera · Primary Care Blue · General" in thread_row_text(nurse, subject)
    wait(nurse).until(lambda d: unread_badge_count(d) == nurse_unread_before + 1,
                      "the nurse's unread badge did not count the new thread")
    assert_not_reloaded(nurse, "nurse worklist")
    assert_drawn_once(nurse)

    # The nurse opens it and reads the message ...
    thread_links(nurse, subject)[0].click()
    wait_for_path(nurse, f"/thread/{thread_id}")
    wait_for_heading(nurse, subject)
    wait_connected(nurse)
    assert message_bodies(nurse) == [body]
    assert "Pat Rivera · General" in body_text(nurse)

    # ... and the patient's open conversation says so, live.
    wait(patient).until(lambda d: _receipts_read_by(d, "your care team"),
                        "the patient never saw 'Read by your care team · <when>'")
    assert_not_reloaded(patient, "patient thread")

    # The nurse replies; the reply shows on the patient's open conversation, live ...
    _reply(nurse, reply)
    wait(patient).until(lambda d: message_bodies(d) == [body, reply], "the reply never showed for the patient")
    assert_not_reloaded(patient, "patient thread")
    assert "Nora Nurse" in body_text(patient)
    # ... and since the patient has the conversation open, the nurse's receipt turns to read, live.
    wait(nurse).until(lambda d: _receipts_read_by(d, "Pat Rivera"), "the nurse never saw 'Read by Pat Rivera · <when>'")
    assert_drawn_once(patient)


def test_reply_shows_live_in_the_patient_inbox_with_unread_badge(shared_server, browser):
    base, data_dir = shared_server.base_url, shared_server.data_dir
    subject = _unique("Knee pain after the run")
    body = "My left knee hurts when I take the stairs."
    reply = _unique("Please book a physiotherapy assessment.")
    thread_id = asyncio.run(_patient_starts_thread(data_dir, subject, body))

    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    _open_thread(nurse, base, thread_id, subject)

    # The patient sits on the Inbox; a conversation only the patient has written in is there, waiting for the team.
    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    wait(patient).until(lambda d: thread_links(d, subject), "the patient's unanswered conversation is not listed")
    assert "Waiting for your care team · reply due" in thread_row_text(patient, subject)
    assert not row_is_unread(patient, subject)
    unread_before = asyncio.run(_unread_count(data_dir, PATIENT[0]))
    mark_page(patient, "patient inbox")

    _reply(nurse, reply)

    # Row, unread marker and header badge arrive without a reload.
    wait(patient).until(lambda d: row_is_unread(d, subject), "the replied conversation never showed unread")
    assert "Your care team replied" in thread_row_text(patient, subject)
    wait(patient).until(lambda d: unread_badge_count(d) == unread_before + 1, "the patient's badge never counted it")
    assert_not_reloaded(patient, "patient inbox")
    assert_drawn_once(patient)
    assert read_receipts(nurse) == ["Not read yet"]

    # The patient opens it: the reply is there, and the nurse's receipt turns to read, live.
    thread_links(patient, subject)[0].click()
    wait_for_path(patient, f"/thread/{thread_id}")
    wait(patient).until(lambda d: message_bodies(d) == [body, reply])
    wait(nurse).until(lambda d: _receipts_read_by(d, "Pat Rivera"), "the nurse never saw 'Read by Pat Rivera · <when>'")
    assert asyncio.run(_unread_count(data_dir, PATIENT[0])) == unread_before


def test_other_team_cannot_open_the_thread(shared_server, browser):
    base, data_dir = shared_server.base_url, shared_server.data_dir
    subject = _unique("Side effects of the new statin")
    body = _unique("Muscle aches since I started the statin.")
    thread_id = asyncio.run(_patient_starts_thread(data_dir, subject, body))

    # Positive control: the patient's own team does see it (through the same services the pages use).
    async def own_team_sees_it() -> bool:
        async with clinic_system(data_dir) as system:
            nurse = await actor_for(system, NURSE[0])
            return subject in [t.subject for t in (await system.mailbox.list_threads(nurse, "worklist")).items]

    assert asyncio.run(own_team_sees_it())

    cardio = browser("cardio nurse")
    sign_in(cardio, base, *CARDIO_NURSE, home="/worklist")

    # Her worklist does not list it.
    assert heading(cardio) == "Worklist"
    assert not thread_links(cardio, subject)
    assert subject not in cardio.page_source

    # Opening it by its address: "not found", and nothing of it reaches the browser.
    cardio.get(f"{base}/thread/{thread_id}")
    wait_for_text(cardio, "Conversation not found")
    denied_text = body_text(cardio)
    denied_source = cardio.page_source
    for secret in (subject, body, "Pat Rivera", "Medication"):
        assert secret not in denied_source, f"{secret!r} leaked into the page"
    assert not cardio.find_elements(By.CSS_SELECTOR, ".message")
    assert not cardio.find_elements(By.XPATH, "//button[.//span[normalize-space()='Reply']]")

    # Exactly what an id that does not exist shows: the page is no oracle for which ids exist.
    cardio.get(f"{base}/thread/{uuid.uuid4().hex}")
    wait_for_text(cardio, "Conversation not found")
    assert body_text(cardio) == denied_text

    # A fresh worklist still does not list it.
    cardio.get(f"{base}/worklist")
    wait_for_folder(cardio, "Worklist")
    wait_connected(cardio)
    assert not thread_links(cardio, subject)
    assert subject not in cardio.page_source


def test_unread_badge_is_shown_when_a_page_loads(shared_server, browser):
    """Regression: the header badge used to appear only after a live update, never on page load."""
    base, data_dir = shared_server.base_url, shared_server.data_dir
    subject = _unique("Badge on load")
    asyncio.run(_patient_starts_thread(data_dir, subject, "Is anyone there?"))
    expected = asyncio.run(_unread_count(data_dir, NURSE[0]))
    assert expected >= 1

    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    assert row_is_unread(nurse, subject)
    assert unread_badge_count(nurse) == expected


def test_a_reply_after_leaving_the_conversation_stays_unread(shared_server, browser):
    base, data_dir = shared_server.base_url, shared_server.data_dir
    subject = _unique("Leaving the page")
    body = "Question before I leave the page."
    reply = _unique("Answer that arrives right after.")
    thread_id = asyncio.run(_patient_starts_thread(data_dir, subject, body))

    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    _open_thread(nurse, base, thread_id, subject)
    click_button(nurse, "Reply")
    type_into(nurse, "Message", reply)

    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    _open_thread(patient, base, thread_id, subject)
    patient.find_element(By.XPATH, f"//header{link_xpath('Inbox')}").click()
    left_at = time.monotonic()
    wait_for_folder(patient, "Inbox")
    wait_connected(patient)

    click_button(nurse, "Send")
    if time.monotonic() - left_at > 2.5:
        pytest.skip("the reply went out too late to test the seconds after leaving the page")
    wait(patient).until(lambda d: thread_links(d, subject), "the replied conversation never showed in the Inbox")

    # Nobody has looked at the reply. Give a wrong read receipt time to show (it takes well under 1 s).
    wait(nurse).until(lambda d: reply in message_bodies(d), "the nurse's own reply never showed in the thread")
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        assert read_receipts(nurse) == ["Not read yet"], "the reply was marked read though nobody opened it"
        assert row_is_unread(patient, subject), "the reply is not unread in the Inbox though nobody opened it"
        time.sleep(0.2)


def test_the_conversation_is_drawn_once_when_updates_cross(shared_server, browser):
    base, data_dir = shared_server.base_url, shared_server.data_dir
    subject = _unique("Crossing updates")
    thread_id = asyncio.run(_patient_starts_thread(data_dir, subject, "First question."))
    reply = _unique("Second question.")

    staff = []
    for name, account in (("nurse", NURSE), ("lead nurse", LEAD)):
        driver = browser(name)
        sign_in(driver, base, *account, home="/worklist")
        _open_thread(driver, base, thread_id, subject)
        staff.append(driver)
    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    _open_thread(patient, base, thread_id, subject)

    click_button(patient, "Reply")
    type_into(patient, "Message", reply)
    click_button(patient, "Send")
    for driver in staff:
        wait(driver).until(lambda d: reply in message_bodies(d), f"{driver.e2e_name} never got the reply")
    wait(patient).until(lambda d: _receipts_read_by(d, "your care team"))
    for driver in staff:
        wait(driver).until(lambda d: heading(d))  # not caught between clearing and drawing
        assert_drawn_once(driver)
