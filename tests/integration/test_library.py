"""The patient-education library on SQLite and PostgreSQL: the review workflow (self-review refused, versions,
retiring), what patients may see (published only, drafts read as not found), search by keyword, topic and language
(accents ignored), shipped articles loaded once, and articles sent from a conversation (sealed, read marks, audit)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from sm_app.adapters.realtime import ThreadChanged
from sm_app.bootstrap import build_system
from sm_app.library.content import article_files, read_article_file, reading_grade
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import make_settings, seed_clinic
from tests.library_fixtures import write_fixture_library

LIBRARY = Path(__file__).resolve().parents[2] / "data" / "library"
BODY = "## Care\n\nWalk each day. Eat more greens. Sleep well at night."


@pytest.fixture
async def lib(tmp_path, database_url):
    settings = dataclasses.replace(make_settings(tmp_path, database_url),
                                   library_dir=write_fixture_library(tmp_path / "library"))
    system = build_system(settings)
    clinic = await seed_clinic(system)
    yield clinic
    await system.close()


def test_every_shipped_article_reads_at_grade_8_or_below():
    files = article_files(LIBRARY)
    assert files, "data/library/ ships articles"
    too_hard = {}
    for path in files:
        article = read_article_file(path)  # raises, naming the file, on bad front matter
        grade = reading_grade(article.body, article.language)
        if grade > 8.0:
            too_hard[f"{article.language}/{article.slug}"] = round(grade, 1)
    assert too_hard == {}


# Issue 15's named topics, each with the shipped article that covers it.
ISSUE_TOPICS = {
    "high blood pressure": "en/high-blood-pressure", "home blood-pressure readings": "en/home-blood-pressure-readings",
    "type 2 diabetes": "en/type-2-diabetes", "glucose logs": "en/glucose-logs",
    "asthma inhaler technique": "en/asthma-inhaler-technique", "COPD": "en/copd",
    "flu and COVID shots": "en/flu-and-covid-shots", "antibiotics": "en/antibiotics-when-they-dont-help",
    "low back pain": "en/low-back-pain", "sleep": "en/better-sleep",
    "depression and anxiety": "en/depression-and-anxiety",
    "healthy weight": "en/healthy-weight", "quitting smoking": "en/quitting-smoking", "cholesterol": "en/cholesterol",
    "medication renewals vs refills": "en/medication-renewals-vs-refills",
    "preparing for a visit": "en/preparing-for-a-visit", "test results explained": "en/test-results-explained",
    "secure messaging": "en/using-secure-messaging", "caregivers": "en/caregivers",
}


def test_the_shipped_library_has_40_articles_10_in_spanish_with_every_field_and_the_issue_topics():
    articles = {f"{a.language}/{a.slug}": a for a in map(read_article_file, article_files(LIBRARY))}
    assert len(articles) >= 40
    spanish = [a for a in articles.values() if a.language == "es"]
    assert len(spanish) >= 10
    for key, a in articles.items():
        assert a.title and a.summary and a.topics and a.author and a.reviewer, key
        assert a.reviewer != a.author, key
        assert a.reviewed_on < a.next_review_due, key
    assert {a.translation_of for a in spanish} <= {a.slug for a in articles.values() if a.language == "en"}
    assert {topic: key for topic, key in ISSUE_TOPICS.items() if key not in articles} == {}
    # Where to turn instead of a message: 988 for a mental-health crisis, 911 for an emergency.
    assert "988" in articles["en/depression-and-anxiety"].body
    assert "911" in articles["en/using-secure-messaging"].body and "988" in articles["en/using-secure-messaging"].body


def test_the_writers_check_script_passes_on_the_shipped_library():
    """data/library/README.md's rules (no raw HTML or links, a "When to contact us" section, 300-700 words, front
    matter, grade) hold for every shipped article."""
    script = LIBRARY.parents[1] / "scripts" / "library_reading_levels.py"
    done = subprocess.run([sys.executable, str(script), str(LIBRARY)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "all articles pass" in done.stdout


def test_spanish_grade_does_not_change_the_english_measure():
    import textstat  # noqa: PLC0415

    english = "The nurse checks your blood pressure. Take your pills each day with water."
    before = textstat.flesch_kincaid_grade(english)
    reading_grade("El médico revisa la presión de la sangre cada día.", "es")
    assert textstat.flesch_kincaid_grade(english) == before
    assert reading_grade(english, "en") == pytest.approx(before, abs=0.01)


async def test_shipped_articles_load_once_as_published_with_their_reviewer(lib):
    library = lib.system.library
    found = await library.search(lib.pat)
    assert {a.slug for a in found} == {"kidney-stones-and-water", "gout-flares", "calculos-renales-y-agua"}
    view = await library.article(lib.pat, "kidney-stones-and-water")
    assert (view.author_name, view.reviewer_name, str(view.reviewed_on)) == ("Ann Author", "Rita Reviewer",
                                                                             "2026-01-10")
    assert view.other_language == ("calculos-renales-y-agua", "es")
    library._loaded = False  # a new process (or `sm-app migrate` again): nothing is added twice
    assert await library.ensure_shipped() == 0
    assert len(await library.search(lib.pat)) == 3


async def test_search_by_keyword_topic_and_language_with_accents_ignored(lib):
    library = lib.system.library
    assert [a.slug for a in await library.search(lib.pat, "lemon")] == ["kidney-stones-and-water"]  # the body
    assert [a.slug for a in await library.search(lib.pat, "toe sore")] == ["gout-flares"]  # the summary
    assert [a.slug for a in await library.search(lib.pat, "flares")] == ["gout-flares"]  # the title
    assert [a.slug for a in await library.search(lib.pat, "presion")] == ["calculos-renales-y-agua"]
    assert [a.slug for a in await library.search(lib.pat, "RIÑONES")] == ["calculos-renales-y-agua"]
    assert [a.slug for a in await library.search(lib.pat, "agua", language="es")] == ["calculos-renales-y-agua"]
    assert [a.slug for a in await library.search(lib.pat, topic="joints")] == ["gout-flares"]
    assert await library.search(lib.pat, "lemon", topic="joints") == ()
    assert "riñones" in await library.topics(lib.pat) and "kidneys" in await library.topics(lib.pat)
    es = (await library.search(lib.pat, "agua"))[0]
    assert es.language_name == "Español"


async def test_the_review_workflow_and_self_review_refused(lib):
    ed, library = lib.system.editorial, lib.system.library
    draft = await ed.create(lib.blue_nurse, language="en", title="Hand washing", summary="Clean hands stop germs.",
                            body=BODY, topics="germs, hands")
    assert (draft.state, draft.slug, draft.topics) == ("draft", "hand-washing", ("germs", "hands"))
    # Patients (and staff outside the workflow screens) never see an unpublished article: it is "not found".
    for reader in (lib.pat, lib.blue_provider):
        with pytest.raises(NotFound) as exc:
            await library.article(reader, "hand-washing")
        assert str(exc.value) == str(await _missing(library, reader))
    assert await library.search(lib.pat, "hand washing") == ()
    with pytest.raises(ValidationError):
        await ed.publish(lib.blue_provider, draft.id)  # not in review yet
    await ed.submit(lib.blue_nurse, draft.id)
    with pytest.raises(NotAllowed):
        await ed.publish(lib.blue_nurse, draft.id)  # the author
    with pytest.raises(NotAllowed):
        await ed.publish(lib.admin, draft.id)  # not a clinical reviewer
    with pytest.raises(NotFound):
        await ed.submit(lib.pat, draft.id)  # no workflow for patients
    published = await ed.publish(lib.blue_provider, draft.id)
    assert (published.state, published.reviewer_name, published.is_live) == ("published", "Paul Blue", True)
    assert (await library.article(lib.pat, "hand-washing")).title == "Hand washing"
    async with lib.system.db.read() as s:
        actions = (await s.execute(text(
            "SELECT action, outcome, detail FROM audit_log WHERE object_type = 'library_article' "
            "AND object_id IS NOT NULL ORDER BY seq"))).all()
    assert [(a, o) for a, o, _ in actions] == [("library.create", "ok"), ("library.submit", "ok"),
                                               ("library.publish", "denied"), ("library.publish", "ok")]
    assert all(d == f"version={draft.id}" for _, _, d in actions)  # ids only


async def _missing(library, reader):
    try:
        await library.article(reader, "no-such-article")
    except NotFound as exc:
        return exc
    raise AssertionError("a missing article was found")


async def test_a_new_version_goes_through_review_while_the_published_one_stays(lib):
    ed, library = lib.system.editorial, lib.system.library
    article = await library.article(lib.pat, "kidney-stones-and-water")
    v2 = await ed.edit(lib.blue_nurse, article.id, title="Kidney stones and water", summary="New summary here.",
                       body=BODY, topics=["kidneys"])
    assert (v2.number, v2.state, v2.is_live) == (2, "draft", False)
    assert (await library.article(lib.pat, article.slug)).summary == "Drinking enough water helps keep stones away."
    # A colleague's change to the draft makes them a writer too: they may not review it either.
    await ed.edit(lib.green_nurse, article.id, title="Kidney stones and water", summary="Newer summary.", body=BODY,
                  topics=["kidneys"])
    await ed.submit(lib.blue_nurse, v2.id)
    with pytest.raises(ValidationError):
        await ed.edit(lib.blue_nurse, article.id, title="x", summary="y", body=BODY, topics=["kidneys"])
    with pytest.raises(NotAllowed):
        await ed.publish(lib.green_nurse, v2.id)
    await ed.publish(lib.blue_provider, v2.id)
    assert (await library.article(lib.pat, article.slug)).summary == "Newer summary."
    states = [(v.number, v.state) for v in await ed.versions(lib.blue_nurse, article.id)]
    assert states == [(2, "published"), (1, "superseded")]
    await ed.retire(lib.admin, article.id)
    with pytest.raises(NotFound):
        await library.article(lib.pat, article.slug)
    assert [v.slug for v in await ed.list_by_state(lib.admin, "retired")] == [article.slug]


async def test_publishing_refuses_text_above_grade_8(lib):
    ed = lib.system.editorial
    hard = ("Hypertensive cardiovascular complications necessitate comprehensive pharmacological "
            "intervention, individualized lifestyle modification, and systematic ambulatory monitoring. ") * 3
    v = await ed.create(lib.blue_nurse, language="en", title="Hard words", summary="Too hard.", body=hard,
                        topics=["heart"])
    assert v.grade > 8
    await ed.submit(lib.blue_nurse, v.id)
    with pytest.raises(ValidationError, match="grade"):
        await ed.publish(lib.blue_provider, v.id)


async def test_reviews_past_due_are_listed_for_staff_and_the_admin(lib):
    due = await lib.system.library.reviews_due(lib.admin)
    assert [a.slug for a in due] == ["gout-flares"]
    assert (await lib.system.library.article(lib.blue_nurse, "gout-flares")).review_overdue
    with pytest.raises(NotFound):
        await lib.system.library.reviews_due(lib.pat)


async def test_an_article_sent_from_a_conversation(lib):
    system = lib.system
    thread = await system.messaging.start_thread(lib.pat, team_id=lib.blue_id, category="General", subject="Stones",
                                                 body="I had a kidney stone.")
    article = await system.library.article(lib.blue_nurse, "kidney-stones-and-water")
    told = []
    system.bus.subscribe(lib.blue_nurse.user_id, told.append)
    sent = await system.messaging.reply(lib.blue_nurse, thread.thread_id, "Please read this.",
                                        articles=(article.id,))
    cards = await system.library_sends.in_thread(lib.blue_nurse, thread.thread_id)
    (card,) = cards[sent.message_id]
    assert (card.title, card.sent_by_name, card.read_at) == ("Kidney stones and water", "Nina Blue", None)
    assert [c.title for c in await system.library_sends.sent_to_me(lib.pat)] == ["Kidney stones and water"]
    assert await system.library_sends.in_thread(lib.green_nurse, thread.thread_id) == {}
    assert await system.library_sends.sent_to_me(lib.gil) == ()
    # Only the patient it was sent to opens it; anybody else gets "not found".
    for other in (lib.gil, lib.blue_nurse):
        with pytest.raises(NotFound):
            await system.library_sends.open_sent(other, card.send_id)
    opened, view = await system.library_sends.open_sent(lib.pat, card.send_id)
    assert view.title == "Kidney stones and water" and "<strong>Lemon</strong>" in view.html
    (card,) = (await system.library_sends.in_thread(lib.blue_nurse, thread.thread_id))[sent.message_id]
    assert card.read_at is not None
    assert ThreadChanged(thread.thread_id, "article") in told
    # Patients cannot attach articles; a retired article cannot be sent, and the message is not sent either.
    with pytest.raises(NotAllowed):
        await system.messaging.reply(lib.pat, thread.thread_id, "Me too", articles=(article.id,))
    await system.editorial.retire(lib.blue_provider, article.id)
    with pytest.raises(ValidationError):
        await system.messaging.reply(lib.blue_nurse, thread.thread_id, "Another one", articles=(article.id,))
    view = await system.mailbox.view_thread(lib.blue_nurse, thread.thread_id)
    assert [m.body for m in view.messages][-1].startswith("Please read this.")
    (card,) = (await system.library_sends.sent_to_me(lib.pat))
    assert card.available is False
    # What was sent to whom is sealed: the raw table has no article id.
    async with system.db.read() as s:
        raw = (await s.execute(text("SELECT * FROM library_sends"))).all()
        audit = (await s.execute(text("SELECT action, detail FROM audit_log WHERE object_type='library_send'"))).all()
    assert article.id not in repr(raw)
    assert [a for a, _ in audit] == ["library.send", "library.read", "library.read", "library.read"]
    assert audit[0][1] == f"thread={thread.thread_id} message={sent.message_id}"


async def test_every_transition_is_audited_with_ids_only(lib):
    ed = lib.system.editorial
    v1 = await ed.create(lib.blue_nurse, language="en", title="Hand washing", summary="Clean hands stop germs.",
                         body=BODY, topics="germs")
    await ed.edit(lib.blue_nurse, v1.article_id, title="Washing hands", summary="Clean hands stop germs.", body=BODY,
                  topics="germs")
    await ed.submit(lib.blue_nurse, v1.id)
    await ed.return_to_draft(lib.blue_provider, v1.id)
    await ed.submit(lib.blue_nurse, v1.id)
    with pytest.raises(NotAllowed):
        await ed.publish(lib.blue_nurse, v1.id)
    await ed.publish(lib.blue_provider, v1.id)
    v2 = await ed.edit(lib.blue_nurse, v1.article_id, title="Washing hands", summary="Soap and water.", body=BODY,
                       topics="germs")
    await ed.retire(lib.admin, v1.article_id)
    async with lib.system.db.read() as s:
        rows = (await s.execute(text(
            "SELECT actor_id, action, outcome, object_id, detail FROM audit_log WHERE object_type = 'library_article' "
            "AND object_id = :a ORDER BY seq"), {"a": v1.article_id})).all()
    nurse, provider, admin = lib.blue_nurse.user_id, lib.blue_provider.user_id, lib.admin.user_id
    first, second = f"version={v1.id}", f"version={v2.id}"
    assert [(r.actor_id, r.action, r.outcome, r.detail) for r in rows] == [
        (nurse, "library.create", "ok", first), (nurse, "library.edit", "ok", first),
        (nurse, "library.submit", "ok", first), (provider, "library.return", "ok", first),
        (nurse, "library.submit", "ok", first), (nurse, "library.publish", "denied", first),
        (provider, "library.publish", "ok", first), (nurse, "library.edit", "ok", second),
        (admin, "library.retire", "ok", first)]
