"""Search over sealed subjects and bodies, on SQLite and PostgreSQL: what matches, filters, and who sees what."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from sm_app.adapters.clock import FakeClock
from sm_app.adapters.models import AuditEntry, SearchTerm
from sm_app.bootstrap import build_system
from sm_app.messaging.search import snippet, terms_for, words
from sm_app.shared.errors import ValidationError
from tests.conftest import make_settings, seed_clinic


@pytest.fixture
async def timed(tmp_path, database_url):
    clock = FakeClock()  # 2026-11-02 14:00 UTC
    system = build_system(make_settings(tmp_path, database_url), clock=clock)
    clinic = await seed_clinic(system)
    yield clinic, clock
    await system.close()


async def start(clinic, subject="Knee pain", body="It hurts.", category="General", patient=None, team_id=None):
    return await clinic.system.messaging.start_thread(patient or clinic.pat, team_id=team_id or clinic.blue_id,
                                                      category=category, subject=subject, body=body)


async def found(clinic, actor, keyword="", **filters) -> list[str]:
    result = await clinic.system.search.search(actor, keyword=keyword, page_size=50, **filters)
    assert result.total == len(result.items)
    return [t.subject for t in result.items]


def test_words_and_terms_are_normalised():
    assert words("Café HbA1c, 150/95 mmHg — ＦＵＬＬ-width naïve") == [
        "cafe", "hba1c", "150", "95", "mmhg", "full", "width", "naive"]
    assert terms_for("Physio") == {"phy", "phys", "physi", "physio"}
    assert terms_for("a1c to") == {"a1c", "to"}
    assert max(map(len, terms_for("x" * 50))) == 30


def test_snippet_marks_matched_words_around_the_first_match():
    text = ("Lorem ipsum dolor sit amet " * 8) + "then the physiotherapy plan starts on Monday. " + "More text " * 10
    parts = snippet(text, ["physio"])
    assert [p.text for p in parts if p.hit] == ["physiotherapy"]
    joined = "".join(p.text for p in parts)
    assert joined.startswith("… ") and joined.endswith(" …") and len(joined) <= 130
    assert "physiotherapy plan starts" in joined
    assert snippet("Short note.", []) == snippet("Short note.", ["zzz"])
    assert "".join(p.text for p in snippet("Short  \n note.", [])) == "Short note."


async def test_keyword_in_subject_body_and_team_name(clinic):
    await start(clinic, subject="Knee pain", body="It hurts when I climb stairs.")
    await start(clinic, subject="Refill", body="Please renew my metformin prescription.", category="Medication")
    await start(clinic, subject="Rash", body="A rash on my arm.", patient=clinic.gil, team_id=clinic.green_id)
    assert await found(clinic, clinic.pat, "knee") == ["Knee pain"]
    assert await found(clinic, clinic.pat, "metformin") == ["Refill"]
    assert await found(clinic, clinic.pat, "stairs") == ["Knee pain"]
    assert await found(clinic, clinic.pat, "blue") == ["Refill", "Knee pain"]  # team name, newest first
    assert await found(clinic, clinic.gil, "green") == ["Rash"]
    assert await found(clinic, clinic.pat, "zebra") == []


async def test_all_words_must_match_and_prefixes_case_and_accents(clinic):
    await start(clinic, subject="Physiotherapy plan", body="Exercises for the knee, three times a day.")
    await start(clinic, subject="Knee X-ray", body="Results of the X-ray from the café downstairs.")
    await start(clinic, subject="HbA1c", body="My A1c was 7.2 last week.", category="Test results")
    assert await found(clinic, clinic.pat, "knee exercises") == ["Physiotherapy plan"]
    assert sorted(await found(clinic, clinic.pat, "knee")) == ["Knee X-ray", "Physiotherapy plan"]
    assert await found(clinic, clinic.pat, "physio") == ["Physiotherapy plan"]
    assert await found(clinic, clinic.pat, "PHYSIO Plan") == ["Physiotherapy plan"]
    assert await found(clinic, clinic.pat, "CAFE") == ["Knee X-ray"]
    assert await found(clinic, clinic.pat, "cafés") == []  # a longer word is not a prefix of a shorter one
    assert await found(clinic, clinic.pat, "a1c") == ["HbA1c"]
    assert await found(clinic, clinic.pat, "hba") == ["HbA1c"]
    # One or two characters: only that exact word ("x" from "X-ray"), never a prefix.
    assert await found(clinic, clinic.pat, "x") == ["Knee X-ray"]
    assert await found(clinic, clinic.pat, "ra") == []  # "ray" starts with it, but it is too short for a prefix
    assert await found(clinic, clinic.pat, "7") == ["HbA1c"]
    assert await found(clinic, clinic.pat, "ph") == []
    assert await found(clinic, clinic.pat, "knee zebra") == []
    # Substrings inside a word are not found: only the start of a word.
    assert await found(clinic, clinic.pat, "therapy") == []


async def test_replies_are_indexed_and_the_snippet_shows_the_matching_message(clinic):
    sent = await start(clinic, subject="Knee pain", body="It hurts when I climb stairs.")
    await clinic.system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Try ibuprofen with food.")
    result = await clinic.system.search.search(clinic.blue_nurse, keyword="ibuprofen")
    assert [t.subject for t in result.items] == ["Knee pain"] and result.terms == ["ibuprofen"]
    hit = result.items[0]
    assert "".join(p.text for p in hit.snippet) == "Try ibuprofen with food."
    assert [p.text for p in hit.snippet if p.hit] == ["ibuprofen"]
    assert hit.patient_name == "Pat Patient" and hit.team_name == "Blue Team"
    # Subject-only match: the snippet is the newest message, nothing marked.
    hit = (await clinic.system.search.search(clinic.pat, keyword="knee")).items[0]
    assert "".join(p.text for p in hit.snippet) == "Try ibuprofen with food."
    assert not any(p.hit for p in hit.snippet)


async def test_category_and_date_range_filters(timed):
    clinic, clock = timed
    await start(clinic, subject="Old knee", body="Old news.", category="Appointment")  # 2026-11-02
    clock.advance(days=100)  # 2027-02-10
    await start(clinic, subject="Middle knee", body="Middle.", category="Medication")
    clock.advance(days=90)  # 2027-05-11
    await start(clinic, subject="New knee", body="New.", category="Medication")
    pat = clinic.pat
    assert await found(clinic, pat, "knee") == ["New knee", "Middle knee", "Old knee"]
    assert await found(clinic, pat, "knee", category="Medication") == ["New knee", "Middle knee"]
    assert await found(clinic, pat, category="Appointment") == ["Old knee"]
    assert await found(clinic, pat, "knee", date_range="3m") == ["New knee"]
    assert await found(clinic, pat, "knee", date_range="6m") == ["New knee", "Middle knee"]
    assert await found(clinic, pat, "knee", date_range="12m") == ["New knee", "Middle knee", "Old knee"]
    # Custom: whole days in the clinic time zone (America/New_York), end date included.
    assert await found(clinic, pat, "knee", date_range="custom", start=date(2027, 2, 10),
                       end=date(2027, 2, 10)) == ["Middle knee"]
    assert await found(clinic, pat, date_range="custom", start=date(2027, 2, 11)) == ["New knee"]
    assert await found(clinic, pat, date_range="custom", end=date(2026, 11, 2)) == ["Old knee"]
    assert await found(clinic, pat, date_range="custom", end=date(2026, 11, 1)) == []
    assert await found(clinic, pat, "knee", category="Education") == []


async def test_a_reply_moves_a_thread_into_the_recent_range(timed):
    clinic, clock = timed
    sent = await start(clinic, subject="Old knee")
    clock.advance(days=200)
    assert await found(clinic, clinic.pat, "knee", date_range="3m") == []
    await clinic.system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Checking in.")
    assert await found(clinic, clinic.pat, "knee", date_range="3m") == ["Old knee"]


@pytest.mark.parametrize(("filters", "field", "words_in_message"), [
    ({"date_range": "custom", "start": date(2026, 11, 5), "end": date(2026, 11, 4)}, "Start date", "on or before"),
    ({"date_range": "custom"}, "Start date", "start date"),
    ({"date_range": "last week"}, "Date range", "Choose"),
    ({"category": "Gossip"}, "Category", "Choose"),
    ({"keyword": "x" * 201}, "Keyword", "at most 200"),
    ({"keyword": " ".join(f"w{i}" for i in range(11))}, "Keyword", "at most 10 words"),
])
async def test_bad_filters_name_the_field(clinic, filters, field, words_in_message):
    with pytest.raises(ValidationError) as err:
        await clinic.system.search.search(clinic.pat, **filters)
    assert err.value.field == field and words_in_message in err.value.message


async def test_nobody_finds_or_counts_threads_they_cannot_see(clinic):
    await start(clinic, subject="Knee pain", body="Secret words: osteoarthritis.")
    search = clinic.system.search
    for outsider in (clinic.gil, clinic.green_nurse, clinic.admin):
        for keyword in ("osteoarthritis", "knee", "blue", ""):
            result = await search.search(outsider, keyword=keyword)
            assert (result.total, result.items) == (0, []), (outsider.name, keyword)
    for insider in (clinic.pat, clinic.blue_nurse, clinic.blue_provider):
        assert (await search.search(insider, keyword="osteoarthritis")).total == 1


async def test_index_holds_no_plaintext_and_audit_holds_no_query(clinic):
    await start(clinic, subject="Oncology referral", body="Biopsy results for the melanoma.")
    system = clinic.system
    await system.search.search(clinic.pat, keyword="melanoma biopsy")
    async with system.db.read() as s:
        rows = (await s.execute(select(SearchTerm.token, SearchTerm.thread_id))).all()
        entries = (await s.execute(select(AuditEntry).where(AuditEntry.action == "search"))).scalars().all()
    assert rows and all(re.fullmatch(r"[0-9a-f]{32}", r.token) for r in rows)
    dump = " ".join(f"{r.token} {r.thread_id}" for r in rows).casefold()
    for secret in ("oncology", "onc", "referral", "biopsy", "melanoma", "mel", "results"):
        assert secret not in dump
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.actor_id, entry.detail, entry.outcome) == (clinic.pat.user_id, "results=1", "ok")
    assert "melanoma" not in f"{entry.object_type} {entry.object_id} {entry.detail}".casefold()
    assert (await system.audit.verify()).ok


async def test_index_is_idempotent_and_reindex_rebuilds_it(clinic):
    sent = await start(clinic, subject="Knee pain", body="Stairs hurt.")
    await clinic.system.messaging.reply(clinic.pat, sent.thread_id, "Stairs hurt a lot.")  # same words again
    system = clinic.system
    async with system.db.read() as s:
        before = sorted((await s.execute(select(SearchTerm.token))).scalars().all())
    async with system.db.write() as s:
        await s.execute(SearchTerm.__table__.delete())
    assert await found(clinic, clinic.pat, "stairs") == []
    assert await system.search.reindex_all() == 1
    assert await system.search.reindex_all() == 1
    async with system.db.read() as s:
        after = sorted((await s.execute(select(SearchTerm.token))).scalars().all())
    assert after == before
    assert await found(clinic, clinic.pat, "stairs") == ["Knee pain"]


async def test_results_are_paged_newest_first(timed):
    clinic, clock = timed
    for i in range(12):
        await start(clinic, subject=f"Knee {i:02d}")
        clock.advance(minutes=1)
    first = await clinic.system.search.search(clinic.pat, keyword="knee", page_size=10)
    second = await clinic.system.search.search(clinic.pat, keyword="knee", page=2, page_size=10)
    assert (first.total, first.pages, second.page) == (12, 2, 2)
    beyond = await clinic.system.search.search(clinic.pat, keyword="knee", page=3, page_size=10)
    assert (beyond.items, beyond.total) == ([], 12)
    assert [t.subject for t in first.items + second.items] == [f"Knee {i:02d}" for i in range(11, -1, -1)]
    assert all(t.last_message_at - u.last_message_at == timedelta(minutes=1)
               for t, u in zip(first.items, first.items[1:], strict=False))
