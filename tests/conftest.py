"""Shared fixtures: a fresh clinic database on SQLite and on PostgreSQL, and a System built on it."""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from sm_app.adapters.migrate import upgrade
from sm_app.bootstrap import System, build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor

PG_ADMIN_URL = os.environ.get("SM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PATIENT_PW = "patient-password-1"
STAFF_PW = "staff-password-long-1"


def _postgres_reachable() -> str | None:
    try:
        import psycopg  # noqa: PLC0415

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"{exc.__class__.__name__}: {exc}".splitlines()[0]


_PG_PROBLEM = _postgres_reachable()


def pytest_report_header(config):
    if _PG_PROBLEM:
        return f"PostgreSQL NOT reachable at {PG_ADMIN_URL} ({_PG_PROBLEM}): PostgreSQL tests will be skipped"
    return f"PostgreSQL reachable at {PG_ADMIN_URL}"


def _pg_database() -> tuple[str, callable]:
    if _PG_PROBLEM:
        if os.environ.get("SM_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"SM_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable: {_PG_PROBLEM}")
        pytest.skip(f"PostgreSQL not reachable ({_PG_PROBLEM}); set SM_REQUIRE_POSTGRES=1 to make this a failure")
    import psycopg  # noqa: PLC0415

    name = f"sm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", drop


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path: Path):
    """A migrated, empty database on each supported engine."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sm.db'}"
        upgrade(url)
        yield url
    else:
        url, drop = _pg_database()
        upgrade(url)
        yield url
        drop()


@pytest.fixture
def sqlite_url(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'sm.db'}"
    upgrade(url)
    return url


def make_settings(tmp_path: Path, database_url: str) -> Settings:
    os.environ.pop("SM_DATABASE_URL", None)
    base = Settings.from_env()
    return Settings(
        data_dir=tmp_path, database_url=database_url, key_file=tmp_path / "keys.json", base_url=base.base_url,
        host="127.0.0.1", port=8080, clinic_name="Test Clinic", timezone="America/New_York",
        storage_secret_file=tmp_path / "storage_secret",
    )


@dataclass
class Clinic:
    """A small clinic: Blue team (nurse, provider, patient Pat), Green team (nurse, patient Gil)."""

    system: System
    pat: Actor
    gil: Actor
    blue_nurse: Actor
    blue_provider: Actor
    green_nurse: Actor
    admin: Actor
    blue_id: str
    green_id: str


async def seed_clinic(system: System) -> Clinic:
    acc = system.accounts
    blue = await acc.create_team("Blue Team")
    green = await acc.create_team("Green Team")
    people = [
        ("pat@example.org", "patient", "Pat Patient", "Blue Team"),
        ("gil@example.org", "patient", "Gil Green", "Green Team"),
        ("nina@example.org", "nurse", "Nina Blue", "Blue Team"),
        ("paul@example.org", "provider", "Paul Blue", "Blue Team"),
        ("gwen@example.org", "nurse", "Gwen Green", "Green Team"),
        ("ada@example.org", "admin", "Ada Admin", None),
    ]
    actors = []
    for email, role, name, team in people:
        pw = PATIENT_PW if role == "patient" else STAFF_PW
        u = await acc.create_user(email=email, role=role, name=name, password=pw)
        if team and role == "patient":
            await acc.assign_patient(team=team, email=email)
        elif team:
            await acc.add_member(team=team, email=email, role=role)
        actors.append(Actor(u.id, u.role, u.name, u.email))
    return Clinic(system, *actors, blue_id=blue.id, green_id=green.id)


@pytest.fixture
async def system(tmp_path: Path, database_url: str):
    system = build_system(make_settings(tmp_path, database_url))
    yield system
    await system.close()


@pytest.fixture
async def clinic(system: System) -> Clinic:
    return await seed_clinic(system)


def pdf_text(data: bytes) -> str:
    """All text of the PDF with runs of whitespace (and line wraps) as single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
