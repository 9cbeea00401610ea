"""A patient's contact list: which of their care teams are offered in "To".

Hiding is the patient's own choice and keeps at least one team shown; blocking is the clinic's
(accounts.set_blocked) and always wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, PatientTeam
from sm_app.identity.accounts import Actor, team_name_for
from sm_app.shared.errors import NotFound, ValidationError


@dataclass(frozen=True)
class ContactEntry:
    team_id: str
    name: str
    hidden: bool
    blocked: bool
    block_reason: str = ""  # the clinic's reason, shown to the patient beside a blocked team


@dataclass(frozen=True)
class ComposeTeams:
    """The teams offered in "To", and an explanation when there are none."""

    teams: list[ContactEntry]
    alert: str
    # Teams the clinic blocked this patient from writing to, each with the clinic's reason (shown beside "To").
    blocked: tuple[ContactEntry, ...] = ()


NO_TEAMS = ("You are not connected to a care team yet, so you cannot send messages. "
            "Please call your clinic to be connected to your care team.")
ALL_BLOCKED = ("Messaging with your care teams is turned off for your account, so you cannot send messages. "
               "Please call your clinic.")


class Contacts:
    def __init__(self, db: Database):
        self._db = db

    async def contact_list(self, actor: Actor) -> list[ContactEntry]:
        if not actor.is_patient:
            return []
        async with self._db.read() as s:
            rows = await s.execute(
                select(CareTeam.id, team_name_for(actor), PatientTeam.hidden, PatientTeam.blocked,
                       PatientTeam.block_reason)
                .join(PatientTeam, PatientTeam.team_id == CareTeam.id)
                .where(PatientTeam.patient_id == actor.user_id)
                .order_by("name")
            )
            return [ContactEntry(r.id, r.name, bool(r.hidden), bool(r.blocked), r.block_reason or "")
                    for r in rows]

    async def compose_teams(self, actor: Actor) -> ComposeTeams:
        entries = await self.contact_list(actor)
        writable = [e for e in entries if not e.blocked]
        blocked = tuple(e for e in entries if e.blocked)
        if not entries:
            return ComposeTeams([], NO_TEAMS)
        if not writable:
            return ComposeTeams([], ALL_BLOCKED, blocked)
        shown = [e for e in writable if not e.hidden]
        # If blocking left only hidden teams, offer them rather than nothing.
        return ComposeTeams(shown or writable, "", blocked)

    async def set_hidden(self, actor: Actor, team_id: str, hidden: bool) -> None:
        """Hide or show a team in "To". At least one team the patient can write to stays shown."""
        async with self._db.write() as s:
            link = await s.get(PatientTeam, (actor.user_id, team_id)) if actor.is_patient else None
            if link is None:
                raise NotFound("care team")
            if hidden and not link.hidden:
                others_shown = (await s.execute(
                    select(PatientTeam.team_id).where(
                        PatientTeam.patient_id == actor.user_id, PatientTeam.team_id != team_id,
                        PatientTeam.hidden.is_(False), PatientTeam.blocked.is_(False))
                )).first()
                if others_shown is None and not link.blocked:
                    raise ValidationError("Care teams", "Keep at least one care team shown.")
            link.hidden = hidden
