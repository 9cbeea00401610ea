"""The on-call mark from the command line, where team membership is set: `add-member --on-call`."""

from __future__ import annotations

import asyncio
import os

from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor
from tests.cli.test_cli import sm


def test_add_member_on_call_marks_who_is_alerted_for_urgent_messages(tmp_path):
    assert sm(tmp_path, "create-team", "--name", "Oncology").returncode == 0
    for email, role in (("olga@example.org", "nurse"), ("lead@example.org", "provider"),
                        ("ada@example.org", "admin")):
        r = sm(tmp_path, "create-user", "--email", email, "--role", role, "--password-stdin",
               stdin="a-long-staff-password\n")
        assert r.returncode == 0, r.stderr
    r = sm(tmp_path, "add-member", "--team", "Oncology", "--email", "olga@example.org", "--role", "nurse", "--on-call")
    assert (r.returncode, r.stdout.strip()) == (0, "Added olga@example.org to Oncology as on call."), r.stderr
    r = sm(tmp_path, "add-member", "--team", "Oncology", "--email", "lead@example.org", "--role", "provider",
           "--lead")
    assert r.stdout.strip() == "Added lead@example.org to Oncology as team lead."

    async def rota():
        system = build_system(Settings.from_env())
        try:
            admin = await system.accounts.find_user("ada@example.org")
            teams = await system.accounts.team_rota(Actor(admin.id, admin.role, admin.name, admin.email))
            return {(m.role, m.lead, m.on_call) for t in teams for m in t.members}
        finally:
            await system.close()

    os.environ["SM_DATA_DIR"] = str(tmp_path)
    try:
        assert asyncio.run(rota()) == {("nurse", False, True), ("provider", True, False)}
        # Set again without the flag: the mark goes, as --lead does.
        assert sm(tmp_path, "add-member", "--team", "Oncology", "--email", "olga@example.org", "--role",
                  "nurse").returncode == 0
        assert asyncio.run(rota()) == {("nurse", False, False), ("provider", True, False)}
    finally:
        del os.environ["SM_DATA_DIR"]
