"""User-fixture tests: each test gets its own data directory and SQLite database."""

from __future__ import annotations

import pytest
from nicegui import app

from sm_app.migrate import upgrade


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
