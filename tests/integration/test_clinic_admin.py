"""What the clinic admin edits (templates, quick replies, terms, SMTP) and the privacy officer's audit review; both
databases."""

from __future__ import annotations

import csv
import io
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from sm_app.adapters.models import AuditEntry, SmtpSettings
from sm_app.identity.accounts import Actor
from sm_app.messaging.templates import TemplateField
from sm_app.privacy.audit_review import AuditFilter
from sm_app.shared import audit as audit_module
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import STAFF_PW


async def _privacy_officer(clinic) -> Actor:
    u = await clinic.system.accounts.create_user(email="po@example.org", role="privacy_officer", name="Priya Officer",
                                                 password=STAFF_PW)
    return Actor(u.id, u.role, u.name, u.email)


# -- templates -------------------------------------------------------------------------------------------------
async def test_an_edit_is_a_new_version_and_sent_messages_keep_their_answers(clinic):
    t = clinic.system.templates
    sent = await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal", body="",
        template_key="prescription_renewal", answers={"Medication": "Metformin"})
    before = await t.template_for_admin(clinic.admin, "prescription_renewal")
    fields = [TemplateField("Medicine name", "text", True), TemplateField("Pharmacy", "text", False)]
    await t.save_template(clinic.admin, key="prescription_renewal", name="Prescription renewal",
                          category="Medication", fields=fields, expected_version=before.version)
    after = await t.template_for_admin(clinic.admin, "prescription_renewal")
    assert after.version == before.version + 1
    assert [f.label for f in (await t.get("prescription_renewal")).fields] == ["Medicine name", "Pharmacy"]
    assert [v for v, _, _ in await t.versions(clinic.admin, "prescription_renewal")] == [2, 1]
    view = await clinic.system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    assert view.messages[0].fields == (("Medication", "Metformin"),)  # what was sent stays as sent

    # A form opened before that save is refused, not silently overwriting the newer version.
    with pytest.raises(ValidationError) as stale:
        await t.save_template(clinic.admin, key="prescription_renewal", name="Old", category="Medication",
                              fields=fields, expected_version=before.version)
    assert "Someone else changed this template" in stale.value.message


async def test_retired_templates_leave_compose_and_stay_for_history(clinic):
    t = clinic.system.templates
    await t.set_retired(clinic.admin, "referral_status", True)
    assert "referral_status" not in [x.key for x in await t.list_templates()]
    with pytest.raises(NotFound):
        await t.get("referral_status")
    listed = {x.key: x.active for x in await t.all_templates(clinic.admin)}
    assert listed["referral_status"] is False
    # Seeding again (a restart) does not bring it back: the row is kept.
    t._standard_checked = False
    assert "referral_status" not in [x.key for x in await t.list_templates()]
    await t.set_retired(clinic.admin, "referral_status", False)
    assert "referral_status" in [x.key for x in await t.list_templates()]
    actions = [e["action"] for e in await clinic.system.audit.entries(5)]
    assert "template.retire" in actions and "template.restore" in actions


async def test_template_checks_name_every_problem_and_only_admins_change(clinic):
    t = clinic.system.templates
    with pytest.raises(NotAllowed):
        await t.all_templates(clinic.blue_nurse)
    with pytest.raises(ValidationError) as bad:
        await t.save_template(clinic.admin, key="Bad Key", name="", category="Nope",
                              fields=[TemplateField("Pick", "choice", True, ("only one",))], new=True)
    assert [f for f, _ in bad.value.problems] == ["Key", "Name", "Category", "Fields"]
    with pytest.raises(ValidationError) as taken:
        await t.save_template(clinic.admin, key="referral_status", name="Again", category="General",
                              fields=[TemplateField("Which", "text", True)], new=True)
    assert "exists already" in taken.value.message


# -- quick replies ---------------------------------------------------------------------------------------------
async def test_quick_replies_are_seeded_once_edited_and_retired(clinic):
    q = clinic.system.quick_replies
    shipped = await q.in_use(clinic.blue_nurse)
    assert shipped[0].name == "Received, working on it" and len(shipped) == 6
    with pytest.raises(NotAllowed):
        await q.in_use(clinic.pat)
    with pytest.raises(NotAllowed):
        await q.add(clinic.blue_nurse, name="Mine", text="Hello")
    added = await q.add(clinic.admin, name="Lab closed", text="The lab is closed on Fridays.")
    edited = await q.edit(clinic.admin, added.id, name="Lab hours", text="The lab is open 8 to 4.",
                          expected_version=added.version)
    assert edited.version == 2
    with pytest.raises(ValidationError):
        await q.edit(clinic.admin, added.id, name="x", text="y", expected_version=1)  # stale
    with pytest.raises(ValidationError) as dup:
        await q.add(clinic.admin, name="lab hours", text="again")
    assert dup.value.field == "Name"
    with pytest.raises(ValidationError) as empty:
        await q.add(clinic.admin, name="", text="")
    assert [f for f, _ in empty.value.problems] == ["Name", "Text"]
    for reply in shipped:
        await q.set_retired(clinic.admin, reply.id, True)
    assert [r.name for r in await q.in_use(clinic.blue_nurse)] == ["Lab hours"]
    q._seeded = False  # a restart: retired replies stay retired, nothing is seeded again
    assert [r.name for r in await q.in_use(clinic.blue_nurse)] == ["Lab hours"]
    assert len(await q.all_replies(clinic.admin)) == 7


# -- terms -----------------------------------------------------------------------------------------------------
async def test_publishing_terms_asks_every_patient_again(clinic):
    terms = clinic.system.terms
    await terms.accept(clinic.pat)
    assert await terms.has_accepted(clinic.pat)
    with pytest.raises(NotAllowed):
        await terms.publish(clinic.blue_nurse, "New terms, call 911")
    with pytest.raises(ValidationError):
        await terms.publish(clinic.admin, "   ")
    with pytest.raises(ValidationError):
        await terms.publish(clinic.admin, "No emergency line here.")
    with pytest.raises(ValidationError):
        await terms.publish(clinic.admin, (await terms.current()).text)  # unchanged
    published = await terms.publish(clinic.admin, "## Terms\n\nNew wording. Emergencies: call 911.")
    assert (await terms.current()).version == published.version
    assert not await terms.has_accepted(clinic.pat)
    assert await terms.has_accepted(clinic.blue_nurse)  # the messaging terms are the patients'
    second = await terms.publish(clinic.admin, "## Terms\n\nNewer wording. Emergencies: call 911.")
    assert second.version == published.version + ".2"
    await terms.accept(clinic.pat, published.version)  # accepting what was shown before the newer one came
    assert not await terms.has_accepted(clinic.pat)
    await terms.accept(clinic.pat, second.version)
    assert await terms.has_accepted(clinic.pat)
    overview = await terms.overview(clinic.admin)
    assert (overview.accepted, overview.patients) == (1, 2)
    assert [t.version for t in overview.history] == [second.version, published.version]
    entries = await clinic.system.audit.entries(10)
    published_entries = [e for e in entries if e["action"] == "terms.publish"]
    assert [(e["object_id"], e["actor_id"]) for e in published_entries] == [(second.version, clinic.admin.user_id),
                                                                            (published.version, clinic.admin.user_id)]
    # A fresh process (a restart) reads the current version from the database.
    clinic.system.terms._current = None
    assert (await clinic.system.terms.current()).version == second.version


# -- SMTP ------------------------------------------------------------------------------------------------------
class _Recorder:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
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


async def test_smtp_settings_apply_to_the_next_email_without_a_restart(clinic, smtp_server):
    controller, recorder = smtp_server
    email = clinic.system.email_settings
    shown = await email.current(clinic.admin)
    assert shown.saved_at is None and shown.host == ""  # the environment's (here: files)
    with pytest.raises(NotAllowed):
        await email.current(clinic.blue_nurse)
    with pytest.raises(ValidationError) as bad:
        await email.save(clinic.admin, host="bad host!", port="0", security="ssl", username="", password="",
                         from_address="not an address")
    assert [f for f, _ in bad.value.problems] == ["SMTP host", "Port", "Security", "From address"]

    await email.save(clinic.admin, host="127.0.0.1", port=controller.port, security="none", username="",
                     password="", from_address="clinic@example.org")
    result = await email.send_test(clinic.admin, "ada@example.org")
    assert result.ok and "accepted it" in result.message
    assert recorder.messages[-1][:2] == ("clinic@example.org", ["ada@example.org"])

    # The outbox's next email goes the same way, from the saved address: no restart.
    thread = await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                        subject="Hello", body="A question")
    await clinic.system.messaging.reply(clinic.blue_nurse, thread.thread_id, "An answer")  # the patient is emailed
    sent = await clinic.system.notifications.dispatch()
    assert sent.sent >= 1
    assert all(m[0] == "clinic@example.org" for m in recorder.messages)
    assert "pat@example.org" in {r for m in recorder.messages for r in m[1]}


async def test_test_email_failure_in_plain_words_and_password_sealed(clinic, smtp_server):
    controller, _ = smtp_server
    email = clinic.system.email_settings
    closed = _free_port()
    await email.save(clinic.admin, host="127.0.0.1", port=closed, security="none", username="mailer",
                     password="Secret-Passw0rd-XYZ", from_address="clinic@example.org")
    result = await email.send_test(clinic.admin, "ada@example.org")
    assert not result.ok and result.message.startswith(f"Could not connect to 127.0.0.1:{closed}")
    shown = await email.current(clinic.admin)
    assert shown.has_password and not hasattr(shown, "password")
    async with clinic.system.db.read() as s:
        row = await s.get(SmtpSettings, 1)
    assert b"Secret-Passw0rd" not in row.password_enc
    # An empty password field keeps the stored one; STARTTLS against a server without it says so.
    await email.save(clinic.admin, host="127.0.0.1", port=controller.port, security="starttls", username="mailer",
                     password="", from_address="clinic@example.org")
    assert (await email.current(clinic.admin)).has_password
    result = await email.send_test(clinic.admin, "ada@example.org")
    assert not result.ok and "STARTTLS" in result.message
    with pytest.raises(ValidationError):
        await email.send_test(clinic.admin, "ada@example.org\r\nBcc: x@evil.test")
    audit = [e for e in await clinic.system.audit.entries(10) if e["action"] == "email.test"]
    assert [e["outcome"] for e in audit] == ["failed", "failed"]
    assert all("ada@" not in e["detail"] and "Secret" not in e["detail"] for e in audit)


# -- the audit review ------------------------------------------------------------------------------------------
async def test_only_the_privacy_officer_reviews_the_audit(clinic):
    review = clinic.system.audit_review
    for actor in (clinic.admin, clinic.blue_nurse, clinic.pat):
        with pytest.raises(NotFound):
            await review.page(actor, AuditFilter())
        with pytest.raises(NotFound):
            await review.export_csv(actor, AuditFilter())
        with pytest.raises(NotFound):
            await review.verify(actor)


async def test_filters_keyset_paging_and_an_audited_export(clinic):
    officer = await _privacy_officer(clinic)
    review = clinic.system.audit_review
    m = clinic.system.messaging
    pat_thread = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="Secret-Subject",
                                      body="Secret-Body")
    await m.start_thread(clinic.gil, team_id=clinic.green_id, category="General", subject="Other", body="Other")
    await clinic.system.mailbox.open_thread(clinic.blue_nurse, pat_thread.thread_id)

    everything = await review.page(officer, AuditFilter(), limit=1000)
    seqs = [r.seq for r in everything.rows]
    assert seqs == sorted(seqs, reverse=True) and everything.next_before is None
    first = await review.page(officer, AuditFilter(), limit=3)
    second = await review.page(officer, AuditFilter(), before=first.next_before, limit=3)
    assert [r.seq for r in first.rows + second.rows] == seqs[:6]

    by_nurse = await review.page(officer, AuditFilter(person_id=clinic.blue_nurse.user_id))
    assert {r.actor_id for r in by_nurse.rows} == {clinic.blue_nurse.user_id}
    assert any(r.action == "thread.read" and r.actor_name == "Nina Blue" for r in by_nurse.rows)
    about_pat = await review.page(officer, AuditFilter(patient_id=clinic.pat.user_id))
    objects = {r.object_id for r in about_pat.rows}
    assert pat_thread.thread_id in objects and clinic.gil.user_id not in {r.actor_id for r in about_pat.rows}
    sends = await review.page(officer, AuditFilter(action="message.send"))
    assert {r.action for r in sends.rows} == {"message.send"} and len(sends.rows) == 2
    assert "message.send" in await review.actions(officer)
    today = clinic.system.clock.now().date()
    assert len((await review.page(officer, AuditFilter(date_from=today + timedelta(days=2)))).rows) == 0
    assert len((await review.page(officer, AuditFilter(date_to=today - timedelta(days=2)))).rows) == 0
    with pytest.raises(ValidationError):
        await review.page(officer, AuditFilter(date_from=today, date_to=today - timedelta(days=1)))

    lines = "".join([chunk async for chunk in await review.export_csv(officer, AuditFilter(
        patient_id=clinic.pat.user_id))])
    table = list(csv.DictReader(io.StringIO(lines)))
    assert {r["object_id"] for r in table} >= {pat_thread.thread_id}
    assert "Secret" not in lines  # ids only: no subject, no body
    exported = (await clinic.system.audit.entries(1))[0]
    assert exported["action"] == "audit.export" and exported["actor_id"] == officer.user_id
    assert exported["detail"] == f"patient={clinic.pat.user_id}"


async def test_verify_runs_off_the_loop_reports_progress_and_finds_tampering(clinic):
    officer = await _privacy_officer(clinic)
    seen: list[int] = []
    ok = await clinic.system.audit_review.verify(officer, seen.append)
    assert ok.ok and ok.entries > 0
    async with clinic.system.db.write() as s:
        await s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(action="sign_out"))
    broken = await clinic.system.audit_review.verify(officer)
    assert not broken.ok and broken.first_broken_seq == 3
    last = (await clinic.system.audit.entries(1))[0]
    assert (last["action"], last["outcome"]) == ("audit.verify", "broken")


async def test_csv_cells_that_look_like_formulas_are_defused(clinic):
    officer = await _privacy_officer(clinic)
    u = await clinic.system.accounts.create_user(email="f@example.org", role="patient", name="=HYPERLINK(1)",
                                                 password="a long patient password 1")
    await clinic.system.audit.record_alone(actor_id=u.id, action="sign_in", object_type="user", object_id=u.id)
    lines = "".join([c async for c in await clinic.system.audit_review.export_csv(officer, AuditFilter(
        person_id=u.id))])
    row = next(csv.DictReader(io.StringIO(lines)))
    assert row["actor_name"] == "'=HYPERLINK(1)" and row["action"] == "sign_in"


async def test_the_chain_check_reports_progress_from_a_worker_thread(clinic, monkeypatch):
    """What the page's progress bar reads: counts as the check goes, written from a thread that is not the event
    loop's (a million HMACs there would freeze every open page)."""
    officer = await _privacy_officer(clinic)
    monkeypatch.setattr(audit_module, "PROGRESS_EVERY", 5)  # a small chain still reports several steps
    reports: list[tuple[int, int]] = []
    result = await clinic.system.audit_review.verify(officer, lambda n: reports.append((n, threading.get_ident())))
    assert result.ok and result.entries >= 10
    counts = [n for n, _ in reports]
    assert counts == list(range(5, result.entries + 1, 5))
    assert {thread for _, thread in reports} and threading.get_ident() not in {thread for _, thread in reports}
