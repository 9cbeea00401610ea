"""In real Chromium: a nurse invites a patient from /invite; the patient opens the emailed link in another browser,
types the code, chooses a password, confirms their details, accepts the terms and reaches the Inbox with the nurse's
team to write to; the nurse's list says Accepted; the link then says it was used."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest
from sqlalchemy import select

from sm_app.adapters.models import OutboxEmail

from .browser_steps import (
    By,
    button_xpath,
    click_button,
    field_error,
    path_of,
    retype,
    sign_in,
    type_into,
    visible,
    visible_texts,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
    wait_for_text,
)
from .clinic_db import NURSE, clinic_system

pytestmark = pytest.mark.e2e


async def _invitation_email(data_dir, address: str) -> tuple[str, str]:
    async with clinic_system(data_dir) as system:
        for _ in range(100):
            async with system.db.read() as s:
                row = (await s.execute(select(OutboxEmail).where(OutboxEmail.to_address == address))).scalars().first()
            if row is not None:
                return (re.search(r"(/invitation\?t=[A-Za-z0-9_-]+)", row.body).group(1),
                        re.search(r"Enter this code: ([A-Z0-9]{8})", row.body).group(1))
            await asyncio.sleep(0.1)
    raise AssertionError(f"no invitation email to {address}")


def test_a_patient_accepts_an_invitation_end_to_end(server, browser):
    base = server.base_url
    address = f"new.{uuid.uuid4().hex[:8]}@example.org"
    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    nurse.get(f"{base}/invite")
    wait_for_heading(nurse, "Invite a patient")
    wait_connected(nurse)
    type_into(nurse, "Name", "Nell Newcomer")
    type_into(nurse, "Email", address)
    click_button(nurse, "Send invitation")
    wait_for_text(nurse, f"Invitation sent to {address}")
    link, code = asyncio.run(_invitation_email(server.data_dir, address))

    patient = browser("patient")
    patient.get(f"{base}{link}")
    wait_for_heading(patient, "Secure messaging at Riverside Family Clinic")
    wait_connected(patient)
    type_into(patient, "Code", code.lower())
    click_button(patient, "Continue")
    wait(patient).until(lambda d: visible(d, By.XPATH, button_xpath("Create my account")), "no details step")
    assert patient.find_element(By.CSS_SELECTOR, "input[aria-label='Email']").get_property("value") == address
    type_into(patient, "Password", "short")
    click_button(patient, "Create my account")
    wait(patient).until(lambda d: field_error(d, "Password"), "the Password field is not marked")
    wait_for_text(patient, "Password must be at least 12 characters.")
    retype(patient, "Password", "my own long passphrase")
    patient.find_element(By.XPATH, "//div[@role='checkbox' and contains(., 'My name and email address are right')]"
                         ).click()
    click_button(patient, "Create my account")
    wait_for_path(patient, "/terms")
    click_button(patient, "I accept the messaging terms")
    wait_for_path(patient, "/inbox")
    wait_for_heading(patient, "Inbox")
    patient.get(f"{base}/compose")
    wait_for_heading(patient, "New message")
    assert "Primary Care Blue" in patient.page_source  # the nurse's team is the patient's to write to

    nurse.get(f"{base}/invite")
    wait_for_heading(nurse, "Invite a patient")
    wait(nurse).until(lambda d: "Accepted" in visible_texts(d, By.CSS_SELECTOR, ".invitation-state"),
                      "the nurse's list does not say Accepted")

    patient.delete_all_cookies()
    patient.get(f"{base}{link}")
    wait_for_text(patient, "This invitation has already been used.")
    assert path_of(patient) == "/invitation"
