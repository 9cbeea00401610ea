"""Attachments: checked by content and extension, sealed on disk, downloaded only by those who may see them.

Checks happen when a file is picked (`check_file`) and again when the message is sent, so a page
cannot smuggle a file past them. The allow-list is by magic bytes, and the extension must agree
with what the bytes are: a renamed executable or an HTML page called "x.pdf" is refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import Attachment, Message, Thread
from sm_app.identity.accounts import Actor
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError

MAX_FILES = 4
MAX_FILE_BYTES = 6 * 1024 * 1024
MAX_TOTAL_BYTES = 10 * 1024 * 1024
FIELD = "Attach files"
MAX_NAME_CHARS = 120  # shown and stored names
MAX_EXTENSION_CHARS = 16

# extension -> detected kind it must be
EXTENSIONS = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "gif": "gif", "txt": "txt", "rtf": "rtf",
    "doc": "doc", "xls": "xls", "docx": "docx", "xlsx": "xlsx",
}
ALLOWED_TEXT = "PDF, PNG, JPEG, GIF, TXT, RTF, DOC, DOCX, XLS or XLSX"


@dataclass(frozen=True)
class PendingFile:
    """A checked file waiting to be sent (kept in the sender's page only)."""

    name: str
    kind: str
    data: bytes
    digest: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    name: str
    kind: str
    size: int


@dataclass(frozen=True)
class Download:
    name: str
    kind: str
    data: bytes


def safe_name(name: str) -> str:
    """A display/download name without paths, drive letters, control characters or quotes; at most 120 characters.

    A long name loses characters from its stem, never its extension.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\\\/]", name)[-1]  # drop any directory part, Windows or POSIX
    name = re.sub(r"^[A-Za-z]:", "", name)
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|*?')
    name = name.strip(" .")
    if len(name) <= MAX_NAME_CHARS:
        return name or "file"
    # Shorten the stem, never the extension: the extension is what check_file matches against the content,
    # so cutting it off would refuse an honest long "....pdf" as the wrong type.
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > MAX_EXTENSION_CHARS:
        return name[:MAX_NAME_CHARS]  # no extension worth keeping (it could not be an allowed one anyway)
    return stem[:MAX_NAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext


def detect_kind(data: bytes) -> str | None:
    """What the bytes are, by their signature; None when not an allowed type."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # legacy Office: DOC or XLS, told apart by the extension
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or re.search(r"<\s*(script|html|svg|iframe)\b", text[:4096], re.I):
        return None
    return "txt"


def check_file(name: str, data: bytes, already: list[PendingFile]) -> PendingFile:
    """Check one picked file against the rules and the files already picked; the error says why."""
    shown = safe_name(name)
    if not data:
        raise ValidationError(FIELD, f"{shown} is empty.")
    digest = hashlib.sha256(data).hexdigest()
    if any(f.digest == digest for f in already):
        raise ValidationError(FIELD, f"{shown} is already attached.")
    if len(already) >= MAX_FILES:
        raise ValidationError(FIELD, f"You can attach at most {MAX_FILES} files.")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(FIELD, f"{shown} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    if sum(f.size for f in already) + len(data) > MAX_TOTAL_BYTES:
        raise ValidationError(FIELD, f"Attachments can be at most {MAX_TOTAL_BYTES // (1024 * 1024)} MB together.")
    ext = shown.rsplit(".", 1)[-1].lower() if "." in shown else ""
    expected = EXTENSIONS.get(ext)
    if expected is None:
        raise ValidationError(FIELD, f"{shown}: only {ALLOWED_TEXT} files can be attached.")
    kind = detect_kind(data)
    if kind == "ole" and expected in ("doc", "xls"):
        kind = expected
    if kind != expected:
        raise ValidationError(FIELD, f"{shown} is not really a {ext.upper()} file, so it cannot be attached.")
    return PendingFile(shown, kind, data, digest)


def _write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


class Attachments:
    def __init__(self, db: Database, keys: KeyRing, audit: AuditLog, clock: Clock, directory: Path):
        self._db = db
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._dir = Path(directory)

    def _path(self, storage_name: str) -> Path:
        return self._dir / storage_name[:2] / storage_name

    def recheck(self, files: list[PendingFile]) -> list[PendingFile]:
        """Run every rule again over the whole set, as the server received it."""
        checked: list[PendingFile] = []
        for f in files:
            checked.append(check_file(f.name, f.data, checked))
        return checked

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
            await asyncio.to_thread(_write_durably, self._path(row.storage_name), sealed)
            ids.append(row.id)
        return ids

    async def for_draft(self, session: AsyncSession, draft_id: str) -> list[PendingFile]:
        """A draft's files, opened, so the compose page can show and send them."""
        rows = (await session.scalars(select(Attachment).where(Attachment.draft_id == draft_id)
                                      .order_by(Attachment.created_at, Attachment.id))).all()
        files = []
        for r in rows:
            sealed = await asyncio.to_thread(self._path(r.storage_name).read_bytes)
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
        paths = [self._path(r.storage_name) for r in rows]
        for r in rows:
            await session.delete(r)
        return paths

    @staticmethod
    async def remove_files(paths: list[Path]) -> None:
        for p in paths:
            await asyncio.to_thread(p.unlink, True)

    async def for_messages(self, session: AsyncSession, message_ids: list[str]) -> dict[str, list[AttachmentInfo]]:
        rows = (await session.scalars(select(Attachment).where(Attachment.message_id.in_(message_ids))
                                      .order_by(Attachment.created_at, Attachment.id))).all()
        result: dict[str, list[AttachmentInfo]] = {}
        for r in rows:
            name = self._keys.open(r.name_enc, table="attachments", row_id=r.id, column="name")
            result.setdefault(r.message_id, []).append(AttachmentInfo(r.id, name, r.kind, r.size))
        return result

    async def download(self, actor: Actor, attachment_id: str) -> Download:
        """The file, for someone who can see its conversation; anyone else gets "not found" (and an audit entry)."""
        from sm_app.messaging.access import visible_threads  # noqa: PLC0415

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
        sealed = await asyncio.to_thread(self._path(row.storage_name).read_bytes)
        data = self._keys.open_bytes(sealed, table="attachments", row_id=row.id, column="content")
        name = self._keys.open(row.name_enc, table="attachments", row_id=row.id, column="name")
        await self._audit.record_alone(actor_id=actor.user_id, action="attachment.read", object_type="attachment",
                                       object_id=row.id)
        return Download(name, row.kind, data)
