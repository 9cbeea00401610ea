"""Drafts as a patient meets them: autosave after a pause, Drafts folder, reopen, delete asks first."""

from __future__ import annotations

import asyncio

from nicegui import app
from nicegui.testing import User

from tests.conftest import PATIENT_PW
from tests.ui.helpers import see, seeded, sign_in_patient


async def test_compose_autosaves_within_ten_seconds_and_the_draft_reopens(user: User) -> None:
    clinic = await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    user.find("Subject").type("Question about my dose")
    user.find("Message").type("Should I take it with food?")
    for _ in range(100):  # autosave fires about 2 s after the pause; never later than 10 s
        if await app.state.sm_system.drafts.list_drafts(clinic.pat):
            break
        await asyncio.sleep(0.1)
    await see(user, "Draft saved at")
    drafts = await app.state.sm_system.drafts.list_drafts(clinic.pat)
    assert [d.subject for d in drafts] == ["Question about my dose"]

    await user.open("/drafts")
    await see(user, "Question about my dose")
    user.find("Question about my dose").click()
    await see(user, "Save draft")  # the whole compose form is there
    assert user.find("Message").elements.pop().value == "Should I take it with food?"
    assert user.find("Subject").elements.pop().value == "Question about my dose"
    user.find("Category").click()
    user.find("Medication").click()
    user.find("Send").click()
    await see(user, "Message sent")
    assert await app.state.sm_system.drafts.list_drafts(clinic.pat) == []  # sent: no longer a draft


async def test_save_draft_by_hand_and_delete_asks_first(user: User) -> None:
    clinic = await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    user.find("Message").type("Unfinished")
    user.find("Save draft").click()
    await see(user, "Draft saved")
    await user.open("/drafts")
    await see(user, "(no subject)")
    user.find("Delete").click()
    await see(user, "Delete this draft? This cannot be undone.")
    user.find("Keep draft").click()
    assert len(await app.state.sm_system.drafts.list_drafts(clinic.pat)) == 1
    user.find("Delete").click()
    user.find("Delete draft").click()
    await see(user, "You have no drafts.")
    assert await app.state.sm_system.drafts.list_drafts(clinic.pat) == []


async def test_another_persons_draft_link_shows_nothing(user: User) -> None:
    clinic = await seeded(user)
    theirs = await app.state.sm_system.drafts.save(clinic.gil, None, team_id=clinic.green_id, category=None,
                                                   subject="Gil's secret", body="Gil's words")
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    await user.open(f"/compose?draft={theirs.id}")
    await see(user, "Save draft")  # the whole compose form is there
    await user.should_not_see("Gil's secret")
    assert user.find("Message").elements.pop().value == ""


async def test_attachments_survive_in_a_draft(user: User) -> None:
    from nicegui import ui
    from nicegui.elements.upload_files import SmallFileUpload

    clinic = await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    user.find("Subject").type("Photo of the rash")
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([SmallFileUpload("rash.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)])
    await see(user, "rash.png (1 KB)")
    user.find("Save draft").click()
    await see(user, "Draft saved")
    drafts = await app.state.sm_system.drafts.list_drafts(clinic.pat)
    await user.open(f"/compose?draft={drafts[0].id}")
    await see(user, "rash.png (1 KB)")
    assert user.find(ui.upload).elements.pop().props["label"] == "Attach files (3 of 4 remaining)"
