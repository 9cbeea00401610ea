"""One press of Send sends once.

Every compose form carries a random send key, drawn when the form is built and drawn again after a successful send.
A send records its key (unique per sender) in the same transaction as the message; a second send with the same key
— a double or triple click, a retry after a dropped connection — sends nothing and is answered with what the first
one made. Keys are the sender's own: another person's key never finds anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import SendKey, new_id
from sm_app.shared.errors import ValidationError

SEND_KEY_MAX = 64
T = TypeVar("T")


@dataclass(frozen=True)
class EarlierSend:
    """What the first send with a key made."""

    thread_id: str | None
    message_id: str | None
    broadcast_id: str | None


class _SentBefore(Exception):  # noqa: N818 - a signal inside `once`, never seen outside it
    pass


class Claim:
    """A send's key inside its unit of work: `take` first, `made` once the rows exist."""

    def __init__(self, sender_id: str, key: str | None, clock: Clock):
        self._sender_id = sender_id
        self._key = key
        self._clock = clock
        self._session: AsyncSession | None = None

    async def take(self, s: AsyncSession) -> None:
        """Record the key before anything is written. If a send with this key committed already, stop (its result is
        the answer); if one is in flight, the unique constraint makes this wait for it and then fail the same way."""
        if self._key is None:
            return
        found = (await s.execute(_FIND, {"sender_id": self._sender_id, "send_key": self._key})).first()
        if found is not None:
            raise _SentBefore()
        # Statements on the table, not a mapped object: a send's session stays clean (db.InlineWriteSession).
        await s.execute(_CLAIM, {"id": new_id(), "sender_id": self._sender_id, "send_key": self._key,
                                 "created_at": self._clock.now()})
        self._session = s

    async def made(self, *, thread_id: str | None = None, message_id: str | None = None,
                   broadcast_id: str | None = None) -> None:
        if self._session is not None:
            await self._session.execute(_MADE, {"b_sender": self._sender_id, "b_key": self._key,
                                                "b_thread": thread_id, "b_message": message_id,
                                                "b_broadcast": broadcast_id})


_KEYS = SendKey.__table__
_FIND = select(_KEYS.c.id).where(_KEYS.c.sender_id == bindparam("sender_id"),
                                 _KEYS.c.send_key == bindparam("send_key"))
_CLAIM = insert(_KEYS)
# (update's bound names may not be its columns' names)
_MADE = (update(_KEYS).where(_KEYS.c.sender_id == bindparam("b_sender"), _KEYS.c.send_key == bindparam("b_key"))
         .values(thread_id=bindparam("b_thread"), message_id=bindparam("b_message"),
                 broadcast_id=bindparam("b_broadcast")))
_EARLIER = select(_KEYS.c.thread_id, _KEYS.c.message_id, _KEYS.c.broadcast_id).where(
    _KEYS.c.sender_id == bindparam("sender_id"), _KEYS.c.send_key == bindparam("send_key"))


def check_send_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not isinstance(key, str) or not key or len(key) > SEND_KEY_MAX:
        raise ValidationError("Send", "This form could not be sent. Reload the page and try again.")
    return key


class SendKeys:
    def __init__(self, db: Database, clock: Clock):
        self._db = db
        self._clock = clock

    async def earlier(self, sender_id: str, key: str) -> EarlierSend | None:
        async with self._db.read() as s:
            row = (await s.execute(_EARLIER, {"sender_id": sender_id, "send_key": key})).one_or_none()
            return None if row is None else EarlierSend(row.thread_id, row.message_id, row.broadcast_id)

    async def once(self, sender_id: str, key: str | None, send: Callable[[Claim], Awaitable[T]],
                   answer: Callable[[EarlierSend], Awaitable[T]]) -> T:
        """Run `send` unless a send with this key was made; then (or when one wins the race) `answer` with it."""
        key = check_send_key(key)
        if key is not None and (earlier := await self.earlier(sender_id, key)) is not None:
            return await answer(earlier)
        try:
            return await send(Claim(sender_id, key, self._clock))
        except (_SentBefore, IntegrityError):
            earlier = await self.earlier(sender_id, key) if key is not None else None
            if earlier is None:
                raise
            return await answer(earlier)
