"""Attachments end to end through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sm_app.messaging.attachments import check_file
from sm_app.shared.errors import NotFound, ValidationError

PDF = b"%PDF-1.7\nLab-Report-Marker hemoglobin 9.1\n"


async def test_files_are_sealed_on_disk_listed_and_downloaded_by_both_sides(clinic):
    m, a = clinic.system.messaging, clinic.system.attachments
    files = [check_file("Lab report.pdf", PDF, [])]
    files.append(check_file("glucose-log.txt", b"Mon 110\nTue 180\n", files))
    sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="Test results", subject="Labs",
                                body="See attached.", files=files)
    view = await clinic.system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    listed = view.messages[0].attachments
    assert [(x.name, x.kind, x.size) for x in listed] == [("Lab report.pdf", "pdf", len(PDF)),
                                                          ("glucose-log.txt", "txt", 16)]
    for who in (clinic.pat, clinic.blue_nurse, clinic.blue_provider):
        got = await a.download(who, listed[0].id)
        assert (got.name, got.data) == ("Lab report.pdf", PDF)
    stored = list((clinic.system.settings.data_dir / "attachments").rglob("*"))
    blobs = [p.read_bytes() for p in stored if p.is_file()]
    assert len(blobs) == 2 and not any(b"Lab-Report-Marker" in b or b"Mon 110" in b for b in blobs)


async def test_others_get_not_found_and_the_denial_is_audited(clinic):
    m, a = clinic.system.messaging, clinic.system.attachments
    sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="x", body="y",
                                files=[check_file("a.pdf", PDF, [])])
    att = (await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)).messages[0].attachments[0]
    for outsider in (clinic.gil, clinic.green_nurse, clinic.admin):
        with pytest.raises(NotFound):
            await a.download(outsider, att.id)
    with pytest.raises(NotFound):
        await a.download(clinic.pat, "0" * 32)
    denied = [e for e in await clinic.system.audit.entries() if e["action"] == "attachment.read"
              and e["outcome"] == "denied"]
    assert len(denied) == 4


async def test_the_server_checks_the_files_again_when_sending(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    good = check_file("a.pdf", PDF, [])
    forged = type(good)("b.pdf", "pdf", b"<html>not a pdf</html>", "0" * 64)  # a page bypassing the picker
    with pytest.raises(ValidationError) as err:
        await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="x", body="y",
                             files=[good, forged])
    assert "not really a PDF" in err.value.message
    assert (await box.list_threads(clinic.pat, "sent")).total == 0


async def test_a_reply_can_carry_files(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    sent = await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="General", subject="x", body="y")
    await m.reply(clinic.blue_nurse, sent.thread_id, "Here is your plan.",
                  files=[check_file("plan.rtf", b"{\\rtf1 Plan}", [])])
    view = await box.open_thread(clinic.pat, sent.thread_id)
    assert [x.name for x in view.messages[1].attachments] == ["plan.rtf"]
