"""The health record's readings chart and table, its downloads and the import of a FHIR file, with the User fixture:
the chart and the table show the same readings (and no stored text as an option key), downloads answer only through
the one access rule and look like a missing record otherwise, an import is reviewed before it is saved."""

from __future__ import annotations

import asyncio
import json

from nicegui import app, ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in, sign_in_patient, table_rows

READINGS = [
    {"kind": "Blood pressure", "value": "128", "second_value": "82", "unit": "mmHg", "taken_on": "2026-01-05",
     "taken_at": "08:30"},
    {"kind": "Blood pressure", "value": "141", "second_value": "90", "unit": "mmHg", "taken_on": "2026-01-09"},
    {"kind": "Weight", "value": "181.5", "unit": "lb", "taken_on": "2026-01-06"},
]
FIXED_KEYS = {"animation", "tooltip", "trigger", "legend", "data", "bottom", "grid", "left", "right", "top",
              "containLabel", "xAxis", "type", "yAxis", "scale", "name", "series", "showSymbol"}


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


async def test_readings_over_time_as_a_chart_with_the_values_as_a_table(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    for values in READINGS:
        await system.health_record.add(clinic.pat, clinic.pat.user_id, "readings", values)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/health-record")
    user.find(kind=ui.tab, content="Readings").click()
    await see(user, "Readings over time")
    chart = user.find(kind=ui.echart).elements.pop()
    series = chart.options["series"]
    assert [(s["name"], [v for _, v in s["data"]]) for s in series] == [("Systolic", [128.0, 141.0]),
                                                                       ("Diastolic", [82.0, 90.0])]
    assert series[0]["data"][0][0] == "2026-01-05T08:30:00"
    assert _keys(chart.options) <= FIXED_KEYS  # nothing from the record is ever a key
    assert [(r["date"], r["time"], r["value"]) for r in await table_rows(user, "readings-table")] == [
        ("2026-01-09", "—", "141/90 mmHg"), ("2026-01-05", "08:30", "128/82 mmHg")]
    pick = user.find(kind=ui.select, content="Show").elements.pop()
    assert list(pick.options) == ["Blood pressure (mmHg)", "Weight (lb)"]
    pick.set_value("Weight (lb)")
    assert [(s["name"], [v for _, v in s["data"]]) for s in chart.options["series"]] == [("Value", [181.5])]
    assert [r["value"] for r in await table_rows(user, "readings-table")] == ["181.5 lb"]
    # A new reading reaches the open chart and table (by value: the same chart element).
    await system.health_record.add(clinic.pat, clinic.pat.user_id, "readings",
                                   {**READINGS[2], "value": "179", "taken_on": "2026-01-12"})
    for _ in range(100):
        if len(chart.options["series"][0]["data"]) == 2:
            break
        await asyncio.sleep(0.05)
    assert [v for _, v in chart.options["series"][0]["data"]] == [181.5, 179.0]
    assert user.find(kind=ui.echart).elements == {chart}


async def test_downloads_follow_the_grant_and_look_missing_otherwise(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.health_record.add(clinic.pat, clinic.pat.user_id, "conditions", {"name": "Asthma"})
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/health-record")
    links = {x.text: x.props["href"] for x in user.find(ui.link).elements}
    pdf_href, fhir_href = links["Download PDF"], links["Download FHIR file (JSON)"]
    assert pdf_href == f"/patients/{clinic.pat.user_id}/health-record.pdf"  # ids only
    response = await user.http_client.get(pdf_href)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "no-store"
    response = await user.http_client.get(fhir_href)
    assert response.status_code == 200 and json.loads(response.content)["resourceType"] == "Bundle"

    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "No conversations for your care teams.")
    refused = await nurse.http_client.get(pdf_href)
    missing = await nurse.http_client.get(f"/patients/{'0' * 32}/health-record.pdf")
    assert refused.status_code == missing.status_code == 404 and refused.content == missing.content
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    await nurse.open(f"/patients/{clinic.pat.user_id}/health-record")
    await see(nurse, "Download FHIR file (JSON)")
    shared = await nurse.http_client.get(fhir_href)
    assert shared.status_code == 200 and b"Asthma" in shared.content
    exports = [e for e in await system.audit.entries(30) if e["action"] == "record.export"]
    assert exports[0]["actor_id"] == clinic.blue_nurse.user_id and exports[0]["detail"] == (
        f"format=fhir team={clinic.blue_id}")


def _bundle(*resources) -> bytes:
    return json.dumps({"resourceType": "Bundle", "type": "collection",
                       "entry": [{"resource": r} for r in resources]}).encode()


async def _pick(user: User, name: str, data: bytes) -> None:
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([SmallFileUpload(name, "application/json", data)])


async def test_an_import_is_reviewed_then_added_and_a_bad_file_changes_nothing(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/health-record")
    user.find(kind=ui.link, content="Import a FHIR file").click()
    await see(user, "Import a health record file")
    await _pick(user, "record.json", b'{"resourceType": "Bundle", "entry": [')
    await see(user, "This file is not JSON. Choose a FHIR Bundle saved as a .json file.")
    await _pick(user, "patient.json", json.dumps({"resourceType": "Patient"}).encode())
    await see(user, "This file is not a FHIR Bundle (it holds one Patient resource). "
                    "Choose a file that holds a Bundle.")
    subject = {"reference": "Patient/elsewhere"}
    data = _bundle({"resourceType": "Condition", "subject": subject, "code": {"text": "Asthma"},
                    "onsetDateTime": "2010"},
                   {"resourceType": "AllergyIntolerance", "patient": subject, "code": {"text": "Peanuts"},
                    "reaction": [{"manifestation": [{"text": "swelling"}], "severity": "severe"}]},
                   {"resourceType": "Encounter", "status": "finished", "class": {"code": "AMB"}})
    await _pick(user, "record.json", data)
    await see(user, "Review what will be added")
    await see(user, "2 entries will be added to your health record. Nothing is saved until you press Add.")
    await see(user, "Conditions (1)")
    await see(user, "Peanuts — swelling (severe)")
    await see(user, "Resources this record does not hold: 1 Encounter.")
    assert not (await system.health_record.section(clinic.pat, clinic.pat.user_id, "conditions")).entries
    await press(user, "Add 2 entries to my record")
    await see(user, "Added 2 entries to your health record.")
    conditions = (await system.health_record.section(clinic.pat, clinic.pat.user_id, "conditions")).entries
    assert [(e.summary, e.value("since")) for e in conditions] == [("Asthma", "2010")]


async def test_staff_have_no_import_page(user: User) -> None:
    await seeded(user)
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "No conversations for your care teams.")
    await user.open("/health-record/import")
    await see(user, "Health record not found")
    assert not [e for e in user.current_layout.descendants() if isinstance(e, ui.upload)]


async def test_a_renewal_request_picks_from_the_active_medication_list(user: User, create_user) -> None:
    clinic = await seeded(user)
    record = app.state.sm_system.health_record
    await record.add(clinic.pat, clinic.pat.user_id, "medications",
                     {"name": "Metformin", "dose": "500 mg", "how_often": "twice a day"})
    stopped = await record.add(clinic.pat, clinic.pat.user_id, "medications", {"name": "Lisinopril"})
    await record.set_active(clinic.pat, stopped.id, False, version=1)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")
    user.find("Template").click()
    user.find("Prescription renewal").click()
    await see(user, "Pick from your medications (optional)")
    picker = user.find(kind=ui.select, content="Pick from your medications").elements.pop()
    assert list(picker.options.values()) == ["Metformin 500 mg, twice a day"]  # active ones only
    picker.set_value(next(iter(picker.options)))
    assert user.find(kind=ui.input, content="Medication").elements.pop().value == "Metformin"
    assert user.find("Dose (optional)").elements.pop().value == "500 mg"
    user.find("Dose (optional)").clear().type("1000 mg")  # typing still works after picking
    user.find("Subject").type("Renewal please")
    user.find("Send").click()
    await see(user, "Message sent")

    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Renewal please")
    nurse.find("Renewal please").click()
    await see(nurse, "Move to")
    assert await table_rows(nurse, "template-answers") == [{"field": "Medication", "answer": "Metformin"},
                                                            {"field": "Dose", "answer": "1000 mg"}]


async def test_a_broadcast_cohort_by_condition_counts_only_shared_records(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.health_record.add(clinic.pat, clinic.pat.user_id, "conditions", {"name": "Type 2 diabetes"})
    await sign_in(user, "paul@example.org", STAFF_PW)
    await see(user, "No conversations for your care teams.")
    await user.open("/team-messages")
    await see(user, "Delivery reports")
    user.find(kind=ui.input, content="Condition (optional)").type("diabetes")
    user.find("Count recipients").click()
    await see(user, "0 patients match.")  # Pat has not shared the record with the team
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    user.find("Count recipients").click()
    await see(user, "1 patient matches.")
