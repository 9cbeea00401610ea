"""A headless browser for NiceGUI 3.18 pages: what `bench_live` drives (no browser, no Selenium).

It speaks the protocol of nicegui/templates/index.html and nicegui/static/nicegui.js:

- a page is an HTTP GET with the browser's cookie jar; the HTML carries the element tree
  (`parseElements(String.raw\\`...\\`)`, HTML-escaped by NiceGUI) and the socket.io query
  (`query: {'client_id': ..., 'next_message_id': ..., 'implicit_handshake': True}`);
- the page's socket connects to `/_nicegui_ws/socket.io` over WebSocket with that query plus `tab_id`,
  `document_id` and `old_tab_id` (the browser adds them in `mounted()`), the jar's cookies and an `Origin`
  header (sm_app/web_security.py binds a page's socket to the browser cookie and checks the origin); with
  `implicit_handshake=true` the connect itself is the handshake;
- the server sends `update` (element id -> element dict, or null for a deleted element), `run_javascript`
  (answered with `javascript_response` when it carries a `request_id`), `open` (navigation), `notify`,
  `load_js_components`, `download`, `try_reconnect`; every message carries `_id`, and the browser drops an
  `_id` below the next expected one and acknowledges the next expected id every 3 s (`ack`);
- a UI event is `event` `{id, client_id, listener_id, args}` where `args` are the JSON-encoded event arguments
  the listener asked for: `[json.dumps(value)]` for `update:value` of an input or textarea (their `args` are
  `[null]`, so the whole value travels), `[]` for a button's `click` (its `args` are `[]`).

The element tree is mirrored exactly as the browser keeps `this.elements`, so a page can be searched
(`find`) and a test can ask what is on screen (`texts`, `reachable`).
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import aiohttp
import socketio

_ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
_QUERY = re.compile(r"^\s*query: (\{.*\}),\s*$", re.M)
# nicegui.js parseElements(): the reverse of NiceGUI's HTML_ESCAPE_TABLE, in this order.
_UNESCAPE = (("&#36;", "$"), ("&#96;", "`"), ("&gt;", ">"), ("&lt;", "<"), ("&amp;", "&"))
ACK_SECONDS = 3.0  # nicegui.js: setInterval(() => ack(), 3000)
ACTIVITY_SECONDS = 15.0  # sm_app/components/frame.py _ACTIVITY_JS: at most one sm_activity per 15 s


@dataclass
class Counters:
    """What went wrong, for the whole run."""

    http_5xx: int = 0
    http_other: int = 0  # non-2xx final answers other than 5xx
    disconnects: int = 0  # sockets the server dropped (not closed by us)
    connect_failures: int = 0
    negative_notifies: int = 0
    not_ready: int = 0  # pages answered "took longer than the response_timeout" ("Response ... not ready")
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.notes) < 50:
            self.notes.append(text)


def parse_page(html: str) -> tuple[dict[str, dict], dict]:
    """The element tree and the socket.io query of a NiceGUI page's HTML."""
    m = _ELEMENTS.search(html)
    q = _QUERY.search(html)
    if not m or not q:
        raise ValueError("not a NiceGUI page (no element tree or socket query)")
    raw = m.group(1)
    for old, new in _UNESCAPE:
        raw = raw.replace(old, new)
    # The query is written with Python's repr (True/False are JavaScript constants in nicegui.js).
    return json.loads(raw), ast.literal_eval(q.group(1))


def children_of(element: dict) -> Iterator[str]:
    for child in element.get("children") or ():
        yield str(child)
    for slot in (element.get("slots") or {}).values():
        for child in slot.get("ids") or ():
            yield str(child)


class Browser:
    """One person's browser: one cookie jar shared by its tabs (aiohttp session), like a real profile."""

    def __init__(self, base_url: str, counters: Counters):
        self.base_url = base_url.rstrip("/")
        self.origin = self.base_url
        self.counters = counters
        # unsafe=True: keep cookies for an IP-address host (127.0.0.1), as a browser does.
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          timeout=aiohttp.ClientTimeout(total=60))

    async def close(self) -> None:
        await self.http.close()

    async def get(self, path: str) -> tuple[str, str]:
        """GET a page, following redirects as a browser does; returns (final path with query, html)."""
        async with self.http.get(self.base_url + path, allow_redirects=True) as response:
            text = await response.text()
            if response.status >= 500:
                self.counters.http_5xx += 1
                if "response_timeout" in text:  # NiceGUI's page for "Response for ... not ready after 3 s"
                    self.counters.not_ready += 1
                raise PageError(f"HTTP {response.status} for {path}")
            if response.status >= 300:
                self.counters.http_other += 1
                raise PageError(f"HTTP {response.status} for {path}")
            url = urlsplit(str(response.url))
            return url.path + (f"?{url.query}" if url.query else ""), text

    async def redirect(self, path: str) -> str:
        """GET a URL that answers with a redirect (keeping the cookies it sets); returns where it points."""
        async with self.http.get(self.base_url + path, allow_redirects=False) as response:
            await response.read()
            if response.status >= 500:
                self.counters.http_5xx += 1
            if response.status not in (301, 302, 303, 307, 308):
                self.counters.http_other += 1
                raise PageError(f"HTTP {response.status} for {path}, not a redirect")
            return response.headers["Location"]

    async def open(self, path: str, tab: Tab, on_update: UpdateHook | None = None,
                   on_notify: NotifyHook | None = None) -> Page:
        """Load a page in `tab` and connect its socket (closing the socket of the page the tab showed before)."""
        final, html = await self.get(path)
        elements, query = parse_page(html)
        page = Page(self, tab, final, elements, query, on_update)
        page.on_notify = on_notify
        if tab.page is not None:
            await tab.page.close()
        await page.connect()
        tab.page = page
        return page


class PageError(Exception):
    pass


@dataclass
class Tab:
    """A browser tab: its id lives in sessionStorage, so it survives navigation inside the tab."""

    name: str
    tab_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    page: Page | None = None


UpdateHook = Callable[["Page", dict, float], None]  # (page, the update as received, perf_counter at arrival)
NotifyHook = Callable[["Page", dict, float], None]


class Page:
    """One loaded page and its socket."""

    def __init__(self, browser: Browser, tab: Tab, path: str, elements: dict[str, dict], query: dict,
                 on_update: UpdateHook | None):
        self.browser = browser
        self.tab = tab
        self.path = path
        self.elements = elements
        self.client_id: str = query["client_id"]
        self.next_message_id: int = int(query["next_message_id"])
        self.acked_message_id = -1
        self.implicit = bool(query.get("implicit_handshake"))
        self.document_id = str(uuid.uuid4())
        self.on_update = on_update
        self.on_notify: NotifyHook | None = None
        self.notifies: list[tuple[float, dict]] = []
        self.opens: list[str] = []
        self._opened = asyncio.Event()
        self._changed = asyncio.Event()
        self.closing = False
        self.connected = False
        self.activity_js = False
        self.last_activity = 0.0
        # No reconnection: a dropped socket is counted as an error, not papered over.
        self.sio = socketio.AsyncClient(reconnection=False, http_session=browser.http, handle_sigint=False)
        self.sio.on("update", self._on_update)
        self.sio.on("run_javascript", self._on_run_javascript)
        self.sio.on("open", self._on_open)
        self.sio.on("notify", self._on_notify)
        self.sio.on("load_js_components", self._on_other)
        self.sio.on("download", self._on_other)
        self.sio.on("try_reconnect", self._on_try_reconnect)
        self.sio.on("disconnect", self._on_disconnect)

    # -- connection -----------------------------------------------------------------------------
    async def connect(self) -> None:
        # As nicegui.js's mounted(): the page's query plus document_id, tab_id and old_tab_id (null when the tab
        # navigated here; engine.io writes it as the string "null"); socket.io-client writes booleans as text.
        query = {
            "client_id": self.client_id,
            "next_message_id": self.next_message_id,
            "implicit_handshake": "true" if self.implicit else "false",
            "document_id": self.document_id,
            "tab_id": self.tab.tab_id,
            "old_tab_id": "null",
        }
        url = f"{self.browser.base_url}/?{urlencode(query)}"
        try:
            await self.sio.connect(url, headers={"Origin": self.browser.origin}, transports=["websocket"],
                                   socketio_path="/_nicegui_ws/socket.io", wait_timeout=10)
        except socketio.exceptions.ConnectionError as exc:
            self.browser.counters.connect_failures += 1
            raise PageError(f"socket refused for {self.path}: {exc}") from exc
        if not self.implicit:
            ok = await self.sio.call("handshake", query, timeout=10)
            if not ok:
                self.browser.counters.connect_failures += 1
                raise PageError(f"handshake refused for {self.path}")
        self.connected = True

    async def close(self) -> None:
        self.closing = True
        if self.sio.connected:
            await self.sio.disconnect()
        self.connected = False

    async def ack(self) -> None:
        """nicegui.js ack(): tell the server which messages arrived, so it can drop them from its history."""
        if self.connected and self.acked_message_id < self.next_message_id:
            await self.sio.emit("ack", {"client_id": self.client_id, "next_message_id": self.next_message_id})
            self.acked_message_id = self.next_message_id

    # -- incoming -------------------------------------------------------------------------------
    def _fresh(self, msg: dict) -> bool:
        """nicegui.js: a message whose _id is below the next expected one was seen already (resent on reconnect)."""
        if isinstance(msg, dict) and "_id" in msg:
            message_id = msg.pop("_id")
            if message_id < self.next_message_id:
                return False
            self.next_message_id = message_id + 1
        return True

    def _on_update(self, msg: dict) -> None:
        now = time.perf_counter()
        if not self._fresh(msg):
            return
        for element_id, element in msg.items():
            if element is None:
                self.elements.pop(element_id, None)
            else:
                element.pop("preserved_props", None)
                self.elements[element_id] = element
        self._changed.set()
        if self.on_update is not None:
            self.on_update(self, msg, now)

    def _on_run_javascript(self, msg: dict) -> None:
        if not self._fresh(msg):
            return
        code = msg.get("code", "")
        if "sm_activity" in code:
            self.activity_js = True  # the page's activity pings are installed (frame.py _ACTIVITY_JS)
        request_id = msg.get("request_id")
        if request_id:
            # runMethod('focus') and the like return undefined, which JSON carries as null.
            asyncio.get_running_loop().create_task(self.sio.emit(
                "javascript_response", {"request_id": request_id, "client_id": self.client_id, "result": None}))

    def _on_open(self, msg: dict) -> None:
        if not self._fresh(msg):
            return
        self.opens.append(msg.get("path", ""))
        self._opened.set()

    def _on_notify(self, msg: dict) -> None:
        now = time.perf_counter()
        if not self._fresh(msg):
            return
        self.notifies.append((now, msg))
        text = str(msg.get("message", ""))
        if msg.get("type") == "negative":
            self.browser.counters.negative_notifies += 1
            self.browser.counters.note(f"{self.path}: {text}")
        if self.on_notify is not None:
            self.on_notify(self, msg, now)
        self._changed.set()

    def _on_other(self, msg: dict) -> None:
        self._fresh(msg)

    def _on_try_reconnect(self, *_args) -> None:
        self.browser.counters.note(f"{self.path}: server asked the page to reload (try_reconnect)")

    def _on_disconnect(self, *_args) -> None:
        if not self.closing:
            self.browser.counters.disconnects += 1
            self.browser.counters.note(f"{self.path}: socket dropped by the server")
        self.connected = False

    # -- what is on the page --------------------------------------------------------------------
    def find(self, predicate: Callable[[dict], bool]) -> list[tuple[str, dict]]:
        return [(i, e) for i, e in self.elements.items() if predicate(e)]

    def one(self, predicate: Callable[[dict], bool], what: str) -> tuple[str, dict]:
        found = self.find(predicate)
        if len(found) != 1:
            raise PageError(f"{self.path}: expected one {what}, found {len(found)}")
        return found[0]

    def button(self, label: str) -> tuple[str, dict]:
        return self.one(lambda e: e.get("tag") == "q-btn" and (e.get("props") or {}).get("label") == label,
                        f"button {label!r}")

    def field(self, label: str) -> tuple[str, dict]:
        return self.one(lambda e: (e.get("props") or {}).get("label") == label and any(
            ev["type"].startswith("update:") for ev in e.get("events") or ()), f"field {label!r}")

    def reachable(self) -> Iterator[dict]:
        """The elements the browser renders: those reachable from the layout (element 0)."""
        stack, seen = ["0"], set()
        while stack:
            element_id = stack.pop()
            if element_id in seen or element_id not in self.elements:
                continue
            seen.add(element_id)
            element = self.elements[element_id]
            yield element
            stack.extend(children_of(element))

    def visible(self, element_id: str) -> bool:
        """Not hidden itself or by an ancestor (NiceGUI's set_visibility adds the class `hidden`)."""
        parents = self.parents()
        while element_id is not None:
            element = self.elements.get(element_id)
            if element is None or "hidden" in (element.get("class") or ()):
                return False
            element_id = parents.get(element_id)
        return True

    def parents(self) -> dict[str, str]:
        return {child: parent for parent, e in self.elements.items() for child in children_of(e)}

    async def wait_for(self, condition: Callable[[], bool], within: float) -> bool:
        deadline = time.perf_counter() + within
        while not condition():
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=left)
            except TimeoutError:
                return condition()
        return True

    async def wait_open(self, within: float) -> str | None:
        """The path of the next navigation the server asks for (`ui.navigate.to`)."""
        try:
            await asyncio.wait_for(self._opened.wait(), timeout=within)
        except TimeoutError:
            return None
        self._opened.clear()
        return self.opens[-1]

    # -- outgoing: what a person's clicks and keys make the browser send ------------------------
    async def _emit_event(self, element_id: str, event_type: str, args: list) -> None:
        element = self.elements.get(element_id)
        if element is None:
            raise PageError(f"{self.path}: element {element_id} is gone")
        listener = next((ev for ev in element.get("events") or () if ev["type"] == event_type), None)
        if listener is None:
            raise PageError(f"{self.path}: element {element_id} has no {event_type} listener")
        await self.sio.emit("event", {"id": int(element_id), "client_id": self.client_id,
                                      "listener_id": listener["listener_id"],
                                      "args": [json.dumps(a) for a in args]})

    async def _activity(self) -> None:
        """frame.py's _ACTIVITY_JS: a click or key tells the server about activity, at most every 15 s."""
        now = time.perf_counter()
        if self.activity_js and now - self.last_activity > ACTIVITY_SECONDS:
            self.last_activity = now
            await self._emit_event("0", "sm_activity", [])

    async def type(self, element_id: str, text: str) -> None:
        """Text typed (or pasted) into an input or textarea: one `update:value` with the whole value."""
        await self._activity()
        element = self.elements[element_id]
        event_type = next(ev["type"] for ev in element.get("events") or () if ev["type"].startswith("update:"))
        await self._emit_event(element_id, event_type, [text])
        if (element.get("props") or {}).get("loopback") is False:
            # nicegui.js: with loopback false the browser sets the value itself (the server sends no update).
            element.setdefault("props", {})[event_type.split(":", 1)[1]] = text

    async def emit(self, element_id: str, event_type: str) -> float:
        """An event the page's own script sends for a person's action (a plain click on a worklist row sends
        "open"); returns the moment it left (perf_counter)."""
        await self._activity()
        t0 = time.perf_counter()
        await self._emit_event(element_id, event_type, [])
        return t0

    async def click(self, element_id: str) -> float:
        """A click on a button; returns the moment the event left (perf_counter)."""
        await self._activity()
        t0 = time.perf_counter()
        await self._emit_event(element_id, "click", [])
        return t0
