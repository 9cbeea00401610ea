"""The management command line, run as a clinic admin would run it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.demo import demo_sign_ins
from sm_app.shared.errors import ServiceError, SignInThrottled


def sm(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "SM_DATA_DIR": str(tmp_path), "SM_PORT": "8799"}
    env.pop("SM_DATABASE_URL", None)
    env.pop("SM_KEY_FILE", None)
    return subprocess.run([sys.executable, "-m", "sm_app", *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=120)


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_demo_seeds_once_and_a_second_run_keeps_the_data(tmp_path):
    first = sm(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "patient@demo.clinic" in first.stdout and "nurse@demo.clinic" in first.stdout
    again = sm(tmp_path, "demo")
    assert again.returncode == 0
    assert "created" not in again.stdout
    assert "patient@demo.clinic" in again.stdout
    assert oct(os.stat(tmp_path / "keys.json").st_mode & 0o777) == "0o600"
    assert sm(tmp_path, "verify-audit").stdout.startswith("OK:")


def test_set_up_a_clinic_from_the_command_line(tmp_path):
    assert sm(tmp_path, "migrate").returncode == 0
    assert sm(tmp_path, "create-team", "--name", "Oncology").returncode == 0
    r = sm(tmp_path, "create-user", "--email", "onc.nurse@example.org", "--role", "nurse", "--name", "Olga",
           "--team", "Oncology", "--password-stdin", stdin="a-long-staff-password\n")
    assert r.returncode == 0, r.stderr
    r = sm(tmp_path, "create-user", "--email", "lead@example.org", "--role", "provider", "--password-stdin",
           stdin="another-long-staff-password\n")
    assert r.returncode == 0, r.stderr
    assert sm(tmp_path, "add-member", "--team", "Oncology", "--email", "lead@example.org", "--role", "provider",
              "--lead").returncode == 0
    r = sm(tmp_path, "create-user", "--email", "pia@example.org", "--role", "patient", "--name", "Pia",
           "--password-stdin", stdin="patient-password\n")
    assert r.returncode == 0, r.stderr
    assert sm(tmp_path, "assign-patient", "--team", "Oncology", "--email", "pia@example.org").returncode == 0

    async def check():
        system = build_system(Settings.from_env())
        try:
            signed = await system.sessions.sign_in("pia@example.org", "patient-password")
            teams = await system.messaging.teams_for_compose(signed.actor)
            assert [t.name for t in teams] == ["Oncology"]
            nurse = await system.sessions.sign_in("onc.nurse@example.org", "a-long-staff-password")
            sent = await system.messaging.start_thread(signed.actor, team_id=teams[0].id, category="General",
                                                       subject="Hello", body="First message")
            worklist = await system.mailbox.list_threads(nurse.actor, "worklist")
            assert [t.id for t in worklist.items] == [sent.thread_id]
        finally:
            await system.close()

    os.environ["SM_DATA_DIR"] = str(tmp_path)
    try:
        asyncio.run(check())
    finally:
        del os.environ["SM_DATA_DIR"]


def test_create_user_records_a_patients_date_of_birth(tmp_path):
    """The documentation note's second patient identifier can be set when the account is made."""
    r = sm(tmp_path, "create-user", "--email", "dob@example.org", "--role", "patient", "--name", "Dora",
           "--birth-date", "1950-03-09", "--sex", "female", "--password-stdin", stdin="patient-password\n")
    assert r.returncode == 0, r.stderr
    for args, expected in ((("--birth-date", "09/03/1950"), "a date like"),
                           (("--birth-date", "2999-01-01"), "cannot be in the future")):
        line = one_error_line(sm(tmp_path, "create-user", "--email", "x@example.org", "--role", "patient", *args,
                                 "--password-stdin", stdin="patient-password\n"))
        assert expected in line
    assert "for patients" in one_error_line(sm(tmp_path, "create-user", "--email", "n@example.org", "--role", "nurse",
                                               "--birth-date", "1980-01-01", "--password-stdin",
                                               stdin="a-long-staff-password\n"))

    async def check():
        from sqlalchemy import select  # noqa: PLC0415

        from sm_app.adapters.models import User  # noqa: PLC0415

        system = build_system(Settings.from_env())
        try:
            async with system.db.read() as s:
                rows = (await s.execute(select(User.email, User.birth_date, User.sex))).all()
        finally:
            await system.close()
        return {email: (born.isoformat() if born else None, sex) for email, born, sex in rows}

    os.environ["SM_DATA_DIR"] = str(tmp_path)
    try:
        assert asyncio.run(check()) == {"dob@example.org": ("1950-03-09", "female")}  # the refused made nothing
    finally:
        del os.environ["SM_DATA_DIR"]


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("create-team",), "", "--name"),
        (("frobnicate",), "", "invalid choice"),
        (("create-user", "--email", "x@example.org", "--role", "wizard", "--password-stdin"), "long-enough-pw-123",
         "Role must be one of"),
        (("create-user", "--email", "not-an-email", "--role", "patient", "--password-stdin"), "long-enough-pw-123",
         "valid email"),
        (("create-user", "--email", "x@example.org", "--role", "nurse", "--password-stdin"), "short", "at least 15"),
        (("create-user", "--email", "x@example.org", "--role", "patient", "--password-stdin"), "", "no password"),
        (("add-member", "--team", "Nope", "--email", "x@example.org", "--role", "nurse"), "", "No care team"),
        (("assign-patient", "--team", "Nope", "--email", "x@example.org"), "", "No care team"),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_clear_line(tmp_path, args, stdin, expected):
    line = one_error_line(sm(tmp_path, *args, stdin=stdin))
    assert line.startswith("sm-app: error:")
    assert expected in line


def test_duplicate_team_and_user_are_refused_clearly(tmp_path):
    assert sm(tmp_path, "create-team", "--name", "Blue").returncode == 0
    assert "already exists" in one_error_line(sm(tmp_path, "create-team", "--name", "Blue"))
    args = ("create-user", "--email", "a@example.org", "--role", "patient", "--password-stdin")
    assert sm(tmp_path, *args, stdin="patient-password\n").returncode == 0
    assert "already exists" in one_error_line(sm(tmp_path, *args, stdin="patient-password\n"))


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_start_up_refuses_a_key_file_others_can_read(tmp_path, mode):
    assert sm(tmp_path, "migrate").returncode == 0
    assert sm(tmp_path, "demo").returncode == 0
    (tmp_path / "keys.json").chmod(mode)
    line = one_error_line(sm(tmp_path, "serve"))
    assert "readable by group or others" in line
    line = one_error_line(sm(tmp_path, "verify-audit"))
    assert "chmod 600" in line


def test_python_dash_m_and_the_sm_app_script_are_the_same_tool(tmp_path):
    script = Path(sys.executable).parent / "sm-app"
    r = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for command in ("serve", "demo", "migrate", "create-user", "create-team", "add-member", "assign-patient",
                    "verify-audit", "unlock"):
        assert command in r.stdout


def test_serve_refuses_an_unknown_smtp_security_mode(tmp_path, monkeypatch):
    # A typo must not silently mean "no encryption".
    monkeypatch.setenv("SM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SM_SMTP_SECURITY", "ssl")
    line = one_error_line(sm(tmp_path, "serve"))
    assert "SM_SMTP_SECURITY must be one of starttls, tls, none" in line


def test_triage_text_reads_one_message_and_answers_with_its_exit_code(tmp_path):
    urgent = sm(tmp_path, "triage-text", stdin="renew my inhaler, also ive been coughing up blood\n")
    assert urgent.returncode == 0, urgent.stderr
    assert urgent.stdout.splitlines()[:2] == ["urgent: bleeding (severe bleeding)", 'evidence: "coughing up blood"']
    assert "language: en" in urgent.stdout
    routine = sm(tmp_path, "triage-text", stdin="No chest pain since the new dose. Can I get my chest x-ray results?")
    assert routine.returncode == 1 and routine.stdout.startswith("not urgent")
    spanish = sm(tmp_path, "triage-text", stdin="mi esposo no puede respirar y tiene los labios morados")
    assert spanish.returncode == 0 and "urgent: breathing" in spanish.stdout and "language: es" in spanish.stdout
    assert one_error_line(sm(tmp_path, "triage-text", stdin="   \n")) == "sm-app: error: no message on stdin"
    assert not (tmp_path / "keys.json").exists()  # no database, no key file: nothing written


def test_unlock_lets_a_locked_out_person_sign_in_at_once(tmp_path):
    assert sm(tmp_path, "demo").returncode == 0
    os.environ["SM_DATA_DIR"] = str(tmp_path)

    async def fail_then_try(password: str):
        system = build_system(Settings.from_env())
        try:
            for _ in range(6):
                try:
                    await system.sessions.sign_in("patient@demo.clinic", "a wrong password", address="192.0.2.5")
                except ServiceError:
                    pass
            return await system.sessions.sign_in("patient@demo.clinic", password, address="192.0.2.5")
        finally:
            await system.close()

    try:
        password = next(d.password for d in demo_sign_ins() if d.email == "patient@demo.clinic")
        with pytest.raises(SignInThrottled):
            asyncio.run(fail_then_try(password))
        r = sm(tmp_path, "unlock", "--email", "Patient@Demo.Clinic")
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "Unlocked Patient@Demo.Clinic: 2 sign-in waits ended."

        async def sign_in():
            system = build_system(Settings.from_env())
            try:
                return await system.sessions.sign_in("patient@demo.clinic", password, address="192.0.2.5")
            finally:
                await system.close()

        assert asyncio.run(sign_in()).actor.email == "patient@demo.clinic"
    finally:
        del os.environ["SM_DATA_DIR"]
    assert one_error_line(sm(tmp_path, "unlock", "--email", "nobody@demo.clinic")) == \
        "sm-app: error: That account was not found."


def test_several_workers_are_refused_on_sqlite_with_a_clear_message(tmp_path):
    line = one_error_line(sm(tmp_path, "serve", "--workers", "2"))
    assert line.startswith("sm-app: error: --workers > 1 needs PostgreSQL"), line
    assert "SM_DATABASE_URL=postgresql://" in line
    assert not (tmp_path / "sm.db").exists()  # refused before anything was created
