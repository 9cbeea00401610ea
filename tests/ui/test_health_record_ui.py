"""The personal health record with the User fixture: the patient records, corrects and marks entries inactive, sees
an entry's history, shares the record per care team and sees who looked; staff see a shared record from the
conversation and, with read & write, add to it; a withdrawn grant takes the record off an open staff page at once."""

from __future__ import annotations

import asyncio

from nicegui import app, ui
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import follow_header_link, press, see, seeded, sign_in, sign_in_patient, table_rows, until


def _field(user: User, label: str):
    return user.find(kind=ui.input, content=label)


async def _thread(clinic) -> str:
    sent = await app.state.sm_system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                            subject="About my sugar", body="A routine question.")
    return sent.thread_id


async def test_patient_records_corrects_and_retires_an_entry_with_its_history(user: User) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await follow_header_link(user, "Health record")
    await see(user, "No conditions recorded yet.")
    await press(user, "Add condition")
    _field(user, "Since").type("2019")
    await press(user, "Save")
    await see(user, "Enter condition.")  # the field is named; what was typed stays
    assert next(iter(_field(user, "Since").elements)).value == "2019"
    _field(user, "Condition").type("Type 2 diabetes")
    await press(user, "Save")
    await see(user, "Saved to the health record")
    await see(user, "Type 2 diabetes")
    await see(user, "Since: 2019")
    await see(user, "Entered by Pat Patient")

    await press(user, "Edit")
    _field(user, "Since").clear().type("2018")
    await press(user, "Save")
    await see(user, "Since: 2018")
    await see(user, "Last changed by Pat Patient")
    await press(user, "Mark inactive")
    await see(user, "Inactive")
    await press(user, "History")
    await see(user, "History of Type 2 diabetes")
    await see(user, "Version 1: Added by Pat Patient")
    await see(user, "Version 2: Edited by Pat Patient")
    await see(user, "Version 3: Marked inactive by Pat Patient")
    await press(user, "Close")

    # Another section: a reading, checked for its unit.
    user.find(kind=ui.tab, content="Readings").click()
    await see(user, "No readings recorded yet.")
    await press(user, "Add reading")
    user.find(kind=ui.select, content="Reading").click()
    user.find("Blood pressure").click()
    _field(user, "Value").type("128")
    _field(user, "Diastolic").type("82")
    user.find(kind=ui.select, content="Unit").click()
    user.find("kg").click()
    _field(user, "Date taken").type("2026-01-05")
    await press(user, "Save")
    await see(user, "Blood pressure is written in mmHg.")
    user.find(kind=ui.select, content="Unit").click()
    user.find("mmHg").click()
    await press(user, "Save")
    await see(user, "Blood pressure 128/82 mmHg")


async def test_sharing_and_who_looked(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/health-record/sharing")
    await see(user, "Sharing your health record")
    select = user.find(kind=ui.select, content="Blue Team")
    assert next(iter(select.elements)).value == "none"  # nothing is shared until the patient says so
    select.click()
    user.find("Read & write").click()
    await see(user, "Blue Team: Read & write")
    access = await system.health_record.access(clinic.blue_nurse, clinic.pat.user_id)
    assert access is not None and access.can_write

    await user.open("/health-record/who-looked")
    await see(user, "No staff member has looked at your health record.")
    await system.health_record.section(clinic.blue_nurse, clinic.pat.user_id, "allergies")
    await user.open("/health-record/who-looked")
    rows = await table_rows(user, "who-looked")
    assert [(r["who"], r["team"], r["what"], r["section"]) for r in rows] == [
        ("Nina Blue", "Blue Team", "Read", "Allergies")]


async def test_staff_with_read_and_write_see_and_add_from_the_conversation(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = await _thread(clinic)
    await system.health_record.add(clinic.pat, clinic.pat.user_id, "conditions", {"name": "Asthma"})
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "About my sugar")
    await user.open(f"/thread/{thread_id}")
    await see(user, "Shared with Blue Team: Read & write")
    await user.should_not_see("Asthma")  # built only when opened
    own_page = user.find(kind=ui.link, content="Open on its own page").elements.pop()
    assert own_page.props["href"] == f"/patients/{clinic.pat.user_id}/health-record"  # ids only
    await press(user, "Health record")
    await see(user, "Asthma")
    user.find(kind=ui.tab, content="Allergies").click()
    await press(user, "Add allergy")
    _field(user, "Substance").type("Penicillin")
    await press(user, "Save")
    await see(user, "Entered by Nina Blue, Blue Team")
    listed = await system.health_record.section(clinic.pat, clinic.pat.user_id, "allergies")
    assert [e.entered_by.words for e in listed.entries] == ["Nina Blue, Blue Team"]


async def test_without_a_grant_staff_get_nothing_and_a_withdrawn_grant_leaves_an_open_page(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = await _thread(clinic)
    await system.health_record.add(clinic.pat, clinic.pat.user_id, "medications", {"name": "Albuterolix"})
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "About my sugar")
    await user.open(f"/thread/{thread_id}")
    await see(user, "Care-team work")
    await user.should_not_see("Shared with Blue Team")
    assert not [b for b in user.current_layout.descendants() if isinstance(b, ui.button) and b.text == "Health record"]
    await user.should_not_see("Open on its own page")
    # A link to it answers like a record that does not exist.
    await user.open(f"/patients/{clinic.pat.user_id}/health-record")
    await see(user, "Health record not found")
    refused = [e.text for e in user.current_layout.descendants() if isinstance(e, ui.label)]
    await user.open(f"/patients/{'0' * 32}/health-record")
    await see(user, "Health record not found")
    assert [e.text for e in user.current_layout.descendants() if isinstance(e, ui.label)] == refused

    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    await user.open(f"/thread/{thread_id}")
    await see(user, "Shared with Blue Team: Read")
    await press(user, "Health record")
    await see(user, "No conditions recorded yet.")  # the first section is read when the record opens
    user.find(kind=ui.tab, content="Medications").click()
    await see(user, "Albuterolix")
    await user.should_not_see("Add medication")  # read only
    # The patient withdraws the grant: the open page loses the record at once.
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "none")
    for _ in range(100):
        if not [e for e in user.current_layout.descendants() if isinstance(e, ui.label) and e.text == "Albuterolix"]:
            break
        await asyncio.sleep(0.05)
    await user.should_not_see("Albuterolix")
    await user.should_not_see("Shared with Blue Team")
    assert not [b for b in user.current_layout.descendants() if isinstance(b, ui.button) and b.text == "Health record"]


async def test_entry_text_with_quotes_is_shown_as_text_not_attributes(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    payload = 'x" :title="alert(6)" onmouseover="alert(7)'
    await system.health_record.add(clinic.pat, clinic.pat.user_id, "conditions", {"name": payload, "notes": payload})
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/health-record")
    await see(user, payload)
    await press(user, "Edit")  # the form holds it as a value
    await see(user, f"Correct {payload}")
    injected = [(type(e).__name__, key) for e in user.current_layout.descendants() for key in e.props
                if key.startswith((":title", "onmouseover", "alert"))]
    assert injected == []


def _labels(user: User) -> list[str]:
    return [e.text for e in user.current_layout.descendants() if isinstance(e, ui.label)]


async def test_a_correction_being_typed_survives_someone_else_changing_the_entry(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    entry = await system.health_record.add(clinic.pat, clinic.pat.user_id, "conditions",
                                           {"name": "Asthma", "since": "2001"})
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open("/health-record")
    await see(user, "Since: 2001")
    await press(user, "Edit")
    _field(user, "Since").clear().type("1999")
    # Meanwhile the nurse corrects the same entry: the patient's list redraws that entry from the push.
    await system.health_record.edit(clinic.blue_nurse, entry.id, {"name": "Asthma", "since": "2002"}, version=1)
    await until(lambda: "Since: 2002" in _labels(user), "the nurse's correction never reached the open page")
    # The form is still open with what the patient typed, and saving it says why it was not saved.
    assert next(iter(_field(user, "Since").elements)).value == "1999"
    await press(user, "Save")
    await see(user, "Someone changed this entry since you opened it.")
    assert next(iter(_field(user, "Since").elements)).value == "1999"
    assert (await system.health_record.entry(clinic.pat, entry.id)).value("since") == "2002"


async def test_a_grant_changed_while_the_record_is_open_applies_at_once(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = await _thread(clinic)
    entry = await system.health_record.add(clinic.pat, clinic.pat.user_id, "conditions", {"name": "Asthma"})
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "About my sugar")
    await user.open(f"/thread/{thread_id}")
    await press(user, "Health record")
    await see(user, "Asthma")
    await user.should_not_see("Add condition")
    # Read -> read & write: the open part offers adding and correcting without a reload.
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "write")
    await see(user, "Shared with Blue Team: Read & write")
    await see(user, "Add condition")
    await see(user, "Asthma")
    # An open history of an entry goes with the record when the grant is withdrawn.
    await press(user, "History")
    await see(user, "History of Asthma")
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "none")
    await until(lambda: not any(t.startswith(("History of", "Asthma")) for t in _labels(user)),
                "the record stayed on the page after the grant was withdrawn")
    await user.should_not_see("Shared with Blue Team")
    assert not [t for t in _labels(user) if entry.id in t or "Condition: Asthma" in t]

    # The whole-page view of a shared record: a withdrawn grant empties it at once.
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "read")
    await user.open(f"/patients/{clinic.pat.user_id}/health-record")
    await see(user, "Shared with Blue Team: Read")
    await see(user, "Asthma")
    await system.record_sharing.set_grant(clinic.pat, clinic.blue_id, "none")
    await until(lambda: "This health record is no longer shared with your care team." in _labels(user),
                "the whole-page record stayed after the grant was withdrawn")
    assert not [t for t in _labels(user) if "Asthma" in t]
    assert not [e for e in user.current_layout.descendants() if isinstance(e, ui.link)
                and e.text.startswith("Download")]

