"""What an attacker with the database file, or with write access to the audit table, would find."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import delete, select, text, update

from sm_app.adapters.crypto import DecryptionError
from sm_app.adapters.models import AuditEntry, Message, Thread

SUBJECT = "Zebrafish-Subject-Marker"
BODY = "Okapi-Body-Marker: my hemoglobin A1c is 9.1"


async def _send(clinic):
    return await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Test results", subject=SUBJECT, body=BODY
    )


async def _raw_database(clinic) -> bytes:
    """The database as an attacker with the file (SQLite, main file and WAL as they are) or a dump would have it."""
    if clinic.system.db.sqlite:
        await clinic.system.close()  # checkpoint nothing: read main file and WAL as they are
        path = clinic.system.settings.database_url.removeprefix("sqlite:///")
        raw = b""
        for suffix in ("", "-wal", "-shm"):
            try:
                with open(path + suffix, "rb") as f:
                    raw += f.read()
            except FileNotFoundError:
                pass
        assert len(raw) > 0
        return raw
    url = clinic.system.settings.database_url
    raw = subprocess.run(["pg_dump", "--data-only", url], capture_output=True, check=True).stdout
    assert b"COPY public.messages" in raw
    return raw


async def test_raw_database_holds_no_subject_or_body(clinic):
    sent = await _send(clinic)
    await clinic.system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Okapi-Reply-Marker")
    raw = await _raw_database(clinic)
    for marker in (b"Zebrafish", b"Okapi", b"hemoglobin"):
        assert marker not in raw


async def test_raw_database_does_not_say_how_a_request_ended(clinic):
    # No query filters on an outcome, so it is sealed like the text (in the thread and in its history).
    sent = await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal", body="",
        template_key="prescription_renewal", answers={"Medication": "Metformin", "Dose": "500 mg"})
    await clinic.system.messaging.send_outcome(clinic.blue_nurse, sent.thread_id, "renewal_denied")
    details = await clinic.system.worklist.details(clinic.blue_nurse, sent.thread_id)
    assert details.outcome == "renewal_denied"  # staff still see it
    assert any(h.text.endswith("recorded the outcome: Renewal denied") for h in details.history)
    raw = await _raw_database(clinic)
    assert b"renewal_denied" not in raw and b"Renewal denied" not in raw


async def test_ciphertext_tampered_in_the_database_is_refused(clinic):
    sent = await _send(clinic)
    async with clinic.system.db.write() as s:
        blob = (await s.execute(select(Message.body_enc).where(Message.thread_id == sent.thread_id))).scalar_one()
        tampered = blob[:-1] + bytes([blob[-1] ^ 1])
        await s.execute(update(Message).where(Message.thread_id == sent.thread_id).values(body_enc=tampered))
    try:
        await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)
    except DecryptionError:
        pass
    else:
        raise AssertionError("tampered ciphertext was accepted")


async def test_swapped_subjects_between_threads_are_refused(clinic):
    a = await _send(clinic)
    b = await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="General", subject="Other", body="Other body"
    )
    async with clinic.system.db.write() as s:
        blob = (await s.execute(select(Thread.subject_enc).where(Thread.id == a.thread_id))).scalar_one()
        await s.execute(update(Thread).where(Thread.id == b.thread_id).values(subject_enc=blob))
    try:
        await clinic.system.mailbox.open_thread(clinic.pat, b.thread_id)
    except DecryptionError:
        pass
    else:
        raise AssertionError("a subject copied from another thread was accepted")


async def test_editing_an_audit_row_breaks_the_chain_at_that_row(clinic):
    await _send(clinic)
    assert (await clinic.system.audit.verify()).ok
    async with clinic.system.db.write() as s:
        await s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(outcome="denied"))
    result = await clinic.system.audit.verify()
    assert not result.ok and result.first_broken_seq == 3


async def test_deleting_an_audit_row_breaks_the_chain_there(clinic):
    await _send(clinic)
    async with clinic.system.db.write() as s:
        await s.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    result = await clinic.system.audit.verify()
    assert not result.ok and result.first_broken_seq == 4


async def test_deleting_the_newest_audit_row_is_detected(clinic):
    await _send(clinic)
    async with clinic.system.db.write() as s:
        last = (await s.execute(text("SELECT max(seq) FROM audit_log"))).scalar_one()
        await s.execute(delete(AuditEntry).where(AuditEntry.seq == last))
    result = await clinic.system.audit.verify()
    assert not result.ok and result.first_broken_seq == last


async def test_verify_audit_command_reports_ok_then_the_broken_entry(clinic, tmp_path):
    if not clinic.system.db.sqlite:
        return  # the command path is the same on PostgreSQL; once on SQLite keeps the suite quick
    await _send(clinic)
    settings = clinic.system.settings
    env = {"SM_DATA_DIR": str(tmp_path), "SM_DATABASE_URL": settings.database_url,
           "SM_KEY_FILE": str(settings.key_file), "PATH": ""}
    cmd = [sys.executable, "-m", "sm_app", "verify-audit"]
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK:")
    async with clinic.system.db.write() as s:
        await s.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(action="tampered"))
    broken = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert broken.returncode == 1
    assert "entry 5" in broken.stderr and len(broken.stderr.strip().splitlines()) == 1


async def test_an_outcome_recorded_before_sealing_is_still_shown(clinic):
    sent = await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal", body="",
        template_key="prescription_renewal", answers={"Medication": "Metformin", "Dose": "500 mg"})
    async with clinic.system.db.write() as s:  # as migration 0008 found it: the plain column, nothing sealed
        await s.execute(update(Thread).where(Thread.id == sent.thread_id).values(outcome="renewal_approved"))
    assert (await clinic.system.worklist.details(clinic.blue_nurse, sent.thread_id)).outcome == "renewal_approved"
