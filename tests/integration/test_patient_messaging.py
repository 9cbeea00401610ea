"""Reply rules, folders and Trash, paging and sort, signature: the patient's side, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sm_app.adapters.clock import FakeClock
from sm_app.bootstrap import build_system
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError
from tests.conftest import make_settings, seed_clinic


@pytest.fixture
async def timed(tmp_path, database_url):
    clock = FakeClock()
    system = build_system(make_settings(tmp_path, database_url), clock=clock)
    clinic = await seed_clinic(system)
    yield clinic, clock
    await system.close()


async def start(clinic, subject="Knee pain", body="It hurts.", category="General"):
    return await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category=category,
                                                      subject=subject, body=body)


async def test_reply_is_refused_after_45_days_and_offers_a_new_message(timed):
    clinic, clock = timed
    m = clinic.system.messaging
    box = clinic.system.mailbox
    sent = await start(clinic)
    await m.reply(clinic.blue_nurse, sent.thread_id, "Rest it.")
    clock.advance(days=45)
    await m.reply(clinic.pat, sent.thread_id, "Still hurts.")  # exactly 45 days: still allowed
    clock.advance(days=45, seconds=1)
    with pytest.raises(ValidationError) as err:
        await m.reply(clinic.pat, sent.thread_id, "And now?")
    assert "more than 45 days old" in err.value.message
    view = await box.open_thread(clinic.pat, sent.thread_id)
    assert not view.can_reply and view.offer_new_message
    prefill = await m.new_message_prefill(clinic.pat, sent.thread_id)
    assert (prefill.team_id, prefill.subject) == (clinic.blue_id, "Knee pain")
    # Staff may still answer an old conversation.
    await m.reply(clinic.blue_nurse, sent.thread_id, "Please call us.")


async def test_closed_conversation_shows_the_reason_and_reopens(timed):
    clinic, _ = timed
    m = clinic.system.messaging
    box = clinic.system.mailbox
    sent = await start(clinic)
    with pytest.raises(ValidationError):
        await m.close_thread(clinic.blue_nurse, sent.thread_id, "  ")
    with pytest.raises(NotAllowed):
        await m.close_thread(clinic.pat, sent.thread_id, "I am done")
    with pytest.raises(NotFound):
        await m.close_thread(clinic.green_nurse, sent.thread_id, "Not my team")
    await m.close_thread(clinic.blue_nurse, sent.thread_id, "Answered by phone on Monday")
    view = await box.open_thread(clinic.pat, sent.thread_id)
    assert not view.can_reply and view.closed and view.offer_new_message
    assert "Answered by phone on Monday" in view.reply_blocked_reason
    with pytest.raises(ValidationError):
        await m.reply(clinic.pat, sent.thread_id, "One more thing")
    with pytest.raises(ValidationError):
        await m.reply(clinic.blue_nurse, sent.thread_id, "Staff must reopen first")
    await m.reopen_thread(clinic.blue_nurse, sent.thread_id)
    await m.reply(clinic.pat, sent.thread_id, "One more thing")
    assert (await box.open_thread(clinic.pat, sent.thread_id)).can_reply


async def test_blocked_patient_gets_no_new_message_offer(timed):
    clinic, _ = timed
    sent = await start(clinic)
    await clinic.system.accounts.set_blocked(team="Blue Team", email=clinic.pat.email, blocked=True)
    view = await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)
    assert not view.can_reply and not view.offer_new_message
    assert (await clinic.system.messaging.new_message_prefill(clinic.pat, sent.thread_id)).team_id is None


async def test_folders_are_personal_unique_and_deleted_only_when_empty(timed):
    clinic, _ = timed
    f = clinic.system.folders
    knee = await f.create_folder(clinic.pat, "  Knee   stuff ")
    assert knee.name == "Knee stuff"
    for bad, words in (("", "required"), ("x" * 51, "at most 50"), ("knee STUFF", "already have"),
                       ("Trash", "built-in")):
        with pytest.raises(ValidationError) as err:
            await f.create_folder(clinic.pat, bad)
        assert words in err.value.message
    await f.create_folder(clinic.gil, "Knee stuff")  # another person may use the same name
    assert [x.name for x in await f.list_folders(clinic.gil)] == ["Knee stuff"]
    with pytest.raises(NotFound):
        await f.rename_folder(clinic.gil, knee.id, "Mine now")
    await f.rename_folder(clinic.pat, knee.id, "Knees")

    sent = await start(clinic)
    await f.move_thread(clinic.pat, sent.thread_id, knee.id)
    assert [(x.name, x.threads) for x in await f.list_folders(clinic.pat)] == [("Knees", 1)]
    with pytest.raises(ValidationError) as err:
        await f.delete_folder(clinic.pat, knee.id)
    assert "not empty" in err.value.message
    await f.move_thread(clinic.pat, sent.thread_id, "inbox")
    await f.delete_folder(clinic.pat, knee.id)
    assert await f.list_folders(clinic.pat) == []


async def test_folder_names_are_sealed_at_rest(timed):
    clinic, _ = timed
    from sqlalchemy import select

    from sm_app.adapters.models import Folder

    await clinic.system.folders.create_folder(clinic.pat, "Oncology results")
    async with clinic.system.db.read() as s:
        row = (await s.execute(select(Folder))).scalar_one()
    assert b"Oncology" not in row.name_enc and "Oncology" not in row.name_token


async def test_moving_filing_and_trash_are_per_person_and_restorable(timed):
    clinic, _ = timed
    m, f = clinic.system.messaging, clinic.system.folders
    sent = await start(clinic)
    await m.reply(clinic.blue_nurse, sent.thread_id, "Answer")

    async def ids(actor, folder):
        return [t.id for t in (await clinic.system.mailbox.list_threads(actor, folder)).items]

    assert await ids(clinic.pat, "inbox") == [sent.thread_id]
    folder = await f.create_folder(clinic.pat, "Knee")
    await f.move_thread(clinic.pat, sent.thread_id, folder.id)
    assert await ids(clinic.pat, "inbox") == []
    assert await ids(clinic.pat, folder.id) == [sent.thread_id]
    assert await ids(clinic.pat, "sent") == [sent.thread_id]
    await f.move_thread(clinic.pat, sent.thread_id, "trash")
    assert await ids(clinic.pat, folder.id) == []
    assert await ids(clinic.pat, "sent") == []
    assert await ids(clinic.pat, "trash") == [sent.thread_id]
    assert await ids(clinic.blue_nurse, "worklist") == [sent.thread_id]  # the team is unaffected
    # Another person's folder id or thread is "not found", and lists nothing.
    assert await ids(clinic.gil, folder.id) == []
    with pytest.raises(NotFound):
        await f.move_thread(clinic.gil, sent.thread_id, "trash")
    gil_folder = await f.create_folder(clinic.gil, "Mine")
    with pytest.raises(NotFound):
        await f.move_thread(clinic.pat, sent.thread_id, gil_folder.id)
    # Restore puts it back where it was.
    await f.move_thread(clinic.pat, sent.thread_id, "restore")
    assert await ids(clinic.pat, folder.id) == [sent.thread_id]
    # A new message from the team brings a trashed conversation back so it is not missed.
    await f.move_thread(clinic.pat, sent.thread_id, "trash")
    await m.reply(clinic.blue_nurse, sent.thread_id, "Follow-up")
    assert await ids(clinic.pat, "trash") == []
    assert await ids(clinic.pat, folder.id) == [sent.thread_id]
    # Nothing was deleted along the way.
    assert len((await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)).messages) == 3


async def test_lists_page_and_sort(timed):
    clinic, clock = timed
    box = clinic.system.mailbox
    subjects = [f"Question {c}" for c in "QWERTYUIOPASDFGHJKLZXCVB"]  # 24 threads, created in this order
    for subj in subjects:
        await start(clinic, subject=subj)
        clock.advance(minutes=1)
    page = await box.list_threads(clinic.pat, "sent")
    assert (page.total, page.pages, len(page.items)) == (24, 3, 10)
    assert [t.subject for t in page.items] == subjects[::-1][:10]
    third = await box.list_threads(clinic.pat, "sent", page=3)
    assert [t.subject for t in third.items] == subjects[::-1][20:]
    oldest = await box.list_threads(clinic.pat, "sent", sort="oldest", page_size=20)
    assert [t.subject for t in oldest.items] == subjects[:20]
    by_subject = await box.list_threads(clinic.pat, "sent", sort="subject", page_size=50)
    assert [t.subject for t in by_subject.items] == sorted(subjects)
    second = await box.list_threads(clinic.pat, "sent", sort="subject", page=2)
    assert [t.subject for t in second.items] == sorted(subjects)[10:20]
    with pytest.raises(ValidationError):
        await box.list_threads(clinic.pat, "sent", page_size=7)
    with pytest.raises(ValidationError):
        await box.list_threads(clinic.pat, "sent", sort="sideways")


async def test_lists_sort_by_care_team(timed):
    clinic, clock = timed
    await clinic.system.accounts.assign_patient(team="Green Team", email=clinic.pat.email)
    m = clinic.system.messaging
    box = clinic.system.mailbox
    await start(clinic, subject="Blue one")
    clock.advance(minutes=1)
    await m.start_thread(clinic.pat, team_id=clinic.green_id, category="General", subject="Green one", body="x")
    by_team = await box.list_threads(clinic.pat, "sent", sort="team")
    assert [(t.team_name, t.subject) for t in by_team.items] == [("Blue Team", "Blue one"), ("Green Team", "Green one")]


async def test_signature_is_added_when_on(timed):
    clinic, clock = timed
    p, m = clinic.system.preferences, clinic.system.messaging
    with pytest.raises(ValidationError):
        await p.set_signature(clinic.pat, on=True, name="", title="")
    with pytest.raises(ValidationError):
        await p.set_signature(clinic.pat, on=True, name="x" * 101, title="")
    await p.set_signature(clinic.blue_nurse, on=True, name="Nina Blue", title="RN, Blue Team")
    sent = await start(clinic, body="Hello")
    clock.advance(seconds=1)
    await m.reply(clinic.blue_nurse, sent.thread_id, "Hello back")
    bodies = [x.body for x in (await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)).messages]
    assert bodies == ["Hello", "Hello back\n\nNina Blue\nRN, Blue Team"]
    await p.set_signature(clinic.blue_nurse, on=False, name="Nina Blue", title="RN, Blue Team")
    clock.advance(seconds=1)
    await m.reply(clinic.blue_nurse, sent.thread_id, "Unsigned")
    assert (await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)).messages[-1].body == "Unsigned"
    assert (await p.signature(clinic.blue_nurse)).name == "Nina Blue"
