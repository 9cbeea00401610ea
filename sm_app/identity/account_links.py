"""Single-use links emailed to a person (internal to identity): invitations, password resets, new notification
addresses.

A link carries a 256-bit random token; the database keeps its SHA-256 only, so a copy of the database opens
nothing. An invitation adds an 8-character code, kept as a keyed hash: the link may reach browser history and web
server logs, the code does not. Each row carries a keyed hash (`binding`) over what it grants — purpose, user,
address, role, teams, expiry — computed when it is made; a row changed afterwards (a role raised, an address
swapped) no longer matches and the link stops working.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import AccountToken, new_id
from sm_app.identity import sign_in_throttle as throttle
from sm_app.identity.passwords import Hasher
from sm_app.shared.audit import AuditLog
from sm_app.shared.events import UnitOfWork

# No 0/O, 1/I/L: a code is read from an email and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

USED, REVOKED, REPLACED = "used", "revoked", "replaced"


def token_digest(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def clean_code(code: str) -> str:
    """What a person typed, as the code: case, spaces and dashes do not matter."""
    return "".join(c for c in (code or "").upper() if c not in " -\t")


@dataclass(frozen=True)
class Minted:
    row: AccountToken
    token: str
    code: str


class LinkKeys:
    """The keyed hashes of codes and bindings; a key of its own, derived from the search key with a label."""

    def __init__(self, secret: bytes):
        self._key = hmac.new(secret, b"sm-app account links v1", hashlib.sha256).digest()

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def code_hash(self, token_id: str, code: str) -> str:
        return self._mac(f"code|{token_id}|{clean_code(code)}")

    def binding(self, row: AccountToken) -> str:
        expires = int(as_utc(row.expires_at).timestamp())
        return self._mac(f"bind|{row.id}|{row.purpose}|{row.user_id}|{row.email}|{row.role}|{row.team_ids}|{expires}")

    def intact(self, row: AccountToken) -> bool:
        return hmac.compare_digest(row.binding or "", self.binding(row))

    def code_matches(self, row: AccountToken, code: str) -> bool:
        return bool(row.code_hash) and hmac.compare_digest(row.code_hash, self.code_hash(row.id, code))

    def mint(self, *, purpose: str, user_id: str, email: str, now: datetime, lifetime: timedelta, role: str = "",
             team_ids: str = "", created_by: str | None = None, with_code: bool = False) -> Minted:
        """A new link (not yet added to a session): the token and code are returned once and never stored."""
        token = secrets.token_urlsafe(32)  # 256 bits
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) if with_code else ""
        row = AccountToken(id=new_id(), purpose=purpose, user_id=user_id, token_hash=token_digest(token),
                           email=email, role=role, team_ids=team_ids, created_by=created_by, created_at=now,
                           expires_at=now + lifetime, ended=None, ended_at=None)
        row.code_hash = self.code_hash(row.id, code) if with_code else None
        row.binding = self.binding(row)
        return Minted(row, token, code)


def state_of(row: AccountToken | None, now: datetime) -> str:
    """pending | accepted (used) | revoked | replaced | expired | unknown."""
    if row is None:
        return "unknown"
    if row.ended == USED:
        return "accepted"
    if row.ended in (REVOKED, REPLACED):
        return row.ended
    return "expired" if as_utc(row.expires_at) <= now else "pending"


async def by_token(s: AsyncSession, purpose: str, token: str, *, for_update: bool = False) -> AccountToken | None:
    query = select(AccountToken).where(AccountToken.token_hash == token_digest(token), AccountToken.purpose == purpose)
    if for_update:
        query = query.with_for_update()
    return (await s.execute(query)).scalar_one_or_none()


async def end_open_links(s: AsyncSession, user_id: str, purpose: str, how: str, now: datetime) -> None:
    """End every still-open link of one purpose for one person (a newer link replaces them, or they are revoked)."""
    await s.execute(update(AccountToken)
                    .where(AccountToken.user_id == user_id, AccountToken.purpose == purpose,
                           AccountToken.ended.is_(None))
                    .values(ended=how, ended_at=now))


class LinkService:
    """What the services that email single-use links share (invitations, recovery, Settings' credentials): the
    store, the password hasher, the audit log, the clock, the link keys, the throttle and the app's address."""

    def __init__(self, db: Database, uow: UnitOfWork, hasher: Hasher, audit: AuditLog, clock: Clock,
                 links: LinkKeys, throttle_keys: throttle.SignInThrottleKeys, base_url: str):
        self._db = db
        self._uow = uow
        self._hasher = hasher
        self._audit = audit
        self._clock = clock
        self._links = links
        self._throttle = throttle_keys
        self._base = base_url.rstrip("/")
