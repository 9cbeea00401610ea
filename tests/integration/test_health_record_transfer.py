"""The health record taken out and brought in, on SQLite and PostgreSQL: the FHIR Bundle of a record with every
section validates as R4B (R4's structure), a PDF opens and shows the entries, an export → import round trip keeps every
entry, bad imports are refused and change nothing, and downloads follow the one access rule and are audited."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from sm_app.health_record.fhir import IMPORT_MAX_BYTES
from sm_app.health_record.sections import SECTIONS
from sm_app.shared.errors import NotFound, ValidationError
from tests.conftest import pdf_text

EVERY_SECTION = {
    "conditions": [{"name": "Type 2 diabetes", "since": "2019", "notes": "Diet first"},
                   {"name": "Migraine", "since": "since my teens"}],
    "medications": [{"name": "Metformin", "dose": "500 mg", "how_often": "twice a day", "since": "2019-04",
                     "prescriber": "Dr Okafor"},
                    {"name": "Ibuprofen", "dose": "200 mg", "since": "last winter"}],
    "allergies": [{"substance": "Penicillin", "reaction": "hives", "severity": "Severe"},
                  {"substance": "Latex", "severity": "Not sure"}],
    "immunizations": [{"vaccine": "Influenza", "given_on": "2025-10-02", "notes": "Left arm"}],
    "procedures": [{"name": "Appendectomy", "done_on": "2001-06-11"}],
    "family_history": [{"relative": "Mother", "condition": "Hypertension", "notes": "From age 50"}],
    "readings": [
        {"kind": "Blood pressure", "value": "128", "second_value": "82", "unit": "mmHg", "taken_on": "2026-01-05",
         "taken_at": "08:30"},
        {"kind": "Glucose", "value": "6.2", "unit": "mmol/L", "taken_on": "2026-01-06"},
        {"kind": "Weight", "value": "181.5", "unit": "lb", "taken_on": "2026-01-06", "taken_at": "07:05"},
        {"kind": "Pulse", "value": "72", "unit": "beats/min", "taken_on": "2026-01-07"},
        {"kind": "Temperature", "value": "98.6", "unit": "°F", "taken_on": "2026-01-07", "taken_at": "21:40"},
    ],
}


async def _fill(clinic, actor=None) -> None:
    record = clinic.system.health_record
    actor = actor or clinic.pat
    for section, entries in EVERY_SECTION.items():
        for values in entries:
            await record.add(actor, actor.user_id, section, values)
    stopped = next(e for e in (await record.section(actor, actor.user_id, "medications")).entries
                   if e.value("name") == "Metformin")
    await record.set_active(actor, stopped.id, False, version=stopped.version)


async def _contents(clinic, actor) -> dict:
    record = clinic.system.health_record
    out = {}
    for section in EVERY_SECTION:
        entries = (await record.section(actor, actor.user_id, section)).entries
        out[section] = sorted((tuple(sorted(e.values)), e.active) for e in entries)
    return out


async def test_the_fhir_export_of_every_section_validates_and_uses_loinc_for_readings(clinic):
    await _fill(clinic)
    file = await clinic.system.record_transfer.fhir(clinic.pat, clinic.pat.user_id)
    assert file.media_type == "application/fhir+json" and file.filename.endswith(".fhir.json")
    raw = json.loads(file.data)
    bundle = Bundle.model_validate(raw)  # R4B models: R4's structure for these resources
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert sorted(set(kinds)) == ["AllergyIntolerance", "Condition", "FamilyMemberHistory", "Immunization",
                                  "MedicationStatement", "Observation", "Patient", "Procedure"]
    observations = [e["resource"] for e in raw["entry"] if e["resource"]["resourceType"] == "Observation"]
    codes = {o["code"]["coding"][0]["code"]: o for o in observations}
    assert set(codes) == {"85354-9", "2339-0", "29463-7", "8867-4", "8310-5"}
    bp = codes["85354-9"]
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in bp["component"]] == [
        ("8480-6", 128.0), ("8462-4", 82.0)]
    assert bp["effectiveDateTime"].startswith("2026-01-05T08:30:00")
    assert codes["8310-5"]["valueQuantity"]["code"] == "[degF]"
    stopped = [e["resource"] for e in raw["entry"] if e["resource"]["resourceType"] == "MedicationStatement"
               and e["resource"]["status"] == "stopped"]
    assert len(stopped) == 1
    patient = next(e["resource"] for e in raw["entry"] if e["resource"]["resourceType"] == "Patient")
    assert patient["name"] == [{"text": "Pat Patient"}]


async def test_export_then_import_keeps_every_entry(clinic):
    await _fill(clinic)
    exported = await clinic.system.record_transfer.fhir(clinic.pat, clinic.pat.user_id)
    transfer = clinic.system.record_transfer
    plan = await transfer.review_import(clinic.gil, clinic.gil.user_id, exported.data)
    # The review names what would be added, by section; nothing is saved until the patient confirms.
    assert {k: len(v) for k, v in plan.by_section().items()} == {
        k: len(v) for k, v in EVERY_SECTION.items()}
    assert all(not e.entries for e in [await clinic.system.health_record.section(clinic.gil, clinic.gil.user_id, s)
                                       for s in EVERY_SECTION])
    assert any("name and date of birth" in line for line in plan.left_out)
    assert await transfer.confirm_import(clinic.gil, clinic.gil.user_id, plan) == sum(
        len(v) for v in EVERY_SECTION.values())
    assert await _contents(clinic, clinic.gil) == await _contents(clinic, clinic.pat)
    imported = [e for e in await clinic.system.audit.entries(80) if e["action"] == "record.import"]
    assert imported and all(e["object_id"] == clinic.gil.user_id and "Metformin" not in e["detail"]
                            for e in imported)


def _bundle(*resources) -> bytes:
    return json.dumps({"resourceType": "Bundle", "type": "collection",
                       "entry": [{"resource": r} for r in resources]}).encode()


PULSE = {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/x"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
         "effectiveDateTime": "2026-01-07", "valueQuantity": {"value": 64, "unit": "bpm"}}


@pytest.mark.parametrize(("data", "words"), [
    (b"{not json", "not JSON"),
    (b"[" * 200_000 + b"]" * 200_000, "not JSON"),  # nested past the parser's recursion limit
    ("\ufffe".encode("utf-16"), "not JSON"),
    (json.dumps({"resourceType": "Patient", "name": [{"text": "X"}]}).encode(), "not a FHIR Bundle (it holds one "
                                                                                  "Patient resource)"),
    (json.dumps([1, 2]).encode(), "not a FHIR Bundle."),
    (_bundle({"resourceType": "Condition", "code": {"text": "Asthma"}}), "not valid FHIR R4"),  # no subject
    (_bundle({"resourceType": "Nonsense"}), "not valid FHIR R4"),
    (_bundle({"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}}), "holds nothing"),
    (b" " * (IMPORT_MAX_BYTES + 1), "too large"),
])
async def test_bad_imports_are_refused_with_a_clear_error_and_change_nothing(clinic, data, words):
    transfer = clinic.system.record_transfer
    with pytest.raises(ValidationError) as exc:
        await transfer.review_import(clinic.pat, clinic.pat.user_id, data)
    assert words in exc.value.message
    for section in SECTIONS:
        assert not (await clinic.system.health_record.section(clinic.pat, clinic.pat.user_id, section)).entries
    assert not [e for e in await clinic.system.audit.entries(50) if e["action"] in ("record.import", "record.add")]


async def test_an_import_leaves_out_what_the_record_does_not_hold_and_says_so(clinic):
    transfer = clinic.system.record_transfer
    data = _bundle(PULSE, {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}},
                   {**PULSE, "valueQuantity": {"value": 123456, "unit": "bpm"}})
    plan = await transfer.review_import(clinic.pat, clinic.pat.user_id, data)
    assert [(e.section, e.summary) for e in plan.entries] == [("readings", "Pulse 64 beats/min")]
    assert "1 Encounter" in plan.left_out[0]
    assert plan.left_out[1].startswith("Entry 3 (Observation): Value")
    # Only the patient imports into their own record; anyone else — staff with a read & write grant included — is
    # told nothing exists.
    await clinic.system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    for outsider, target in ((clinic.blue_nurse, clinic.pat.user_id), (clinic.green_nurse, clinic.pat.user_id),
                             (clinic.gil, clinic.pat.user_id), (clinic.admin, clinic.pat.user_id)):
        with pytest.raises(NotFound):
            await transfer.review_import(outsider, target, data)
        with pytest.raises(NotFound):
            await transfer.confirm_import(outsider, target, plan)


async def test_the_pdf_opens_and_shows_every_section(clinic):
    await _fill(clinic)
    file = await clinic.system.record_transfer.pdf(clinic.pat, clinic.pat.user_id)
    assert file.data.startswith(b"%PDF") and file.media_type == "application/pdf"
    text = pdf_text(file.data)
    for words in ("Personal health record", "Patient: Pat Patient", "Metformin 500 mg, twice a day (inactive)",
                  "Penicillin — hives (severe)", "Blood pressure 128/82 mmHg", "Relative: Mother",
                  "Temperature 98.6 °F", "No notes recorded.", "Entered by Pat Patient"):
        assert words in text, words
    exports = [e for e in await clinic.system.audit.entries(10) if e["action"] == "record.export"]
    assert exports[0]["detail"] == "format=pdf" and exports[0]["object_id"] == clinic.pat.user_id


async def test_a_staff_download_shows_on_who_looked_and_a_refused_one_is_audited(clinic):
    await _fill(clinic)
    transfer, sharing = clinic.system.record_transfer, clinic.system.record_sharing
    with pytest.raises(NotFound):
        await transfer.fhir(clinic.blue_nurse, clinic.pat.user_id)
    denied = [e for e in await clinic.system.audit.entries(5) if e["action"] == "record.export"]
    assert denied[0]["outcome"] == "denied" and denied[0]["actor_id"] == clinic.blue_nurse.user_id
    await sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    await transfer.pdf(clinic.blue_nurse, clinic.pat.user_id)
    looks = await sharing.who_looked(clinic.pat)
    assert (looks[0].staff_name, looks[0].team_name, looks[0].what) == ("Nina Blue", "Blue Team",
                                                                        "Downloaded the record")
