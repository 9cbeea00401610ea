"""The urgent-words question in a real browser: the safe choices are real links and the focused main action, so
Enter never sends; after "Send anyway" the conversation keeps tap-to-call 911 and 988 links."""

from __future__ import annotations

import uuid

import pytest

from .browser_steps import (
    By,
    Keys,
    click_button,
    dialog_texts,
    fill_new_message,
    focused_name,
    press,
    sign_in,
    visible,
    wait,
    wait_for_path,
    wait_for_text,
)
from .clinic_db import PATIENT

pytestmark = pytest.mark.e2e

TEAM = "Primary Care Blue"


def test_call_911_is_a_tel_link_enter_goes_back_and_the_thread_keeps_the_numbers(shared_server, browser):
    subject = f"Since tonight {uuid.uuid4().hex[:8]}"
    patient = browser("patient")
    sign_in(patient, shared_server.base_url, *PATIENT, home="/inbox")
    fill_new_message(patient, team=TEAM, category="General", subject=subject,
                     body="I have crushing chest pain, left arm numb.")
    click_button(patient, "Send")
    wait(patient).until(lambda d: dialog_texts(d), "no 'Is this an emergency?' dialog after Send")
    dialog = visible(patient, By.CSS_SELECTOR, "[role=alertdialog]")[0]
    calls = [a for a in dialog.find_elements(By.CSS_SELECTOR, "a[href='tel:911']") if a.is_displayed()]
    assert len(calls) == 1 and "Call 911" in calls[0].get_attribute("textContent")
    # The dialog opens with the focus on going back: Enter closes it and sends nothing.
    wait(patient).until(lambda d: "go back and edit" in focused_name(d).lower(),
                        f"focus is on {focused_name(patient)!r}, not on 'Go back and edit'")
    press(patient, Keys.ENTER)
    wait(patient).until(lambda d: not dialog_texts(d), "Enter did not close the dialog")
    click_button(patient, "Send")
    wait(patient).until(lambda d: dialog_texts(d), "no dialog after the second Send")
    click_button(patient, "Send anyway")
    wait_for_path(patient, r"/thread/[^/]+", timeout=30)
    wait_for_text(patient, "If it gets worse, call 911.")
    hrefs = {a.get_attribute("href") for a in visible(patient, By.CSS_SELECTOR, ".urgent-thread-notice a")}
    assert hrefs == {"tel:911", "tel:988"}
