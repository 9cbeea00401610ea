"""Drafts: personal, sealed, saved and restored exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sm_app.adapters.models import Draft
from sm_app.shared.errors import NotFound, ValidationError


async def test_a_draft_is_saved_updated_listed_and_restored(clinic):
    d = clinic.system.drafts
    first = await d.save(clinic.pat, None, team_id=clinic.blue_id, category="Medication", subject="Refill",
                         body="I need my")
    again = await d.save(clinic.pat, first.id, team_id=clinic.blue_id, category="Medication", subject="Refill",
                         body="I need my metformin refilled.")
    assert again.id == first.id
    second = await d.save(clinic.pat, None, team_id=None, category=None, subject="", body="Half a thought")
    listed = await d.list_drafts(clinic.pat)
    assert {x.id for x in listed} == {first.id, second.id}
    assert {x.subject for x in listed} == {"Refill", ""}
    restored = await d.get(clinic.pat, first.id)
    assert (restored.team_id, restored.category, restored.subject, restored.body) == (
        clinic.blue_id, "Medication", "Refill", "I need my metformin refilled.")
    assert await d.count(clinic.pat) == 2


async def test_drafts_are_private_and_sealed(clinic):
    d = clinic.system.drafts
    mine = await d.save(clinic.pat, None, team_id=clinic.blue_id, category=None, subject="Private subject",
                        body="Private body text")
    for other in (clinic.gil, clinic.blue_nurse):
        with pytest.raises(NotFound):
            await d.get(other, mine.id)
        with pytest.raises(NotFound):
            await d.save(other, mine.id, team_id=None, category=None, subject="x", body="y")
        with pytest.raises(NotFound):
            await d.delete(other, mine.id)
        assert await d.list_drafts(other) == []
    async with clinic.system.db.read() as s:
        row = (await s.execute(select(Draft))).scalar_one()
    assert b"Private" not in row.subject_enc and b"Private" not in row.body_enc


async def test_draft_limits_match_sending_and_delete_removes_it(clinic):
    d = clinic.system.drafts
    with pytest.raises(ValidationError) as err:
        await d.save(clinic.pat, None, team_id=None, category=None, subject="x" * 101, body="")
    assert err.value.field == "Subject"
    with pytest.raises(ValidationError):
        await d.save(clinic.pat, None, team_id=None, category=None, subject="", body="x" * 10_001)
    kept = await d.save(clinic.pat, None, team_id=None, category=None, subject="", body="x" * 10_000)
    await d.delete(clinic.pat, kept.id)
    assert await d.list_drafts(clinic.pat) == []


async def test_a_draft_keeps_its_attachments_until_sent_or_deleted(clinic):
    from sm_app.messaging.attachments import check_file

    d = clinic.system.drafts
    pdf = check_file("scan.pdf", b"%PDF-1.7\nscan\n", [])
    note = check_file("note.txt", b"my readings", [pdf])
    saved = await d.save(clinic.pat, None, team_id=clinic.blue_id, category=None, subject="With files", body="",
                         files=[pdf, note])
    restored = await d.get(clinic.pat, saved.id)
    assert [(f.name, f.data) for f in restored.files] == [("scan.pdf", pdf.data), ("note.txt", note.data)]
    # Saving text only (files=None) leaves the files; saving a smaller set replaces them.
    await d.save(clinic.pat, saved.id, team_id=clinic.blue_id, category=None, subject="With files", body="more")
    assert len((await d.get(clinic.pat, saved.id)).files) == 2
    await d.save(clinic.pat, saved.id, team_id=clinic.blue_id, category=None, subject="With files", body="more",
                 files=[note])
    assert [f.name for f in (await d.get(clinic.pat, saved.id)).files] == ["note.txt"]
    folder = clinic.system.settings.data_dir / "attachments"
    assert len([p for p in folder.rglob("*") if p.is_file()]) == 1
    await d.delete(clinic.pat, saved.id)
    assert [p for p in folder.rglob("*") if p.is_file()] == []
