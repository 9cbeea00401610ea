"""The admin's templates, quick replies, terms and email settings; the privacy officer's audit viewer."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from nicegui import app, ui
from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in, sign_in_patient, until


def _click(user: User, element: ui.element) -> None:
    """Click this one element (find() clicks every match)."""
    UserInteraction(user, {element}, None).click()


def _element(user: User, kind, label: str):
    return next(e for e in user.find(kind=kind, content=label).elements)


async def _sign_in_admin(user: User) -> None:
    await sign_in(user, "ada@example.org", STAFF_PW)
    await see(user, "Routing rules")


# -- templates ---------------------------------------------------------------------------------------------------
async def test_admin_adds_edits_and_retires_a_template_and_patients_see_it(user: User, create_user) -> None:
    await seeded(user)
    system = app.state.sm_system
    await _sign_in_admin(user)
    user.find("Patient templates").click()
    await see(user, "Prescription renewal")
    user.find("Add a template").click()
    await see(user, "Save template")
    _element(user, ui.input, "Key").set_value("Bad Key")
    _element(user, ui.input, "Name").set_value("Device problem")
    _element(user, ui.input, "Field 1 label").set_value("Device")
    _element(user, ui.select, "Field 1 kind").set_value("choice")
    _element(user, ui.input, "Field 1 options").set_value("Glucose meter")
    user.find("Save template").click()
    await see(user, "Please check: Key, Category, Fields.")
    await see(user, "The choice field 'Device' needs at least two options.")
    assert _element(user, ui.input, "Name").value == "Device problem"  # nothing typed is lost
    key = _element(user, ui.input, "Key")
    assert key.props.get("error") is True
    key.set_value("device_problem")
    _element(user, ui.select, "Category").set_value("General")
    _element(user, ui.input, "Field 1 options").set_value("Glucose meter, BP cuff")
    user.find("Save template").click()
    await see(user, "Saved as version 1. Patients choose from it in New message now.")
    assert (await system.templates.get("device_problem")).fields[0].options == ("Glucose meter", "BP cuff")

    await user.open("/admin/templates")
    await see(user, "Device problem")
    retire = [b for b in user.find(kind=ui.button, content="Retire").elements]
    row_of_referral = next(r for r in user.find(kind=ui.item).elements if "Referral status" in
                           " ".join(getattr(e, "text", "") for e in r.descendants()))
    _click(user, next(b for b in row_of_referral.descendants() if b in retire))
    await see(user, "Referral status: retired")
    await see(user, "Administrative · 2 fields · version 1 · Retired")

    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    patient.find("New message").click()
    await see(patient, "Save draft")
    patient.find("Template").click()
    await see(patient, "Device problem")
    await patient.should_not_see("Referral status")


async def test_admin_edits_a_template_as_a_new_version_and_staff_cannot_open_it(user: User, create_user) -> None:
    await seeded(user)
    system = app.state.sm_system
    await _sign_in_admin(user)
    await user.open("/admin/templates/prescription_renewal")
    await see(user, "Edit: Prescription renewal")
    _element(user, ui.input, "Field 1 label").set_value("Medicine")
    user.find("Save template").click()
    await see(user, "Saved as version 2. Patients choose from it in New message now.")
    assert (await system.templates.get("prescription_renewal")).fields[0].label == "Medicine"
    await user.open("/admin/templates/no_such_key")
    await see(user, "Template not found")

    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Sign out")
    for path in ("/admin/templates", "/admin/quick-replies", "/admin/terms", "/admin/email"):
        await nurse.open(path)
        await see(nurse, "Administration is for the clinic admin.")
    await nurse.should_not_see("Save template")


# -- quick replies -------------------------------------------------------------------------------------------------
async def test_admin_adds_and_retires_quick_replies_and_the_reply_box_follows(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await _sign_in_admin(user)
    await user.open("/admin/quick-replies")
    await see(user, "Received, working on it")
    add_card = next(e for e in user.current_layout.descendants() if "add-reply" in e.classes)
    name = next(e for e in add_card.descendants() if isinstance(e, ui.input))
    text = next(e for e in add_card.descendants() if isinstance(e, ui.textarea))
    name.set_value("Lab hours")
    user.find("Add quick reply").click()
    await see(user, "Write the text staff will insert.")
    assert name.value == "Lab hours"
    text.set_value("The lab is open 8 to 4 on weekdays.")
    user.find("Add quick reply").click()
    await see(user, "Added Lab hours")
    await until(lambda: name.value == "", "the add form emptied")

    cards = [e for e in user.current_layout.descendants() if "reply-card" in e.classes]
    call_card = next(c for c in cards if any(isinstance(e, ui.input) and e.value == "Call the clinic"
                                             for e in c.descendants()))
    _click(user, next(e for e in call_card.descendants() if isinstance(e, ui.button) and e.text == "Retire"))
    await see(user, "Call the clinic: retired")
    await see(user, "Version 1 · Retired")

    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Lab question", body="When is the lab open?")
    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "Sign out")
    await nurse.open(f"/thread/{sent.thread_id}")
    await see(nurse, "When is the lab open?")
    await press(nurse, "Reply")
    nurse.find(kind=ui.select, content="Quick reply").click()
    await see(nurse, "Lab hours")
    await nurse.should_not_see("Call the clinic")
    nurse.find("Lab hours").click()
    assert _element(nurse, ui.textarea, "Message").value == "The lab is open 8 to 4 on weekdays."


# -- terms -------------------------------------------------------------------------------------------------------
async def test_publishing_terms_asks_a_signed_in_patient_again(user: User, create_user) -> None:
    await seeded(user)
    system = app.state.sm_system
    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)

    await _sign_in_admin(user)
    await user.open("/admin/terms")
    await see(user, "0 of 2 patients have accepted it.".replace("0", "1"))
    box = _element(user, ui.textarea, "Terms text")
    box.set_value("## New terms\n\nDo not use messages for emergencies.")
    user.find("Publish new version").click()
    _click(user, next(b for b in user.find(kind=ui.button, content="Publish").elements if b.text == "Publish"))
    await see(user, "The terms must still tell patients to call 911 in an emergency.")
    box.set_value("## New terms\n\nIn an emergency call 911. Replies within {reply_target}.")
    user.find("Publish new version").click()
    _click(user, next(b for b in user.find(kind=ui.button, content="Publish").elements if b.text == "Publish"))
    await see(user, "0 of 2 patients have accepted it.")
    version = (await system.terms.current()).version
    await see(user, f"Version {version} published: patients are asked to accept it on their next page")

    await patient.open("/inbox")
    await see(patient, "New terms")
    await see(patient, f"Version {version}")
    patient.find("I accept the messaging terms").click()
    await see(patient, "New message")
    entries = [e for e in await system.audit.entries(5) if e["action"] in ("terms.accept", "terms.publish")]
    assert [(e["action"], e["object_id"]) for e in entries][:2] == [("terms.accept", version),
                                                                    ("terms.publish", version)]


# -- email settings ----------------------------------------------------------------------------------------------
class _Recorder:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    recorder = _Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, recorder
    controller.stop()


async def test_admin_sets_smtp_and_a_test_email_arrives_without_a_restart(user: User, smtp_server) -> None:
    controller, recorder = smtp_server
    await seeded(user)
    await _sign_in_admin(user)
    user.find("Email settings").click()
    await see(user, "Nothing saved here yet: the server's SM_SMTP_* settings apply (no SMTP host, so emails are "
                    "written to files on the server).")
    await see(user, "SM_SMTP_CA_FILE (extra CA certificates)")
    _element(user, ui.input, "SMTP host").set_value("127.0.0.1")
    _element(user, ui.number, "Port").set_value(controller.port)
    _element(user, ui.select, "Security").set_value("none")
    _element(user, ui.input, "From address").set_value("not-an-address")
    user.find("Save email settings").click()
    await see(user, "From address: enter an email address such as name@example.org.")
    assert _element(user, ui.input, "SMTP host").value == "127.0.0.1"  # nothing typed is lost
    _element(user, ui.input, "From address").set_value("clinic@example.org")
    user.find("Save email settings").click()
    await see(user, "Email settings saved: the next email uses them")
    await see(user, "Saved ")
    _element(user, ui.input, "Test address").set_value("desk@example.org")
    user.find("Send test email").click()
    await see(user, f"Test email sent to desk@example.org: 127.0.0.1:{controller.port} accepted it.")
    assert recorder.messages == [("clinic@example.org", ["desk@example.org"])]

    # A login the server does not take: said in plain words; the password is stored, never shown back.
    _element(user, ui.input, "User name").set_value("mailer")
    password = _element(user, ui.input, "Password")
    password.set_value("Sm7p-Secret-Word")
    user.find("Save email settings").click()
    await until(lambda: password.props.get("hint") == "A password is stored. Leave this empty to keep it.",
                "the password stored")
    assert password.value == ""
    user.find("Send test email").click()
    await see(user, f"Not sent: 127.0.0.1:{controller.port} does not take a user name and password over this "
                    "connection. Leave them empty, or choose STARTTLS or TLS.")

    # Nothing listening there: the next test email (no restart) says so.
    closed = _free_port()
    _element(user, ui.input, "User name").set_value("")
    _element(user, ui.number, "Port").set_value(closed)
    user.find("Save email settings").click()
    await until(lambda: "hint" not in password.props, "the password forgotten with the user name")
    user.find("Send test email").click()
    await see(user, f"Not sent: Could not connect to 127.0.0.1:{closed}")


# -- the audit viewer ------------------------------------------------------------------------------------------------
async def _privacy_officer() -> None:
    await app.state.sm_system.accounts.create_user(email="po@example.org", role="privacy_officer",
                                                   name="Priya Officer", password=STAFF_PW)


async def test_privacy_officer_filters_pages_verifies_and_exports(user: User) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await _privacy_officer()
    for i in range(60):
        await system.audit.record_alone(actor_id=clinic.blue_nurse.user_id, action="thread.read",
                                        object_type="thread", object_id=f"t{i:02d}")
    await sign_in(user, "po@example.org", STAFF_PW)
    await see(user, "Audit log")
    await see(user, "Page 1: 50 entries")
    table = next(e for e in user.current_layout.descendants() if isinstance(e, ui.table))
    first_seq = table.rows[0]["seq"]
    assert table.rows[0]["action"] == "audit.view"  # opening the viewer is audited
    user.find("Older").click()
    await see(user, "Page 2:")
    assert table.rows[0]["seq"] == first_seq - 50
    user.find("Newer").click()
    await see(user, "Page 1: 50 entries")

    _element(user, ui.select, "Person").set_value(clinic.blue_nurse.user_id)
    _element(user, ui.select, "Action").set_value("thread.read")
    user.find("Apply filters").click()
    await until(lambda: table.rows and all(r["person"] == "Nina Blue" for r in table.rows), "filtered rows")
    assert {r["action"] for r in table.rows} == {"thread.read"}
    export = next(e for e in user.current_layout.descendants() if "export-link" in e.classes)
    assert export.props["href"] == f"/audit/export.csv?person={clinic.blue_nurse.user_id}&action=thread.read"

    _element(user, ui.input, "From").set_value("2026-12-31")
    _element(user, ui.input, "To").set_value("2026-01-01")
    user.find("Apply filters").click()
    await see(user, "The end date is before the start date.")

    response = await user.http_client.get(export.props["href"])
    assert response.status_code == 200 and response.headers["content-disposition"] == "attachment; filename=audit.csv"
    lines = response.text.strip().splitlines()
    assert lines[0].startswith("seq,at_utc,actor_id") and len(lines) == 61
    exported = (await system.audit.entries(1))[0]
    assert (exported["action"], exported["detail"]) == (
        "audit.export", f"person={clinic.blue_nurse.user_id} action=thread.read")

    user.find("Verify chain").click()
    await see(user, "The chain holds:")


async def test_everyone_else_gets_not_found_for_the_audit_viewer(user: User, create_user) -> None:
    await seeded(user)
    for email, password in (("ada@example.org", STAFF_PW), ("nina@example.org", STAFF_PW),
                            ("pat@example.org", PATIENT_PW)):
        other = create_user()
        await sign_in(other, email, password)
        await see(other, "Sign out")
        unknown = await other.http_client.get("/no-such-page")
        audit = await other.http_client.get("/audit")
        export = await other.http_client.get("/audit/export.csv")
        assert unknown.status_code == audit.status_code == 404
        assert "Audit" not in audit.text and "Verify chain" not in audit.text
        assert export.status_code == 404 and "seq," not in export.text
        await other.should_not_see("Audit log")
