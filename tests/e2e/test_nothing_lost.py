"""Nothing lost when a session ends under an open compose page, in a real browser: the unsent text goes to Drafts,
the page goes to sign-in once without the browser's "Leave site?" confirmation, and after signing in again the
patient is told about the draft."""

from __future__ import annotations

import asyncio

import pytest

from .browser_steps import (
    click_button,
    field,
    link,
    open_prompt,
    path_of,
    sign_in,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
    wait_for_text,
)
from .clinic_db import PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e


async def _draft_bodies(data_dir) -> list[str]:
    async with clinic_system(data_dir) as system:
        patient = await actor_for(system, PATIENT[0])
        return [(await system.drafts.get(patient, d.id)).body for d in await system.drafts.list_drafts(patient)]


def test_text_typed_when_the_session_ends_goes_to_drafts_without_a_leave_prompt(server, leave_prompt_browser):
    text = "The rash on my arm is spreading since Monday."
    patient = leave_prompt_browser("patient")
    sign_in(patient, server.base_url, *PATIENT, home="/inbox")
    click_button(patient, "New message")
    wait_for_path(patient, "/compose")
    wait_for_heading(patient, "New message")
    wait_connected(patient)
    compose_tab = patient.current_window_handle
    # Real key presses: the page has had a user gesture, so the browser would ask before leaving it.
    field(patient, "Subject").send_keys("Rash")
    field(patient, "Message").send_keys(text)

    # Another tab of the same browser signs out: the session ends, and the compose page is told at once.
    patient.switch_to.new_window("tab")
    patient.get(f"{server.base_url}/inbox")
    wait_connected(patient)
    click_button(patient, "Sign out")
    wait_for_path(patient, "/login")
    patient.close()
    patient.switch_to.window(compose_tab)

    outcome = wait(patient, 20).until(lambda d: open_prompt(d) or (path_of(d) == "/login" and "left"),
                                      "the compose page neither asked nor went to sign-in")
    if outcome != "left":
        outcome.dismiss()
        raise AssertionError("the browser asked \"Leave site?\" when the session ended: the text was not kept")
    wait_for_text(patient, "Your session ended. Please sign in again.")
    assert open_prompt(patient) is None
    assert asyncio.run(_draft_bodies(server.data_dir)) == [text]

    sign_in(patient, server.base_url, *PATIENT, home="/inbox")
    wait_for_text(patient, "You have an unsent draft")
    link(patient, "Open Drafts").click()
    wait_for_path(patient, "/drafts")
    link(patient, "Rash").click()
    wait_for_path(patient, "/compose")
    wait(patient).until(lambda d: field(d, "Message").get_property("value") == text, "the kept text did not reopen")
