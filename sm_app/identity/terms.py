"""The messaging terms a patient accepts once per version before first use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import TermsAcceptance
from sm_app.identity.accounts import Actor
from sm_app.shared.audit import AuditLog

TERMS_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "terms.md"


@dataclass(frozen=True)
class Terms:
    version: str
    text: str


class TermsService:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock, version: str):
        self._db = db
        self._audit = audit
        self._clock = clock
        self._version = version

    def current(self) -> Terms:
        return Terms(self._version, TERMS_FILE.read_text(encoding="utf-8"))

    def applies_to(self, actor: Actor) -> bool:
        return actor.is_patient

    async def has_accepted(self, actor: Actor) -> bool:
        if not self.applies_to(actor):
            return True
        async with self._db.read() as s:
            return await s.get(TermsAcceptance, (actor.user_id, self._version)) is not None

    async def accept(self, actor: Actor) -> None:
        """Record acceptance of the current version with the time; accepting twice changes nothing."""
        async with self._db.write() as s:
            if await s.get(TermsAcceptance, (actor.user_id, self._version)) is None:
                s.add(TermsAcceptance(user_id=actor.user_id, version=self._version, accepted_at=self._clock.now()))
                await self._audit.record(s, actor_id=actor.user_id, action="terms.accept", object_type="terms",
                                         object_id=self._version)
