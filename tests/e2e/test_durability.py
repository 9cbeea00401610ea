"""A send the patient saw confirmed is on disk: SIGKILL the server the moment the browser confirms.

Then, with no server running, the app's own services open the database and the key file and must
find and decrypt the message; and a restarted server must show it in the patient's Sent folder.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import pytest

from .browser_steps import (
    By,
    click_button,
    fill_new_message,
    forget_cookies,
    link_xpath,
    message_bodies,
    sign_in,
    thread_links,
    wait,
    wait_for_folder,
    wait_for_heading,
    wait_for_path,
)
from .clinic_db import PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e

# One look at the page: the thread page with its "Message sent" confirmation, which the app shows
# only once start_thread() has committed.
_CONFIRMATION_JS = """
const sent = [...document.querySelectorAll('.sent-confirmation')]
    .some(n => n.getClientRects().length > 0 && n.textContent.includes('Message sent'));
const m = location.pathname.match(/^\\/thread\\/([^/]+)$/);
return sent && m ? 'thread:' + m[1] : null;
"""


async def _stored(data_dir, subject: str) -> tuple[str, list[str], str]:
    async with clinic_system(data_dir) as system:
        patient = await actor_for(system, PATIENT[0])
        sent = [t for t in (await system.mailbox.list_threads(patient, "sent")).items if t.subject == subject]
        assert len(sent) == 1, f"the confirmed message is not in the patient's Sent folder ({len(sent)} found)"
        thread = await system.mailbox.open_thread(patient, sent[0].id)
        return thread.id, [m.body for m in thread.messages], thread.category


def test_confirmed_send_survives_sigkill(server, browser):
    subject = f"Durable question {uuid.uuid4().hex[:8]}"
    body = f"Is this stored before you say it is sent? {uuid.uuid4().hex}"

    patient = browser("patient")
    sign_in(patient, server.base_url, *PATIENT, home="/inbox")
    fill_new_message(patient, team="Primary Care Blue", category="Appointment", subject=subject, body=body)

    click_button(patient, "Send")
    seen = wait(patient, poll=0.005).until(lambda d: d.execute_script(_CONFIRMATION_JS),
                                           "the send was never confirmed")
    server.sigkill()  # at once: no shutdown hooks, no chance to flush anything after the confirmation
    killed_at = time.monotonic()
    assert server.proc.returncode == -9
    print(f"confirmation seen: {seen}")

    # Nothing readable on disk: subjects and bodies are sealed (WAL included, as SIGKILL left it).
    db_files = sorted(server.data_dir.glob("sm.db*"))
    raw = b"".join(p.read_bytes() for p in db_files)
    assert subject.encode() not in raw and body.encode() not in raw, f"plaintext found in {db_files}"

    # Without the server: the app's services find it and decrypt it.
    thread_id, bodies, category = asyncio.run(_stored(server.data_dir, subject))
    assert bodies == [body]
    assert category == "Appointment"
    if seen.startswith("thread:"):
        assert seen == f"thread:{thread_id}"

    # A restarted server shows it to the patient, after signing in again.
    server.start()
    print(f"restarted {time.monotonic() - killed_at:.1f} s after the kill")
    forget_cookies(patient)
    sign_in(patient, server.base_url, *PATIENT, home="/inbox")
    patient.find_element(By.XPATH, f"//header{link_xpath('Sent')}").click()
    wait_for_path(patient, "/sent")
    wait_for_folder(patient, "Sent")
    links = wait(patient).until(lambda d: thread_links(d, subject), "the message is not in Sent after the restart")
    assert links[0].get_attribute("href").endswith(f"/thread/{thread_id}")
    links[0].click()
    wait_for_path(patient, re.escape(f"/thread/{thread_id}"))
    wait_for_heading(patient, subject)
    assert message_bodies(patient) == [body]
