"""Sign-in and server-side sessions.

The browser holds a random bearer token (in NiceGUI's per-browser user storage); the database
holds only its SHA-256. A new token is minted at every sign-in. Idle and absolute limits are
enforced here, on the server, whenever a page loads or the user acts.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from ..config import Settings
from ..db import Database
from ..models import User, UserSession
from .accounts import Actor, normalise_email
from .audit import AuditLog
from .clock import Clock, as_utc
from .errors import SignInFailed, ValidationError
from .passwords import Hasher

LOCK_AFTER_FAILURES = 100


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    token: str
    actor: Actor


@dataclass(frozen=True)
class SessionState:
    actor: Actor
    idle_limit: timedelta
    idle_left: timedelta


class Sessions:
    def __init__(self, db: Database, hasher: Hasher, audit: AuditLog, clock: Clock, settings: Settings):
        self._db = db
        self._hasher = hasher
        self._audit = audit
        self._clock = clock
        self._settings = settings

    def idle_limit(self, role: str) -> timedelta:
        minutes = self._settings.patient_idle_minutes if role == "patient" else self._settings.staff_idle_minutes
        return timedelta(minutes=minutes)

    async def sign_in(self, email: str, password: str) -> SignedIn:
        """Check the password and open a new session. Unknown email and wrong password fail alike."""
        try:
            email = normalise_email(email)
        except ValidationError:
            email = ""
        async with self._db.read() as s:
            user = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none() if email else None
            stored = user.password_hash if user else self._hasher.dummy_hash
        ok = await asyncio.to_thread(self._hasher.verify, stored, password or "")
        usable = user is not None and user.active and user.failed_logins < LOCK_AFTER_FAILURES
        if not (ok and usable):
            async with self._db.write() as s:
                if user is not None:
                    row = await s.get(User, user.id)
                    row.failed_logins += 1
                await self._audit.record(s, actor_id=user.id if user else None, action="sign_in",
                                         object_type="user", object_id=user.id if user else None,
                                         outcome="failure")
            raise SignInFailed()
        new_hash = None
        if self._hasher.needs_rehash(stored):
            new_hash = await asyncio.to_thread(self._hasher.hash, password)
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        async with self._db.write() as s:
            row = await s.get(User, user.id)
            row.failed_logins = 0
            if new_hash:
                row.password_hash = new_hash
            s.add(UserSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_activity_at=now))
            await self._audit.record(s, actor_id=user.id, action="sign_in", object_type="user",
                                     object_id=user.id, outcome="success")
        return SignedIn(token, Actor(user.id, user.role, user.name, user.email))

    async def current(self, token: str | None, *, touch: bool = False) -> SessionState | None:
        """The session's actor if it is still valid; ends it (and returns None) when it has expired."""
        if not token:
            return None
        now = self._clock.now()
        async with self._db.read() as s:
            row = await s.get(UserSession, _digest(token))
            if row is None:
                return None
            user = await s.get(User, row.user_id)
        limit = self.idle_limit(user.role)
        last = as_utc(row.last_activity_at)
        expired = (
            not user.active
            or now - last >= limit
            or now - as_utc(row.created_at) >= timedelta(hours=self._settings.absolute_session_hours)
        )
        if expired:
            await self._end(token, reason="timeout")
            return None
        # Activity writes are throttled: one per 20 s is plenty for minute-scale limits.
        if touch and now - last >= timedelta(seconds=20):
            async with self._db.write() as s:
                row = await s.get(UserSession, _digest(token))
                if row is not None:
                    row.last_activity_at = now
            last = now
        actor = Actor(user.id, user.role, user.name, user.email)
        return SessionState(actor, limit, limit - (now - last))

    async def _end(self, token: str, reason: str) -> None:
        async with self._db.write() as s:
            row = await s.get(UserSession, _digest(token))
            if row is None:
                return
            await s.delete(row)
            await self._audit.record(s, actor_id=row.user_id, action="sign_out", object_type="user",
                                     object_id=row.user_id, detail=reason)

    async def sign_out(self, token: str | None) -> None:
        if token:
            await self._end(token, reason="user")

    async def end_all_for_user(self, user_id: str) -> None:
        async with self._db.write() as s:
            await s.execute(delete(UserSession).where(UserSession.user_id == user_id))
