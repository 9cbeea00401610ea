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
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Select, Update, bindparam, delete, select, update

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import User, UserSession
from sm_app.config import Settings
from sm_app.identity import sign_in_throttle as throttle
from sm_app.identity.accounts import Actor, normalise_email
from sm_app.identity.passwords import Hasher
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, SignInBusy, SignInFailed, SignInThrottled, ValidationError
from sm_app.shared.events import SessionsEnded, UnitOfWork, Work

# argon2 runs in worker threads; two at a time keep both cores busy without starving page work.
CHECKS_AT_ONCE = 2
# About a second of queued checks; beyond that a flood is refused clearly rather than queued for minutes.
MOST_WAITING = 32


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
    # When the session ends unless the person acts again (the idle limit, or the absolute limit if sooner): an open
    # page needs to ask again only then, or when told that a session of its user ended.
    expires_at: datetime


class Sessions:
    def __init__(self, db: Database, uow: UnitOfWork, hasher: Hasher, audit: AuditLog, clock: Clock,
                 settings: Settings, throttle_secret: bytes):
        self._db = db
        self._uow = uow
        self._throttle_keys = throttle.SignInThrottleKeys(throttle_secret)
        self._checks = asyncio.Semaphore(CHECKS_AT_ONCE)
        self._waiting = 0
        self._hasher = hasher
        self._audit = audit
        self._clock = clock
        self._settings = settings

    def idle_limit(self, role: str) -> timedelta:
        minutes = self._settings.patient_idle_minutes if role == "patient" else self._settings.staff_idle_minutes
        return timedelta(minutes=minutes)

    async def sign_in(self, email: str, password: str, *, address: str = "") -> SignedIn:
        """Check the password and open a new session. Unknown email and wrong password fail alike.

        `address` is the client's network address, for the per-address and per-pair throttles. Attempts run at
        most `CHECKS_AT_ONCE` at a time in this process (each costs an argon2 hash); more than `MOST_WAITING`
        waiting are refused at once, so a flood is turned away instead of queueing for minutes.
        """
        if self._waiting >= MOST_WAITING:
            raise SignInBusy()
        self._waiting += 1
        try:
            await self._checks.acquire()
        finally:
            self._waiting -= 1
        try:
            return await self._sign_in(email, password, address)
        finally:
            self._checks.release()

    async def _sign_in(self, email: str, password: str, address: str) -> SignedIn:
        try:
            email = normalise_email(email)
        except ValidationError:
            email = (email or "").strip().lower()
        keys = self._throttle_keys.for_attempt(email, address)
        now = self._clock.now()
        async with self._db.read() as s:
            wait = await throttle.wait_left(s, keys, now)
            if wait is not None:
                raise SignInThrottled(wait)
            user = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none() if email else None
            stored = user.password_hash if user else self._hasher.dummy_hash
        ok = await asyncio.to_thread(self._hasher.verify, stored, password or "")
        if not (ok and user is not None and user.active):
            async with self._db.write() as s:
                locked = await throttle.record_failure(s, keys, keys[throttle.ACCOUNT], self._clock.now())
                await self._audit.record(s, actor_id=user.id if user else None, action="sign_in",
                                         object_type="user", object_id=user.id if user else None,
                                         outcome="failure", detail="account locked for an hour" if locked else "")
            raise SignInFailed()
        new_hash = None
        if self._hasher.needs_rehash(stored):
            new_hash = await asyncio.to_thread(self._hasher.hash, password)
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        async with self._db.write() as s:
            await throttle.record_success(s, keys)
            row = await s.get(User, user.id)
            row.last_sign_in_at = now
            if new_hash:
                row.password_hash = new_hash
            s.add(UserSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_activity_at=now))
            await self._audit.record(s, actor_id=user.id, action="sign_in", object_type="user",
                                     object_id=user.id, outcome="success")
        return SignedIn(token, Actor(user.id, user.role, user.name, user.email))

    async def unlock(self, email: str, *, by: Actor | None = None) -> int:
        """End every sign-in wait on an account (`sm-app unlock`; later the admin console). Returns how many."""
        email = normalise_email(email)
        async with self._db.write() as s:
            user = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none()
            if user is None:
                raise NotFound("account")
            ended = await throttle.forget_account(s, self._throttle_keys.account(email))
            await self._audit.record(s, actor_id=by.user_id if by else None, action="sign_in.unlock",
                                     object_type="user", object_id=user.id, detail=f"{ended} waits ended")
        return ended

    async def sign_in_waits(self, emails: list[str]) -> dict[str, datetime]:
        """Email -> until when sign-in to that account waits (locked by the throttle), for the admin's user list."""
        keys = {self._throttle_keys.account(e): e for e in emails}
        async with self._db.read() as s:
            until = await throttle.waits_by_account(s, list(keys), self._clock.now())
        return {keys[k]: end for k, end in until.items()}

    async def current(self, token: str | None, *, touch: bool = False) -> SessionState | None:
        """The session's actor if it is still valid; ends it (and returns None) when it has expired."""
        if not token:
            return None
        now = self._clock.now()
        async with self._db.read() as s:  # one statement: this runs for every page load and every action
            found = (await s.execute(_session_and_user(), {"token_hash": _digest(token)})).first()
        if found is None:
            return None
        limit = self.idle_limit(found.role)
        last = as_utc(found.last_activity_at)
        absolute_end = as_utc(found.created_at) + timedelta(hours=self._settings.absolute_session_hours)
        expired = not found.active or now - last >= limit or now >= absolute_end
        if expired:
            await self._end(token, reason="timeout")
            return None
        # Activity writes are throttled: one per 20 s is plenty for minute-scale limits.
        if touch and now - last >= timedelta(seconds=20):
            async with self._db.write() as s:
                await s.execute(_touch(), {"hash": _digest(token), "at": now})
            last = now
        actor = Actor(found.id, found.role, found.name, found.email)
        return SessionState(actor, limit, limit - (now - last), min(last + limit, absolute_end))

    async def _end(self, token: str, reason: str) -> None:
        async with self._uow() as work:
            s = work.session
            row = await s.get(UserSession, _digest(token))
            if row is None:
                return
            await s.delete(row)
            await self._audit.record(s, actor_id=row.user_id, action="sign_out", object_type="user",
                                     object_id=row.user_id, detail=reason)
            work.record(SessionsEnded(row.user_id))

    async def sign_out(self, token: str | None) -> None:
        if token:
            await self._end(token, reason="user")

    async def end_all_for_user(self, user_id: str, *, keep_token: str | None = None) -> None:
        """End every session of a person (all but `keep_token`'s, when given); their open pages are told."""
        async with self._uow() as work:
            await end_sessions_in(work, user_id, keep_token=keep_token)

    async def open_for(self, user_id: str, *, how: str) -> SignedIn:
        """A new session for someone who just proved who they are another way (an invitation's link, code and new
        password): no password check here. `how` goes into the audit entry."""
        token = secrets.token_urlsafe(32)
        now = self._clock.now()
        async with self._db.write() as s:
            user = await s.get(User, user_id)
            if user is None or not user.active:
                raise NotFound("account")
            s.add(UserSession(token_hash=_digest(token), user_id=user.id, created_at=now, last_activity_at=now))
            await self._audit.record(s, actor_id=user.id, action="sign_in", object_type="user", object_id=user.id,
                                     outcome="success", detail=how)
        return SignedIn(token, Actor(user.id, user.role, user.name, user.email))


async def end_sessions_in(work: Work, user_id: str, *, keep_token: str | None = None) -> None:
    """Inside another identity service's unit of work (a password changed or reset): end the person's sessions, all
    but `keep_token`'s, and tell their open pages after commit."""
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token:
        query = query.where(UserSession.token_hash != _digest(keep_token))
    await work.session.execute(query)
    work.record(SessionsEnded(user_id))


@lru_cache(maxsize=1)
def _touch() -> Update:
    """The activity write: a statement on the table, which needs no object loaded first (db.InlineWriteSession)."""
    table = UserSession.__table__
    return update(table).where(table.c.token_hash == bindparam("hash")).values(last_activity_at=bindparam("at"))


@lru_cache(maxsize=1)
def _session_and_user() -> Select:
    """`Sessions.current`'s one statement, built once (every page load and every action asks it)."""
    # Columns, not entities: a read of columns skips the ORM (db.InlineReadSession), about half of this read's CPU.
    return (select(UserSession.last_activity_at, UserSession.created_at, User.id, User.role, User.name, User.email,
                   User.active)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == bindparam("token_hash")))
