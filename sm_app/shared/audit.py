"""Append-only, hash-chained audit log.

Each entry's hash is HMAC-SHA256(audit key, previous hash + canonical entry). Editing a row breaks
its own hash; deleting a row breaks the next row's link (or, for the newest row, the head record).
Entries carry ids and action names only: never subjects, bodies, passwords or tokens.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import AuditEntry, AuditHead

GENESIS = "0" * 64
PROGRESS_EVERY = 2000


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    entries: int
    first_broken_seq: int | None = None
    reason: str = ""


def _canonical(seq: int, at: datetime, actor_id, action, object_type, object_id, outcome, detail) -> bytes:
    at_text = as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        [seq, at_text, actor_id, action, object_type, object_id, outcome, detail], separators=(",", ":")
    ).encode()


class AuditLog:
    def __init__(self, db: Database, mac_key: bytes, clock: Clock):
        self._db = db
        self._key = mac_key
        self._clock = clock

    def _link(self, prev_hash: str, payload: bytes) -> str:
        return hmac.new(self._key, prev_hash.encode() + payload, hashlib.sha256).hexdigest()

    async def record(
        self,
        session: AsyncSession,
        *,
        actor_id: str | None,
        action: str,
        object_type: str | None = None,
        object_id: str | None = None,
        outcome: str = "ok",
        detail: str = "",
    ) -> None:
        """Append an entry inside the caller's transaction, so it commits or rolls back with the event."""
        # FOR UPDATE serialises appends across processes on PostgreSQL; on SQLite the write
        # transaction (BEGIN IMMEDIATE) already holds the database write lock.
        head = (await session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update())).scalar_one()
        self._append(session, head, actor_id=actor_id, action=action, object_type=object_type, object_id=object_id,
                     outcome=outcome, detail=detail)

    async def record_many(self, session: AsyncSession, entries: list[dict]) -> None:
        """Append several entries (keyword dicts as for `record`) under one lock of the chain head, in order."""
        if not entries:
            return
        head = (await session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update())).scalar_one()
        for entry in entries:
            self._append(session, head, **entry)

    def _append(self, session: AsyncSession, head: AuditHead, *, actor_id: str | None, action: str,
                object_type: str | None = None, object_id: str | None = None, outcome: str = "ok",
                detail: str = "") -> None:
        seq = head.seq + 1
        at = self._clock.now()  # microsecond precision survives both SQLite and PostgreSQL round trips
        digest = self._link(head.hash, _canonical(seq, at, actor_id, action, object_type, object_id, outcome, detail))
        session.add(
            AuditEntry(
                seq=seq, at=at, actor_id=actor_id, action=action, object_type=object_type, object_id=object_id,
                outcome=outcome, detail=detail[:400], prev_hash=head.hash, hash=digest,
            )
        )
        head.seq = seq
        head.hash = digest

    async def record_alone(self, **entry) -> None:
        """Append an entry in its own transaction (e.g. a failed sign-in, where nothing else is written)."""
        async with self._db.write() as session:
            await self.record(session, **entry)

    async def verify(self, progress: Callable[[int], None] | None = None) -> AuditCheck:
        """Walk the whole chain; report the first entry whose link does not hold. `progress(entries checked)` is
        called every PROGRESS_EVERY entries."""
        prev = GENESIS
        expected_seq = 1
        count = 0
        async with self._db.read() as session:
            head = (await session.execute(select(AuditHead).where(AuditHead.id == 1))).scalar_one()
            result = await session.stream_scalars(select(AuditEntry).order_by(AuditEntry.seq))
            async for e in result:
                count += 1
                if e.seq != expected_seq:
                    return AuditCheck(False, count, expected_seq, f"entry {expected_seq} is missing")
                if e.prev_hash != prev:
                    return AuditCheck(False, count, e.seq, f"entry {e.seq} does not link to the entry before it")
                payload = _canonical(
                    e.seq, e.at, e.actor_id, e.action, e.object_type, e.object_id, e.outcome, e.detail
                )
                if not hmac.compare_digest(self._link(prev, payload), e.hash):
                    return AuditCheck(False, count, e.seq, f"entry {e.seq} was altered")
                prev = e.hash
                expected_seq += 1
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(count)
            if head.seq != expected_seq - 1 or head.hash != prev:
                return AuditCheck(
                    False, count, expected_seq, f"entry {expected_seq} is missing (the chain head is at {head.seq})"
                )
        return AuditCheck(True, count)

    async def verify_off_loop(self, progress: Callable[[int], None] | None = None) -> AuditCheck:
        """`verify` in a worker thread with its own event loop and connections: a million HMACs take seconds of CPU
        that every open page would otherwise wait for. `progress` is called from that thread (keep it to plain
        assignments; never touch the UI from it)."""
        def work() -> AuditCheck:
            async def run() -> AuditCheck:
                db = Database(self._db.url)  # engines belong to one event loop: the worker's own
                try:
                    return await AuditLog(db, self._key, self._clock).verify(progress)
                finally:
                    await db.dispose()

            return asyncio.run(run())

        return await asyncio.to_thread(work)

    async def entries(self, limit: int = 100) -> list[dict]:
        """Newest entries, for tests and the future audit viewer."""
        async with self._db.read() as session:
            rows = (await session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit))).all()
            return [
                {"seq": r.seq, "actor_id": r.actor_id, "action": r.action, "object_type": r.object_type,
                 "object_id": r.object_id, "outcome": r.outcome, "detail": r.detail}
                for r in rows
            ]
