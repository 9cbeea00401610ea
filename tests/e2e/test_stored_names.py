"""A name someone stored with quotes in it is shown as text in a real browser and runs nothing."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from .browser_steps import By, sign_in, visible, wait, wait_for_text
from .clinic_db import PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e


def test_a_folder_named_like_markup_runs_no_script(shared_server, browser):
    tag = uuid.uuid4().hex[:6]
    # Folder names are at most 50 characters: one payload runs on load (`:` props are JavaScript), one on hover.
    payloads = [f'{tag}" :title="window.__pwned=1', f'{tag}" onmouseover="window.__pwned=2']

    async def make_folders() -> None:
        async with clinic_system(shared_server.data_dir) as system:
            patient = await actor_for(system, PATIENT[0])
            for name in payloads:
                await system.folders.create_folder(patient, name)

    asyncio.run(make_folders())
    driver = browser("patient")
    sign_in(driver, shared_server.base_url, *PATIENT, home="/inbox")
    driver.get(f"{shared_server.base_url}/folders")
    for name in payloads:
        wait_for_text(driver, name)
        # Hover the buttons whose labels carry the name (the old page put it into their attributes).
        for label in ("Rename", "Delete"):
            button = wait(driver).until(lambda d, label=label, name=name: [
                b for b in visible(d, By.CSS_SELECTOR, "button[aria-label]")
                if b.get_attribute("aria-label") == f"{label} {name}"])[0]
            ActionChains(driver).move_to_element(button).perform()
    assert driver.execute_script("return window.__pwned === undefined")
