"""A burst the store cannot take now is refused quickly and clearly, and the demo mailer never blocks the loop."""

from __future__ import annotations

import asyncio
import os
import threading
from email.message import EmailMessage

import pytest
from sqlalchemy import text

from sm_app.adapters import db as db_module
from sm_app.bootstrap import build_system
from sm_app.notifications.outbox import FileMailer
from sm_app.shared.errors import Unavailable
from tests.conftest import make_settings, seed_clinic


async def test_a_send_that_cannot_get_the_writer_is_refused_not_hung(tmp_path, sqlite_url, monkeypatch):
    # SQLite has one writer: hold it (as a long burst would) and send; the send must give up after the pool wait
    # and say "busy" (the page shows "Not sent — your text is kept"), instead of hanging for SQLAlchemy's 30 s.
    monkeypatch.setattr(db_module, "POOL_WAIT_SECONDS", 0.5)
    system = build_system(make_settings(tmp_path, sqlite_url))
    try:
        clinic = await seed_clinic(system)
        sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                   subject="Question", body="Is the clinic open on Friday?")
        holding, release = asyncio.Event(), asyncio.Event()

        async def hold_the_writer() -> None:
            async with system.db.write() as s:
                await s.execute(text("SELECT 1"))  # a session takes its connection at its first statement
                holding.set()
                await release.wait()

        holder = asyncio.create_task(hold_the_writer())
        await holding.wait()
        with pytest.raises(Unavailable):
            # Bounded far below the 30 s it used to hang: a refusal, not a timeout of this test.
            await asyncio.wait_for(system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Yes, 8 to 5."), 10)
        release.set()
        await holder
        # Nothing half-sent: the conversation still has only the patient's message, and a retry goes through.
        assert len((await system.mailbox.view_thread(clinic.pat, sent.thread_id)).messages) == 1
        await system.messaging.reply(clinic.blue_nurse, sent.thread_id, "Yes, 8 to 5.")
        assert len((await system.mailbox.view_thread(clinic.pat, sent.thread_id)).messages) == 2
    finally:
        await system.close()


async def test_the_demo_mailer_writes_and_fsyncs_off_the_event_loop(tmp_path, monkeypatch):
    loop_thread = threading.get_ident()
    fsynced_in: list[int] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        fsynced_in.append(threading.get_ident())
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    message = EmailMessage()
    message["Message-ID"] = "<test-1@clinic.test>"
    message["To"] = "pat@example.org"
    message.set_content("You have a new secure message.")
    await FileMailer(tmp_path / "mail").send(message)
    assert (tmp_path / "mail" / "test-1_clinic.test.eml").read_bytes().endswith(b"You have a new secure message.\n")
    assert fsynced_in and all(t != loop_thread for t in fsynced_in)
