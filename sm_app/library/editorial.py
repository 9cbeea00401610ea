"""The review workflow: draft -> in review -> published -> retired, one version at a time.

Editors (clinical staff — nurse, pharmacist, provider — and the clinic admin) write and change drafts and send them
for review. Reviewers are clinical staff only, and never someone who wrote or changed the version under review. A
change to a published article is a new version: the published one stays what patients read until the new one is
published, then becomes "superseded". Every transition is audited with ids only."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import LibraryArticle, LibraryVersion
from sm_app.identity.accounts import Actor
from sm_app.library.articles import AUDIT_OBJECT, Library, overdue
from sm_app.library.content import (
    BODY_MAX,
    LANGUAGES,
    MAX_GRADE,
    SUMMARY_MAX,
    TITLE_MAX,
    clean_topics,
    reading_grade,
    render_html,
    slugify,
)
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

EDITOR_ROLES = ("nurse", "pharmacist", "provider", "admin")
REVIEWER_ROLES = ("nurse", "pharmacist", "provider")
STATES = {"draft": "Draft", "in_review": "In review", "published": "Published", "retired": "Retired",
          "superseded": "Superseded"}
REVIEW_EVERY = timedelta(days=365)
_OF_ARTICLE = LibraryVersion.article_id == LibraryArticle.id


@dataclass(frozen=True)
class VersionInfo:
    id: str
    article_id: str
    slug: str
    language: str
    number: int
    state: str
    title: str
    summary: str
    body: str
    html: str
    topics: tuple[str, ...]
    grade: float
    author_name: str
    reviewer_name: str
    reviewed_on: date | None
    next_review_due: date | None
    review_overdue: bool
    changed_at: datetime
    is_live: bool  # the version patients read now
    contributor_ids: tuple[str, ...]

    @property
    def state_name(self) -> str:
        return STATES[self.state]


def may_edit(actor: Actor) -> bool:
    return actor.role in EDITOR_ROLES


def may_review(actor: Actor) -> bool:
    return actor.role in REVIEWER_ROLES


class Editorial:
    def __init__(self, db: Database, uow: Callable, audit: AuditLog, clock: Clock, library: Library):
        self._db = db
        self._uow = uow
        self._audit = audit
        self._clock = clock
        self._library = library

    def _check_editor(self, actor: Actor) -> None:
        if not may_edit(actor):
            raise NotFound("article")  # the workflow does not exist for anybody else

    def _info(self, article: LibraryArticle, v: LibraryVersion) -> VersionInfo:
        return VersionInfo(v.id, article.id, article.slug, article.language, v.number, v.state, v.title, v.summary,
                           v.body, render_html(v.body), tuple(json.loads(v.topics)), v.grade, v.author_name,
                           v.reviewer_name or "", v.reviewed_on, v.next_review_due,
                           v.state == "published" and overdue(v.next_review_due, self._library.today()), v.changed_at,
                           article.published_version_id == v.id, tuple(v.contributor_ids.split()))

    async def _audit_change(self, s, actor: Actor, action: str, article_id: str, version_id: str) -> None:
        await self._audit.record(s, actor_id=actor.user_id, action=f"library.{action}", object_type=AUDIT_OBJECT,
                                 object_id=article_id, detail=f"version={version_id}")

    async def list_by_state(self, actor: Actor, state: str) -> tuple[VersionInfo, ...]:
        """Versions in one state (draft, in_review, published, retired), by title."""
        self._check_editor(actor)
        if state not in STATES:
            raise ValidationError("State", "Choose a state.")
        await self._library.ensure_shipped()
        async with self._db.read() as s:
            rows = (await s.execute(
                select(LibraryArticle, LibraryVersion).join(LibraryVersion, _OF_ARTICLE)
                .where(LibraryVersion.state == state).order_by(LibraryVersion.title))).all()
            return tuple(self._info(a, v) for a, v in rows)

    async def versions(self, actor: Actor, article_id: str) -> tuple[VersionInfo, ...]:
        """Every version of one article, newest first."""
        self._check_editor(actor)
        async with self._db.read() as s:
            rows = (await s.execute(
                select(LibraryArticle, LibraryVersion).join(LibraryVersion, _OF_ARTICLE)
                .where(LibraryArticle.id == (article_id or "")).order_by(LibraryVersion.number.desc()))).all()
            if not rows:
                raise NotFound("article")
            return tuple(self._info(a, v) for a, v in rows)

    @staticmethod
    def _checked(title: str, summary: str, body: str, topics) -> tuple[str, str, str, tuple[str, ...]]:
        title, summary, body = (title or "").strip(), (summary or "").strip(), (body or "").strip()
        if not title or len(title) > TITLE_MAX:
            raise ValidationError("Title", f"Title must be 1 to {TITLE_MAX} characters.")
        if not summary or len(summary) > SUMMARY_MAX:
            raise ValidationError("Summary", f"Summary must be 1 to {SUMMARY_MAX} characters.")
        if not body or len(body) > BODY_MAX:
            raise ValidationError("Text", f"Text must be 1 to {BODY_MAX:,} characters.")
        try:
            cleaned = clean_topics(topics)
        except ValueError as exc:
            raise ValidationError("Topics", str(exc)) from None
        if not cleaned:
            raise ValidationError("Topics", "Give at least one topic, such as: heart, blood pressure.")
        return title, summary, body, cleaned

    async def create(self, actor: Actor, *, language: str, title: str, summary: str, body: str, topics,
                     translation_of: str = "") -> VersionInfo:
        """A new article as a draft written by `actor`."""
        self._check_editor(actor)
        if language not in LANGUAGES:
            raise ValidationError("Language", "Choose English or Español.")
        title, summary, body, cleaned = self._checked(title, summary, body, topics)
        await self._library.ensure_shipped()  # a shipped article keeps its slug
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            base = slugify(title)
            slug, n = base, 1
            while (await s.scalar(select(LibraryArticle.id).where(LibraryArticle.slug == slug))) is not None:
                n += 1
                slug = f"{base}-{n}"
            article = LibraryArticle(slug=slug, language=language, translation_of=(translation_of or None),
                                     shipped=False, created_at=now)
            s.add(article)
            await s.flush()
            v = self._new_version(article, 1, actor, title, summary, body, cleaned, now)
            s.add(v)
            await s.flush()
            await self._audit_change(s, actor, "create", article.id, v.id)
            return self._info(article, v)

    def _new_version(self, article, number, actor, title, summary, body, topics, now) -> LibraryVersion:
        return LibraryVersion(article_id=article.id, number=number, state="draft", title=title, summary=summary,
                              body=body, topics=json.dumps(list(topics)), grade=reading_grade(body, article.language),
                              author_name=actor.name, contributor_ids=actor.user_id, created_at=now, changed_at=now)

    async def edit(self, actor: Actor, article_id: str, *, title: str, summary: str, body: str, topics
                   ) -> VersionInfo:
        """Change an article. Its draft changes in place; with no draft (published or retired), a new draft version
        is made from the text given, and the published version stays what patients read until that one is
        published. A version in review is not changed: return it to draft first."""
        self._check_editor(actor)
        title, summary, body, cleaned = self._checked(title, summary, body, topics)
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            article = await s.get(LibraryArticle, article_id or "")
            if article is None:
                raise NotFound("article")
            newest = (await s.scalars(select(LibraryVersion).where(LibraryVersion.article_id == article.id)
                                      .order_by(LibraryVersion.number.desc()).limit(1))).one()
            if newest.state == "in_review":
                raise ValidationError("Text", "This version is in review. Return it to draft before changing it.")
            if newest.state == "draft":
                v = newest
                v.title, v.summary, v.body, v.topics = title, summary, body, json.dumps(list(cleaned))
                v.grade, v.changed_at = reading_grade(body, article.language), now
                if actor.user_id not in v.contributor_ids.split():
                    v.contributor_ids = f"{v.contributor_ids} {actor.user_id}".strip()
            else:
                v = self._new_version(article, newest.number + 1, actor, title, summary, body, cleaned, now)
                s.add(v)
                await s.flush()
            await self._audit_change(s, actor, "edit", article.id, v.id)
            return self._info(article, v)

    async def _version(self, s, version_id: str) -> tuple[LibraryArticle, LibraryVersion]:
        v = await s.get(LibraryVersion, version_id or "")
        if v is None:
            raise NotFound("article")
        return await s.get(LibraryArticle, v.article_id), v

    async def submit(self, actor: Actor, version_id: str) -> VersionInfo:
        """A draft goes to review."""
        self._check_editor(actor)
        async with self._uow() as work:
            article, v = await self._version(work.session, version_id)
            if v.state != "draft":
                raise ValidationError("State", "Only a draft can be sent for review.")
            v.state, v.changed_at = "in_review", self._clock.now()
            await self._audit_change(work.session, actor, "submit", article.id, v.id)
            return self._info(article, v)

    async def return_to_draft(self, actor: Actor, version_id: str) -> VersionInfo:
        """A version in review goes back to draft (the reviewer asks for changes, or a writer wants to change it)."""
        self._check_editor(actor)
        async with self._uow() as work:
            article, v = await self._version(work.session, version_id)
            if v.state != "in_review":
                raise ValidationError("State", "Only a version in review can go back to draft.")
            v.state, v.changed_at = "draft", self._clock.now()
            await self._audit_change(work.session, actor, "return", article.id, v.id)
            return self._info(article, v)

    async def publish(self, actor: Actor, version_id: str) -> VersionInfo:
        """The reviewer publishes a version in review: patients read it from now on; the version they read before
        is superseded. The reviewer must be clinical staff who did not write or change this version, and the text
        must read at grade 8 or below. The next review falls due a year from today."""
        if not may_review(actor):
            raise NotAllowed("Only a nurse, pharmacist or provider can review and publish.")
        async with self._uow() as work:
            s = work.session
            article, v = await self._version(s, version_id)
            if v.state != "in_review":
                raise ValidationError("State", "Only a version in review can be published.")
            if actor.user_id in v.contributor_ids.split():
                await self._audit.record(s, actor_id=actor.user_id, action="library.publish", outcome="denied",
                                         object_type=AUDIT_OBJECT, object_id=article.id, detail=f"version={v.id}")
                refused = True
            else:
                refused = False
                if v.grade > MAX_GRADE:
                    raise ValidationError("Text", f"This text reads at grade {v.grade:.1f}; publish at grade "
                                                  f"{MAX_GRADE:.0f} or below. Shorter sentences and words help.")
                if article.published_version_id:
                    old = await s.get(LibraryVersion, article.published_version_id)
                    old.state, old.changed_at = "superseded", self._clock.now()
                today = self._library.today()
                v.state, v.changed_at = "published", self._clock.now()
                v.reviewer_id, v.reviewer_name = actor.user_id, actor.name
                v.reviewed_on, v.next_review_due = today, today + REVIEW_EVERY
                article.published_version_id = v.id
                await self._audit_change(s, actor, "publish", article.id, v.id)
                info = self._info(article, v)
        if refused:  # after the denial's audit entry has committed
            raise NotAllowed("You wrote or changed this version; another reviewer must review it.")
        return info

    async def retire(self, actor: Actor, article_id: str) -> VersionInfo:
        """Take a published article out of the library: patients no longer find or open it."""
        if not (may_review(actor) or actor.role == "admin"):
            raise NotAllowed("Only clinical reviewers or the clinic admin can retire an article.")
        async with self._uow() as work:
            s = work.session
            article = await s.get(LibraryArticle, article_id or "")
            if article is None:
                raise NotFound("article")
            if not article.published_version_id:
                raise ValidationError("State", "Only a published article can be retired.")
            v = await s.get(LibraryVersion, article.published_version_id)
            v.state, v.changed_at = "retired", self._clock.now()
            article.published_version_id = None
            await self._audit_change(s, actor, "retire", article.id, v.id)
            return self._info(article, v)
