"""Sending a message is one transaction: the message, its response cycle, its search tokens and its email commit or
roll back together, and nobody is told live about a message that did not commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sm_app.adapters.models import AuditEntry, Message, OutboxEmail, ResponseCycle, SearchTerm, Thread
from sm_app.shared.events import MessageSent


async def _counts(system) -> dict[str, int]:
    async with system.db.read() as s:
        return {name: (await s.execute(select(func.count()).select_from(model))).scalar_one()
                for name, model in (("threads", Thread), ("messages", Message), ("cycles", ResponseCycle),
                                    ("search_terms", SearchTerm), ("emails", OutboxEmail))}


async def _sends_audited(system) -> int:
    async with system.db.read() as s:
        return (await s.execute(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "message.send"))).scalar_one()


def _listen(system, user_id: str) -> list:
    """What the bus publishes to `user_id`; a plain function, so it is called while publishing, not later."""
    received: list = []
    system.bus.subscribe(user_id, received.append)
    return received


async def test_a_send_commits_its_cycle_tokens_and_email_with_it(clinic):
    system = clinic.system
    await system.notifications.set_email_mode(clinic.blue_nurse, "each")
    heard = _listen(system, clinic.blue_nurse.user_id)
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="Medication",
                                               subject="Refill of atorvastatin", body="Two tablets left.")
    counts = await _counts(system)
    assert counts == {"threads": 1, "messages": 1, "cycles": 1, "search_terms": counts["search_terms"],
                      "emails": 1}
    assert counts["search_terms"] > 0
    results = await system.search.search(clinic.blue_nurse, keyword="atorvastatin")
    assert [t.id for t in results.items] == [sent.thread_id]
    assert [(e.thread_id, e.kind) for e in heard] == [(sent.thread_id, "message")]


async def test_a_send_that_fails_late_leaves_nothing_behind_and_tells_nobody(clinic):
    system = clinic.system
    await system.notifications.set_email_mode(clinic.blue_nurse, "each")
    before, audited = await _counts(system), await _sends_audited(system)
    heard = _listen(system, clinic.blue_nurse.user_id)

    async def fails_after_the_others(_work, _event) -> None:
        raise RuntimeError("a handler failed after the clock, the index and the email were written")

    system.events.in_transaction(MessageSent, fails_after_the_others)
    with pytest.raises(RuntimeError):
        await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="Medication",
                                            subject="Refill of atorvastatin", body="Two tablets left.")
    assert await _counts(system) == before
    assert await _sends_audited(system) == audited
    assert (await system.search.search(clinic.blue_nurse, keyword="atorvastatin")).total == 0
    assert heard == []


async def _reads_audited(system) -> int:
    async with system.db.read() as s:
        return (await s.execute(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "thread.read"))).scalar_one()


async def test_a_redraw_reads_and_writes_nothing_until_something_new_is_seen(clinic):
    system = clinic.system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Sleep", body="Is melatonin safe?")
    opened = await system.mailbox.open_thread(clinic.blue_nurse, sent.thread_id)  # opening is a recorded read
    assert not opened.unseen and await _reads_audited(system) == 1
    heard = _listen(system, clinic.pat.user_id)
    for _ in range(3):  # an open page redrawn three times (a status change, a read receipt, ...)
        view = await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)
        assert not view.unseen
        await system.mailbox.mark_read(clinic.blue_nurse, sent.thread_id)  # nothing new: nothing written
    assert await _reads_audited(system) == 1 and heard == []

    await system.messaging.reply(clinic.pat, sent.thread_id, "Also, can I take it nightly?")
    view = await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)
    assert view.unseen and view.messages[-1].read_at is None  # viewing alone marks nothing
    await system.mailbox.mark_read(clinic.blue_nurse, sent.thread_id)
    assert await _reads_audited(system) == 2
    assert [e.kind for e in heard if e.thread_id == sent.thread_id][-1] == "read"  # the patient sees the receipt
    assert not (await system.mailbox.view_thread(clinic.blue_nurse, sent.thread_id)).unseen
