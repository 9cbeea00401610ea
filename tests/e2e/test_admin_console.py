"""The admin console in real browsers: deactivating a nurse whose worklist is open sends that browser to sign-in at
once (no reload by the nurse, no timer: the push), and the nurse cannot sign in again until reactivated."""

from __future__ import annotations

import pytest

from .browser_steps import (
    alert_text,
    body_text,
    click_button,
    sign_in,
    type_into,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
    wait_for_text,
)
from .clinic_db import NURSE

pytestmark = pytest.mark.e2e

ADMIN = ("admin@demo.clinic", "demo-admin-password-1")  # Ada Admin (data/demo_clinic.json)
NURSE_NAME = "Nora Nurse"


def _sign_in_admin(driver, base: str) -> None:
    driver.get(f"{base}/login")
    wait_connected(driver)
    type_into(driver, "Email", ADMIN[0])
    type_into(driver, "Password", ADMIN[1])
    click_button(driver, "Sign in")
    wait_for_path(driver, "/admin")
    wait_for_heading(driver, "Admin")


def test_deactivating_a_user_ends_their_open_page_at_once(server, browser):
    base = server.base_url
    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")

    admin = browser("admin")
    _sign_in_admin(admin, base)
    admin.get(f"{base}/admin/users")
    wait_for_heading(admin, "Users")
    wait_connected(admin)
    type_into(admin, "Search by name or email", "nora")
    click_button(admin, "Search")
    wait_for_text(admin, "Page 1 of 1 · 1 person")  # the list is drawn again for the search: click the new row
    click_button(admin, f"Deactivate {NURSE_NAME}")
    wait_for_text(admin, "They are signed out at once on every device")
    click_button(admin, "Deactivate")
    wait_for_text(admin, f"{NURSE_NAME} is deactivated and signed out everywhere")

    # The nurse's worklist, left alone, goes to sign-in by itself.
    wait_for_path(nurse, "/login")
    wait_for_text(nurse, "Your session ended. Please sign in again.")
    wait_connected(nurse)
    type_into(nurse, "Email", NURSE[0])
    type_into(nurse, "Password", NURSE[1])
    click_button(nurse, "Sign in")
    wait(nurse).until(lambda d: "Email or password is not correct." in alert_text(d) + body_text(d),
                      "a deactivated nurse was not refused")
    assert nurse.current_url.endswith("/login") or "/login" in nurse.current_url

    click_button(admin, f"Reactivate {NURSE_NAME}")
    wait_for_text(admin, f"{NURSE_NAME} can sign in again")
    sign_in(nurse, base, *NURSE, home="/worklist")
