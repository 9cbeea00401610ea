"""A person's open pages share one read per push (the header's unread count on a nurse's two tabs)."""

from __future__ import annotations

import asyncio
import gc

from sm_app.adapters.realtime import ThreadChanged
from sm_app.components import live


async def test_the_pages_of_one_person_share_one_read_per_push() -> None:
    reads: list[str] = []
    gate = asyncio.Event()

    async def count(who: str) -> int:
        reads.append(who)
        await gate.wait()  # both of the nurse's pages ask while the first read is still at the database
        return len(reads)

    push = ThreadChanged("t1", "message", by="patient-1")
    worklist = asyncio.ensure_future(live.once_per_push(push, ("unread", "nurse"), lambda: count("nurse")))
    conversation = asyncio.ensure_future(live.once_per_push(push, ("unread", "nurse"), lambda: count("nurse")))
    patient = asyncio.ensure_future(live.once_per_push(push, ("unread", "patient"), lambda: count("patient")))
    await asyncio.sleep(0)
    gate.set()
    assert await worklist == await conversation
    assert sorted(reads) == ["nurse", "patient"]  # one read for the nurse's two pages, one for the patient
    await patient

    # The next push reads afresh, even with the same contents.
    again = ThreadChanged("t1", "message", by="patient-1")
    assert await live.once_per_push(again, ("unread", "nurse"), lambda: count("nurse")) == 3


async def test_a_page_closed_while_waiting_does_not_cancel_the_read_of_the_others() -> None:
    gate = asyncio.Event()

    async def count() -> int:
        await gate.wait()
        return 7

    push = ThreadChanged("t1", "message")
    closed = asyncio.ensure_future(live.once_per_push(push, ("unread", "nurse"), count))
    still_open = asyncio.ensure_future(live.once_per_push(push, ("unread", "nurse"), count))
    await asyncio.sleep(0)
    closed.cancel()
    gate.set()
    assert await still_open == 7


async def test_nothing_is_kept_once_the_push_is_gone() -> None:
    async def count() -> int:
        return 1

    push = ThreadChanged("t9", "read", side="team")
    await live.once_per_push(push, ("unread", "nurse"), count)
    assert id(push) in live._per_push
    key = id(push)
    del push
    gc.collect()
    assert key not in live._per_push
