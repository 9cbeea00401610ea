"""Files and search in a real browser: a patient attaches a PDF (and is refused a disguised one), the nurse
downloads it with her own session while a nurse of another team cannot; a patient's search finds and
highlights the matched words and nothing else.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
import uuid
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest

from .browser_steps import (
    By,
    Keys,
    body_text,
    click_button,
    field,
    fill_new_message,
    header_link,
    heading,
    link,
    link_xpath,
    message_bodies,
    path_of,
    sign_in,
    thread_id_of,
    thread_links,
    visible,
    visible_texts,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
    wait_for_text,
)
from .clinic_db import CARDIO_NURSE, NURSE, PATIENT, actor_for, clinic_system

pytestmark = pytest.mark.e2e

TEAM = "Primary Care Blue"
NO_MATCHES = "No conversations match your search."
SEARCH_PROMPT = "Enter a word, choose filters, and press Search."


def _unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


def _tiny_pdf(text: str) -> bytes:
    """A small but valid one-page PDF (correct xref offsets) that says `text`."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- the attachment picker ---------------------------------------------------------------------------

def _attach(driver, path: Path) -> None:
    """Pick a file with the uploader's own file input, as the browser's file chooser would hand it over.

    The input is re-created when the uploader resets after each upload, so it is looked up every time.
    """
    inputs = wait(driver).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".attachment-picker .q-uploader input[type=file]"),
        f"{driver.e2e_name}: the uploader has no file input")
    assert len(inputs) == 1, f"{driver.e2e_name}: {len(inputs)} file inputs in the attachment picker"
    inputs[0].send_keys(str(path.resolve()))


def _attached_files(driver) -> list[str]:
    """What each attached-file row says (its label: not the icon, not the Remove button)."""
    return visible_texts(driver, By.CSS_SELECTOR, ".attachment-picker .attached-file > div")


def _uploader_label(driver) -> str:
    return " ".join(visible_texts(driver, By.CSS_SELECTOR, ".attachment-picker .q-uploader__title"))


def _picker_error(driver) -> str:
    return " ".join(visible_texts(driver, By.CSS_SELECTOR, ".attachment-picker [role=alert]"))


# -- plain HTTP with a browser's session ----------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # hand the 3xx back as it is


def _fetch(url: str, cookies: list[dict] | None) -> tuple[int, Message, bytes]:
    """GET `url` with these browser cookies (none: as a stranger); redirects are not followed.

    The headers come back as an email Message: looked up by name, whatever case the server wrote it in.
    """
    request = urllib.request.Request(url)  # noqa: S310 - always http://127.0.0.1 of the test server
    if cookies:
        request.add_header("Cookie", "; ".join(f"{c['name']}={c['value']}" for c in cookies))
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def test_patient_attaches_a_pdf_and_the_nurse_downloads_it(shared_server, browser, tmp_path):
    base = shared_server.base_url
    subject = _unique("Lab results from the hospital")
    body = "Here are the lab results the hospital gave me last week."
    name = "Lab results März.pdf"
    pdf = tmp_path / name
    pdf.write_bytes(_tiny_pdf("Cholesterol 4.1 mmol/L"))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) < 2048
    fake = tmp_path / "fake.png"
    fake.write_text("<html><body><script>alert('hi')</script>Not a picture</body></html>\n")

    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    fill_new_message(patient, team=TEAM, category="General", subject=subject, body=body)
    assert _uploader_label(patient) == "Attach files (4 of 4 remaining)"

    # A real PDF: the uploader sends it at once, the page lists it and counts it.
    _attach(patient, pdf)
    wait(patient).until(lambda d: _attached_files(d) == [f"{name} (1 KB)"],
                        f"the PDF was never listed as attached (listed: {_attached_files(patient)})")
    wait(patient).until(lambda d: _uploader_label(d) == "Attach files (3 of 4 remaining)",
                        f"the uploader label did not count the file ({_uploader_label(patient)!r})")
    assert _picker_error(patient) == ""

    # An HTML page called fake.png: refused by what it is, and nothing else changes.
    _attach(patient, fake)
    refused = "fake.png is not really a PNG file, so it cannot be attached."
    wait(patient).until(lambda d: _picker_error(d) == refused, "the disguised file was not refused")
    assert _attached_files(patient) == [f"{name} (1 KB)"]
    assert _uploader_label(patient) == "Attach files (3 of 4 remaining)"

    click_button(patient, "Send")
    wait_for_path(patient, r"/thread/[^/]+")
    thread_id = thread_id_of(patient)
    wait_for_heading(patient, subject)
    assert message_bodies(patient) == [body]
    assert "fake.png" not in body_text(patient)
    href = link(patient, f"{name} (1 KB)").get_attribute("href")
    assert href.startswith(f"{base}/attachment/"), href

    # The nurse of the patient's team opens the conversation and its link.
    nurse = browser("nurse")
    sign_in(nurse, base, *NURSE, home="/worklist")
    nurse.get(f"{base}/thread/{thread_id}")
    wait_for_heading(nurse, subject)
    wait_connected(nurse)
    file_link = link(nurse, f"{name} (1 KB)")
    assert file_link.get_attribute("href") == href

    # She clicks it: Chromium saves the file under its own name, and the conversation stays on screen.
    downloads = tmp_path / "nurse-downloads"
    downloads.mkdir()
    nurse.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        file_link.click()
        saved = downloads / name
        wait(nurse).until(lambda _: saved.exists() and saved.read_bytes() == data,
                          f"the nurse's browser never saved {name} (has {sorted(p.name for p in downloads.iterdir())})")
    finally:
        nurse.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "default"})
    assert path_of(nurse) == f"/thread/{thread_id}"
    assert heading(nurse) == subject

    # What the nurse's browser would download, fetched with the nurse's own session cookies.
    status, headers, content = _fetch(href, nurse.get_cookies())
    assert status == 200, (status, content[:200])
    assert content == data
    assert headers["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(name)}"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "application/octet-stream"
    assert "no-store" in (headers["Cache-Control"] or "")

    # Nobody else gets it: not a nurse of another team, not a request without a session.
    cardio = browser("cardio nurse")
    sign_in(cardio, base, *CARDIO_NURSE, home="/worklist")
    status, _, content = _fetch(href, cardio.get_cookies())
    assert status == 404, (status, content[:200])
    assert data not in content
    status, headers, content = _fetch(href, None)
    assert status in (302, 303, 307), (status, content[:200])
    assert urljoin(base, headers["Location"]).startswith(f"{base}/login"), headers["Location"]
    assert data not in content


# -- search ------------------------------------------------------------------------------------------

async def _patient_starts_threads(data_dir, *threads: tuple[str, str, str]) -> list[str]:
    """Set-up without a browser: the demo patient writes to Primary Care Blue ((category, subject, body) each)."""
    async with clinic_system(data_dir) as system:
        patient = await actor_for(system, PATIENT[0])
        team = next(t for t in await system.messaging.teams_for_compose(patient) if t.name == TEAM)
        ids = []
        for category, subject, body in threads:
            sent = await system.messaging.start_thread(patient, team_id=team.id, category=category,
                                                       subject=subject, body=body)
            ids.append(sent.thread_id)
        return ids


def _hits_in_row(driver, subject: str) -> list[str]:
    """The highlighted (matched) words shown in the result row of this conversation."""
    row = f"//*[contains(@class,'thread-list')]//*[contains(@class,'thread-row')][.{link_xpath(subject)}]"
    return visible_texts(driver, By.XPATH, f"{row}//*[contains(@class,'search-hit')]")


def _search_for(driver, keyword: str) -> None:
    """Replace what the Keyword field says (select all, type over it) and press Search."""
    keyword_field = field(driver, "Keyword")
    keyword_field.send_keys(Keys.CONTROL, "a")
    keyword_field.send_keys(keyword)
    wait(driver).until(lambda d: keyword_field.get_property("value") == keyword,
                       f"{driver.e2e_name}: the Keyword field says {keyword_field.get_property('value')!r}")
    click_button(driver, "Search")


def test_search_highlights_matches(shared_server, browser):
    physio_subject = _unique("Knee after the fall")
    physio_body = "My GP suggested Physiotherapy for the knee. Can the clinic refer me to physiotherapy nearby?"
    fruit_subject = _unique("Grapefruit and my statin")
    fruit_body = "Is it safe to eat a little fruit in the morning with my tablets?"
    asyncio.run(_patient_starts_threads(shared_server.data_dir,
                                        ("General", physio_subject, physio_body),
                                        ("Medication", fruit_subject, fruit_body)))

    patient = browser("patient")
    sign_in(patient, shared_server.base_url, *PATIENT, home="/inbox")
    header_link(patient, "Search").click()
    wait_for_path(patient, "/search")
    wait_for_heading(patient, "Search")
    wait_connected(patient)
    wait_for_text(patient, SEARCH_PROMPT)

    # A word prefix finds the conversation whose message says it, and marks every matched word.
    _search_for(patient, "physio")
    wait(patient).until(lambda d: thread_links(d, physio_subject), "the physiotherapy conversation was not found")
    hits = _hits_in_row(patient, physio_subject)
    assert hits == ["Physiotherapy", "physiotherapy"], hits
    assert all("physio" in h.casefold() for h in hits)
    assert not thread_links(patient, fruit_subject), "a conversation that does not mention it was listed"
    found = visible_texts(patient, By.CSS_SELECTOR, "[role=status]")
    assert any(t.endswith("found") for t in found), found

    # The subject is searched too: the other conversation, and not the first one.
    _search_for(patient, "grapefruit")
    wait(patient).until(lambda d: thread_links(d, fruit_subject), "the grapefruit conversation was not found")
    assert not thread_links(patient, physio_subject)

    # A word nobody wrote.
    _search_for(patient, f"zqxjv{uuid.uuid4().hex[:6]}")
    wait_for_text(patient, NO_MATCHES)
    assert not visible(patient, By.CSS_SELECTOR, ".search-results")

    # Clear filters: the keyword is empty again and the page is back to its starting prompt.
    click_button(patient, "Clear filters")
    wait(patient).until(lambda d: field(d, "Keyword").get_property("value") == "", "the keyword was not cleared")
    wait_for_text(patient, SEARCH_PROMPT)
    assert NO_MATCHES not in body_text(patient)
