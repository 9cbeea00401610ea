"""One press of Send sends once: every send path refuses a second send with the same key and answers with the first
one's result (three quick clicks, a retry after a dropped connection), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from sqlalchemy import func, select

from sm_app.adapters.models import Broadcast, Message, Thread
from sm_app.care_team.broadcast import Cohort
from sm_app.shared.errors import ValidationError


async def _count(clinic, model) -> int:
    async with clinic.system.db.read() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


def _key() -> str:
    return secrets.token_urlsafe(16)


async def test_three_quick_sends_of_a_new_message_make_one_conversation(clinic):
    key = _key()

    def send():
        return clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                    subject="Knee", body="My knee hurts when I climb stairs.",
                                                    send_key=key)

    results = await asyncio.gather(send(), send(), send())
    assert len(set(results)) == 1
    assert await _count(clinic, Thread) == 1 and await _count(clinic, Message) == 1
    # A retry after a dropped connection, with the same key: the first result, nothing sent.
    assert await send() == results[0]
    assert await _count(clinic, Message) == 1
    # The next compose draws a new key: a new conversation.
    again = await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                       subject="Knee", body="Still hurts.", send_key=_key())
    assert again.thread_id != results[0].thread_id
    assert await _count(clinic, Thread) == 2


async def test_a_reply_and_an_outcome_are_sent_once_per_key(clinic):
    m = clinic.system.messaging
    thread = (await m.start_thread(clinic.pat, team_id=clinic.blue_id, category="Medication", subject="Renewal",
                                   body="", template_key="prescription_renewal",
                                   answers={"Medication": "Metformin", "Dose": "500 mg"})).thread_id
    key = _key()
    replies = await asyncio.gather(*(m.reply(clinic.blue_nurse, thread, "We are on it.", send_key=key)
                                     for _ in range(3)))
    assert len(set(replies)) == 1
    outcome_key = _key()
    outcomes = await asyncio.gather(*(m.send_outcome(clinic.blue_nurse, thread, "renewal_approved",
                                                     send_key=outcome_key) for _ in range(2)))
    assert len(set(outcomes)) == 1
    view = await clinic.system.mailbox.view_thread(clinic.pat, thread)
    assert len(view.messages) == 3  # the request, one reply, one outcome
    assert view.messages[1].body.startswith("We are on it.")


async def test_team_messages_and_broadcasts_are_sent_once_per_key(clinic):
    b = clinic.system.broadcasts
    key = _key()
    threads = await asyncio.gather(*(b.message_patient(clinic.blue_nurse, team_id=clinic.blue_id,
                                                       patient_id=clinic.pat.user_id, category="General",
                                                       subject="Your visit", body="See you Monday.", send_key=key)
                                     for _ in range(3)))
    assert len(set(threads)) == 1
    result_key = _key()
    results = [await b.result_available(clinic.blue_nurse, team_id=clinic.blue_id, patient_id=clinic.pat.user_id,
                                        test="Lipid panel", test_date="2026-11-01", send_key=result_key)
               for _ in range(2)]
    assert results[0] == results[1]
    assert await _count(clinic, Thread) == 2
    broadcast_key = _key()
    reports = await asyncio.gather(*(b.send(clinic.blue_provider, team_id=clinic.blue_id, cohort=Cohort(),
                                            category="Education", subject="Flu shots", body="Come in for yours.",
                                            replies_allowed=True, expected_count=1, send_key=broadcast_key)
                                     for _ in range(3)))
    assert {r.id for r in reports} == {reports[0].id} and reports[0].recipients == 1
    assert await _count(clinic, Broadcast) == 1
    assert await _count(clinic, Thread) == 3


async def test_a_send_key_is_the_senders_own(clinic):
    key = _key()
    mine = await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                      subject="Mine", body="My words.", send_key=key)
    theirs = await clinic.system.messaging.start_thread(clinic.gil, team_id=clinic.green_id, category="General",
                                                        subject="Theirs", body="Their words.", send_key=key)
    assert theirs.thread_id != mine.thread_id
    assert await _count(clinic, Thread) == 2
    with pytest.raises(ValidationError):
        await clinic.system.messaging.start_thread(clinic.gil, team_id=clinic.green_id, category="General",
                                                   subject="x", body="y", send_key="k" * 65)


async def test_an_empty_form_names_every_missing_field_at_once(clinic):
    with pytest.raises(ValidationError) as err:
        await clinic.system.messaging.start_thread(clinic.pat, team_id="", category="", subject="", body="")
    assert [field for field, _ in err.value.problems] == ["To", "Category", "Subject", "Message"]
    with pytest.raises(ValidationError) as err:
        await clinic.system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="s" * 101, body="b" * 10_001)
    assert err.value.problems == (
        ("Subject", "Subject must be at most 100 characters (it has 101)."),
        ("Message", "Message must be at most 10,000 characters (it has 10,001)."))
    with pytest.raises(ValidationError) as err:
        await clinic.system.broadcasts.message_patient(clinic.blue_nurse, team_id=clinic.blue_id, patient_id="",
                                                       category="General", subject="", body="")
    assert [field for field, _ in err.value.problems] == ["Patient", "Subject", "Message"]
    assert await _count(clinic, Thread) == 0
