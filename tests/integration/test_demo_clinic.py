"""The demo clinic `sm-app demo` seeds: what a patient, a nurse, the team lead and the admin find when they first sign
in, through the same services the pages use; seeded once; the same every time; no health information in its emails
or logs."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from sm_app.adapters.models import OutboxEmail
from sm_app.bootstrap import build_system
from sm_app.demo import DEMO_FILE, SeedClock, seed_demo
from sm_app.identity.accounts import Actor
from sm_app.shared.errors import NotFound
from tests.conftest import make_settings

BLUE = "Primary Care Blue"


async def _actor(system, email: str) -> Actor:
    u = await system.accounts.find_user(email)
    return Actor(u.id, u.role, u.name, u.email)


async def _all_rows(system, actor, **filters):
    rows, page = [], 1
    while True:
        found = await system.worklist.page(actor, page=page, page_size=50, **filters)
        rows += found.items
        if page >= found.pages:
            return rows
        page += 1


def _seeded_texts() -> list[str]:
    """Every piece of health information (and every name) the demo file puts into the clinic."""
    data = json.loads(DEMO_FILE.read_text())
    texts = [u["name"] for u in data["users"]]
    for c in data["conversations"]:
        texts += [c.get(k, "") for k in ("subject", "body", "test")]
        texts += list(c.get("answers", {}).values())
        texts += [s.get(k, "") for s in c["steps"] for k in ("text", "note", "reason", "place")]
    for r in data["history"]["requests"]:
        texts += [r["subject"], r["body"], r["reply"]]
    for record in data.get("health_records", []):
        texts += [v for e in record["entries"] for v in e["values"].values()
                  if not v.startswith("DATE:") and len(v) > 4]
    texts += ["Lisinopril", "Metformin", "amlodipine", "cholesterol", "chest pain", "Medication", "Test results"]
    return sorted({t for t in texts if t})


async def test_the_demo_clinic_is_lived_in_and_seeded_once(tmp_path, database_url, caplog):
    caplog.set_level(logging.INFO)
    system = build_system(make_settings(tmp_path, database_url), clock=SeedClock())
    try:
        seeded = await seed_demo(system)
        assert seeded is not None and seeded.conversations > 50 and seeded.weeks >= 6
        # The running app (and this system now) is on the real clock again.
        assert abs(system.clock.now() - datetime.now(UTC)) < timedelta(minutes=1)

        pat, jo = await _actor(system, "patient@demo.clinic"), await _actor(system, "jo@demo.clinic")
        nurse, lead = await _actor(system, "nurse@demo.clinic"), await _actor(system, "lead@demo.clinic")
        admin, provider = await _actor(system, "admin@demo.clinic"), await _actor(system, "provider@demo.clinic")

        # A patient's Inbox has conversations with answers, one of them not read yet; search finds sealed text.
        inbox = await system.mailbox.list_threads(pat, "inbox")
        assert inbox.total >= 5
        assert await system.mailbox.unread_count(pat) >= 1
        assert (await system.search.search(pat, keyword="metformin")).total >= 1

        # The nurse's worklist: every status, an urgent message first (not yet opened), one overdue conversation.
        everything = await _all_rows(system, nurse, status="any")
        assert {"new", "in_progress", "waiting_on_patient", "completed"} <= {r.status for r in everything}
        open_rows = (await system.worklist.page(nurse)).items
        assert open_rows[0].urgent and open_rows[0].status == "new" and open_rows[0].unread
        assert sum(r.urgent for r in everything) == 1
        [overdue] = (await system.worklist.page(nurse, show="overdue")).items
        assert overdue.overdue and overdue.status != "completed"
        assert len(open_rows) < 15, "the demo's open conversations should leave room on the worklist's first page"

        # The overdue conversation has its reminder (the nurse had it), escalation (the team lead) and the admin's.
        assert ("reminder", False) in {(a.kind, a.read) for a in await system.escalation.alerts(nurse)
                                       if a.thread_id == overdue.id}
        assert ("escalation", False) in {(a.kind, a.read) for a in await system.escalation.alerts(lead)
                                         if a.thread_id == overdue.id}
        assert [a.kind for a in await system.escalation.alerts(admin) if a.thread_id == overdue.id] == \
            ["admin_escalation"]
        history = [h.text for h in (await system.worklist.details(lead, overdue.id)).history]
        assert any(t.startswith("Reminder sent") for t in history)
        assert "Overdue: escalated to the team leads" in history
        assert "Still overdue: escalated to the clinic admin" in history
        assert any("routed it to Pharmacist pool: " in t for t in history)  # a hand-off with its reason
        assert (await system.worklist.details(lead, overdue.id)).notes  # an internal note

        # Template requests with their answers and recorded outcomes; a conversation the team closed.
        outcomes = set()
        for row in everything:
            if row.subject in ("Prescription renewal", "Appointment request"):
                outcomes.add((await system.worklist.details(nurse, row.id)).outcome)
        assert {"renewal_approved", "needs_visit", "appointment_booked"} <= outcomes
        renewal = next(r for r in everything if r.subject == "Prescription renewal" and r.patient_name == "Pat Rivera")
        view = await system.mailbox.view_thread(nurse, renewal.id)
        assert ("Medication", "Metformin") in view.messages[0].fields
        closed = [t for t in (await system.mailbox.list_threads(jo, "inbox", page_size=50)).items
                  if (await system.mailbox.view_thread(jo, t.id)).closed]
        assert closed

        # A broadcast with its delivery report: some patients opened it, some not yet.
        [report] = await system.broadcasts.reports(lead)
        assert report.team_name == BLUE and report.recipients == 5 and 0 < report.read < report.recipients

        # The workload dashboard's default range (8 weeks) has weeks of figures for the team.
        team_id = next(t.id for t in await system.reports.teams(lead) if t.name == BLUE)
        start, end = await system.reports.default_range()
        w = await system.reports.workload(lead, team_id=team_id, period="week", start=start, end=end)
        assert sum(b.received > 0 for b in w.buckets) >= 6
        assert w.total.answered >= 30 and w.total.median_hours is not None
        assert 0 < w.total.within_clock_share < 1  # mostly in time, not always
        assert len(w.staff) >= 4 and w.backlog >= 3 and w.overdue == 1
        assert (await system.reports.workload(provider, team_id=team_id, start=start, end=end)).total.received

        assert (await system.audit.verify()).ok

        # No health information in the emails the seed queued, nor in what the seed logged.
        async with system.db.read() as s:
            emails = (await s.scalars(select(OutboxEmail))).all()
        assert {e.kind for e in emails} >= {"new_message", "reminder", "escalation", "admin_escalation", "invitation"}
        admin = await _actor(system, "admin@demo.clinic")
        assert sorted((i.email, i.state) for i in await system.invitations.listing(admin)) == [
            ("alex.kim@demo.clinic", "pending"), ("robin.reyes@demo.clinic", "pending")]
        # Every stored text column but the random ids and keys (hex, where a short reading such as "07:20" can turn up
        # by chance: "…e99607:20c96…" is a message id and a user id). Times are not text: a seeded reading such as
        # "08:00" is part of "2026-11-17 14:08:00" whenever the seed ran at such a minute.
        ids = {"id", "event_key", "user_id"}
        for email in emails:
            stored = " ".join(value for c in OutboxEmail.__table__.columns
                              if c.key not in ids and isinstance(value := getattr(email, c.key), str)).lower()
            for text in _seeded_texts():
                assert text.lower() not in stored, f"{text!r} reached an email"
        logged = "\n".join(r.getMessage() for r in caplog.records).lower()
        for text in _seeded_texts():
            assert text.lower() not in logged, f"{text!r} reached the log"

        # A second seed changes nothing.
        before = ((await system.audit.verify()).entries, len(await _all_rows(system, provider, status="any")),
                  len(emails))
        assert await seed_demo(system) is None
        async with system.db.read() as s:
            emails_after = len((await s.scalars(select(OutboxEmail))).all())
        assert ((await system.audit.verify()).entries, len(await _all_rows(system, provider, status="any")),
                emails_after) == before
    finally:
        await system.close()


async def _snapshot(tmp_path, url, now: datetime):
    system = build_system(make_settings(tmp_path, url), clock=SeedClock())
    try:
        await seed_demo(system, now=now)
        provider, lead = await _actor(system, "provider@demo.clinic"), await _actor(system, "lead@demo.clinic")
        rows = [(r.subject, r.patient_name, r.team_name, r.category, r.status, r.assignee_name, r.pool_role,
                 r.received_at, r.due_at, r.urgent, r.unread, r.last_message_at)
                for r in await _all_rows(system, provider, status="any")]
        alerts = [(a.kind, a.created_at, a.due_at, a.read) for a in await system.escalation.alerts(lead, limit=500)]
        return sorted(rows, key=repr), alerts
    finally:
        await system.close()


async def test_the_demo_is_the_same_every_time_and_nothing_in_it_is_in_the_future(tmp_path, sqlite_url):
    from sm_app.adapters.migrate import upgrade  # noqa: PLC0415

    now = datetime(2026, 11, 18, 19, 7, tzinfo=UTC)  # a Wednesday, 14:07 in the clinic (a holiday a week before)
    first = await _snapshot(tmp_path, sqlite_url, now)
    (tmp_path / "again").mkdir()
    other_url = f"sqlite:///{tmp_path / 'again' / 'sm.db'}"
    upgrade(other_url)
    second = await _snapshot(tmp_path / "again", other_url, now)
    assert first == second
    rows, alerts = first
    assert len(rows) > 50 and alerts
    assert all(r[-1] <= now and r[7] <= now for r in rows)
    assert all(created <= now for _, created, _, _ in alerts)


async def test_the_demo_patients_keep_a_health_record_their_team_may_open(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=SeedClock())
    try:
        await seed_demo(system)
        pat, nurse = await _actor(system, "patient@demo.clinic"), await _actor(system, "nurse@demo.clinic")
        cardio = await _actor(system, "cardio.nurse@demo.clinic")
        medications = await system.health_record.section(pat, pat.user_id, "medications")
        assert [dict(e.values)["name"] for e in medications.entries] == ["Metformin"]
        readings = await system.health_record.section(pat, pat.user_id, "readings")
        assert len(readings.entries) == 3
        assert all(date.fromisoformat(dict(e.values)["taken_on"]) <= date.today() for e in readings.entries)
        # Pat shared it with Primary Care Blue (read & write), so her nurse sees it; the cardiology nurse does not.
        assert [(g.team_name, g.level) for g in await system.record_sharing.grants(pat)] == [(BLUE, "write")]
        seen = await system.health_record.section(nurse, pat.user_id, "conditions")
        assert [dict(e.values)["name"] for e in seen.entries] == ["Type 2 diabetes"]
        with pytest.raises(NotFound):
            await system.health_record.section(cardio, pat.user_id, "conditions")
    finally:
        await system.close()
