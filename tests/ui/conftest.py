"""User-fixture tests: each test gets its own data directory and SQLite database."""

from __future__ import annotations

import weakref

import pytest
from nicegui import app, context
from nicegui.testing import User
from nicegui.testing.user_navigate import UserNavigate

from sm_app.adapters.migrate import upgrade

# NiceGUI's simulated User points the global `ui.navigate` at whichever User object was touched last, and its
# outbox hook touches a User whenever that user's page sends an update. With two users in a test, a page of one
# user can therefore navigate the other (seen: the patient's redirect to /terms opened in the nurse's session
# while the nurse's worklist was refreshing). Route each navigation to the user whose browser cookie made the
# request of the page that navigates. `object.__getattribute__` avoids User's re-patching on attribute access.
_users: weakref.WeakSet[User] = weakref.WeakSet()
_user_init = User.__init__
_navigate_to = UserNavigate.to


def _remember_user(self, *args, **kwargs) -> None:
    _user_init(self, *args, **kwargs)
    _users.add(self)


def _owner_of_this_page() -> User | None:
    try:
        client = context.client
    except RuntimeError:  # not inside a page (e.g. a test step)
        return None
    users = list(_users)
    # A page the user already has open (e.g. a click on the sign-in page, whose first request had no cookie yet).
    for user in users:
        if object.__getattribute__(user, "client") is client:
            return user
    # A page still being built (a redirect while it loads): its request carried the user's session cookie.
    try:
        cookie = client.request.cookies.get("session")
    except (RuntimeError, AttributeError):
        return None
    for user in users:
        if cookie and object.__getattribute__(user, "http_client").cookies.get("session") == cookie:
            return user
    return None


def _navigate_the_page_owner(self, target, new_tab: bool = False) -> None:
    owner = _owner_of_this_page()
    _navigate_to(object.__getattribute__(owner, "navigate") if owner else self, target, new_tab)


User.__init__ = _remember_user
UserNavigate.to = _navigate_the_page_owner


@pytest.fixture(autouse=True)
async def clinic_env(tmp_path, monkeypatch):
    """Runs before NiceGUI's `user` fixture executes tests/ui/ui_main.py, which reads these."""
    url = f"sqlite:///{tmp_path / 'sm.db'}"
    monkeypatch.setenv("SM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SM_DATABASE_URL", url)
    monkeypatch.setenv("SM_KEY_FILE", str(tmp_path / "keys.json"))
    monkeypatch.setenv("SM_SESSION_CHECK_SECONDS", "0.5")  # idle checks every half second instead of 10 s
    upgrade(url)
    yield tmp_path
    # Backstop: the app's shutdown disposes the engines; make sure, so no driver thread outlives the test.
    system = getattr(app.state, "sm_system", None)
    if system is not None:
        await system.close()
        del app.state.sm_system
