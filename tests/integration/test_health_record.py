"""The personal health record on SQLite and PostgreSQL: the grant matrix (who may list, read, add, edit and see the
history of a patient's record), versions, sharing, "Who looked", audit entries with ids only, sealed text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from sm_app.adapters.clock import FakeClock, as_utc
from sm_app.adapters.realtime import ThreadChanged
from sm_app.bootstrap import build_system
from sm_app.identity.accounts import Actor
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import STAFF_PW, make_settings, seed_clinic

MEDICATION = {"name": "Metforminzyx", "dose": "500 mg", "how_often": "twice a day", "since": "2019",
              "prescriber": "Dr Okafor"}


async def _entry(clinic, values=None):
    return await clinic.system.health_record.add(clinic.pat, clinic.pat.user_id, "medications",
                                                 values or MEDICATION)


async def _try(call) -> str:
    try:
        await call()
    except NotFound:
        return "not found"
    except NotAllowed:
        return "not allowed"
    return "ok"


# Expected answers: the patient always; staff of the granted team by the grant; staff of another team and the clinic
# admin never (exactly like a record that does not exist).
EXPECTED = {
    ("none", "granted team"): {"list": "not found", "read": "not found", "add": "not found", "edit": "not found",
                               "history": "not found", "export pdf": "not found", "export fhir": "not found"},
    ("read", "granted team"): {"list": "ok", "read": "ok", "add": "not allowed", "edit": "not allowed",
                               "history": "ok", "export pdf": "ok", "export fhir": "ok"},
    ("write", "granted team"): {"list": "ok", "read": "ok", "add": "ok", "edit": "ok", "history": "ok",
                                "export pdf": "ok", "export fhir": "ok"},
}
ALL_OK = {"list": "ok", "read": "ok", "add": "ok", "edit": "ok", "history": "ok", "export pdf": "ok",
          "export fhir": "ok"}
NOTHING = {k: "not found" for k in ALL_OK}


async def _staff(clinic, email: str, role: str, name: str, team: str | None = None) -> Actor:
    u = await clinic.system.accounts.create_user(email=email, role=role, name=name, password=STAFF_PW)
    if team:
        await clinic.system.accounts.add_member(team=team, email=email, role=role)
    return Actor(u.id, u.role, u.name, u.email)


@pytest.mark.parametrize("level", ["none", "read", "write"])
async def test_the_grant_matrix(clinic, level):
    record, sharing = clinic.system.health_record, clinic.system.record_sharing
    transfer = clinic.system.record_transfer
    # Pat is with a second team too, which the patient never shares with: a grant is per team.
    await clinic.system.accounts.create_team("Red Team")
    await clinic.system.accounts.assign_patient(team="Red Team", email="pat@example.org")
    red_nurse = await _staff(clinic, "rita@example.org", "nurse", "Rita Red", "Red Team")
    privacy_officer = await _staff(clinic, "po@example.org", "privacy_officer", "Priya Officer")
    entry = await _entry(clinic)
    await sharing.set_grant(clinic.pat, clinic.blue_id, level)
    actors = {"granted team": clinic.blue_nurse, "another team": clinic.green_nurse,
              "another of the patient's teams": red_nurse, "patient": clinic.pat, "admin": clinic.admin,
              "privacy officer": privacy_officer, "another patient": clinic.gil}
    for who, actor in actors.items():
        current = (await record.entry(clinic.pat, entry.id)).version
        answers = {
            "list": await _try(lambda a=actor: record.section(a, clinic.pat.user_id, "medications")),
            "read": await _try(lambda a=actor: record.entry(a, entry.id)),
            "add": await _try(lambda a=actor: record.add(a, clinic.pat.user_id, "allergies",
                                                         {"substance": "Penicillin"})),
            "edit": await _try(lambda a=actor, v=current: record.edit(a, entry.id, {**MEDICATION, "dose": "1 g"},
                                                                       version=v)),
            "history": await _try(lambda a=actor: record.history(a, entry.id)),
            "export pdf": await _try(lambda a=actor: transfer.pdf(a, clinic.pat.user_id)),
            "export fhir": await _try(lambda a=actor: transfer.fhir(a, clinic.pat.user_id)),
        }
        expected = EXPECTED.get((level, who)) or (ALL_OK if who == "patient" else NOTHING)
        assert answers == expected, (level, who)
    assert (await record.access(clinic.blue_nurse, clinic.pat.user_id) is not None) == (level != "none")
    for outsider in (clinic.admin, privacy_officer, red_nurse, clinic.green_nurse):
        assert await record.access(outsider, clinic.pat.user_id) is None


async def test_a_refused_record_reads_exactly_like_one_that_does_not_exist(clinic):
    record = clinic.system.health_record
    entry = await _entry(clinic)
    refused, missing = [], []
    for target, collect in ((clinic.pat.user_id, refused), ("0" * 32, missing)):
        with pytest.raises(NotFound) as exc:
            await record.section(clinic.green_nurse, target, "medications")
        collect.append(str(exc.value))
    for target, collect in ((entry.id, refused), ("0" * 32, missing)):
        for call in (record.entry, record.history):
            with pytest.raises(NotFound) as exc:
                await call(clinic.green_nurse, target)
            collect.append(str(exc.value))
    assert refused == missing
    denied = [e for e in await clinic.system.audit.entries(50) if e["outcome"] == "denied"]
    assert denied and all(e["actor_id"] == clinic.green_nurse.user_id for e in denied)


async def test_staff_with_read_and_write_correct_entries_and_every_change_is_a_version(clinic):
    record, sharing = clinic.system.health_record, clinic.system.record_sharing
    entry = await _entry(clinic)
    await sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    changed = await record.edit(clinic.blue_nurse, entry.id, {**MEDICATION, "dose": "1000 mg"}, version=1)
    assert changed.version == 2 and changed.value("dose") == "1000 mg"
    assert changed.entered_by.words == "Pat Patient" and changed.changed_by.words == "Nina Blue, Blue Team"
    # A stale form does not overwrite the change; what it holds is the page's to keep.
    with pytest.raises(ValidationError):
        await record.edit(clinic.pat, entry.id, {**MEDICATION, "dose": "250 mg"}, version=1)
    await record.set_active(clinic.pat, entry.id, False, version=2)
    await record.set_active(clinic.blue_nurse, entry.id, True, version=3)
    history = await record.history(clinic.pat, entry.id)
    assert [(v.version, v.change, v.active, v.by.words) for v in history] == [
        (1, "Added", True, "Pat Patient"),
        (2, "Edited", True, "Nina Blue, Blue Team"),
        (3, "Marked inactive", False, "Pat Patient"),
        (4, "Marked active", True, "Nina Blue, Blue Team"),
    ]
    assert history[0].summary == "Metforminzyx 500 mg, twice a day"
    assert history[1].summary == "Metforminzyx 1000 mg, twice a day"
    staff_added = await record.add(clinic.blue_nurse, clinic.pat.user_id, "allergies",
                                   {"substance": "Latex", "reaction": "rash", "severity": "Mild"})
    assert staff_added.entered_by.words == "Nina Blue, Blue Team"
    assert staff_added.summary == "Latex — rash (mild)"


async def test_inactive_entries_stay_listed_after_the_active_ones(clinic):
    record = clinic.system.health_record
    old = await _entry(clinic, {"name": "Lisinopril"})
    await _entry(clinic, {"name": "Atorvastatin"})
    await record.set_active(clinic.pat, old.id, False, version=1)
    listed = (await record.section(clinic.pat, clinic.pat.user_id, "medications")).entries
    assert [(e.summary, e.active) for e in listed] == [("Atorvastatin", True), ("Lisinopril", False)]


async def test_bad_entries_name_every_field_and_readings_check_their_units(clinic):
    record = clinic.system.health_record
    with pytest.raises(ValidationError) as exc:
        await record.add(clinic.pat, clinic.pat.user_id, "readings", {"kind": "Blood pressure", "value": "abc"})
    named = [field for field, _ in exc.value.problems]
    assert named == ["Value", "Unit", "Date taken"]
    with pytest.raises(ValidationError) as exc:
        await record.add(clinic.pat, clinic.pat.user_id, "readings",
                         {"kind": "Weight", "value": "180", "unit": "mmHg", "taken_on": "2026-01-05"})
    assert exc.value.field == "Unit"
    with pytest.raises(ValidationError) as exc:
        await record.add(clinic.pat, clinic.pat.user_id, "readings",
                         {"kind": "Blood pressure", "value": "128", "unit": "mmHg", "taken_on": "2026-01-05"})
    assert exc.value.field == "Diastolic (blood pressure only)"
    reading = await record.add(clinic.pat, clinic.pat.user_id, "readings",
                               {"kind": "Blood pressure", "value": "128", "second_value": "82", "unit": "mmHg",
                                "taken_on": "2026-01-05", "taken_at": "08:30"})
    assert reading.summary == "Blood pressure 128/82 mmHg"
    with pytest.raises(ValidationError) as exc:
        await record.add(clinic.pat, clinic.pat.user_id, "medications", {"name": "x" * 201})
    assert exc.value.field == "Medication"


async def test_sharing_is_per_team_of_the_patient_audited_and_told_at_once(clinic):
    system = clinic.system
    sharing = system.record_sharing
    assert [(g.team_name, g.level) for g in await sharing.grants(clinic.pat)] == [("Blue Team", "none")]
    told: list[ThreadChanged] = []
    system.bus.subscribe(clinic.blue_nurse.user_id, told.append)
    await sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    assert told == [ThreadChanged("", "record", patient_id=clinic.pat.user_id)]  # ids only
    assert [(g.team_name, g.level_words) for g in await sharing.grants(clinic.pat)] == [("Blue Team", "Read")]
    with pytest.raises(NotFound):  # not one of Pat's teams
        await sharing.set_grant(clinic.pat, clinic.green_id, "write")
    with pytest.raises(ValidationError):
        await sharing.set_grant(clinic.pat, clinic.blue_id, "everything")
    for outsider in (clinic.blue_nurse, clinic.admin):
        with pytest.raises(NotFound):
            await sharing.grants(outsider)
        with pytest.raises(NotFound):
            await sharing.set_grant(outsider, clinic.blue_id, "write")
    grant = [e for e in await system.audit.entries(20) if e["action"] == "record.grant"]
    assert grant[0]["detail"] == f"team={clinic.blue_id} level=read"
    await sharing.set_grant(clinic.pat, clinic.blue_id, "none")
    assert await system.health_record.access(clinic.blue_nurse, clinic.pat.user_id) is None


async def test_who_looked_lists_staff_reads_and_changes_with_team_and_section(clinic):
    system = clinic.system
    record, sharing = system.health_record, system.record_sharing
    entry = await _entry(clinic)
    await record.section(clinic.pat, clinic.pat.user_id, "medications")  # the patient's own reads are not listed
    await sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    await record.section(clinic.blue_nurse, clinic.pat.user_id, "medications")
    await record.edit(clinic.blue_nurse, entry.id, {**MEDICATION, "dose": "1 g"}, version=1)
    await record.history(clinic.blue_provider, entry.id)
    with pytest.raises(NotFound):
        await record.section(clinic.green_nurse, clinic.pat.user_id, "allergies")  # refused: nothing was seen
    looks = await sharing.who_looked(clinic.pat)
    assert [(lk.staff_name, lk.team_name, lk.what, lk.section) for lk in looks] == [
        ("Paul Blue", "Blue Team", "Read the history of an entry", "Medications"),
        ("Nina Blue", "Blue Team", "Corrected an entry", "Medications"),
        ("Nina Blue", "Blue Team", "Read", "Medications"),
    ]
    with pytest.raises(NotFound):
        await sharing.who_looked(clinic.blue_nurse)


async def test_audit_entries_about_records_hold_ids_only(clinic):
    system = clinic.system
    entry = await _entry(clinic)
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    await system.health_record.edit(clinic.blue_nurse, entry.id, {**MEDICATION, "dose": "1 g"}, version=1)
    await system.health_record.history(clinic.blue_nurse, entry.id)
    rows = [e for e in await system.audit.entries(50) if e["action"].startswith("record.")]
    assert {e["action"] for e in rows} >= {"record.add", "record.grant", "record.edit", "record.history"}
    for e in rows:
        assert e["object_type"] == "health_record" and e["object_id"] == clinic.pat.user_id
        for word in ("Metforminzyx", "500 mg", "twice", "Okafor", "Blue Team", "Nina"):
            assert word not in repr(e)
    assert (await system.audit.verify()).ok


async def test_entry_text_is_not_readable_in_the_database(clinic, tmp_path: Path):
    system = clinic.system
    entry = await _entry(clinic)
    await system.health_record.edit(clinic.pat, entry.id, {**MEDICATION, "prescriber": "Dr Quenbyrrow"}, version=1)
    async with system.db.read() as s:
        for table in ("record_entries", "record_versions", "record_grants", "audit_log"):
            dump = repr((await s.execute(text(f"SELECT * FROM {table}"))).all())  # noqa: S608 - fixed names
            for word in ("Metforminzyx", "Quenbyrrow", "twice a day"):
                assert word not in dump, (table, word)
    if system.db.sqlite:
        for path in tmp_path.glob("sm.db*"):
            raw = path.read_bytes()
            assert b"Metforminzyx" not in raw and b"Quenbyrrow" not in raw


async def test_a_change_tells_the_patient_and_the_granted_staff_by_id(clinic):
    system = clinic.system
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    told: dict[str, list] = {}
    for actor in (clinic.pat, clinic.blue_nurse, clinic.green_nurse):
        system.bus.subscribe(actor.user_id, lambda e, who=actor.user_id: told.setdefault(who, []).append(e))
    await _entry(clinic)
    record_pushed = ThreadChanged("", "record", patient_id=clinic.pat.user_id)
    assert told == {clinic.pat.user_id: [record_pushed], clinic.blue_nurse.user_id: [record_pushed]}


async def test_a_grant_reaches_only_staff_still_on_a_team_the_patient_is_still_with(clinic):
    system = clinic.system
    record, teams = system.health_record, system.team_admin
    entry = await _entry(clinic)
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    # A nurse who leaves the team leaves the record: her next look is refused like a record that does not exist.
    await teams.remove_member(clinic.admin, clinic.blue_id, clinic.blue_nurse.user_id)
    with pytest.raises(NotFound):
        await record.entry(clinic.blue_nurse, entry.id)
    assert (await record.entry(clinic.blue_provider, entry.id)).id == entry.id
    # A patient who leaves the team takes the record with them, though the grant row is kept.
    await teams.dissociate(clinic.admin, clinic.blue_id, clinic.pat.user_id)
    for call in (lambda: record.section(clinic.blue_provider, clinic.pat.user_id, "medications"),
                 lambda: record.history(clinic.blue_provider, entry.id),
                 lambda: system.record_transfer.fhir(clinic.blue_provider, clinic.pat.user_id)):
        with pytest.raises(NotFound):
            await call()
    assert await record.access(clinic.blue_provider, clinic.pat.user_id) is None


NOON = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
async def clocked(tmp_path, database_url):
    clock = FakeClock(NOON)
    system = build_system(make_settings(tmp_path, database_url), clock=clock)
    yield await seed_clinic(system), clock
    await system.close()


async def test_every_version_and_every_look_says_when(clocked):
    clinic, clock = clocked
    record, sharing = clinic.system.health_record, clinic.system.record_sharing
    entry = await _entry(clinic)
    await sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    clock.advance(hours=2)
    await record.edit(clinic.blue_nurse, entry.id, {**MEDICATION, "dose": "1 g"}, version=1)
    clock.advance(days=1)
    await record.set_active(clinic.pat, entry.id, False, version=2)
    clock.advance(minutes=5)
    await record.section(clinic.blue_provider, clinic.pat.user_id, "medications")
    history = await record.history(clinic.pat, entry.id)
    assert [(v.change, v.by.words, as_utc(v.at)) for v in history] == [
        ("Added", "Pat Patient", NOON),
        ("Edited", "Nina Blue, Blue Team", datetime(2026, 11, 2, 19, 0, tzinfo=UTC)),
        ("Marked inactive", "Pat Patient", datetime(2026, 11, 3, 19, 0, tzinfo=UTC)),
    ]
    now = await record.entry(clinic.pat, entry.id)
    assert (as_utc(now.entered_at), as_utc(now.changed_at)) == (NOON, as_utc(history[-1].at))
    looks = await sharing.who_looked(clinic.pat)
    assert [(lk.staff_name, lk.what, as_utc(lk.at)) for lk in looks] == [
        ("Paul Blue", "Read", datetime(2026, 11, 3, 19, 5, tzinfo=UTC)),
        ("Nina Blue", "Corrected an entry", datetime(2026, 11, 2, 19, 0, tzinfo=UTC)),
    ]
