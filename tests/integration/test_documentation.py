"""Documentation notes (a completed conversation as a PDF for the medical record), on SQLite and PostgreSQL.

The PDF's text is read back with pypdf, independent of fpdf2, the library that wrote it.
The clinic's clock is fake: Monday 2026-11-02 09:00 in New York (14:00 UTC).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from sm_app.messaging.attachments import check_file
from sm_app.shared.errors import NotFound, ValidationError
from tests.conftest import make_settings, pdf_text, seed_clinic

MONDAY_9AM = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
KNEE = "Tengo más dolor en la rodilla — ¿qué hago?"
REPLY = "Rest it tonight and ice it for 20 minutes; we booked you in on Thursday at 10:30."
NOTE_MARKER = "zqxinternalnotemarker"
ROUTE_MARKER = "zqxroutingreasonmarker"
FILE_MARKER = b"Lab-Report-Marker"


@pytest.fixture
async def clinic(tmp_path, database_url):
    system = build_system(make_settings(tmp_path, database_url), clock=FakeClock(MONDAY_9AM))
    yield await seed_clinic(system)
    await system.close()



async def _completed_thread(clinic) -> str:
    """Patient writes (with a file), the team routes, notes and replies, then completes the conversation."""
    system = clinic.system
    sent = await system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="General", subject="Knee pain after the fall", body=KNEE,
        files=[check_file("Lab report.pdf", b"%PDF-1.7\n" + FILE_MARKER + b"\n", [])])
    thread = sent.thread_id
    system.clock.advance(hours=1)
    await system.triage.route(clinic.blue_nurse, thread, "nurse", f"knee questions {ROUTE_MARKER}")
    await system.triage.add_note(clinic.blue_nurse, thread, f"Called the patient back {NOTE_MARKER}")
    await system.messaging.reply(clinic.blue_nurse, thread, REPLY)
    system.clock.advance(minutes=30)
    await system.triage.set_status(clinic.blue_nurse, thread, "completed")
    system.clock.advance(minutes=15)
    return thread


async def test_completed_thread_exports_the_conversation_and_nothing_staff_only(clinic):
    system = clinic.system
    thread = await _completed_thread(clinic)
    unread_before = await system.mailbox.unread_count(clinic.blue_nurse)

    note = await system.documentation.note_pdf(clinic.blue_provider, thread)

    assert note.filename == f"documentation-note-{thread[:8]}.pdf"
    assert note.media_type == "application/pdf" and note.data.startswith(b"%PDF-")
    text = pdf_text(note.data)
    for expected in ("Test Clinic", "Secure messaging documentation note", "Patient Pat Patient",
                     "Care team Blue Team", "Category General", "Subject Knee pain after the fall",
                     "Started Nov 02, 2026 09:00 AM EST", "Completed Nov 02, 2026 10:30 AM EST",
                     "1. Pat Patient (Patient) — Nov 02, 2026 09:00 AM EST", KNEE,
                     "Attached files (not included in this note): Lab report.pdf",
                     "2. Nina Blue (Care team) — Nov 02, 2026 10:00 AM EST", REPLY,
                     "Exported by Paul Blue (Provider) on Nov 02, 2026 10:45 AM EST"):
        assert expected in text, expected
    assert text.index(KNEE) < text.index(REPLY)
    # Staff-only information stays out: internal notes, hand-off history and its reasons, file contents.
    for hidden in (NOTE_MARKER, ROUTE_MARKER, "routed it", "Nurse pool", "Lab-Report-Marker"):
        assert hidden not in text, hidden
    assert NOTE_MARKER.encode() not in note.data and ROUTE_MARKER.encode() not in note.data
    # Exporting is not reading: nothing was marked read.
    assert await system.mailbox.unread_count(clinic.blue_nurse) == unread_before == 1

    exports = [e for e in await system.audit.entries(20) if e["action"] == "thread.export"]
    assert [(e["actor_id"], e["object_type"], e["object_id"], e["outcome"]) for e in exports] == [
        (clinic.blue_provider.user_id, "thread", thread, "ok")]
    assert "Knee" not in exports[0]["detail"] and "rodilla" not in exports[0]["detail"]
    assert (await system.audit.verify()).ok


async def test_the_same_export_gives_the_same_bytes(clinic):
    thread = await _completed_thread(clinic)
    first = await clinic.system.documentation.note_pdf(clinic.blue_nurse, thread)
    second = await clinic.system.documentation.note_pdf(clinic.blue_nurse, thread)
    assert first.data == second.data


async def test_template_answers_and_a_closed_conversation_are_in_the_note(clinic):
    system = clinic.system
    sent = await system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal", body="",
        template_key="prescription_renewal",
        answers={"Pharmacy": "Main Street Pharmacy", "Medication": "Metformin", "Dose": "500 mg"})
    await system.messaging.close_thread(clinic.blue_nurse, sent.thread_id, "Renewed at the pharmacy")
    await system.triage.set_status(clinic.blue_nurse, sent.thread_id, "completed")
    text = pdf_text((await system.documentation.note_pdf(clinic.blue_nurse, sent.thread_id)).data)
    assert "Medication: Metformin Dose: 500 mg Pharmacy: Main Street Pharmacy" in text
    assert "Closed Nov 02, 2026 09:00 AM EST — Renewed at the pharmacy" in text


async def test_characters_the_font_lacks_do_not_break_the_export_or_reach_the_log(clinic, caplog):
    system = clinic.system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Rodilla", body="Dolor 漢字 aquí\tahora")
    await system.triage.set_status(clinic.blue_nurse, sent.thread_id, "completed")
    with caplog.at_level(logging.DEBUG):
        note = await system.documentation.note_pdf(clinic.blue_nurse, sent.thread_id)
    text = pdf_text(note.data)
    assert "Dolor \N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER} aquí ahora" in text
    assert "cannot be printed with this note's font" in text
    # fpdf2 logs the characters a font lacks; message text must never reach a log.
    assert "漢" not in caplog.text and "missing the following glyphs" not in caplog.text


async def test_only_a_completed_conversation_can_be_exported(clinic):
    system = clinic.system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Open", body="Still waiting.")
    for status in ("new", "in_progress", "waiting_on_patient"):
        await system.triage.set_status(clinic.blue_nurse, sent.thread_id, status)
        with pytest.raises(ValidationError) as err:
            await system.documentation.note_pdf(clinic.blue_nurse, sent.thread_id)
        assert err.value.field == "Export"
        assert str(err.value) == "Only a completed conversation can be exported as a documentation note."
    assert not [e for e in await system.audit.entries(50) if e["action"] == "thread.export"]


async def test_patients_other_teams_and_admins_get_not_found_and_denials_are_audited(clinic):
    system = clinic.system
    thread = await _completed_thread(clinic)
    for outsider in (clinic.pat, clinic.gil, clinic.green_nurse, clinic.admin):
        with pytest.raises(NotFound):
            await system.documentation.note_pdf(outsider, thread)
    with pytest.raises(NotFound):
        await system.documentation.note_pdf(clinic.blue_nurse, "0" * 32)
    exports = [e for e in await system.audit.entries(50) if e["action"] == "thread.export"]
    assert {(e["actor_id"], e["outcome"]) for e in exports} == {
        (clinic.pat.user_id, "denied"), (clinic.gil.user_id, "denied"), (clinic.green_nurse.user_id, "denied"),
        (clinic.admin.user_id, "denied"), (clinic.blue_nurse.user_id, "denied")}
