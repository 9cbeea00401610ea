"""When the database cannot take a message (a lock held past the busy timeout), the sender is told and keeps it all.

The lock is real: another connection holds SQLite's write lock, as a long backup or a stuck process would.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import timedelta

from nicegui import app, ui
from nicegui.testing import User
from sqlalchemy import update

from sm_app.adapters.models import UserSession
from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import press, see, seeded, sign_in, sign_in_patient


@contextmanager
def write_lock_held(data_dir):
    con = sqlite3.connect(data_dir / "sm.db", isolation_level=None, timeout=30)
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        con.execute("ROLLBACK")
        con.close()


def _value(user: User, kind, label: str) -> str:
    return next(e for e in user.current_layout.descendants()
                if isinstance(e, kind) and e.props.get("label") == label).value


async def test_a_send_the_database_cannot_take_says_not_sent_and_keeps_the_text(user: User, clinic_env) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")
    user.find("Category").click()
    user.find("Medication").click()
    user.find("Subject").type("Refill of metformin")
    user.find("Message").type("I have four tablets left.")
    with write_lock_held(clinic_env):
        user.find("Send").click()
        await see(user, "Not sent — your text is kept; try again.")
        assert _value(user, ui.input, "Subject") == "Refill of metformin"
        assert _value(user, ui.textarea, "Message") == "I have four tablets left."
    user.find("Send").click()  # the lock is gone: the same text goes through
    await see(user, "Message sent")
    await see(user, "I have four tablets left.")


async def test_a_reply_the_database_cannot_take_says_not_sent_and_keeps_the_text(user: User, clinic_env) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                        subject="Sleep question", body="Is melatonin safe with my pills?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sleep question")
    user.find("Sleep question").click()
    await see(user, "Is melatonin safe with my pills?")
    await press(user, "Reply")
    user.find("Message").type("Yes, at the usual dose.")
    with write_lock_held(clinic_env):
        user.find("Send").click()
        await see(user, "Not sent — your text is kept; try again.")
        assert _value(user, ui.textarea, "Message") == "Yes, at the usual dose."
    user.find("Send").click()
    await see(user, "Reply sent")


async def test_page_loads_the_database_cannot_serve_say_so_in_words(user: User, clinic_env) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    sent = await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                               subject="Sleep question", body="Is melatonin safe with my pills?")
    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Sleep question")
    # A minute without activity: the next page load records activity, a write the held lock refuses.
    async with system.db.write() as s:
        await s.execute(update(UserSession).values(last_activity_at=system.clock.now() - timedelta(minutes=1)))
    with write_lock_held(clinic_env):
        response = await user.http_client.get("/worklist")
        assert response.status_code == 503 and response.headers["retry-after"] == "30"
        assert "Please try again in a moment" in response.text and "Nothing you have sent is lost" in response.text
        assert "Internal Server Error" not in response.text and "OperationalError" not in response.text
    await user.open("/worklist")  # the lock is gone: the page loads (and counts the activity)
    await see(user, "Sleep question")
    with write_lock_held(clinic_env):
        # Opening a conversation records the read: a write. The page says so instead of stopping half-drawn.
        await user.open(f"/thread/{sent.thread_id}")
        await see(user, "This conversation could not be opened just now")
        await user.should_not_see("Is melatonin safe with my pills?")
    await user.open(f"/thread/{sent.thread_id}")
    await see(user, "Is melatonin safe with my pills?")
