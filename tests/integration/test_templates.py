"""Message templates: standard forms, answers kept as sealed fields, clinic-editable; both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sm_app.adapters.models import Message
from sm_app.messaging.templates import TemplateField
from sm_app.shared.errors import NotAllowed, ValidationError


async def test_the_six_standard_templates_are_offered(clinic):
    names = [t.name for t in await clinic.system.templates.list_templates()]
    assert names == ["Prescription renewal", "Appointment request", "Question about a test result",
                     "Chronic condition update", "Minor medical issue", "Referral status"]


async def test_answers_are_stored_as_sealed_fields_and_shown_to_staff_in_order(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal",
                                body="", template_key="prescription_renewal",
                                answers={"Pharmacy": "Main Street Pharmacy", "Medication": "Metformin-Marker",
                                         "Dose": "500 mg"})
    view = await box.open_thread(clinic.blue_nurse, sent.thread_id)
    assert view.messages[0].fields == (("Medication", "Metformin-Marker"), ("Dose", "500 mg"),
                                       ("Pharmacy", "Main Street Pharmacy"))
    assert view.messages[0].body == ""
    async with clinic.system.db.read() as s:
        row = (await s.execute(select(Message))).scalar_one()
    assert b"Metformin" not in row.fields_enc


@pytest.mark.parametrize(
    ("key", "answers", "field", "words"),
    [("prescription_renewal", {"Dose": "5 mg"}, "Medication", "is required"),
     ("appointment_request", {"Reason for the visit": "Check-up", "Visit type": "Telepathy"}, "Visit type",
      "Choose one of"),
     ("test_result_question", {"Which test": "A1c", "Date of the test": "last week"}, "Date of the test", "date"),
     ("no_such_template", {}, "Template", "Choose a template")],
)
async def test_bad_answers_name_the_field(clinic, key, answers, field, words):
    with pytest.raises(ValidationError) as err:
        await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="Hi", body="", template_key=key, answers=answers)
    assert err.value.field == field and words in err.value.message


async def test_clinic_admin_adds_and_edits_a_template(clinic):
    t = clinic.system.templates
    fields = [TemplateField("Device", "choice", True, ("Glucose meter", "BP cuff")),
              TemplateField("Serial number", "text", False)]
    with pytest.raises(NotAllowed):
        await t.save_template(clinic.blue_nurse, key="device_problem", name="Device problem",
                              category="General", fields=fields)
    with pytest.raises(ValidationError):
        await t.save_template(clinic.admin, key="Bad Key", name="x", category="General", fields=fields)
    await t.save_template(clinic.admin, key="device_problem", name="Device problem", category="General",
                          fields=fields)
    assert "Device problem" in [x.name for x in await t.list_templates()]
    await t.save_template(clinic.admin, key="device_problem", name="Home device problem", category="General",
                          fields=fields)
    assert (await t.get("device_problem")).name == "Home device problem"
    sent = await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="General", subject="Meter", body="It beeps.",
        template_key="device_problem", answers={"Device": "Glucose meter"})
    view = await clinic.system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    assert view.messages[0].fields == (("Device", "Glucose meter"),)


async def test_a_template_field_may_be_filled_from_the_health_record(clinic):
    t = clinic.system.templates
    renewal = await t.get("prescription_renewal")
    assert [(f.label, f.from_record) for f in renewal.fields] == [
        ("Medication", "medications.name"), ("Dose", "medications.dose"), ("Pharmacy", "")]
    with pytest.raises(ValidationError) as err:
        await t.save_template(clinic.admin, key="inhaler", name="Inhaler", category="Medication",
                              fields=[TemplateField("Inhaler", "text", True, from_record="medications.secret")])
    assert "names no part of the health record" in err.value.message
    await t.save_template(clinic.admin, key="inhaler", name="Inhaler", category="Medication",
                          fields=[TemplateField("Inhaler", "text", True, from_record="medications.name")])
    assert (await t.get("inhaler")).fields[0].from_record == "medications.name"


async def test_an_unedited_shipped_renewal_template_gains_the_medication_list(clinic):
    import json as _json

    from sqlalchemy import update

    from sm_app.adapters.models import MessageTemplate
    from sm_app.messaging.templates import Templates

    system = clinic.system
    await system.templates.list_templates()
    old = [{"label": "Medication", "kind": "text", "required": True},
           {"label": "Dose", "kind": "text", "required": False},
           {"label": "Pharmacy", "kind": "text", "required": False}]
    async with system.db.write() as s:  # as an install from before the health record has it
        await s.execute(update(MessageTemplate).where(MessageTemplate.key == "prescription_renewal")
                        .values(fields_json=_json.dumps(old)))
    fresh = Templates(system.db, system.clock, ("Medication", "General"))
    fields = (await fresh.get("prescription_renewal")).fields
    assert [f.from_record for f in fields] == ["medications.name", "medications.dose", ""]
    # A clinic's own edit is never overwritten.
    await fresh.save_template(clinic.admin, key="prescription_renewal", name="Refill", category="Medication",
                              fields=[TemplateField("Medicine", "text", True)])
    again = Templates(system.db, system.clock, ("Medication", "General"))
    assert [f.label for f in (await again.get("prescription_renewal")).fields] == ["Medicine"]
