"""A message's or a draft's files: sealed on disk under random names, recorded, listed and downloaded.

`AttachmentStore` works inside messaging's own transactions (a message and its files commit together; a file is
written and fsynced before the commit), so only messaging's services use it. `Attachments` is the download service
the pages reach: only those who may see the conversation get a file. (The checks a file passes are `attachments.py`.)
"""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import Attachment, Message, Thread
from sm_app.identity.accounts import Actor
from sm_app.messaging.access import visible_threads
from sm_app.messaging.attachments import AttachmentInfo, Download, PendingFile
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound


def _write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


class AttachmentStore:
    def __init__(self, keys: KeyRing, clock: Clock, directory: Path):
        self._keys = keys
        self._clock = clock
        self._dir = Path(directory)

    def path(self, storage_name: str) -> Path:
        return self._dir / storage_name[:2] / storage_name

    async def read_sealed(self, storage_name: str) -> bytes:
        return await asyncio.to_thread(self.path(storage_name).read_bytes)

    async def store(self, session: AsyncSession, files: list[PendingFile], *, message_id: str | None = None,
                    draft_id: str | None = None) -> list[str]:
        """Seal each file to disk under a random name and record it, inside the caller's transaction."""
        ids = []
        for f in files:
            row = Attachment(message_id=message_id, draft_id=draft_id, kind=f.kind, size=f.size, digest=f.digest,
                             storage_name=secrets.token_hex(20), created_at=self._clock.now(), name_enc=b"")
            session.add(row)
            await session.flush()
            row.name_enc = self._keys.seal(f.name, table="attachments", row_id=row.id, column="name")
            sealed = self._keys.seal_bytes(f.data, table="attachments", row_id=row.id, column="content")
            # Written and fsynced before the transaction commits: a confirmed send never points at a missing file.
            await asyncio.to_thread(_write_durably, self.path(row.storage_name), sealed)
            ids.append(row.id)
        return ids

    async def for_draft(self, session: AsyncSession, draft_id: str) -> list[PendingFile]:
        """A draft's files, opened, so the compose page can show and send them."""
        rows = (await session.scalars(select(Attachment).where(Attachment.draft_id == draft_id)
                                      .order_by(Attachment.created_at, Attachment.id))).all()
        files = []
        for r in rows:
            sealed = await asyncio.to_thread(self.path(r.storage_name).read_bytes)
            data = self._keys.open_bytes(sealed, table="attachments", row_id=r.id, column="content")
            name = self._keys.open(r.name_enc, table="attachments", row_id=r.id, column="name")
            files.append(PendingFile(name, r.kind, data, r.digest))
        return files

    async def draft_digests(self, session: AsyncSession, draft_id: str) -> list[str]:
        return list((await session.scalars(select(Attachment.digest).where(Attachment.draft_id == draft_id)
                                           .order_by(Attachment.created_at, Attachment.id))).all())

    async def drop_for_draft(self, session: AsyncSession, draft_id: str) -> list[Path]:
        """Remove a draft's file records; returns the files to delete once the transaction has committed."""
        rows = (await session.scalars(select(Attachment).where(Attachment.draft_id == draft_id))).all()
        paths = [self.path(r.storage_name) for r in rows]
        for r in rows:
            await session.delete(r)
        return paths

    @staticmethod
    async def remove_files(paths: list[Path]) -> None:
        for p in paths:
            await asyncio.to_thread(p.unlink, True)

    async def for_messages(self, session: AsyncSession, message_ids: list[str]) -> dict[str, list[AttachmentInfo]]:
        result: dict[str, list[AttachmentInfo]] = {}
        if not message_ids:
            return result
        for row_id, message_id, name_enc, kind, size in (await session.execute(_FOR_MESSAGES, {"ids": message_ids})):
            name = self._keys.open(name_enc, table="attachments", row_id=row_id, column="name")
            result.setdefault(message_id, []).append(AttachmentInfo(row_id, name, kind, size))
        return result


# Built once (a conversation's every push asks it): the ids are one expanding parameter, and columns, not entities,
# are loaded.
_FOR_MESSAGES = (select(Attachment.id, Attachment.message_id, Attachment.name_enc, Attachment.kind, Attachment.size)
                 .where(Attachment.message_id.in_(bindparam("ids", expanding=True)))
                 .order_by(Attachment.created_at, Attachment.id))


class Attachments:
    """Downloads. (Storing and listing a message's or a draft's files happen inside messaging's own transactions,
    through `attachment_store.py`.)"""

    def __init__(self, db: Database, keys: KeyRing, audit: AuditLog, store: AttachmentStore):
        self._db = db
        self._keys = keys
        self._audit = audit
        self._store = store

    async def download(self, actor: Actor, attachment_id: str) -> Download:
        """The file, for someone who can see its conversation; anyone else gets "not found" (and an audit entry)."""
        async with self._db.read() as s:
            row = (await s.execute(
                select(Attachment).join(Message, Message.id == Attachment.message_id)
                .join(Thread, Thread.id == Message.thread_id)
                .where(Attachment.id == attachment_id, visible_threads(actor))
            )).scalar_one_or_none()
        if row is None:
            await self._audit.record_alone(actor_id=actor.user_id, action="attachment.read", object_type="attachment",
                                           object_id=(attachment_id or "")[:64], outcome="denied")
            raise NotFound("file")
        sealed = await self._store.read_sealed(row.storage_name)
        data = self._keys.open_bytes(sealed, table="attachments", row_id=row.id, column="content")
        name = self._keys.open(row.name_enc, table="attachments", row_id=row.id, column="name")
        await self._audit.record_alone(actor_id=actor.user_id, action="attachment.read", object_type="attachment",
                                       object_id=row.id)
        return Download(name, row.kind, data)
