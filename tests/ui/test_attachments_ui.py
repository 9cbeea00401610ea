"""Attaching files in the browser (simulated upload) and downloading them with safe headers."""

from __future__ import annotations

from nicegui import app, ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from tests.conftest import PATIENT_PW, STAFF_PW
from tests.ui.helpers import see, seeded, sign_in, sign_in_patient

PDF = b"%PDF-1.7\nresults\n"


async def _pick(user: User, name: str, data: bytes) -> None:
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([SmallFileUpload(name, "application/octet-stream", data)])


async def test_patient_attaches_files_and_the_team_downloads_them_safely(user: User, create_user) -> None:
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    user.find("New message").click()
    await see(user, "Save draft")  # the whole compose form is there
    assert user.find(ui.upload).elements.pop().props["label"] == "Attach files (4 of 4 remaining)"
    await _pick(user, "results.pdf", PDF)
    await see(user, "results.pdf (1 KB)")
    assert user.find(ui.upload).elements.pop().props["label"] == "Attach files (3 of 4 remaining)"
    await _pick(user, "photo.png", b"<html>not an image</html>")
    await see(user, "photo.png is not really a PNG file, so it cannot be attached.")
    await _pick(user, "again.pdf", PDF)
    await see(user, "again.pdf is already attached.")
    await _pick(user, "empty.txt", b"")
    await see(user, "empty.txt is empty.")
    user.find("Category").click()
    user.find("Test results").click()
    user.find("Subject").type("My results")
    user.find("Message").type("Attached the PDF.")
    user.find("Send").click()
    await see(user, "Message sent")
    await see(user, "results.pdf (1 KB)")

    nurse = create_user()
    await sign_in(nurse, "nina@example.org", STAFF_PW)
    await see(nurse, "My results")
    nurse.find("My results").click()
    await see(nurse, "results.pdf (1 KB)")
    link = next(x for x in nurse.find(ui.link).elements if x.text.startswith("results.pdf"))
    response = await nurse.http_client.get(link.props["href"])
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''results.pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"] == "application/octet-stream"

    outsider = create_user()
    await sign_in(outsider, "gwen@example.org", STAFF_PW)
    await see(outsider, "No conversations for your care teams.")
    denied = await outsider.http_client.get(link.props["href"])
    assert denied.status_code == 404 and PDF not in denied.content


async def test_the_attachment_picker_uploads_through_one_shared_route(user: User) -> None:
    """The picker's uploader adds no route of its own (making one cost more than half a millisecond per reply box);
    the one route serves what the page posts and refuses anything that is not an open, usable uploader."""
    await seeded(user)
    await sign_in_patient(user, "pat@example.org", PATIENT_PW)
    routes = len(app.routes)
    user.find("New message").click()
    await see(user, "Save draft")
    upload = user.find(ui.upload).elements.pop()
    assert len(app.routes) == routes

    url = upload.props["url"]
    posted = await user.http_client.post(url, files={"file": ("results.pdf", PDF, "application/pdf")})
    assert posted.status_code == 200
    await see(user, "results.pdf (1 KB)")

    elsewhere = url.rsplit("/", 1)[0] + f"/{upload.id + 100000}"
    unknown = await user.http_client.post(elsewhere, files={"file": ("a.pdf", PDF, "application/pdf")})
    assert unknown.status_code == 404
    upload.disable()
    refused = await user.http_client.post(url, files={"file": ("again.pdf", PDF, "application/pdf")})
    assert refused.status_code == 403
    await user.should_not_see("again.pdf")
