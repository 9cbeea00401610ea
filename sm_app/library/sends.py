"""Articles a care team sends from a conversation: recorded with the message that carries them, listed for the
patient ("Sent to you by your care team") and under the message for both sides, and opened by the patient inside the
app — audited as read, so staff see "Read" as they do for a message.

A send is the patient's information (which article this patient was given), so the article it points to is sealed
with the key ring like a message; the plain columns say only who, which thread and message, and when."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, bindparam, select

from sm_app.adapters.clock import Clock
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import LibraryArticle, LibrarySend, LibraryVersion, TeamMember, Thread, User
from sm_app.identity.accounts import Actor
from sm_app.library.articles import ArticleView, Library, view_of
from sm_app.messaging.access import visible_to
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError
from sm_app.shared.events import ArticlesAttached, EventHandlers, LibraryArticleRead, Work

SEND_OBJECT = "library_send"
SENT_LIST_MAX = 100


@dataclass(frozen=True)
class SentArticle:
    send_id: str
    message_id: str
    thread_id: str
    slug: str
    title: str
    summary: str
    language: str
    sent_by_name: str
    sent_at: datetime
    read_at: datetime | None
    available: bool  # still published (a retired article's card says so instead of linking)


class LibrarySends:
    def __init__(self, db: Database, uow: Callable, keys: KeyRing, audit: AuditLog, clock: Clock, library: Library):
        self._db = db
        self._uow = uow
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._library = library

    def register_handlers(self, handlers: EventHandlers) -> None:
        handlers.in_transaction(ArticlesAttached, self._record_sends)

    async def _record_sends(self, work: Work, e: ArticlesAttached) -> None:
        """In the sending transaction: one send per article, or no message at all when an article is not published
        (retired while the reply was being written)."""
        s = work.session
        thread = await s.get(Thread, e.thread_id)
        for article_id in e.article_ids:
            article = await s.get(LibraryArticle, article_id or "")
            if article is None or not article.published_version_id:
                raise ValidationError("Article", "An attached article is no longer in the library. Remove it and "
                                                 "send again.")
            send = LibrarySend(patient_id=thread.patient_id, thread_id=thread.id, message_id=e.message_id,
                               sent_by_id=e.sender_id, sent_at=e.at, article_enc=b"")
            s.add(send)
            await s.flush()
            send.article_enc = self._seal(send.id, article.id, article.published_version_id)
            await self._audit.record(s, actor_id=e.sender_id, action="library.send", object_type=SEND_OBJECT,
                                     object_id=send.id, detail=f"thread={thread.id} message={e.message_id}")

    def _seal(self, send_id: str, article_id: str, version_id: str) -> bytes:
        return self._keys.seal(json.dumps({"article_id": article_id, "version_id": version_id}),
                               table="library_sends", row_id=send_id, column="article")

    def _opened(self, send: LibrarySend) -> dict:
        return json.loads(self._keys.open(send.article_enc, table="library_sends", row_id=send.id,
                                          column="article"))

    async def _cards(self, s, sends) -> list[SentArticle]:
        out = []
        for send, sender in sends:
            ref = self._opened(send)
            article = await s.get(LibraryArticle, ref["article_id"])
            version = await s.get(LibraryVersion, article.published_version_id or ref["version_id"])
            out.append(SentArticle(send.id, send.message_id, send.thread_id, article.slug, version.title,
                                   version.summary, article.language, sender, send.sent_at, send.read_at,
                                   article.published_version_id is not None))
        return out

    async def sent_to_me(self, actor: Actor) -> tuple[SentArticle, ...]:
        """The articles the patient's care teams sent them, newest first."""
        if not actor.is_patient:
            return ()
        async with self._db.read() as s:
            rows = (await s.execute(
                select(LibrarySend, User.name).join(User, User.id == LibrarySend.sent_by_id)
                .where(LibrarySend.patient_id == actor.user_id).order_by(LibrarySend.sent_at.desc())
                .limit(SENT_LIST_MAX))).all()
            return tuple(await self._cards(s, rows))

    async def in_thread(self, actor: Actor, thread_id: str) -> dict[str, tuple[SentArticle, ...]]:
        """The articles sent in one conversation the actor may see, by the message that carried them."""
        if not (actor.is_patient or actor.is_staff):  # the access rule reaches no conversation for anyone else
            return {}
        async with self._db.read() as s:
            rows = (await s.execute(_sent_in_thread(actor.is_patient),
                                    {"thread_id": thread_id or "", "user_id": actor.user_id})).all()
            cards = await self._cards(s, rows)
        out: dict[str, tuple[SentArticle, ...]] = {}
        for c in cards:
            out[c.message_id] = (*out.get(c.message_id, ()), c)
        return out

    async def open_sent(self, actor: Actor, send_id: str) -> tuple[SentArticle, ArticleView | None]:
        """The patient opens an article their care team sent: the article as published now (None once retired).
        The first opening marks the send read and tells the conversation's open pages; every opening is audited."""
        async with self._uow() as work:
            s = work.session
            row = (await s.execute(
                select(LibrarySend, User.name).join(User, User.id == LibrarySend.sent_by_id)
                .where(LibrarySend.id == (send_id or "")))).first()
            if row is None or not actor.is_patient or row[0].patient_id != actor.user_id:
                await self._audit.record(s, actor_id=actor.user_id, action="library.read", outcome="denied",
                                         object_type=SEND_OBJECT, object_id=(send_id or "")[:32])
                missing = True
            else:
                missing = False
                send = row[0]
                if send.read_at is None:
                    send.read_at = self._clock.now()
                    thread = await s.get(Thread, send.thread_id)
                    staff = (await s.scalars(select(TeamMember.user_id).where(
                        TeamMember.team_id == thread.team_id))).all()
                    work.record(LibraryArticleRead(thread.id, tuple(sorted({*staff, actor.user_id}))))
                await self._audit.record(s, actor_id=actor.user_id, action="library.read", object_type=SEND_OBJECT,
                                         object_id=send.id)
                card = (await self._cards(s, [row]))[0]
                article = await s.get(LibraryArticle, self._opened(send)["article_id"])
                view = None
                if article.published_version_id:
                    version = await s.get(LibraryVersion, article.published_version_id)
                    view = view_of(article, version, self._library.today())
        if missing:  # after the denial's audit entry has committed
            raise NotFound("article")
        return card, view


@lru_cache(maxsize=2)
def _sent_in_thread(for_patient: bool) -> Select:
    """`LibrarySends.in_thread`'s read for a patient or staff reader, built once: a conversation page asks it on every
    load and whenever the care team writes in it."""
    return (select(LibrarySend, User.name).join(User, User.id == LibrarySend.sent_by_id)
            .join(Thread, Thread.id == LibrarySend.thread_id)
            .where(LibrarySend.thread_id == bindparam("thread_id"),
                   visible_to(patient=for_patient, user_id=bindparam("user_id")))
            .order_by(LibrarySend.sent_at))
