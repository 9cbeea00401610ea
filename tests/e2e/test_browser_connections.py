"""Who may talk to an open page over socket.io: only the browser that opened it, only from the app's own origin.

The attacker here is a script on the network path to the app (or a page of another site in someone's browser):
it can GET pages, read their client ids, and open socket.io connections with whatever cookies and Origin it has.
What it learns of a victim's page (client id, element and listener ids) is read from the victim's browser, the
worst case of a leaked id.
"""

from __future__ import annotations

import json
import re
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pytest
import socketio

from sm_app.web_security import BROWSER_LOG_LIMIT, BROWSER_LOG_MAX_CHARS, BROWSER_LOG_PREFIX

from .browser_steps import WAIT, click_button, field, sign_in, wait, wait_connected, wait_for_heading, wait_for_text
from .clinic_db import PATIENT

pytestmark = pytest.mark.e2e

SOCKET_PATH = "/_nicegui_ws/socket.io"
CLIENT_ID = re.compile(r"'client_id': '([0-9a-f-]{36})'")


@dataclass
class OpenedPage:
    """What anyone gets from GET: the page's client id and the browser cookie the server set for it."""

    client_id: str
    cookie: str | None


async def open_page(base_url: str, path: str = "/login", cookie: str | None = None) -> OpenedPage:
    cookies = {"session": cookie} if cookie else None
    async with httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=WAIT) as http:
        response = await http.get(path)
    assert response.status_code == 200, f"GET {path}: {response.status_code}"
    found = CLIENT_ID.search(response.text)
    assert found, f"no client id in {path}"
    return OpenedPage(found.group(1), response.cookies.get("session") or cookie)


@asynccontextmanager
async def socket(base_url: str, *, client_id: str | None = None, tab_id: str | None = None,
                 cookie: str | None = None, origin: str | None = None, transport: str = "websocket"):
    """A socket.io connection as NiceGUI's page script opens it; with a client id it joins that page at connect.

    Raises socketio.exceptions.ConnectionError when the server refuses it.
    """
    headers = {}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    if origin:
        headers["Origin"] = origin
    url = base_url
    if client_id:
        url += "?" + urlencode({"client_id": client_id, "tab_id": tab_id or str(uuid.uuid4()),
                                "document_id": str(uuid.uuid4()), "next_message_id": 0, "implicit_handshake": "true"})
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(url, headers=headers, transports=[transport], socketio_path=SOCKET_PATH, wait_timeout=WAIT)
    try:
        yield sio
    finally:
        await sio.disconnect()


async def refused(base_url: str, *, transport: str = "websocket", **kwargs) -> bool:
    try:
        async with socket(base_url, transport=transport, **kwargs):
            return False
    except socketio.exceptions.ConnectionError:
        return True
    except RuntimeError as exc:
        # python-engineio 4.15's client closes its HTTP session before it reads the answer to a refused polling
        # request (the server answered 400), so the refusal surfaces as this instead of ConnectionError.
        if transport == "polling" and "Connection closed" in str(exc):
            return True
        raise


# NiceGUI's page script keeps the page's elements (tag, props, event listeners) in `mounted_app.elements`.
_TARGET_JS = """
const [label, eventType] = arguments;
const found = Object.entries(mounted_app.elements).filter(([id, el]) => el.props && el.props.label === label);
if (found.length !== 1) return null;
const [id, el] = found[0];
const listener = (el.events || []).find(e => e.type === eventType);
return listener ? {client_id: window.clientId, id: Number(id), listener_id: listener.listener_id} : null;
"""


def typing_event(driver, label: str, text: str) -> dict:
    """The `event` message the browser sends when someone types `text` into the field labelled `label`."""
    target = wait(driver).until(lambda d: d.execute_script(_TARGET_JS, label, "update:value"),
                                f"{driver.e2e_name}: no field {label!r} with a value listener")
    return {**target, "args": [json.dumps(text)]}


def open_settings(driver, base_url: str) -> None:
    driver.get(f"{base_url}/settings")
    wait_for_heading(driver, "Settings")
    wait_connected(driver)


def saved_signature_name(driver, base_url: str) -> str:
    """Press Save as the patient, then reload: what the field shows now is what the server stored."""
    click_button(driver, "Save settings")
    wait_for_text(driver, "Settings saved")
    open_settings(driver, base_url)
    return field(driver, "Signature name").get_property("value")


@pytest.mark.parametrize("attacker", ["cookie-less socket", "socket of another browser's page"])
async def test_another_socket_cannot_type_into_a_patients_open_page(shared_server, browser, attacker):
    base = shared_server.base_url
    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    open_settings(patient, base)
    before = field(patient, "Signature name").get_property("value")
    forged = f"Mallory {uuid.uuid4().hex[:8]}"
    message = typing_event(patient, "Signature name", forged)

    if attacker == "cookie-less socket":
        connection = socket(base)
    else:  # a socket properly joined to a page of the attacker's own browser
        own = await open_page(base)
        connection = socket(base, client_id=own.client_id, cookie=own.cookie)
    async with connection as sio:
        # call() returns once the server has handled the message, so the patient's Save below comes after it.
        await sio.call("event", message, timeout=WAIT)

    assert saved_signature_name(patient, base) == before

    # The very same message from the patient's own browser does type into the field (the page is new after the
    # reload, so its ids are read again): the attacker's message was well-formed, only its sender was wrong.
    patient.execute_script("window.socket.emit('event', arguments[0])", typing_event(patient, "Signature name", forged))
    assert saved_signature_name(patient, base) == forged


async def test_a_socket_without_the_patients_cookie_cannot_join_the_patients_page(shared_server, browser):
    base = shared_server.base_url
    patient = browser("patient")
    sign_in(patient, base, *PATIENT, home="/inbox")
    open_settings(patient, base)
    # Everything NiceGUI's own handshake asks for, as if leaked from the patient's tab.
    client_id, tab_id = patient.execute_script("return [window.clientId, sessionStorage.__nicegui_tab_id]")
    someone_else = await open_page(base)

    assert await refused(base, client_id=client_id, tab_id=tab_id)
    assert await refused(base, client_id=client_id, tab_id=tab_id, cookie=someone_else.cookie)
    # The patient's page is still theirs and still works.
    click_button(patient, "Save settings")
    wait_for_text(patient, "Settings saved")


async def test_a_page_accepts_only_sockets_of_the_browser_that_opened_it(shared_server):
    base = shared_server.base_url
    page = await open_page(base)
    other_browser = await open_page(base)
    value, _, signature = page.cookie.rpartition(".")
    tampered = f"{value}.{signature[::-1]}"

    assert await refused(base, client_id=page.client_id)
    assert await refused(base, client_id=page.client_id, cookie=other_browser.cookie)
    assert await refused(base, client_id=page.client_id, cookie=tampered)
    assert not await refused(base, client_id=page.client_id, cookie=page.cookie)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
async def test_socket_connections_from_another_origin_are_refused(shared_server, transport):
    base = shared_server.base_url
    port = int(base.rsplit(":", 1)[1])
    foreign = ["http://evil.example", f"http://127.0.0.1:{port + 1}", f"https://127.0.0.1:{port}",
               f"http://127.0.0.2:{port}", "null"]
    # SM_BASE_URL is http://127.0.0.1:<port>; the other loopback spellings of it are the same app.
    own = [base, f"http://localhost:{port}", f"http://[::1]:{port}", None]

    for origin in foreign:
        page = await open_page(base)
        assert await refused(base, client_id=page.client_id, cookie=page.cookie, origin=origin,
                             transport=transport), origin
    for origin in own:  # None: no Origin header at all (not a cross-site browser request)
        page = await open_page(base)
        assert not await refused(base, client_id=page.client_id, cookie=page.cookie, origin=origin,
                                 transport=transport), origin


def _log_since(server, offset: int) -> str:
    with open(server.log_path, "rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


async def test_browser_log_records_cannot_forge_server_log_lines(shared_server):
    base = shared_server.base_url
    start = shared_server.log_path.stat().st_size
    nonce = uuid.uuid4().hex
    # Looks like a line the server itself would write.
    forged = f"ERROR:sm_app.sessions:{nonce} sign-in of admin@demo.clinic from 10.0.0.7"
    page = await open_page(base)

    # A socket that never joined the page: nothing it says reaches the log.
    async with socket(base) as anonymous:
        await anonymous.call("log", {"client_id": page.client_id, "level": "error",
                                     "message": f"unbound {nonce}\n{forged}"}, timeout=WAIT)

    # The page's own socket: its records arrive, one line each, marked as the browser's, shortened, and only so many.
    async with socket(base, client_id=page.client_id, cookie=page.cookie) as own:
        await own.call("log", {"client_id": page.client_id, "level": "error",
                               "message": f"page failed {nonce}\r\n{forged}\n\u2028{forged}"}, timeout=WAIT)
        await own.call("log", {"client_id": page.client_id, "level": "error",
                               "message": f"long {nonce} " + "x" * 5000}, timeout=WAIT)
        for i in range(BROWSER_LOG_LIMIT + 10):
            await own.call("log", {"client_id": page.client_id, "level": "error", "message": f"{nonce} #{i}"},
                           timeout=WAIT)

    log = _log_since(shared_server, start)
    lines = [line for line in re.split(r"[\r\n\u2028\u2029\x0b\x0c\x1c-\x1e\x85]", log) if nonce in line]
    assert not [line for line in lines if "unbound" in line]
    assert all(line.startswith(BROWSER_LOG_PREFIX) for line in lines), lines
    assert all(len(line) <= len(BROWSER_LOG_PREFIX) + BROWSER_LOG_MAX_CHARS + 1 for line in lines)
    assert len([line for line in lines if "page failed" in line]) == 1
    assert len(lines) == BROWSER_LOG_LIMIT


async def test_open_pages_are_pinged_every_ten_seconds(shared_server):
    """What the server tells every browser when its socket opens (engine.io's open packet): a ping every 10 s, and a
    connection that has not answered within 5 s more counts as gone. NiceGUI's own 4 s and 2 s made the pings of a
    clinic's open pages a large part of the server's idle work."""
    async with httpx.AsyncClient(base_url=shared_server.base_url, timeout=WAIT) as http:
        response = await http.get(f"{SOCKET_PATH}/", params={"EIO": "4", "transport": "polling"})
    assert response.status_code == 200, response.text
    assert response.text.startswith("0"), response.text  # engine.io's "open" packet
    opened = json.loads(response.text[1:])
    assert (opened["pingInterval"], opened["pingTimeout"]) == (10_000, 5_000)
