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

from sqlalchemy import bindparam, create_engine, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database, sync_url
from sm_app.adapters.models import AuditEntry, AuditHead

GENESIS = "0" * 64
_ENTRIES = AuditEntry.__table__
_HEAD = AuditHead.__table__
_HEAD_FOR_UPDATE = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
PROGRESS_EVERY = 2000
_CHAIN_ROWS = select(AuditEntry.seq, AuditEntry.at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.object_type,
                     AuditEntry.object_id, AuditEntry.outcome, AuditEntry.detail, AuditEntry.prev_hash,
                     AuditEntry.hash).order_by(AuditEntry.seq)


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
        await self.record_many(session, [{"actor_id": actor_id, "action": action, "object_type": object_type,
                                          "object_id": object_id, "outcome": outcome, "detail": detail}])

    async def record_many(self, session: AsyncSession, entries: list[dict]) -> None:
        """Append several entries (keyword dicts as for `record`) under one lock of the chain head, in order."""
        if not entries:
            return
        # FOR UPDATE serialises appends across processes on PostgreSQL; on SQLite the write
        # transaction (BEGIN IMMEDIATE) already holds the database write lock. Statements on the tables, not
        # mapped objects: every write of the app appends here, and such statements skip the ORM's unit of work
        # (db.InlineWriteSession runs them on the connection once nothing is pending).
        seq, prev = (await session.execute(_HEAD_FOR_UPDATE)).one()
        rows = []
        for entry in entries:
            seq += 1
            row = self._entry(seq, prev, **entry)
            rows.append(row)
            prev = row["hash"]
        await session.execute(insert(_ENTRIES), rows)
        await session.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})

    def _entry(self, seq: int, prev_hash: str, *, actor_id: str | None, action: str, object_type: str | None = None,
               object_id: str | None = None, outcome: str = "ok", detail: str = "") -> dict:
        at = self._clock.now()  # microsecond precision survives both SQLite and PostgreSQL round trips
        digest = self._link(prev_hash, _canonical(seq, at, actor_id, action, object_type, object_id, outcome, detail))
        return {"seq": seq, "at": at, "actor_id": actor_id, "action": action, "object_type": object_type,
                "object_id": object_id, "outcome": outcome, "detail": detail[:400], "prev_hash": prev_hash,
                "hash": digest}

    async def record_alone(self, **entry) -> None:
        """Append an entry in its own transaction (e.g. a failed sign-in, where nothing else is written)."""
        async with self._db.write() as session:
            await self.record(session, **entry)

    def _walk(self, rows, head_seq: int, head_hash: str, progress: Callable[[int], None] | None) -> AuditCheck:
        """Check (seq, at, actor_id, action, object_type, object_id, outcome, detail, prev_hash, hash) rows in seq
        order against the chain and its head."""
        prev = GENESIS
        expected_seq = 1
        count = 0
        for seq, at, actor_id, action, object_type, object_id, outcome, detail, prev_hash, digest in rows:
            count += 1
            if seq != expected_seq:
                return AuditCheck(False, count, expected_seq, f"entry {expected_seq} is missing")
            if prev_hash != prev:
                return AuditCheck(False, count, seq, f"entry {seq} does not link to the entry before it")
            payload = _canonical(seq, at, actor_id, action, object_type, object_id, outcome, detail)
            if not hmac.compare_digest(self._link(prev, payload), digest):
                return AuditCheck(False, count, seq, f"entry {seq} was altered")
            prev = digest
            expected_seq += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
        if head_seq != expected_seq - 1 or head_hash != prev:
            return AuditCheck(False, count, expected_seq,
                              f"entry {expected_seq} is missing (the chain head is at {head_seq})")
        return AuditCheck(True, count)

    async def verify(self, progress: Callable[[int], None] | None = None) -> AuditCheck:
        """Walk the whole chain; report the first entry whose link does not hold. Runs in a worker thread with a
        synchronous connection of its own, reading in batches: a million HMACs take seconds of CPU that every open
        page would otherwise wait for, and rows fetched through the async driver cost a thread hop each batch.
        `progress(entries checked)` is called every PROGRESS_EVERY entries, from that thread (keep it to plain
        assignments; never touch the UI from it)."""
        def work() -> AuditCheck:
            engine = create_engine(sync_url(self._db.url))
            try:
                with engine.connect() as conn:
                    head = conn.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
                    rows = conn.execution_options(yield_per=5000).execute(_CHAIN_ROWS)
                    return self._walk((tuple(r) for r in rows), head.seq, head.hash, progress)
            finally:
                engine.dispose()

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
