"""Seed the demo clinic (data/demo_clinic.json) into an empty database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sm_app.identity.accounts import Accounts

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_clinic.json"


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    password: str
    role: str
    name: str


def demo_sign_ins() -> list[DemoSignIn]:
    data = json.loads(DEMO_FILE.read_text())
    return [DemoSignIn(u["email"], u["password"], u["role"], u["name"]) for u in data["users"]]


async def seed_demo(accounts: Accounts) -> bool:
    """Create the demo clinic when there are no users yet. Returns False (and changes nothing) otherwise."""
    if await accounts.count_users() > 0:
        return False
    data = json.loads(DEMO_FILE.read_text())
    for team in data["teams"]:
        await accounts.create_team(team)
    for u in data["users"]:
        await accounts.create_user(email=u["email"], role=u["role"], name=u["name"], password=u["password"])
        if "birth_date" in u:
            await accounts.set_demographics(email=u["email"], birth_date=date.fromisoformat(u["birth_date"]),
                                            sex=u.get("sex"))
        for team in u["teams"]:
            if u["role"] == "patient":
                await accounts.assign_patient(team=team, email=u["email"])
            else:
                await accounts.add_member(team=team, email=u["email"], role=u["role"], lead=u.get("lead", False))
    return True
