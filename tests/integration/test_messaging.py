"""A patient and a care team exchange messages through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from sm_app.adapters.realtime import ThreadChanged
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError


async def start(clinic, subject="Knee pain", body="My knee hurts when I climb stairs."):
    return await clinic.system.messaging.start_thread(
        clinic.pat, team_id=clinic.blue_id, category="General", subject=subject, body=body
    )


async def test_patient_writes_only_to_associated_unblocked_teams(clinic):
    teams = await clinic.system.messaging.teams_for_compose(clinic.pat)
    assert [t.name for t in teams] == ["Blue Team"]
    with pytest.raises(ValidationError) as err:
        await clinic.system.messaging.start_thread(
            clinic.pat, team_id=clinic.green_id, category="General", subject="Hi", body="Hello"
        )
    assert err.value.field == "To"


async def test_blocked_team_cannot_be_written_to_or_replied_to(clinic):
    sent = await start(clinic)
    await clinic.system.accounts.set_blocked(team="Blue Team", email=clinic.pat.email, blocked=True)
    assert await clinic.system.messaging.teams_for_compose(clinic.pat) == []
    with pytest.raises(ValidationError):
        await start(clinic)
    with pytest.raises(ValidationError) as err:
        await clinic.system.messaging.reply(clinic.pat, sent.thread_id, "Another thing")
    assert "no longer" in err.value.message
    view = await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)
    assert not view.can_reply


async def test_care_team_sees_thread_reads_it_and_replies(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    sent = await start(clinic)
    worklist = (await box.list_threads(clinic.blue_nurse, "worklist")).items
    assert [(t.subject, t.patient_name, t.unread) for t in worklist] == [("Knee pain", "Pat Patient", True)]
    assert await box.unread_count(clinic.blue_nurse) == 1

    view = await box.open_thread(clinic.blue_nurse, sent.thread_id)
    assert [msg.body for msg in view.messages] == ["My knee hurts when I climb stairs."]
    assert await box.unread_count(clinic.blue_nurse) == 0
    # The patient's side now shows the read receipt.
    pat_view = await box.open_thread(clinic.pat, sent.thread_id)
    assert pat_view.messages[0].read_at is not None

    await m.reply(clinic.blue_nurse, sent.thread_id, "Please rest it and call if it swells.")
    inbox = (await box.list_threads(clinic.pat, "inbox")).items
    assert [(t.subject, t.unread) for t in inbox] == [("Knee pain", True)]
    assert await box.unread_count(clinic.pat) == 1
    pat_view = await box.open_thread(clinic.pat, sent.thread_id)
    assert [x.from_side for x in pat_view.messages] == ["patient", "team"]
    assert await box.unread_count(clinic.pat) == 0


async def test_inbox_and_sent_list_newest_first(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    first = await start(clinic, subject="First")
    await start(clinic, subject="Second")
    sent = (await box.list_threads(clinic.pat, "sent")).items
    assert [t.subject for t in sent] == ["Second", "First"]
    # The patient's Inbox holds the conversations nobody has answered yet too, waiting for the care team.
    inbox = (await box.list_threads(clinic.pat, "inbox")).items
    assert [(t.subject, t.patient_status()) for t in inbox] == [("Second", "Waiting for your care team"),
                                                                ("First", "Waiting for your care team")]
    await m.reply(clinic.blue_nurse, first.thread_id, "Answer")
    sent = (await box.list_threads(clinic.pat, "sent")).items
    assert [t.subject for t in sent] == ["First", "Second"]  # activity moves it up
    assert [(t.subject, t.patient_status()) for t in (await box.list_threads(clinic.pat, "inbox")).items] == [
        ("First", "Your care team replied"), ("Second", "Waiting for your care team")]
    assert [t.subject for t in (await box.list_threads(clinic.blue_nurse, "sent")).items] == ["First"]


async def test_other_patients_and_other_teams_get_not_found(clinic):
    m = clinic.system.messaging
    box = clinic.system.mailbox
    sent = await start(clinic)
    for outsider in (clinic.gil, clinic.green_nurse, clinic.admin):
        with pytest.raises(NotFound):
            await box.open_thread(outsider, sent.thread_id)
        with pytest.raises(NotFound):
            await m.reply(outsider, sent.thread_id, "Sneaky")
        assert (await box.list_threads(outsider, "inbox")).items == []
        assert await box.unread_count(outsider) == 0
    assert (await box.list_threads(clinic.green_nurse, "worklist")).items == []
    # A missing thread and someone else's thread answer the same way.
    with pytest.raises(NotFound) as missing:
        await box.open_thread(clinic.gil, "0" * 32)
    with pytest.raises(NotFound) as hidden:
        await box.open_thread(clinic.gil, sent.thread_id)
    assert str(missing.value) == str(hidden.value)
    denials = [e for e in await clinic.system.audit.entries() if e["outcome"] == "denied"]
    assert len(denials) >= 6


async def test_only_patients_start_threads(clinic):
    with pytest.raises(NotAllowed):
        await clinic.system.messaging.start_thread(
            clinic.blue_nurse, team_id=clinic.blue_id, category="General", subject="x", body="y"
        )


@pytest.mark.parametrize(
    ("subject", "body", "field"),
    [("", "body", "Subject"), ("x" * 101, "body", "Subject"), ("ok", "", "Message"), ("ok", "x" * 10_001, "Message"),
     ("ok", "   \n ", "Message")],
)
async def test_limits_name_the_field(clinic, subject, body, field):
    with pytest.raises(ValidationError) as err:
        await start(clinic, subject=subject, body=body)
    assert err.value.field == field
    assert field in err.value.message
    assert (await clinic.system.mailbox.list_threads(clinic.pat, "sent")).items == []


async def test_limits_accept_the_edges(clinic):
    sent = await start(clinic, subject="x" * 100, body="y" * 10_000)
    view = await clinic.system.mailbox.open_thread(clinic.pat, sent.thread_id)
    assert len(view.subject) == 100 and len(view.messages[0].body) == 10_000


async def test_pushes_go_to_the_patient_and_the_team_only_with_ids(clinic):
    got: dict[str, list[ThreadChanged]] = {}
    for actor in (clinic.pat, clinic.gil, clinic.blue_nurse, clinic.blue_provider, clinic.green_nurse):
        clinic.system.bus.subscribe(actor.user_id, lambda e, who=actor.user_id: got.setdefault(who, []).append(e))
    sent = await start(clinic)
    assert set(got) == {clinic.pat.user_id, clinic.blue_nurse.user_id, clinic.blue_provider.user_id}
    event = got[clinic.blue_nurse.user_id][0]
    assert event == ThreadChanged(sent.thread_id, "message", by=clinic.pat.user_id)  # ids only
    assert "Knee" not in repr(event)


async def test_send_read_and_sign_in_are_audited_and_chain_verifies(clinic):
    s = clinic.system
    await s.sessions.sign_in(clinic.pat.email, "patient-password-1")
    sent = await start(clinic)
    await s.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)
    actions = [(e["action"], e["outcome"]) for e in await s.audit.entries()]
    assert ("sign_in", "success") in actions
    assert ("message.send", "ok") in actions
    assert ("thread.read", "ok") in actions
    entries = await s.audit.entries()
    assert not any("Knee" in str(e) for e in entries)
    assert (await s.audit.verify()).ok
