"""The messaging terms a patient accepts once per version before first use.

The shipped text (data/terms.md, version SM_TERMS_VERSION) is current until the clinic admin publishes a version at
/admin/terms; the newest published version is current from then on, and every patient is asked to accept it on their
next page (the gate in components/frame.py). The current version is kept in memory and replaced when one is
published: the gate asks on every page load, and one process serves the clinic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import TermsAcceptance, TermsVersion, User
from sm_app.identity.accounts import Actor
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, ValidationError

TERMS_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "terms.md"
TERMS_MAX = 20_000


@dataclass(frozen=True)
class Terms:
    version: str
    text: str
    published_at: datetime | None = None  # None: the shipped text, never published from the browser


@dataclass(frozen=True)
class TermsOverview:
    current: Terms
    accepted: int  # patients who accepted the current version
    patients: int  # active patients
    history: tuple[Terms, ...]  # published versions, newest first


class TermsService:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock, version: str):
        self._db = db
        self._audit = audit
        self._clock = clock
        self._shipped_version = version
        self._current: Terms | None = None

    async def current(self) -> Terms:
        """The version patients are asked to accept now."""
        if self._current is None:
            async with self._db.read() as s:
                row = await s.scalar(select(TermsVersion).order_by(TermsVersion.published_at.desc()).limit(1))
                self._current = (Terms(row.version, row.text, as_utc(row.published_at)) if row is not None else
                                 Terms(self._shipped_version, TERMS_FILE.read_text(encoding="utf-8")))
        return self._current

    def applies_to(self, actor: Actor) -> bool:
        return actor.is_patient

    async def has_accepted(self, actor: Actor) -> bool:
        if not self.applies_to(actor):
            return True
        version = (await self.current()).version
        async with self._db.read() as s:
            return await s.get(TermsAcceptance, (actor.user_id, version)) is not None

    async def accept(self, actor: Actor, version: str | None = None) -> None:
        """Record acceptance of the version the person was shown (default: the current one) with the time; accepting
        twice changes nothing. Had a newer version been published while they read, the gate asks again."""
        version = version or (await self.current()).version
        async with self._db.write() as s:
            if await s.get(TermsAcceptance, (actor.user_id, version)) is None:
                s.add(TermsAcceptance(user_id=actor.user_id, version=version, accepted_at=self._clock.now()))
                await self._audit.record(s, actor_id=actor.user_id, action="terms.accept", object_type="terms",
                                         object_id=version)

    # -- the clinic admin's side ------------------------------------------------------------------------------
    async def overview(self, actor: Actor) -> TermsOverview:
        """The current version, how many patients have accepted it, and the published versions (admins only)."""
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can manage the terms.")
        current = await self.current()
        async with self._db.read() as s:
            patients = await s.scalar(select(func.count()).select_from(User).where(User.role == "patient",
                                                                                  User.active.is_(True)))
            accepted = await s.scalar(select(func.count()).select_from(TermsAcceptance).join(
                User, User.id == TermsAcceptance.user_id).where(TermsAcceptance.version == current.version,
                                                               User.role == "patient", User.active.is_(True)))
            rows = (await s.scalars(select(TermsVersion).order_by(TermsVersion.published_at.desc()))).all()
        return TermsOverview(current, accepted or 0, patients or 0,
                             tuple(Terms(r.version, r.text, as_utc(r.published_at)) for r in rows))

    async def publish(self, actor: Actor, text: str) -> Terms:
        """Publish a new version (Markdown); every patient is asked to accept it on their next page. Audited."""
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can publish terms.")
        text = (text or "").strip()
        if not text:
            raise ValidationError("Terms text", "Write the terms patients are to accept.")
        if len(text) > TERMS_MAX:
            raise ValidationError("Terms text", f"The terms must be at most {TERMS_MAX:,} characters "
                                                f"(they have {len(text):,}).")
        if "911" not in text:
            raise ValidationError("Terms text", "The terms must still tell patients to call 911 in an emergency.")
        if text == (await self.current()).text.strip():
            raise ValidationError("Terms text", "This is the current text. Change it before publishing a new "
                                                "version.")
        now = self._clock.now()
        async with self._db.write() as s:
            base = now.strftime("%Y-%m-%d")
            taken = set((await s.scalars(select(TermsVersion.version).where(TermsVersion.version.like(f"{base}%"))))
                        .all()) | {self._shipped_version}
            version, n = base, 1
            while version in taken:
                n += 1
                version = f"{base}.{n}"
            s.add(TermsVersion(version=version, text=text, published_at=now, published_by_id=actor.user_id))
            await self._audit.record(s, actor_id=actor.user_id, action="terms.publish", object_type="terms",
                                     object_id=version)
        self._current = Terms(version, text, now)
        return self._current
