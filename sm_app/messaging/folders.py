"""A person's own folders, Trash, and moving threads between them.

Filing is per person: moving a thread to a folder or to Trash changes nothing for the other side.
Trash is restorable and nothing is ever hard-deleted. Folder names are sealed (a name can be
health information); uniqueness per person is checked on a keyed hash of the normalised name.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import Filing, Folder, Thread
from sm_app.identity.accounts import Actor
from sm_app.messaging.access import visible_threads
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError
from sm_app.shared.events import ThreadFiled, UnitOfWork

NAME_MAX = 50
RESERVED = {"inbox", "sent", "drafts", "trash"}


@dataclass(frozen=True)
class FolderInfo:
    id: str
    name: str
    threads: int


class Folders:
    def __init__(self, db: Database, uow: UnitOfWork, keys: KeyRing, audit: AuditLog, clock: Clock):
        self._db = db
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock

    def _token(self, owner_id: str, name: str) -> str:
        normalised = " ".join(name.split()).casefold()
        return hmac.new(self._keys.search_key, f"folder|{owner_id}|{normalised}".encode(), hashlib.sha256).hexdigest()

    def _check_name(self, name: str) -> str:
        name = " ".join((name or "").split())
        if not name:
            raise ValidationError("Folder name", "Folder name is required.")
        if len(name) > NAME_MAX:
            raise ValidationError("Folder name", f"Folder name must be at most {NAME_MAX} characters.")
        if name.casefold() in RESERVED:
            raise ValidationError("Folder name", f"{name} is a built-in folder; choose another name.")
        return name

    def _name(self, folder: Folder) -> str:
        return self._keys.open(folder.name_enc, table="folders", row_id=folder.id, column="name")

    async def _own_folder(self, s: AsyncSession, actor: Actor, folder_id: str) -> Folder:
        folder = await s.get(Folder, folder_id)
        if folder is None or folder.owner_id != actor.user_id:
            raise NotFound("folder")
        return folder

    async def list_folders(self, actor: Actor) -> list[FolderInfo]:
        """The actor's folders by name, each with the number of (not trashed) threads in it."""
        async with self._db.read() as s:
            counts_query, folders_query = _folder_statements()
            counts = dict((await s.execute(counts_query, {"user_id": actor.user_id})).all())
            folders = (await s.scalars(folders_query, {"user_id": actor.user_id})).all()
            infos = [FolderInfo(f.id, self._name(f), counts.get(f.id, 0)) for f in folders]
        return sorted(infos, key=lambda f: f.name.casefold())

    async def create_folder(self, actor: Actor, name: str) -> FolderInfo:
        name = self._check_name(name)
        try:
            async with self._db.write() as s:
                folder = Folder(owner_id=actor.user_id, name_token=self._token(actor.user_id, name),
                                created_at=self._clock.now(), name_enc=b"")
                s.add(folder)
                await s.flush()
                folder.name_enc = self._keys.seal(name, table="folders", row_id=folder.id, column="name")
        except IntegrityError:
            raise ValidationError("Folder name", f"You already have a folder named {name}.") from None
        return FolderInfo(folder.id, name, 0)

    async def rename_folder(self, actor: Actor, folder_id: str, name: str) -> None:
        name = self._check_name(name)
        try:
            async with self._db.write() as s:
                folder = await self._own_folder(s, actor, folder_id)
                folder.name_token = self._token(actor.user_id, name)
                folder.name_enc = self._keys.seal(name, table="folders", row_id=folder.id, column="name")
        except IntegrityError:
            raise ValidationError("Folder name", f"You already have a folder named {name}.") from None

    async def delete_folder(self, actor: Actor, folder_id: str) -> None:
        """Only an empty folder can be deleted; trashed threads that came from it simply forget it."""
        async with self._db.write() as s:
            folder = await self._own_folder(s, actor, folder_id)
            filings = (await s.scalars(select(Filing).where(Filing.folder_id == folder.id))).all()
            if any(f.trashed_at is None for f in filings):
                raise ValidationError("Folder name", "This folder is not empty. Move its conversations first.")
            for f in filings:
                f.folder_id = None
            await s.flush()
            await s.delete(folder)

    async def move_thread(self, actor: Actor, thread_id: str, destination: str) -> None:
        """Move a thread for this actor: "inbox" (out of any folder and Trash), "trash", or one of their folders."""
        async with self._uow() as work:
            s = work.session
            thread = (await s.execute(select(Thread.id).where(Thread.id == thread_id, visible_threads(actor)))
                      ).scalar_one_or_none()
            if thread is None:
                raise NotFound("conversation")
            filing = await s.get(Filing, (actor.user_id, thread_id))
            if filing is None:
                filing = Filing(user_id=actor.user_id, thread_id=thread_id)
                s.add(filing)
            if destination == "inbox":
                filing.folder_id, filing.trashed_at = None, None
            elif destination == "trash":
                filing.trashed_at = self._clock.now()
            elif destination == "restore":
                filing.trashed_at = None  # back where it was: its folder, or the default folders
            else:
                await self._own_folder(s, actor, destination)
                filing.folder_id, filing.trashed_at = destination, None
            await self._audit.record(s, actor_id=actor.user_id, action="thread.move", object_type="thread",
                                     object_id=thread_id, detail=destination if destination in RESERVED | {"restore"}
                                     else "folder")
            work.record(ThreadFiled(thread_id, actor.user_id))


@lru_cache(maxsize=1)
def _folder_statements() -> tuple[Select, Select]:
    """`Folders.list_folders`' two reads, built once: every conversation page's "Move to" asks them."""
    user_id = bindparam("user_id")
    counts = (select(Filing.folder_id, func.count())
              .where(Filing.user_id == user_id, Filing.folder_id.is_not(None), Filing.trashed_at.is_(None))
              .group_by(Filing.folder_id))
    return counts, select(Folder).where(Folder.owner_id == user_id)
