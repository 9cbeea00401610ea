"""Steps a person takes in the browser, for User-fixture tests."""

from __future__ import annotations

import asyncio

from nicegui import app, ui
from nicegui.testing import User

from sm_app.components.app_header import AppHeader
from tests.conftest import Clinic, seed_clinic


async def see(user: User, text: str) -> None:
    """should_see with patience: sign-in hashes a password and pages load over a shared, busy CPU."""
    await user.should_see(text, retries=200)


async def until(condition, what: str) -> None:
    """Wait for something the page shows or the server did (a live change pushed after another person's commit, a
    handler still running), failing with `what` when it never comes."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


async def table_rows(user: User, css_class: str) -> list[dict]:
    """The rows of the table marked `css_class`, waiting for them: a page renders its parts one after another."""
    for _ in range(200):
        tables = [t for t in user.current_layout.descendants()
                  if isinstance(t, ui.table) and css_class in t.classes]
        if tables and tables[0].rows:
            return tables[0].rows
        await asyncio.sleep(0.05)
    raise AssertionError(f"no table .{css_class} with rows appeared")


async def press(user: User, label: str) -> None:
    """Click the button `label` once the page has drawn it (a page draws its parts one after another)."""
    for _ in range(200):
        if any(isinstance(e, ui.button) and e.text == label for e in user.current_layout.descendants()):
            break
        await asyncio.sleep(0.05)
    user.find(kind=ui.button, content=label).click()


async def follow_header_link(user: User, text: str) -> None:
    """Click the header's link `text`, followed to its address as a browser would. The browser draws the header's
    links from the header's props (components/app_header.py), so they are looked up there."""
    header = next(e for e in user.current_layout.descendants() if isinstance(e, AppHeader))
    links = [item for entry in header.props["nav"] for item in entry.get("links", [entry])]
    for link in [*links, header.props["settings"]]:
        if link["text"] == text:
            await user.open(link["href"])
            return
    raise AssertionError(f"no header link {text!r}")


async def seeded(_user: User) -> Clinic:
    """Seed the clinic into the app the `user` fixture started."""
    return await seed_clinic(app.state.sm_system)


async def sign_in(user: User, email: str, password: str) -> None:
    await user.open("/login")
    user.find("Email").type(email)
    user.find("Password").type(password)
    user.find("Sign in").click()


async def sign_in_patient(user: User, email: str, password: str) -> None:
    await sign_in(user, email, password)
    await see(user, "I accept the messaging terms")
    user.find("I accept the messaging terms").click()
    await see(user, "New message")


async def compose(user: User, *, category: str, subject: str, body: str) -> None:
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    user.find("Category").click()
    user.find(category).click()
    user.find("Subject").type(subject)
    user.find("Message").type(body)
    user.find("Send").click()
