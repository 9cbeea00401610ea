"""Unsent messages, saved by hand or automatically while the patient types.

A draft belongs to its author alone: every method checks ownership, and another person's draft id
answers like a missing one. Subject and body are sealed like sent messages.

Each save adds one to the draft's version. A page saves with the version it last read or wrote, so two tabs on one
draft cannot overwrite each other silently: the stale save is refused (`DraftChanged`) and the page keeps its text
(and can keep it as a new draft).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, Draft
from sm_app.identity.accounts import Actor, team_name_for
from sm_app.messaging.attachment_files import AttachmentStore
from sm_app.messaging.attachments import PendingFile, recheck
from sm_app.messaging.threads import BODY_MAX, CATEGORIES, SUBJECT_MAX
from sm_app.shared.errors import NotFound, ServiceError, ValidationError


class DraftChanged(ServiceError):
    """The draft was saved from another tab or window since this page read it; nothing was overwritten."""

    def __init__(self):
        super().__init__("This draft was changed in another tab or window.")


@dataclass(frozen=True)
class DraftSummary:
    id: str
    subject: str
    team_name: str
    updated_at: datetime


@dataclass(frozen=True)
class DraftView:
    id: str
    team_id: str | None
    category: str | None
    subject: str
    body: str
    updated_at: datetime
    files: tuple[PendingFile, ...] = ()
    version: int = 1


class Drafts:
    def __init__(self, db: Database, keys: KeyRing, clock: Clock, attachments: AttachmentStore):
        self._db = db
        self._keys = keys
        self._clock = clock
        self._attachments = attachments

    def _seal(self, draft: Draft, column: str, text: str) -> bytes | None:
        return self._keys.seal(text, table="drafts", row_id=draft.id, column=column) if text else None

    def _open(self, draft: Draft, column: str) -> str:
        blob = getattr(draft, f"{column}_enc")
        return self._keys.open(blob, table="drafts", row_id=draft.id, column=column) if blob else ""

    async def _own(self, s, actor: Actor, draft_id: str) -> Draft:
        draft = await s.get(Draft, draft_id) if draft_id else None
        if draft is None or draft.owner_id != actor.user_id:
            raise NotFound("draft")
        return draft

    async def save(self, actor: Actor, draft_id: str | None, *, team_id: str | None, category: str | None,
                   subject: str, body: str, files: list[PendingFile] | None = None, version: int | None = None,
                   at_sign_out: bool = False) -> DraftView:
        """Create or update a draft, its attached files included (None leaves the files as they are).
        Limits are the same as for sending; empty fields are fine in a draft.

        `version` is the version the page last read or saved: if the draft has been saved since (another tab),
        raises DraftChanged and changes nothing. `at_sign_out` marks text kept because the session ended, so the
        person is told after signing in again; any later save clears the mark."""
        files = recheck(files) if files else ([] if files is not None else None)
        subject, body = subject or "", body or ""
        if len(subject) > SUBJECT_MAX:
            raise ValidationError("Subject", f"Subject must be at most {SUBJECT_MAX} characters.")
        if len(body) > BODY_MAX:
            raise ValidationError("Message", f"Message must be at most {BODY_MAX:,} characters.")
        if category not in (None, "", *CATEGORIES):
            raise ValidationError("Category", "Choose a category.")
        now = self._clock.now()
        async with self._db.write() as s:
            if draft_id:
                draft = await self._own(s, actor, draft_id)
                if version is not None and draft.version != version:
                    raise DraftChanged()
                draft.version += 1
            else:
                draft = Draft(owner_id=actor.user_id, created_at=now, updated_at=now, version=1)
                s.add(draft)
                await s.flush()
            draft.kept_at_sign_out = now if at_sign_out else None
            # A team id is only kept if it is a real team; sending re-checks the patient may write to it.
            draft.team_id = team_id if team_id and await s.get(CareTeam, team_id) else None
            draft.category = category or None
            draft.subject_enc = self._seal(draft, "subject", subject)
            draft.body_enc = self._seal(draft, "body", body)
            draft.updated_at = now
            stale: list = []
            # Files are rewritten only when the set changed, not on every keystroke's autosave.
            if files is not None and [f.digest for f in files] != await self._attachments.draft_digests(s, draft.id):
                stale = await self._attachments.drop_for_draft(s, draft.id)
                await self._attachments.store(s, files, draft_id=draft.id)
        await self._attachments.remove_files(stale)
        return DraftView(draft.id, draft.team_id, draft.category, subject, body, now, tuple(files or ()),
                         draft.version)

    async def get(self, actor: Actor, draft_id: str) -> DraftView:
        async with self._db.read() as s:
            d = await self._own(s, actor, draft_id)
            files = await self._attachments.for_draft(s, d.id)
            return DraftView(d.id, d.team_id, d.category, self._open(d, "subject"), self._open(d, "body"),
                             as_utc(d.updated_at), tuple(files), d.version)

    async def list_drafts(self, actor: Actor) -> list[DraftSummary]:
        """The actor's drafts, most recently saved first."""
        async with self._db.read() as s:
            rows = (await s.execute(
                select(Draft, team_name_for(actor)).outerjoin(CareTeam, CareTeam.id == Draft.team_id)
                .where(Draft.owner_id == actor.user_id).order_by(Draft.updated_at.desc(), Draft.id)
            )).all()
            return [DraftSummary(d.id, self._open(d, "subject"), team or "", as_utc(d.updated_at)) for d, team in rows]

    async def count(self, actor: Actor) -> int:
        async with self._db.read() as s:
            return (await s.execute(select(func.count()).select_from(Draft).where(Draft.owner_id == actor.user_id))
                    ).scalar_one()

    async def kept_at_sign_out(self, actor: Actor) -> int:
        """How many drafts hold text kept when a session of this person ended, not looked at since."""
        async with self._db.read() as s:
            return (await s.execute(select(func.count()).select_from(Draft).where(
                Draft.owner_id == actor.user_id, Draft.kept_at_sign_out.is_not(None)))).scalar_one()

    async def dismiss_kept_notice(self, actor: Actor) -> None:
        """The person has been told about the drafts kept at sign-out (they dismissed the notice)."""
        async with self._db.write() as s:
            await s.execute(update(Draft).where(Draft.owner_id == actor.user_id, Draft.kept_at_sign_out.is_not(None))
                            .values(kept_at_sign_out=None))

    async def delete(self, actor: Actor, draft_id: str) -> None:
        async with self._db.write() as s:
            draft = await self._own(s, actor, draft_id)
            stale = await self._attachments.drop_for_draft(s, draft.id)
            await s.flush()
            await s.delete(draft)
        await self._attachments.remove_files(stale)
