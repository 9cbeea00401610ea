"""Staff quick replies: text a care team inserts into a reply and edits before sending. Clinic text, no patient data.

They live in the `quick_replies` table, seeded once from data/quick_replies.json when the table is empty (a fresh
install, or one upgraded from when they were only a file); after that the clinic admin adds, edits and retires them
at /admin/quick-replies. A retired reply is hidden from the reply box and kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import QuickReply as QuickReplyRow
from sm_app.identity.accounts import Actor
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError, every_problem

QUICK_REPLIES_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "quick_replies.json"
NAME_MAX = 80
TEXT_MAX = 2000


@dataclass(frozen=True)
class QuickReply:
    id: str
    name: str
    text: str
    active: bool = True
    version: int = 1
    updated_at: datetime | None = None


def _name(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > NAME_MAX:
        raise ValidationError("Name", f"Name must be 1 to {NAME_MAX} characters.")
    return value


def _text(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("Text", "Write the text staff will insert.")
    if len(value) > TEXT_MAX:
        raise ValidationError("Text", f"Text must be at most {TEXT_MAX:,} characters (it has {len(value):,}).")
    return value


def _info(r) -> QuickReply:  # a QuickReplyRow, or a row of its columns
    return QuickReply(r.id, r.name, r.text, bool(r.active), r.version, as_utc(r.updated_at))


class QuickReplies:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock, seed_file: Path = QUICK_REPLIES_FILE):
        self._db = db
        self._audit = audit
        self._clock = clock
        self._seed_file = seed_file
        self._seeded = False

    async def _ensure_seeded(self) -> None:
        """Seed from the shipped file once: only while the table is empty, so retiring every reply stays retired."""
        if self._seeded:
            return
        async with self._db.write() as s:
            if not await s.scalar(select(func.count()).select_from(QuickReplyRow)):
                shipped = json.loads(self._seed_file.read_text(encoding="utf-8"))["quick_replies"]
                for order, q in enumerate(shipped):
                    s.add(QuickReplyRow(name=q["name"], text=q["text"], active=True, sort_order=order, version=1,
                                        updated_at=self._clock.now()))
        self._seeded = True

    async def in_use(self, actor: Actor) -> list[QuickReply]:
        """The replies staff may insert (staff only; patients have none)."""
        if not actor.is_staff:
            raise NotAllowed("Quick replies are for care teams.")
        await self._ensure_seeded()
        async with self._db.read() as s:
            # Columns, not mapped rows: a staff reply box asks on every page it opens on, and a read of columns skips
            # the ORM (db.InlineReadSession).
            rows = (await s.execute(select(*QuickReplyRow.__table__.c).where(QuickReplyRow.active.is_(True))
                                    .order_by(QuickReplyRow.sort_order, QuickReplyRow.name))).all()
            return [_info(r) for r in rows]

    @staticmethod
    def _require_admin(actor: Actor) -> None:
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can change quick replies.")

    async def all_replies(self, actor: Actor) -> list[QuickReply]:
        """Every reply, in use first then retired (clinic admins only)."""
        self._require_admin(actor)
        await self._ensure_seeded()
        async with self._db.read() as s:
            rows = (await s.scalars(select(QuickReplyRow).order_by(QuickReplyRow.active.desc(),
                                                                   QuickReplyRow.sort_order,
                                                                   QuickReplyRow.name))).all()
            return [_info(r) for r in rows]

    async def add(self, actor: Actor, *, name: str, text: str) -> QuickReply:
        self._require_admin(actor)
        name, text = every_problem(lambda: _name(name), lambda: _text(text))
        await self._ensure_seeded()
        async with self._db.write() as s:
            await self._refuse_duplicate(s, name, None)
            order = (await s.scalar(select(func.max(QuickReplyRow.sort_order)))) or 0
            row = QuickReplyRow(name=name, text=text, active=True, sort_order=order + 1, version=1,
                                updated_at=self._clock.now(), updated_by_id=actor.user_id)
            s.add(row)
            await s.flush()
            await self._audit.record(s, actor_id=actor.user_id, action="quick_reply.add", object_type="quick_reply",
                                     object_id=row.id)
            return _info(row)

    async def edit(self, actor: Actor, reply_id: str, *, name: str, text: str, expected_version: int) -> QuickReply:
        """A new version of the reply; replies already sent keep the words they were sent with (they are messages)."""
        self._require_admin(actor)
        name, text = every_problem(lambda: _name(name), lambda: _text(text))
        async with self._db.write() as s:
            row = await s.get(QuickReplyRow, reply_id or "")
            if row is None:
                raise NotFound("quick reply")
            if row.version != expected_version:
                raise ValidationError("Text", "Someone else changed this reply since you opened the page. Reload to "
                                              "see their version; your text is still here.")
            await self._refuse_duplicate(s, name, row.id)
            row.name, row.text, row.version = name, text, row.version + 1
            row.updated_at, row.updated_by_id = self._clock.now(), actor.user_id
            await self._audit.record(s, actor_id=actor.user_id, action="quick_reply.edit", object_type="quick_reply",
                                     object_id=row.id, detail=f"version={row.version}")
            return _info(row)

    async def set_retired(self, actor: Actor, reply_id: str, retired: bool) -> QuickReply:
        """Retire (hidden from the reply box, kept) or put back in use."""
        self._require_admin(actor)
        async with self._db.write() as s:
            row = await s.get(QuickReplyRow, reply_id or "")
            if row is None:
                raise NotFound("quick reply")
            if row.active == retired:
                row.active = not retired
                row.updated_at, row.updated_by_id = self._clock.now(), actor.user_id
                await self._audit.record(s, actor_id=actor.user_id, object_type="quick_reply", object_id=row.id,
                                         action="quick_reply.retire" if retired else "quick_reply.restore")
            return _info(row)

    @staticmethod
    async def _refuse_duplicate(s, name: str, own_id: str | None) -> None:
        clash = await s.scalar(select(QuickReplyRow.id).where(func.lower(QuickReplyRow.name) == name.lower(),
                                                              QuickReplyRow.active.is_(True)))
        if clash is not None and clash != own_id:
            raise ValidationError("Name", "Another quick reply in use has this name; staff pick by name, so choose "
                                          "another.")
