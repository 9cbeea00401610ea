"""Reading the library: published articles by keyword, topic and language; one article; the shipped articles loaded
into the database; reviews past due. Anyone signed in reads published articles; only staff see reading levels'
meaning and the review dates, and only editors see anything unpublished (`editorial.py`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import LibraryArticle, LibraryVersion
from sm_app.identity.accounts import Actor
from sm_app.library.content import (
    LANGUAGES,
    article_files,
    fold,
    plain_text,
    read_article_file,
    reading_grade,
    render_html,
)
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound

AUDIT_OBJECT = "library_article"
RESULTS_MAX = 100


@dataclass(frozen=True)
class ArticleSummary:
    id: str  # the article
    slug: str
    language: str
    title: str
    summary: str
    topics: tuple[str, ...]
    grade: float
    next_review_due: date | None
    review_overdue: bool

    @property
    def language_name(self) -> str:
        return LANGUAGES.get(self.language, self.language)


@dataclass(frozen=True)
class ArticleView(ArticleSummary):
    version_id: str
    html: str  # sanitized (content.render_html)
    author_name: str
    reviewer_name: str
    reviewed_on: date | None
    other_language: tuple[str, str] | None  # (slug, language) of its translation or original, when published


def overdue(next_review_due: date | None, today: date) -> bool:
    return next_review_due is not None and next_review_due < today


def summary_of(article: LibraryArticle, v: LibraryVersion, today: date) -> ArticleSummary:
    return ArticleSummary(article.id, article.slug, article.language, v.title, v.summary, tuple(json.loads(v.topics)),
                          v.grade, v.next_review_due, overdue(v.next_review_due, today))


class Library:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock, *, library_dir: Path, tz: str):
        self._db = db
        self._audit = audit
        self._clock = clock
        self._dir = library_dir
        self._tz = ZoneInfo(tz)
        self._loaded = False
        self._folded: dict[str, str] = {}  # version id -> folded title, summary and text (versions never change)

    def today(self) -> date:
        return self._clock.now().astimezone(self._tz).date()

    async def ensure_shipped(self) -> int:
        """Load the articles in data/library/ that the database does not have yet, as published with the reviewer and
        dates their files name. Idempotent: an article already there (by slug) is the clinic's and is left alone.
        Returns how many were added."""
        if self._loaded:
            return 0
        files = [read_article_file(p) for p in article_files(self._dir)]
        added = 0
        async with self._db.write() as s:
            have = set((await s.scalars(select(LibraryArticle.slug))).all())
            now = self._clock.now()
            for f in files:
                if f.slug in have:
                    continue
                article = LibraryArticle(slug=f.slug, language=f.language, translation_of=f.translation_of,
                                         shipped=True, created_at=now)
                s.add(article)
                await s.flush()
                version = LibraryVersion(article_id=article.id, number=1, state="published", title=f.title,
                                         summary=f.summary, body=f.body, topics=json.dumps(list(f.topics)),
                                         grade=reading_grade(f.body, f.language), author_name=f.author,
                                         contributor_ids="", reviewer_name=f.reviewer, reviewed_on=f.reviewed_on,
                                         next_review_due=f.next_review_due, created_at=now, changed_at=now)
                s.add(version)
                await s.flush()
                article.published_version_id = version.id
                added += 1
            if added:
                await self._audit.record(s, actor_id=None, action="library.load_shipped", object_type=AUDIT_OBJECT,
                                         detail=f"added={added}")
        self._loaded = True
        return added

    async def _published(self, s, *, language: str = ""):
        q = (select(LibraryArticle, LibraryVersion)
             .join(LibraryVersion, LibraryVersion.id == LibraryArticle.published_version_id))
        if language:
            q = q.where(LibraryArticle.language == language)
        return (await s.execute(q.order_by(LibraryVersion.title))).all()

    def _folded_text(self, v: LibraryVersion) -> str:
        if v.id not in self._folded:
            self._folded[v.id] = fold(f"{v.title}\n{v.summary}\n{' '.join(json.loads(v.topics))}\n{plain_text(v.body)}")
        return self._folded[v.id]

    async def search(self, actor: Actor, query: str = "", *, topic: str = "", language: str = ""
                     ) -> tuple[ArticleSummary, ...]:
        """Published articles whose title, summary, topics or text hold every word of `query` (accents and case
        ignored), with `topic` among their topics and in `language` when given; by title."""
        await self.ensure_shipped()
        words = fold(query or "").split()
        topic = (topic or "").strip().lower()
        today = self.today()
        async with self._db.read() as s:
            rows = await self._published(s, language=language if language in LANGUAGES else "")
            out = []
            for article, v in rows:
                if topic and topic not in json.loads(v.topics):
                    continue
                if words and not all(w in self._folded_text(v) for w in words):
                    continue
                out.append(summary_of(article, v, today))
        return tuple(out[:RESULTS_MAX])

    async def topics(self, actor: Actor) -> tuple[str, ...]:
        """Every topic of a published article, alphabetically."""
        await self.ensure_shipped()
        async with self._db.read() as s:
            rows = await self._published(s)
        return tuple(sorted({t for _, v in rows for t in json.loads(v.topics)}))

    async def article(self, actor: Actor, slug: str) -> ArticleView:
        """One published article. A draft, a retired article and a slug that does not exist are all "not found"."""
        await self.ensure_shipped()
        async with self._db.read() as s:
            row = (await s.execute(
                select(LibraryArticle, LibraryVersion)
                .join(LibraryVersion, LibraryVersion.id == LibraryArticle.published_version_id)
                .where(LibraryArticle.slug == (slug or "")))).first()
            if row is None:
                raise NotFound("article")
            article, v = row
            other = await self._other_language(s, article)
        return view_of(article, v, self.today(), other)

    async def _other_language(self, s, article: LibraryArticle) -> tuple[str, str] | None:
        q = select(LibraryArticle.slug, LibraryArticle.language).where(LibraryArticle.published_version_id.is_not(None))
        if article.translation_of:
            q = q.where(LibraryArticle.slug == article.translation_of)
        else:
            q = q.where(LibraryArticle.translation_of == article.slug)
        row = (await s.execute(q.limit(1))).first()
        return (row[0], row[1]) if row else None

    async def reviews_due(self, actor: Actor) -> tuple[ArticleSummary, ...]:
        """Published articles whose next review date has passed, oldest first (staff and the clinic admin)."""
        if not (actor.is_staff or actor.role == "admin"):
            raise NotFound("article")
        await self.ensure_shipped()
        today = self.today()
        async with self._db.read() as s:
            rows = await self._published(s)
        due = [summary_of(a, v, today) for a, v in rows if overdue(v.next_review_due, today)]
        return tuple(sorted(due, key=lambda a: (a.next_review_due, a.title)))


def view_of(article: LibraryArticle, v: LibraryVersion, today: date, other: tuple[str, str] | None = None
            ) -> ArticleView:
    return ArticleView(article.id, article.slug, article.language, v.title, v.summary, tuple(json.loads(v.topics)),
                       v.grade, v.next_review_due, overdue(v.next_review_due, today), v.id, render_html(v.body),
                       v.author_name, v.reviewer_name or "", v.reviewed_on, other)
