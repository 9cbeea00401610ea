"""The documentation-note export in the browser (User fixture): the link staff see on a completed conversation,
and the download route itself, fetched through each simulated browser's own HTTP client (its session cookie)."""

from __future__ import annotations

import io

from nicegui import app, ui
from nicegui.testing import User
from pypdf import PdfReader

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient

LINK = "Export documentation note (PDF)"
BODY = "Tengo más dolor en la rodilla — ¿qué hago?"


async def test_staff_export_a_completed_conversation_and_nobody_else_can(user: User, create_user) -> None:
    clinic = await seeded(user)
    system = app.state.sm_system
    thread_id = (await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                     subject="Knee pain", body=BODY)).thread_id
    still_open = (await system.messaging.start_thread(clinic.pat, team_id=clinic.blue_id, category="General",
                                                      subject="Parking", body="Where do I park?")).thread_id
    url = f"/thread/{thread_id}/documentation-note.pdf"

    await sign_in(user, "nina@example.org", STAFF_PW)
    await see(user, "Knee pain")
    await user.open(f"/thread/{thread_id}")
    await see(user, BODY)
    await see(user, "Care-team work")
    await user.should_not_see(LINK)  # not completed yet
    user.find("Status").click()
    user.find("Completed").click()
    await see(user, "Nina Blue set the status to Completed")
    await see(user, LINK)  # the conversation re-reads live and offers the export
    link = user.find(kind=ui.link, content=LINK).elements.pop()
    assert link.props["href"] == url

    response = await user.http_client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f"attachment; filename*=UTF-8''documentation-note-{thread_id[:8]}.pdf")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert BODY in text and "Pat Patient" in text and "Knee pain" in text

    # A conversation that is not completed: no link, and the route refuses with a plain reason.
    await user.open(f"/thread/{still_open}")
    await see(user, "Where do I park?")
    await user.should_not_see(LINK)
    refused = await user.http_client.get(f"/thread/{still_open}/documentation-note.pdf")
    assert refused.status_code == 409
    assert refused.text == "Only a completed conversation can be exported as a documentation note."

    # The patient never gets the link or the file, not even for their own completed conversation.
    patient = create_user()
    await sign_in_patient(patient, "pat@example.org", PATIENT_PW)
    await patient.open(f"/thread/{thread_id}")
    await see(patient, BODY)
    await patient.should_not_see(LINK)
    denied = await patient.http_client.get(url)
    assert denied.status_code == 404 and denied.text == "Not found"

    # Staff of another care team: not found, like a conversation that does not exist.
    outsider = create_user()
    await sign_in(outsider, "gwen@example.org", STAFF_PW)
    await see(outsider, "No conversations for your care teams.")
    assert (await outsider.http_client.get(url)).status_code == 404

    # Without a session the sign-in gate sends the browser to sign in; no PDF either way.
    stranger = create_user()
    anonymous = await stranger.http_client.get(url)
    assert anonymous.status_code in (302, 303, 307) and b"%PDF" not in anonymous.content

    exports = [e for e in await system.audit.entries(100) if e["action"] == "thread.export"]
    assert {(e["actor_id"], e["outcome"]) for e in exports} == {
        (clinic.blue_nurse.user_id, "ok"), (clinic.pat.user_id, "denied"), (clinic.green_nurse.user_id, "denied")}
