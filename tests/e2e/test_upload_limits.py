"""Uploads are refused by size before they are read, and the page says why it turned a file down.

A signed-in patient's compose page holds a NiceGUI upload route. Anyone holding that page can POST to it by
hand, past the uploader's own size limits. Those posts are what this file sends, the way an attacker would:
one that declares a huge body in Content-Length, and one that streams a body with no length at all. The
server must answer 413 before it has taken the body, and its memory must not grow by what was posted. The
largest file the page accepts must still get through, so the server-side limit is not set too tight.

In the page itself the uploader turns down a file that is too big, or not of an allowed type, before sending
it, and says which of the two it was.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sm_app.messaging.attachments import ALLOWED_TEXT, MAX_FILE_BYTES, MAX_TOTAL_BYTES

from .browser_steps import (
    By,
    click_button,
    notification_texts,
    sign_in,
    visible_texts,
    wait,
    wait_connected,
    wait_for_heading,
    wait_for_path,
)
from .clinic_db import PATIENT

pytestmark = pytest.mark.e2e

POSTED = 96 * 1024 * 1024  # what the security report posted
MIB = 1024 * 1024
BOUNDARY = "e2e-upload-limits-boundary"
ANSWER_WAIT = 10.0  # seconds the server gets to answer (or to take the next bytes) before the test gives up


# -- the page ------------------------------------------------------------------------------------------

def _open_compose(patient) -> None:
    click_button(patient, "New message")
    wait_for_path(patient, "/compose")
    wait_for_heading(patient, "New message")
    wait_connected(patient)


# The uploader's address is a prop of NiceGUI's upload component (it holds the page's client id); the
# component instance is found from its root element, which NiceGUI gives the element id as a DOM id.
_UPLOAD_URL_JS = """
const boxes = document.querySelectorAll('.attachment-picker .q-uploader');
return boxes.length === 1 ? getElement(boxes[0]).url : null;
"""


def _upload_path(patient) -> str:
    path = wait(patient).until(lambda d: d.execute_script(_UPLOAD_URL_JS), "the page has no single uploader")
    assert path.startswith("/_nicegui/client/") and "/upload/" in path, path
    return path


def _attached_files(driver) -> list[str]:
    return visible_texts(driver, By.CSS_SELECTOR, ".attachment-picker .attached-file > div")


def _picker_error(driver) -> str:
    return " ".join(visible_texts(driver, By.CSS_SELECTOR, ".attachment-picker [role=alert]"))


def _pick(driver, *paths: Path) -> None:
    """Hand files to the uploader's own file input, as the browser's file chooser would (several at once)."""
    inputs = wait(driver).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".attachment-picker .q-uploader input[type=file]"),
        f"{driver.e2e_name}: the uploader has no file input")
    assert len(inputs) == 1, f"{driver.e2e_name}: {len(inputs)} file inputs in the attachment picker"
    inputs[0].send_keys("\n".join(str(p.resolve()) for p in paths))


def _pdf_file(path: Path, size: int) -> Path:
    with open(path, "wb") as out:
        for piece in _pdf_pieces(size):
            out.write(piece)
    return path


# -- the server process ----------------------------------------------------------------------------------

def _server_pid(server) -> int:
    """The Python process that serves: the sm-app console script is itself Python and starts no worker."""
    pid = server.proc.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert children == [], f"sm-app serve has child processes {children}: measure the one that serves"
    return pid


def _memory_kib(pid: int, field: str) -> int:
    """VmRSS (resident now) or VmHWM (resident at its peak) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _reset_peak_memory(pid: int) -> None:
    """Start VmHWM afresh at the current VmRSS (proc(5), clear_refs), so it shows the peak of what follows."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


# -- plain HTTP, as an attacker writes it ----------------------------------------------------------------

def _part_head(filename: str) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()


PART_TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


def _pdf_pieces(size: int) -> Iterator[bytes]:
    """A PDF file of `size` bytes as 1 MiB pieces (PDF magic, then zeros): no need to hold it all."""
    zeros = bytes(MIB)
    yield b"%PDF-1.7\n"
    left = size - len(b"%PDF-1.7\n")
    while left > 0:
        yield zeros[:min(left, MIB)]
        left -= min(left, MIB)


def _chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """HTTP/1.1 chunked framing: the server cannot know the size until the body ends."""
    for piece in pieces:
        yield b"%x\r\n" % len(piece) + piece + b"\r\n"
    yield b"0\r\n\r\n"


class Answer:
    def __init__(self, status: int, body: bytes, sent: int):
        self.status = status
        self.body = body
        self.sent = sent  # body bytes that went out before the server answered (or stopped taking them)

    def detail(self) -> str:
        return json.loads(self.body)["detail"]


def _post(base_url: str, path: str, cookies: list[dict], headers: dict[str, str], body: Iterable[bytes]) -> Answer:
    """POST `body` piece by piece while watching the socket: sending stops as soon as the server answers or
    stops taking bytes, as a client that reads while it writes would; then the answer is read."""
    address = urlparse(base_url)
    sock = socket.create_connection((address.hostname, address.port), timeout=ANSWER_WAIT)
    try:
        head = [f"POST {path} HTTP/1.1", f"Host: {address.netloc}",
                "Cookie: " + "; ".join(f"{c['name']}={c['value']}" for c in cookies),
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
                *(f"{name}: {value}" for name, value in headers.items())]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent = _send_until_answered(sock, body)
        sock.settimeout(ANSWER_WAIT)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Answer(response.status, response.read(), sent)
    finally:
        sock.close()


def _send_until_answered(sock: socket.socket, body: Iterable[bytes]) -> int:
    sock.setblocking(False)
    sent = 0
    for piece in body:
        view = memoryview(piece)
        while view:
            readable, writable, _ = select.select([sock], [sock], [], ANSWER_WAIT)
            if readable:
                return sent  # the server answered (or closed) before the body was all sent
            assert writable, f"the server neither took more of the body nor answered for {ANSWER_WAIT} s"
            try:
                count = sock.send(view[:256 * 1024])
            except (BrokenPipeError, ConnectionResetError):
                return sent  # the server closed the connection: its answer is waiting to be read
            except BlockingIOError:
                continue
            sent += count
            view = view[count:]
    return sent


# -- the test ------------------------------------------------------------------------------------------

def test_the_upload_route_refuses_too_big_bodies_before_taking_them(shared_server, browser):
    server = shared_server
    base = server.base_url
    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    _open_compose(patient)
    path = _upload_path(patient)
    cookies = patient.get_cookies()
    pid = _server_pid(server)

    # 96 MB declared up front: answered 413 from the header, long before the body could all be sent.
    before = _memory_kib(pid, "VmRSS")
    _reset_peak_memory(pid)
    declared = len(_part_head("big.pdf")) + POSTED + len(PART_TAIL)
    answer = _post(base, path, cookies, {"Content-Length": str(declared)},
                   [_part_head("big.pdf"), *_pdf_pieces(POSTED), PART_TAIL])
    assert answer.status == 413, (answer.status, answer.body[:200], f"{answer.sent} of {declared} bytes sent")
    assert "too large" in answer.detail()
    assert answer.sent < declared // 4, f"the server let {answer.sent} of {declared} bytes in before answering"

    # The same with no length: the server counts what arrives and stops once it passes the limit.
    answer = _post(base, path, cookies, {"Transfer-Encoding": "chunked"},
                   _chunked([_part_head("stream.pdf"), *_pdf_pieces(POSTED), PART_TAIL]))
    assert answer.status == 413, (answer.status, answer.body[:200], f"{answer.sent} bytes sent")
    assert "too large" in answer.detail()
    assert answer.sent < POSTED // 4, f"the server let {answer.sent} bytes of a {POSTED}-byte stream in"

    # A request the server does take holds at most the limit (about 6 MiB, which Starlette spools to disk past
    # 1 MiB); 16 MiB leaves room for the page's own work and is far below the 96 MiB posted.
    grown_mib = (_memory_kib(pid, "VmHWM") - before) / 1024
    assert grown_mib < 16, f"the server's memory peaked {grown_mib:.0f} MiB above where it was"
    assert _attached_files(patient) == []

    # The largest file the page accepts still goes through the same route, and the page lists it.
    answer = _post(base, path, cookies,
                   {"Content-Length": str(len(_part_head("largest.pdf")) + MAX_FILE_BYTES + len(PART_TAIL))},
                   [_part_head("largest.pdf"), *_pdf_pieces(MAX_FILE_BYTES), PART_TAIL])
    assert answer.status == 200, (answer.status, answer.body[:200])
    wait(patient).until(lambda d: _attached_files(d) == [f"largest.pdf ({MAX_FILE_BYTES // 1024} KB)"],
                        f"the largest allowed file was never listed (listed: {_attached_files(patient)})")


def test_the_page_says_why_it_turned_a_file_down(shared_server, browser, tmp_path):
    patient = browser("patient")
    sign_in(patient, shared_server.base_url, *PATIENT, home="/inbox")
    _open_compose(patient)

    too_big = _pdf_file(tmp_path / "scan.pdf", MAX_FILE_BYTES + 1)
    _pick(patient, too_big)
    wait(patient).until(lambda d: _picker_error(d) == f"A file is larger than {MAX_FILE_BYTES // MIB} MB.",
                        f"no size message (shown: {_picker_error(patient)!r})")

    program = tmp_path / "tool.exe"
    program.write_bytes(b"MZ\x90\x00")
    _pick(patient, program)
    wait(patient).until(lambda d: _picker_error(d) == f"Only {ALLOWED_TEXT} files can be attached.",
                        f"no file-type message (shown: {_picker_error(patient)!r})")
    assert _attached_files(patient) == []

    # Two files that fit one by one but not together: the first is attached, the second is turned down.
    first = _pdf_file(tmp_path / "first.pdf", MAX_TOTAL_BYTES // 2 + MIB)
    second = tmp_path / "second.pdf"
    second.write_bytes(first.read_bytes()[:-1] + b"2")
    _pick(patient, first, second)
    together = f"Attachments can be at most {MAX_TOTAL_BYTES // MIB} MB together."
    wait(patient).until(lambda d: together in notification_texts(d), f"no total-size message for {second.name}")
    wait(patient).until(lambda d: len(_attached_files(d)) == 1,
                        f"not exactly one of the two files attached (listed: {_attached_files(patient)})")
