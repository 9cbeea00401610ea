"""The app's own services on a served clinic's data directory, from the test process.

Used to look behind the browser: to prove what is stored (after a crash, without the server) and
to set up data a test needs without spending a browser on it.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from pathlib import Path
from unittest import mock

from sm_app.bootstrap import System, build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor

# Demo sign-ins from data/demo_clinic.json (demo only).
PATIENT = ("patient@demo.clinic", "demo-patient-pass-1")  # Pat Rivera, Primary Care Blue
NURSE = ("nurse@demo.clinic", "demo-staff-password-1")  # Nora Nurse, Primary Care Blue
LEAD = ("lead@demo.clinic", "demo-staff-password-1")  # Lee Lead, nurse and team lead, Primary Care Blue
CARDIO_NURSE = ("cardio.nurse@demo.clinic", "demo-staff-password-1")  # Carla Cardio, Cardiology Green only


@asynccontextmanager
async def clinic_system(data_dir: Path):
    """A System on `data_dir` exactly as `sm-app` would build it from SM_DATA_DIR."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SM_")}
    env["SM_DATA_DIR"] = str(data_dir)
    with mock.patch.dict(os.environ, env, clear=True):
        settings = Settings.from_env()
    assert settings.database_url == f"sqlite:///{data_dir.resolve() / 'sm.db'}", settings.database_url
    system = build_system(settings)
    try:
        yield system
    finally:
        await system.close()


async def actor_for(system: System, email: str) -> Actor:
    user = await system.accounts.find_user(email)
    assert user is not None, f"no user {email}"
    return Actor(user.id, user.role, user.name, user.email)
