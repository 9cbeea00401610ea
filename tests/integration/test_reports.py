"""The workload dashboard's figures on SQLite and PostgreSQL, against numbers worked out by hand.

The clinic keeps the default calendar: Monday to Friday 08:00-17:00 in New York (EDT, UTC-4, in September
2026), US holidays (none between Labor Day, Sep 7, and Columbus Day, Oct 12), a 3-business-day clock
(27 business hours). Conversations are started and answered through the real services at fake times.

    Week of Mon Sep 14                                   business hours     due (27 bh)      in time?
      A General     received Mon 14 09:00, Nina  Mon 14 11:00      2.0    Thu 17 09:00     yes
      B Medication  received Mon 14 16:00, Paul  Tue 15 10:00      3.0    (1 Mon + 2 Tue)  yes
      C General     received Tue 15 09:00, Nina  Mon 21 09:00     36.0    Fri 18 09:00     no (late)
                    (Tue 8 + Wed 9 + Thu 9 + Fri 9 + Mon 1)
      D General     received Sat 19 10:00, Paul  Mon 21 08:30      0.5    Wed 23 17:00     yes (weekend)
    Week of Mon Sep 21
      E Medication  received Mon 21 10:00, Nina  Mon 21 14:00      4.0                     yes
      F General     received Tue 22 09:00, open                            Fri 25 09:00     overdue now
      H Medication  received Wed 23 09:00, completed without a reply (clock stopped, not answered)
      G Medication  received Fri 25 15:00, open                            Wed 30 15:00     not due yet
    Outside the range: I General received Fri Sep 11 09:00, answered by Nina at 10:00.
    Another team: Gil writes to Green Team on Mon 14 12:00 (open).
    The report runs on Fri Sep 25 16:00.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from sm_app.care_team.reports import CSV_HEADER, StaffFigures, export_filename, nearest_rank, workload_csv
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import make_settings, seed_clinic

EDT = timedelta(hours=4)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A New York wall-clock time in September 2026, as aware UTC."""
    return datetime(2026, 9, day, hour, minute, tzinfo=UTC) + EDT


WEEK1, WEEK2 = date(2026, 9, 14), date(2026, 9, 21)
RANGE = {"start": WEEK1, "end": date(2026, 9, 27)}


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(local(11, 9)))
    clinic = await seed_clinic(system)
    yield clinic
    await system.close()


@pytest.fixture
async def workload_clinic(clinic):
    system = clinic.system
    messaging, clock = system.messaging, system.clock
    nina, paul = clinic.blue_nurse, clinic.blue_provider

    async def start(when, category, subject, patient=None, team_id=None):
        clock.set(when)
        sent = await messaging.start_thread(patient or clinic.pat, team_id=team_id or clinic.blue_id,
                                            category=category, subject=subject, body="Routine question.")
        return sent.thread_id

    async def answer(when, staff, thread_id):
        clock.set(when)
        await messaging.reply(staff, thread_id, "Answered.")

    i = await start(local(11, 9), "General", "Before the range")
    await answer(local(11, 10), nina, i)
    a = await start(local(14, 9), "General", "A")
    await answer(local(14, 11), nina, a)
    await start(local(14, 12), "General", "Green", patient=clinic.gil, team_id=clinic.green_id)
    b = await start(local(14, 16), "Medication", "B")
    c = await start(local(15, 9), "General", "C")
    await answer(local(15, 10), paul, b)
    d = await start(local(19, 10), "General", "D")
    await answer(local(21, 8, 30), paul, d)
    await answer(local(21, 9), nina, c)
    e = await start(local(21, 10), "Medication", "E")
    await answer(local(21, 14), nina, e)
    await start(local(22, 9), "General", "F")
    h = await start(local(23, 9), "Medication", "H")
    clock.set(local(23, 10))
    await system.triage.set_status(nina, h, "completed")
    await start(local(25, 15), "Medication", "G")
    clock.set(local(25, 16))
    return clinic


def figures(b):
    return (b.received, b.answered, b.answered_within_clock, b.median_hours, b.p90_hours)


async def test_weekly_figures_match_the_hand_computed_ones(workload_clinic):
    clinic = workload_clinic
    w = await clinic.system.reports.workload(clinic.blue_nurse, team_id=clinic.blue_id, **RANGE)
    assert (w.team_name, w.period, w.start, w.end) == ("Blue Team", "week", WEEK1, date(2026, 9, 27))
    assert [b.start for b in w.buckets] == [WEEK1, WEEK2]
    assert [b.end for b in w.buckets] == [date(2026, 9, 20), date(2026, 9, 27)]
    week1, week2 = w.buckets
    # Week 1: A, B, C, D all answered; hours sorted [0.5, 2, 3, 36]; median (2 + 3) / 2 = 2.5;
    # p90 nearest rank ceil(0.9 * 4) = 4th = 36; within the clock A, B, D = 3 of 4.
    assert figures(week1) == (4, 4, 3, 2.5, 36.0)
    assert week1.within_clock_share == 0.75
    # Week 2: E, F, H, G received; only E answered (4 h, in time); H was completed without a reply.
    assert figures(week2) == (4, 1, 1, 4.0, 4.0)
    assert week2.within_clock_share == 1.0
    # Whole range: 8 received, 5 answered, hours [0.5, 2, 3, 4, 36]: median 3, p90 rank ceil(4.5) = 5th = 36;
    # 4 of 5 in time.
    assert figures(w.total) == (8, 5, 4, 3.0, 36.0)
    assert w.total.within_clock_share == 0.8
    # Per category: week 1 General A, C, D -> [0.5, 2, 36], median 2, p90 rank ceil(2.7) = 3rd = 36, 2 of 3 in time;
    # week 1 Medication B -> 3 h; week 2 General F (open); week 2 Medication E, H, G -> E only, 4 h.
    assert {(b.start, b.category): figures(b) for b in w.by_category} == {
        (WEEK1, "General"): (3, 3, 2, 2.0, 36.0),
        (WEEK1, "Medication"): (1, 1, 1, 3.0, 3.0),
        (WEEK2, "General"): (1, 0, 0, None, None),
        (WEEK2, "Medication"): (3, 1, 1, 4.0, 4.0),
    }
    general_week1 = next(b for b in w.by_category if (b.start, b.category) == (WEEK1, "General"))
    assert general_week1.within_clock_share == pytest.approx(2 / 3)
    assert next(b for b in w.by_category if b.start == WEEK2 and b.category == "General").within_clock_share is None
    # Per staff member: Nina A 2, C 36, E 4 -> [2, 4, 36], median 4, p90 rank 3 = 36, 2 of 3 in time (C late);
    # Paul B 3, D 0.5 -> [0.5, 3], median 1.75, p90 rank ceil(1.8) = 2nd = 3, 2 of 2 in time. I is out of range.
    assert [(s.name, s.answered, s.answered_within_clock, s.median_hours, s.p90_hours) for s in w.staff] == [
        ("Nina Blue", 3, 2, 4.0, 36.0),
        ("Paul Blue", 2, 2, 1.75, 3.0),
    ]
    assert w.staff[0].within_clock_share == pytest.approx(2 / 3) and w.staff[1].within_clock_share == 1.0
    # Now (Fri 25 16:00) F and G wait for an answer; F was due Fri 09:00. Green Team's open request is not ours.
    assert (w.backlog, w.overdue) == (2, 1)


async def test_daily_buckets_and_one_category(workload_clinic):
    clinic = workload_clinic
    reports = clinic.system.reports
    w = await reports.workload(clinic.blue_provider, team_id=clinic.blue_id, period="day", **RANGE)
    assert len(w.buckets) == 14  # every day of the range, empty days included
    by_day = {b.start: (b.received, b.answered) for b in w.buckets}
    assert by_day[date(2026, 9, 14)] == (2, 2)  # A, B
    assert by_day[date(2026, 9, 19)] == (1, 1)  # D, on a Saturday
    assert by_day[date(2026, 9, 20)] == (0, 0)
    assert by_day[date(2026, 9, 25)] == (1, 0)  # G
    medication = await reports.workload(clinic.blue_nurse, team_id=clinic.blue_id, category="Medication", **RANGE)
    # Week 1: B (3 h, in time); week 2: E (4 h, in time), H (not answered), G (open).
    assert [figures(b) for b in medication.buckets] == [(1, 1, 1, 3.0, 3.0), (3, 1, 1, 4.0, 4.0)]
    assert [(s.name, s.answered, s.median_hours) for s in medication.staff] == [("Nina Blue", 1, 4.0),
                                                                                ("Paul Blue", 1, 3.0)]
    assert (medication.backlog, medication.overdue) == (1, 0)  # G only, not due until Wed 30 15:00


async def test_a_week_range_widens_to_whole_weeks(workload_clinic):
    clinic = workload_clinic
    w = await clinic.system.reports.workload(clinic.blue_nurse, team_id=clinic.blue_id,
                                             start=date(2026, 9, 16), end=date(2026, 9, 22))
    assert (w.start, w.end) == (WEEK1, date(2026, 9, 27))
    assert [b.received for b in w.buckets] == [4, 4]


async def test_only_the_teams_staff_see_its_report(workload_clinic):
    clinic = workload_clinic
    reports = clinic.system.reports
    with pytest.raises(NotFound):
        await reports.workload(clinic.green_nurse, team_id=clinic.blue_id, **RANGE)
    with pytest.raises(NotFound):
        await reports.export_workload(clinic.green_nurse, team_id=clinic.blue_id, **RANGE)
    with pytest.raises(NotFound):
        await reports.workload(clinic.blue_nurse, team_id="no-such-team", **RANGE)
    for outsider in (clinic.pat, clinic.admin):
        with pytest.raises(NotAllowed):
            await reports.workload(outsider, team_id=clinic.blue_id, **RANGE)
        assert await reports.teams(outsider) == []
    assert [t.name for t in await reports.teams(clinic.green_nurse)] == ["Green Team"]
    green = await reports.workload(clinic.green_nurse, team_id=clinic.green_id, **RANGE)
    assert (green.total.received, green.backlog, green.staff) == (1, 1, ())
    entries = await clinic.system.audit.entries(20)
    denied = [e for e in entries if e["outcome"] == "denied"]
    assert {(e["action"], e["actor_id"]) for e in denied} == {
        ("report.workload", clinic.green_nurse.user_id), ("report.export", clinic.green_nurse.user_id),
        ("report.workload", clinic.blue_nurse.user_id)}
    ok = next(e for e in entries if e["action"] == "report.workload" and e["outcome"] == "ok")
    assert ok["detail"] == "received=1 answered=0 open=1 overdue=1"  # counts only


async def test_bad_input_names_the_field(clinic):
    reports = clinic.system.reports
    nurse, team = clinic.blue_nurse, clinic.blue_id
    cases = [
        ({"start": date(2026, 9, 21), "end": date(2026, 9, 14)}, "To"),
        ({"start": date(2025, 1, 1), "end": date(2026, 1, 2)}, "To"),  # 365 + 2 = 367 days; 366 is the most
        ({"start": "2026-09-14", "end": date(2026, 9, 14)}, "From"),
        ({**RANGE, "period": "month"}, "Period"),
        ({**RANGE, "category": "Gossip"}, "Category"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as err:
            await reports.workload(nurse, team_id=team, **kwargs)
        assert err.value.field == field, kwargs
    # A span of exactly 366 days is accepted.
    await reports.workload(nurse, team_id=team, period="day", start=date(2024, 1, 1), end=date(2024, 12, 31))


async def test_csv_export_has_a_header_every_row_and_is_audited(workload_clinic):
    clinic = workload_clinic
    export = await clinic.system.reports.export_workload(clinic.blue_nurse, team_id=clinic.blue_id, **RANGE)
    assert export.filename == "workload-blue-team-2026-09-14-2026-09-27.csv"
    rows = list(csv.reader(io.StringIO(export.text)))
    assert tuple(rows[0]) == CSV_HEADER
    # Section, Care team, From, To, Category, Staff member, Received, Answered, Within, %, Median, P90, Open, Overdue
    assert rows[1:] == [
        ["Total", "Blue Team", "2026-09-14", "2026-09-27", "All categories", "", "8", "5", "4", "80.0", "3.00",
         "36.00", "2", "1"],
        ["Week", "Blue Team", "2026-09-14", "2026-09-20", "All categories", "", "4", "4", "3", "75.0", "2.50",
         "36.00", "", ""],
        ["Week", "Blue Team", "2026-09-14", "2026-09-20", "General", "", "3", "3", "2", "66.7", "2.00", "36.00", "",
         ""],
        ["Week", "Blue Team", "2026-09-14", "2026-09-20", "Medication", "", "1", "1", "1", "100.0", "3.00", "3.00",
         "", ""],
        ["Week", "Blue Team", "2026-09-21", "2026-09-27", "All categories", "", "4", "1", "1", "100.0", "4.00",
         "4.00", "", ""],
        ["Week", "Blue Team", "2026-09-21", "2026-09-27", "General", "", "1", "0", "0", "", "", "", "", ""],
        ["Week", "Blue Team", "2026-09-21", "2026-09-27", "Medication", "", "3", "1", "1", "100.0", "4.00", "4.00",
         "", ""],
        ["Staff member", "Blue Team", "2026-09-14", "2026-09-27", "All categories", "Nina Blue", "", "3", "2", "66.7",
         "4.00", "36.00", "", ""],
        ["Staff member", "Blue Team", "2026-09-14", "2026-09-27", "All categories", "Paul Blue", "", "2", "2",
         "100.0", "1.75", "3.00", "", ""],
    ]
    export_entry = (await clinic.system.audit.entries(1))[0]
    assert (export_entry["action"], export_entry["object_id"]) == ("report.export", clinic.blue_id)
    assert export_entry["detail"] == "received=8 answered=5 open=2 overdue=1 rows=9"


async def test_csv_cells_cannot_become_formulas(workload_clinic):
    clinic = workload_clinic
    w = await clinic.system.reports.workload(clinic.blue_nurse, team_id=clinic.blue_id, **RANGE)
    hostile = ("=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "Plain Name")
    w = replace(w, team_name="=cmd|' /C calc'!A0",
                staff=tuple(StaffFigures(f"u{i}", name, 1, 1, 1.0, 1.0) for i, name in enumerate(hostile)))
    rows = list(csv.reader(io.StringIO(workload_csv(w))))
    assert {r[1] for r in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    assert [r[5] for r in rows if r[0] == "Staff member"] == [
        "'=HYPERLINK(\"http://evil.example\")", "'+1+1", "'-2+3", "'@SUM(A1)", "Plain Name"]
    assert export_filename(w) == "workload-cmd-c-calc-a0-2026-09-14-2026-09-27.csv"
    assert export_filename(replace(w, team_name="Ünïcode ✓")) == "workload-n-code-2026-09-14-2026-09-27.csv"
    assert export_filename(replace(w, team_name="!!!")) == "workload-team-2026-09-14-2026-09-27.csv"


def test_nearest_rank_percentile():
    assert nearest_rank([], 90) is None
    assert nearest_rank([5.0], 90) == 5.0
    assert nearest_rank([float(v) for v in range(1, 11)], 90) == 9.0  # ceil(9.0) = 9th
    assert nearest_rank([float(v) for v in range(1, 71)], 90) == 63.0  # exactly rank 63, no float round-up
