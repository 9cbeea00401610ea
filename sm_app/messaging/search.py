"""Search over sealed subjects and bodies, through a keyed-hash token index.

Subjects and bodies are encrypted, so the database cannot look inside them. When a message is
sent, every word of it (and every prefix of three letters or more) is normalised and turned into
HMAC(search key, term); the `search_terms` table keeps (token, thread id) pairs and no plaintext.
A query word is turned into a token the same way and looked up. Prefixes make "physio" find
"physiotherapy"; a word of one or two letters only finds that exact word.

Every query is combined with `messaging.visible_threads`, so a search never shows or counts a
thread the actor cannot open. Snippets are decrypted only for the page of threads returned.
The audit entry records that a search happened and how many threads it found, never the words.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database, insert_ignoring_duplicates
from sm_app.adapters.models import CareTeam, Message, SearchTerm, Thread, User
from sm_app.identity.accounts import Actor, team_name_for
from sm_app.messaging.access import visible_threads
from sm_app.messaging.mailbox import PAGE_SIZES
from sm_app.messaging.threads import CATEGORIES
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import ValidationError
from sm_app.shared.events import EventHandlers, MessageSent, Work

WORD_MAX = 30  # longer words are indexed (and looked up) by their first 30 characters
PREFIX_MIN = 3
KEYWORD_MAX = 200
KEYWORD_WORDS_MAX = 10
SNIPPET_CHARS = 120
DATE_RANGES = {"any": "Any time", "3m": "Last 3 months", "6m": "Last 6 months", "12m": "Last 12 months",
               "custom": "Custom"}
_MONTHS = {"3m": 3, "6m": 6, "12m": 12}
# A word: letters and digits (so "a1c" and "150" are words), with any combining accents that follow.
_WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])*")
_REINDEX_BATCH = 200
_LOOKUP_BATCH = 2000  # tokens per lookup, far below SQLite's and PostgreSQL's limits on bound parameters
_TERMS = SearchTerm.__table__
_KNOWN = select(_TERMS.c.token).where(_TERMS.c.thread_id == bindparam("thread_id"),
                                      _TERMS.c.token.in_(bindparam("tokens", expanding=True)))


# -- terms and tokens -------------------------------------------------------------------------------
def _fold(word: str) -> str:
    """NFKC, casefold and strip accents: "Café", "CAFE" and "café" are one term."""
    if word.isascii():
        return word.lower()  # the same result, without three Unicode normalisations
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", word).casefold())
    return unicodedata.normalize("NFC", "".join(c for c in folded if not unicodedata.combining(c)))


def _folded_words(word: str) -> list[str]:
    # NFKC can turn one written word into several (e.g. "½" becomes "1⁄2"), so split again after folding.
    return [w[:WORD_MAX] for w in _WORD.findall(_fold(word))]


def words(text: str) -> list[str]:
    """The normalised words of a text, in order (each at most WORD_MAX characters)."""
    return [w for m in _WORD.finditer(text or "") for w in _folded_words(m.group())]


def terms_for(text: str) -> set[str]:
    """What gets indexed: every word, and every prefix of it that has at least PREFIX_MIN characters."""
    terms: set[str] = set()
    for w in set(words(text)):
        terms.add(w)
        terms.update(w[:n] for n in range(PREFIX_MIN, len(w)))
    return terms


def token(key: bytes, term: str) -> str:
    """The keyed hash stored for one term: without the key, nobody can test a guess against it."""
    return hmac.new(key, f"w|{term}".encode(), hashlib.sha256).hexdigest()[:32]


def tokens_for(text: str, key: bytes) -> set[str]:
    """Tokens of every word and word prefix of `text` under the search key (the same values as `token`)."""
    # Copying a keyed HMAC skips the key set-up per term: a long message has thousands of terms.
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    tokens = set()
    for term in terms_for(text):
        h = keyed.copy()
        h.update(f"w|{term}".encode())
        tokens.add(h.hexdigest()[:32])
    return tokens


def _matches(word: str, terms: list[str]) -> bool:
    """Whether a normalised word is found by one of the query terms (the index's rule, in memory)."""
    return any(word == t or (len(t) >= PREFIX_MIN and word.startswith(t)) for t in terms)


def register_handlers(handlers: EventHandlers, keys: KeyRing) -> None:
    """Every message's words join its thread's index in the sending transaction (a message is found once sent)."""

    async def message_sent(work: Work, e: MessageSent) -> None:
        await _index_thread(work.session, keys, e.thread_id, list(e.words))

    handlers.in_transaction(MessageSent, message_sent)


async def _index_thread(session: AsyncSession, keys: KeyRing, thread_id: str, texts: list[str]) -> None:
    """Add the tokens of `texts` to a thread's index inside the caller's transaction (idempotent)."""
    wanted = set().union(*(tokens_for(t, keys.search_key) for t in texts)) if texts else set()
    if not wanted:
        return
    # Only the wanted tokens are looked up (through the key on token and thread), not the thread's whole index: a
    # send costs the same in a long conversation as in a new one.
    ordered = sorted(wanted)
    have = set()
    for start in range(0, len(ordered), _LOOKUP_BATCH):
        have.update((await session.scalars(_KNOWN, {"thread_id": thread_id,
                                                    "tokens": ordered[start:start + _LOOKUP_BATCH]})).all())
    missing = wanted - have
    if not missing:
        return
    rows = [{"token": t, "thread_id": thread_id} for t in sorted(missing)]
    # Ignore a pair another transaction added in between (two replies at once on PostgreSQL).
    # A Core insert: executemany, without the ORM's bulk bookkeeping.
    await session.execute(insert_ignoring_duplicates(session, SearchTerm.__table__), rows)


# -- results ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SnippetPart:
    text: str
    hit: bool


@dataclass(frozen=True)
class SearchHit:
    """A thread found by a search: what a thread list shows, plus a snippet with the matched words marked."""

    id: str
    subject: str
    team_name: str
    patient_name: str
    category: str
    status: str
    last_message_at: datetime
    unread: bool
    snippet: tuple[SnippetPart, ...]
    urgent: bool = False  # shown to staff only, as in their worklist


@dataclass(frozen=True)
class SearchResult:
    items: list[SearchHit]
    total: int
    page: int
    page_size: int
    terms: list[str]  # the normalised query words, for the page to echo back
    pages: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "pages", max(1, -(-self.total // self.page_size)))


def snippet(text: str, terms: list[str], width: int = SNIPPET_CHARS) -> tuple[SnippetPart, ...]:
    """About `width` characters of `text` around the first matched word, split into plain and matched parts."""
    text = " ".join((text or "").split())
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)
             if terms and any(_matches(w, terms) for w in _folded_words(m.group()))]
    start = 0
    if spans and spans[0][1] > width:
        start = max(0, spans[0][0] - width // 3)
        # Start on a word boundary, never in the middle of a word.
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    parts: list[SnippetPart] = []
    if start > 0:
        parts.append(SnippetPart("… ", False))
    pos = start
    for a, b in spans:
        if a < start or b > end:
            continue
        if a > pos:
            parts.append(SnippetPart(text[pos:a], False))
        parts.append(SnippetPart(text[a:b], True))
        pos = b
    if pos < end:
        parts.append(SnippetPart(text[pos:end], False))
    if end < len(text):
        parts.append(SnippetPart(" …", False))
    return tuple(parts)


def _months_back(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Search:
    def __init__(self, db: Database, keys: KeyRing, audit: AuditLog, clock: Clock, *, tz: str = "UTC"):
        self._db = db
        self._keys = keys
        self._audit = audit
        self._clock = clock
        # Date filters mean calendar days in the clinic's time zone (what the person sees on screen).
        self._tz = ZoneInfo(tz)

    def _local_midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self._tz).astimezone(UTC)

    def _date_bounds(self, date_range: str, start: date | None, end: date | None) -> tuple[datetime | None,
                                                                                          datetime | None]:
        """[from, until) in UTC for a date-range choice; custom end dates are inclusive."""
        if date_range not in DATE_RANGES:
            raise ValidationError("Date range", "Choose a date range.")
        if date_range == "any":
            return None, None
        if date_range in _MONTHS:
            today = self._clock.now().astimezone(self._tz).date()
            return self._local_midnight(_months_back(today, _MONTHS[date_range])), None
        if start is None and end is None:
            raise ValidationError("Start date", "Enter a start date, an end date or both for a custom range.")
        if start is not None and end is not None and start > end:
            raise ValidationError("Start date", f"Start date must be on or before the end date ({end:%b %d, %Y}).")
        since = self._local_midnight(start) if start else None
        until = self._local_midnight(end + timedelta(days=1)) if end else None
        return since, until

    @staticmethod
    def _query_terms(keyword: str) -> list[str]:
        keyword = keyword or ""
        if len(keyword) > KEYWORD_MAX:
            raise ValidationError("Keyword", f"Keyword must be at most {KEYWORD_MAX} characters.")
        terms = list(dict.fromkeys(words(keyword)))
        if len(terms) > KEYWORD_WORDS_MAX:
            raise ValidationError("Keyword", f"Search for at most {KEYWORD_WORDS_MAX} words at a time.")
        return terms

    async def search(self, actor: Actor, *, keyword: str = "", category: str | None = None, date_range: str = "any",
                     start: date | None = None, end: date | None = None, page: int = 1,
                     page_size: int = 10) -> SearchResult:
        """Threads the actor can see whose subject, messages or care team name contain every keyword word,
        filtered by category and by the date of the last message; newest first, one page at a time.

        Date ranges are calendar days in the clinic time zone; a custom range includes its end date.
        """
        terms = self._query_terms(keyword)
        if category and category not in CATEGORIES:
            raise ValidationError("Category", "Choose a category.")
        if page_size not in PAGE_SIZES:
            raise ValidationError("Per page", f"Per page must be one of {', '.join(map(str, PAGE_SIZES))}.")
        since, until = self._date_bounds(date_range, start, end)
        page = max(1, int(page))

        conditions = [visible_threads(actor)]
        if category:
            conditions.append(Thread.category == category)
        if since is not None:
            conditions.append(Thread.last_message_at >= since)
        if until is not None:
            conditions.append(Thread.last_message_at < until)
        side = "team" if actor.is_patient else "patient"
        unread = exists().where(Message.thread_id == Thread.id, Message.from_side == side,
                                Message.read_at.is_(None)).label("unread")

        async with self._db.read() as s:
            if terms:
                # Care team names are not secret and there are few teams: match them in memory with the
                # same word rule as the index, so accents and case behave the same everywhere.
                teams = (await s.execute(select(CareTeam.id, team_name_for(actor)))).all()
                team_words = {t.id: words(t.name) for t in teams}
                key = self._keys.search_key
                for term in terms:
                    in_text = Thread.id.in_(select(SearchTerm.thread_id).where(SearchTerm.token == token(key, term)))
                    named = [tid for tid, ws in team_words.items() if any(_matches(w, [term]) for w in ws)]
                    conditions.append(or_(in_text, Thread.team_id.in_(named)) if named else in_text)
            # One pass over the matches gives both the page of ids and the total (a window count): a common word
            # matches most of a team's threads, and scanning them twice (count, then page) is what costs.
            page_rows = (await s.execute(
                select(Thread.id, func.count().over().label("total"))
                .where(and_(*conditions))
                .order_by(Thread.last_message_at.desc(), Thread.id)
                .offset((page - 1) * page_size).limit(page_size)
            )).all()
            ids = [r.id for r in page_rows]
            if page_rows:
                total = page_rows[0].total
            elif page == 1:
                total = 0
            else:  # past the last page: the window saw no rows, so count on its own
                total = (await s.execute(select(func.count()).select_from(Thread).where(and_(*conditions))
                                         )).scalar_one()
            details = {}
            if ids:
                details = {r.id: r for r in (await s.execute(
                    select(Thread.id, Thread.subject_enc, Thread.category, Thread.status, Thread.last_message_at,
                           Thread.urgent, team_name_for(actor).label("team_name"), User.name.label("patient_name"),
                           unread)
                    .join(CareTeam, CareTeam.id == Thread.team_id)
                    .join(User, User.id == Thread.patient_id)
                    .where(Thread.id.in_(ids))
                )).all()}
            rows = [details[i] for i in ids]
            bodies: dict[str, list[tuple[str, bytes]]] = {i: [] for i in ids}
            if ids:
                for m in (await s.execute(
                    select(Message.id, Message.thread_id, Message.body_enc)
                    .where(Message.thread_id.in_(ids))
                    .order_by(Message.created_at.desc(), Message.id)
                )).all():
                    bodies[m.thread_id].append((m.id, m.body_enc))
        # Its own transaction, after the read: the words searched for are health information and stay out.
        await self._audit.record_alone(actor_id=actor.user_id, action="search", detail=f"results={total}")

        items = []
        for r in rows:
            subject = self._keys.open(r.subject_enc, table="threads", row_id=r.id, column="subject")
            items.append(SearchHit(r.id, subject, r.team_name, r.patient_name, r.category, r.status,
                                   as_utc(r.last_message_at), bool(r.unread),
                                   self._snippet(bodies[r.id], terms), urgent=bool(r.urgent) and actor.is_staff))
        return SearchResult(items, total, page, page_size, terms)

    def _snippet(self, messages: list[tuple[str, bytes]], terms: list[str]) -> tuple[SnippetPart, ...]:
        """From the newest message that contains a query word (or the newest message when none does)."""
        first = None
        for message_id, body_enc in messages:
            body = self._keys.open(body_enc, table="messages", row_id=message_id, column="body")
            if first is None:
                first = body
            if terms and any(_matches(w, terms) for w in words(body)):
                return snippet(body, terms)
        return snippet(first or "", terms)

    async def reindex_all(self) -> int:
        """Rebuild the index of every thread from its sealed subject and messages (existing data, a new
        tokenizer or a new search key). Returns the number of threads indexed."""
        done = 0
        after = ""
        while True:
            async with self._db.write() as s:
                threads = (await s.execute(
                    select(Thread.id, Thread.subject_enc).where(Thread.id > after).order_by(Thread.id)
                    .limit(_REINDEX_BATCH)
                )).all()
                if not threads:
                    break
                ids = [t.id for t in threads]
                texts = {t.id: [self._keys.open(t.subject_enc, table="threads", row_id=t.id, column="subject")]
                         for t in threads}
                for m in (await s.execute(select(Message.id, Message.thread_id, Message.body_enc)
                                          .where(Message.thread_id.in_(ids)))).all():
                    texts[m.thread_id].append(self._keys.open(m.body_enc, table="messages", row_id=m.id,
                                                              column="body"))
                await s.execute(delete(SearchTerm).where(SearchTerm.thread_id.in_(ids)))
                for thread_id in ids:
                    await _index_thread(s, self._keys, thread_id, texts[thread_id])
                done += len(ids)
                after = ids[-1]
        await self._audit.record_alone(actor_id=None, action="search.reindex", detail=f"threads={done}")
        return done
