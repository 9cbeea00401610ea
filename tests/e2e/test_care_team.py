"""Care-team work in real browsers: the staff worklist updates live and claiming moves a conversation to the
nurse; routing, status and internal notes on a conversation stay with the staff and never reach the patient.

"Live" means the page that shows the change was neither reloaded nor navigated: a marker left in the
document before the change is still there after it.
"""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from .browser_steps import (
    WAIT,
    By,
    assert_drawn_once,
    assert_not_reloaded,
    body_text,
    choose,
    click_button,
    click_button_in_row,
    click_row_at,
    field_error,
    fill_new_message,
    heading,
    link_xpath,
    mark_page,
    message_bodies,
    notification_texts,
    row_texts,
    selected,
    sign_in,
    thread_id_of,
    thread_links,
    type_into,
    visible_texts,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
    wait_for_text,
    xpath_literal,
)
from .clinic_db import NURSE, PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e

TEAM = "Primary Care Blue"
NURSE_NAME = "Nora Nurse"  # the demo NURSE's name (data/demo_clinic.json)
SEND_WAIT = 3 * WAIT  # a send (encrypt, fsync, index) can take a while on a loaded machine


def _unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def _row_part(driver, subject: str, css_class: str) -> list[str]:
    """Texts of the parts with this class in the worklist row of `subject`."""
    row = (f"//*[contains(@class,'thread-list')]//*[contains(@class,'worklist-row')][.{link_xpath(subject)}]"
           f"//*[contains(concat(' ', normalize-space(@class), ' '), {xpath_literal(' ' + css_class + ' ')})]")
    return visible_texts(driver, By.XPATH, row)


def _all_with_labels(driver) -> list[str]:
    return visible_texts(driver, By.CSS_SELECTOR, ".thread-list .worklist-row .worklist-with")


def _assert_listed_once(driver, subject: str) -> None:
    """The worklist is drawn once: one row for `subject` and one total line (a doubled refresh draws two)."""

    def drawn(d):  # not caught between a refresh clearing the list and drawing it again
        found = row_texts(d, subject), visible_texts(d, By.CSS_SELECTOR, ".worklist-total")
        return found if all(found) else False

    rows, totals = wait(driver).until(drawn, f"{driver.e2e_name}: the worklist was not drawn again")
    assert len(rows) == 1 and len(totals) == 1, f"{driver.e2e_name}: the worklist is drawn more than once: {totals}"
    assert_drawn_once(driver)


def _panel(driver, css: str) -> list[str]:
    return visible_texts(driver, By.CSS_SELECTOR, f".triage-panel {css}")


def _wait_for_notification(driver, text: str) -> None:
    wait(driver).until(lambda d: text in notification_texts(d), f"{driver.e2e_name}: never notified {text!r}")


async def _patient_starts_thread(data_dir, subject: str, body: str, category: str = "Medication") -> str:
    """Set-up without a browser: the demo patient writes to Primary Care Blue (the server is not told)."""
    async with clinic_system(data_dir) as system:
        patient = await actor_for(system, PATIENT[0])
        team = next(t for t in await system.messaging.teams_for_compose(patient) if t.name == TEAM)
        sent = await system.messaging.start_thread(patient, team_id=team.id, category=category,
                                                   subject=subject, body=body)
        return sent.thread_id


def _open_thread(driver, base_url: str, thread_id: str, subject: str) -> None:
    driver.get(f"{base_url}/thread/{thread_id}")
    wait_for_heading(driver, subject)
    wait_connected(driver)


def test_worklist_updates_live_and_claiming_moves_the_thread(shared_server, browser):
    base = shared_server.base_url
    subject = _unique("Metformin refill")
    body = "Could you renew my metformin prescription?\nI have a week of tablets left."
    # Another conversation that nobody claims: "Assigned to me" must leave it out.
    other = _unique("Change of address")
    asyncio.run(_patient_starts_thread(shared_server.data_dir, other, "I moved last month.", category="General"))

    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    assert not row_texts(nurse, subject)
    assert _row_part(nurse, other, "worklist-with") == ["With: Team"]
    mark_page(nurse, "nurse worklist")

    # The patient writes about medication, from another browser.
    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    fill_new_message(patient, team=TEAM, category="Medication", subject=subject, body=body)
    click_button(patient, "Send")
    wait_for_path(patient, r"/thread/[^/]+", timeout=SEND_WAIT)
    thread_id = thread_id_of(patient)
    wait_for_heading(patient, subject)

    # Without a reload, the nurse's worklist lists it: routed to the pharmacists by the clinic's rule, with a due time.
    wait(nurse).until(lambda d: _row_part(d, subject, "worklist-with") == ["With: Pharmacist pool"],
                      "the new medication message never showed live on the worklist, with the pharmacist pool")
    assert_not_reloaded(nurse, "nurse worklist")
    due = _row_part(nurse, subject, "worklist-due")
    assert len(due) == 1 and re.fullmatch(r"Due \S.*", due[0]), due
    assert "Pat Rivera · Primary Care Blue · Medication" in row_texts(nurse, subject)[0]
    _assert_listed_once(nurse, subject)

    # The nurse claims it from the row: the row now says it is with her.
    click_button_in_row(nurse, subject, "Claim")
    _wait_for_notification(nurse, "You have this one now")
    wait(nurse).until(lambda d: _row_part(d, subject, "worklist-with") == [f"With: {NURSE_NAME}"],
                      "after Claim the row never said it is with the nurse")
    assert not visible_texts(nurse, By.XPATH, f"//*[contains(@class,'worklist-row')][.{link_xpath(subject)}]//button")
    assert_not_reloaded(nurse, "nurse worklist")
    _assert_listed_once(nurse, subject)

    # "Assigned to me" lists it, and only what is with her.
    choose(nurse, "Show", "Assigned to me")
    wait(nurse).until(lambda d: row_texts(d, subject) and set(_all_with_labels(d)) == {f"With: {NURSE_NAME}"},
                      "'Assigned to me' did not list exactly her conversations")
    assert not row_texts(nurse, other)
    assert selected(nurse, "Show") == "Assigned to me"
    assert_not_reloaded(nurse, "nurse worklist")
    _assert_listed_once(nurse, subject)

    # A click anywhere on the row (here on its "With:" text, not the subject link) opens the conversation.
    click_row_at(nurse, subject, ".worklist-with")
    wait_for_path(nurse, f"/thread/{thread_id}")
    wait_for_heading(nurse, subject)
    wait_connected(nurse)
    wait(nurse).until(lambda d: message_bodies(d) == [body], "the opened conversation never showed the message")
    wait(nurse).until(lambda d: _panel(d, ".triage-with") == [f"With: {NURSE_NAME}"],
                      "the conversation's care-team panel does not say it is with the nurse")


def test_a_conversation_opens_inside_the_worklist_and_the_browsers_buttons_follow(shared_server, browser):
    """A plain click on a row draws the conversation in place of the list (no page load: the document's marker
    survives), the address bar says /thread/<id>, a reply goes from there, and the browser's Back and Forward move
    between the list and the conversation; a reload of that address is the conversation's own page."""
    base = shared_server.base_url
    subject = _unique("Blood pressure log")
    body = "Here are this week's readings: 128/82 in the mornings."
    other = _unique("Parking on Tuesday")
    thread_id = asyncio.run(_patient_starts_thread(shared_server.data_dir, subject, body, category="General"))
    asyncio.run(_patient_starts_thread(shared_server.data_dir, other, "Where do I park?", category="General"))

    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    wait(nurse).until(lambda d: row_texts(d, subject), "the conversation is not on the worklist")
    mark_page(nurse, "the worklist, loaded once")

    thread_links(nurse, subject)[0].click()
    wait_for_heading(nurse, subject)
    wait_for_path(nurse, re.escape(f"/thread/{thread_id}"))
    wait(nurse).until(lambda d: message_bodies(d) == [body], "the conversation's message never showed")
    assert not row_texts(nurse, other), "the list still shows beside the conversation"
    assert nurse.title.startswith("Conversation ·"), nurse.title
    assert nurse.execute_script("return document.activeElement.getAttribute('role')") == "heading"
    assert_not_reloaded(nurse, "the worklist, loaded once")

    click_button(nurse, "Reply")
    type_into(nurse, "Message", "Thank you, these look good.")
    click_button(nurse, "Send")
    _wait_for_notification(nurse, "Reply sent")
    wait(nurse).until(lambda d: message_bodies(d) == [body, "Thank you, these look good."],
                      "the reply never showed in the conversation")
    assert_not_reloaded(nurse, "the worklist, loaded once")

    nurse.back()
    wait_for_path(nurse, "/worklist")
    wait_for_heading(nurse, "Worklist")
    wait(nurse).until(lambda d: row_texts(d, other), "Back did not bring the list")
    assert not message_bodies(nurse)
    assert_not_reloaded(nurse, "the worklist, loaded once")

    nurse.forward()
    wait_for_path(nurse, re.escape(f"/thread/{thread_id}"))
    wait_for_heading(nurse, subject)
    wait(nurse).until(lambda d: message_bodies(d) == [body, "Thank you, these look good."],
                      "Forward did not bring the conversation back")
    assert_not_reloaded(nurse, "the worklist, loaded once")

    click_button(nurse, "Back to Worklist")
    wait_for_path(nurse, "/worklist")
    wait(nurse).until(lambda d: row_texts(d, other), "Back to Worklist did not bring the list")
    focused = nurse.execute_script("return document.activeElement.textContent.trim()")
    assert focused == subject, f"the focus is on {focused!r}, not on the row of the conversation just left"

    nurse.refresh()  # the address is a real one: a reload is the worklist's own page
    wait_for_heading(nurse, "Worklist")
    nurse.get(f"{base}/thread/{thread_id}")  # and the conversation's address its own page
    wait_for_heading(nurse, subject)
    wait(nurse).until(lambda d: message_bodies(d) == [body, "Thank you, these look good."],
                      "the conversation's own page does not show it")


# Notes down every secret that ever shows in the patient's document (even hidden), from now until it is
# reloaded or left.
_WATCH_JS = """
const secrets = arguments[0];
window.__e2eLeaks = [];
const check = () => {
  const text = document.body.textContent;
  for (const s of secrets) if (text.includes(s) && !window.__e2eLeaks.includes(s)) window.__e2eLeaks.push(s);
};
check();
new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


def _leaks(driver) -> list[str]:
    return driver.execute_script("return window.__e2eLeaks;")


def _assert_nothing_staff_only(driver, secrets: list[str], where: str) -> None:
    text, source = body_text(driver), driver.page_source
    for secret in [*secrets, "History"]:
        assert secret not in text, f"the patient's {where} shows {secret!r}"
    for secret in secrets:
        assert secret not in source, f"{secret!r} reached the patient's browser ({where})"


def test_triage_hand_off_and_internal_note_stay_staff_only(shared_server, browser):
    base, data_dir = shared_server.base_url, shared_server.data_dir
    subject = _unique("Dizzy on the new tablets")
    body = "Since I started the new blood pressure tablets I feel dizzy in the mornings."
    reason = _unique("Dose question for the doctor")
    marker = _unique("STAFF-ONLY-NOTE")
    question = _unique("How many tablets do you take each morning?")
    thread_id = asyncio.run(_patient_starts_thread(data_dir, subject, body))
    secrets = [marker, reason, "Care-team work", "Internal note", "routed it to", "Provider pool"]

    # The patient has the conversation open the whole time.
    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    _open_thread(patient, base, thread_id, subject)
    mark_page(patient, "patient thread")
    patient.execute_script(_WATCH_JS, secrets)
    assert _leaks(patient) == []

    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    _open_thread(nurse, base, thread_id, subject)
    wait(nurse).until(lambda d: _panel(d, ".triage-with") == ["With: Pharmacist pool"],
                      "the care-team panel never showed who has the conversation")
    assert "Care-team work" in body_text(nurse)

    # Routing needs a reason: without one nothing changes, and the reason field says why.
    click_button(nurse, "Hand off")
    choose(nurse, "Route to", "Provider pool")
    click_button(nurse, "Route")
    wait_for_text(nurse, "Give a reason for the hand-off.")
    wait(nurse).until(lambda d: field_error(d, "Reason for routing") == "Give a reason for the hand-off.",
                      "the empty reason field was not marked")
    assert _panel(nurse, ".triage-with") == ["With: Pharmacist pool"]

    type_into(nurse, "Reason for routing", reason)
    click_button(nurse, "Route")
    _wait_for_notification(nurse, "Routed to Provider pool")
    routed = f"{NURSE_NAME} routed it to Provider pool: {reason}"
    wait(nurse).until(lambda d: any(h.endswith(f" — {routed}") for h in _panel(d, ".history-entry")),
                      f"the history never showed {routed!r}")
    wait(nurse).until(lambda d: _panel(d, ".triage-with") == ["With: Provider pool"], "the panel still says who had it")
    assert field_error(nurse, "Reason for routing") == ""

    # Waiting on the patient stops the clock.
    choose(nurse, "Status", "Waiting on patient")
    _wait_for_notification(nurse, "Status set to Waiting on patient")
    wait(nurse).until(lambda d: _panel(d, ".triage-due") == ["No reply owed"], "the clock did not stop")
    assert any(h.endswith(f" — {NURSE_NAME} set the status to Waiting on patient")
               for h in _panel(nurse, ".history-entry")), _panel(nurse, ".history-entry")

    # An internal note for the team.
    type_into(nurse, "Internal note", f"{marker}: ask Dr. about lowering the dose")
    click_button(nurse, "Add note")
    _wait_for_notification(nurse, "Note added")
    wait(nurse).until(lambda d: any(marker in n for n in _panel(d, ".internal-note")), "the note never showed")
    wait(nurse).until(lambda d: heading(d) == subject, "the conversation was not drawn again")  # not mid-refresh
    assert_drawn_once(nurse)
    assert len(visible_texts(nurse, By.CSS_SELECTOR, ".triage-panel")) == 1, "the care-team panel is drawn twice"

    # What the patient is meant to see arrives live, after everything above: the page kept up with every push.
    click_button(nurse, "Reply")
    type_into(nurse, "Message", question)
    click_button(nurse, "Send")
    _wait_for_notification(nurse, "Reply sent")
    wait(patient).until(lambda d: message_bodies(d) == [body, question],
                        "the nurse's question never reached the patient")
    assert_not_reloaded(patient, "patient thread")
    assert _leaks(patient) == [], f"staff-only text showed on the patient's open page: {_leaks(patient)}"
    _assert_nothing_staff_only(patient, secrets, "open conversation")
    wait(patient).until(lambda d: heading(d) == subject, "the conversation was not drawn again")  # not mid-refresh
    assert_drawn_once(patient)

    # Nor after a reload ...
    patient.refresh()
    wait_for_heading(patient, subject)
    wait_connected(patient)
    wait(patient).until(lambda d: message_bodies(d) == [body, question], "the reloaded conversation lost messages")
    _assert_nothing_staff_only(patient, secrets, "reloaded conversation")

    # ... nor on the print view.
    patient.get(f"{base}/thread/{thread_id}/print")
    wait_for_heading(patient, subject)
    wait_for_text(patient, question)
    _assert_nothing_staff_only(patient, secrets, "print view")

    # The staff still have it all.
    nurse.refresh()
    wait_for_heading(nurse, subject)
    wait(nurse).until(lambda d: any(marker in n for n in _panel(d, ".internal-note")), "the note is gone for staff")
    assert any(h.endswith(f" — {routed}") for h in _panel(nurse, ".history-entry"))
