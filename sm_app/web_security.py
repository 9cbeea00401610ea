"""Who may talk to an open page over NiceGUI's socket.io: the browser that opened it, from the app's own origin.

NiceGUI identifies a page by the client id inside each message, not by the connection that carries it, and it
accepts connections from any origin. A page's client id is in its HTML, so anyone who learns it could otherwise
type into someone else's page or write to the server log. `secure_browser_connections` wraps NiceGUI's registered
socket.io handlers (NiceGUI's own files stay untouched):

- connect (implicit handshake) and handshake: the socket's session cookie must name the browser whose request
  created the page;
- event, javascript_response, ack, log: the socket must have been handshaken into the page the message names;
- log records: one short, marked line each, at most `BROWSER_LOG_LIMIT` per page;
- every engine.io request with an Origin header must come from the app's own origin.
"""

from __future__ import annotations

import binascii
import json
import urllib.parse
import weakref
from base64 import b64decode
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import itsdangerous
from nicegui import Client, core
from nicegui.storage import Storage
from socketio.exceptions import ConnectionRefusedError as SocketRefused
from starlette.requests import cookie_parser

SESSION_COOKIE = "session"  # Starlette SessionMiddleware's default, which NiceGUI uses
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
BROWSER_LOG_LIMIT = 20  # records one page may write; a page that needs more is broken or hostile
BROWSER_LOG_MAX_CHARS = 300
BROWSER_LOG_PREFIX = "browser log: "
_LOG_LEVELS = ("debug", "info", "warning", "error")
# NiceGUI's page script reloads the page when refused with exactly this text; a reload mends a cookie that
# changed under a page (two tabs opened at once by a new browser), so only that case gets it.
_RELOAD_PLEASE = "Implicit handshake failed"
_MARK = "_sm_unwrapped"


def own_origins(base_url: str) -> frozenset[str]:
    """The browser origins of the app at `base_url`; for a loopback host, every loopback spelling of it."""
    parts = urllib.parse.urlsplit(base_url)
    scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    if ":" in host:
        host = f"[{host}]"
    # Browsers leave the scheme's default port out of an Origin header.
    suffix = "" if port is None or port == {"http": 80, "https": 443}.get(scheme) else f":{port}"
    hosts = LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else (host,)
    return frozenset(f"{scheme}://{h}{suffix}" for h in hosts)


def one_log_line(text: str) -> str:
    """A browser's log text as one short line: no line breaks or other control or format characters."""
    cut = text[:BROWSER_LOG_MAX_CHARS + 1]  # slice first: a record may be a megabyte long
    line = "".join(ch if ch.isprintable() else " " for ch in cut[:BROWSER_LOG_MAX_CHARS])
    return line + ("…" if len(cut) > BROWSER_LOG_MAX_CHARS else "")


@lru_cache(maxsize=2)
def _signer(secret: str) -> itsdangerous.TimestampSigner:
    return itsdangerous.TimestampSigner(secret)


def _browser_of_socket(environ: dict[str, Any] | None) -> str | None:
    """NiceGUI's browser id from the socket's session cookie, checked exactly as Starlette checks it."""
    if not environ or not Storage.secret:
        return None
    signed = cookie_parser(environ.get("HTTP_COOKIE", "")).get(SESSION_COOKIE)
    if not signed:
        return None
    try:
        # No age check: the page request that this socket must match already passed Starlette's.
        session = json.loads(b64decode(_signer(Storage.secret).unsign(signed.encode())))
    except (itsdangerous.BadSignature, binascii.Error, UnicodeError, ValueError):
        return None
    browser = session.get("id") if isinstance(session, dict) else None
    return browser if isinstance(browser, str) else None


def _browser_of_page(client: Client) -> str | None:
    """NiceGUI's browser id of the request that created the page (it assigns one to every page request)."""
    try:
        session = client.request.scope.get("session")
    except RuntimeError:  # a client built without a request
        return None
    browser = session.get("id") if isinstance(session, dict) else None
    return browser if isinstance(browser, str) else None


def _refusal(environ: dict[str, Any] | None, client: Client) -> str | None:
    """None when the socket comes from the browser that opened the page, else why not."""
    page_browser = _browser_of_page(client)
    socket_browser = _browser_of_socket(environ)
    if page_browser is not None and socket_browser == page_browser:
        return None
    return _RELOAD_PLEASE if socket_browser is not None else "Not the browser of this page"


def _joined(sid: str, msg: Any) -> bool:
    """The message names a page this socket was handshaken into (NiceGUI puts it in a room named after the page)."""
    if not isinstance(msg, dict):
        return False
    client_id = msg.get("client_id")
    if not isinstance(client_id, str) or client_id == sid:  # every socket is also in a room named after itself
        return False
    # The manager's room table, rather than sio.rooms(sid), which walks every room for each keystroke.
    return sid in core.sio.manager.rooms.get("/", {}).get(client_id, ())


def _client_of(data: Any) -> Client | None:
    client_id = data.get("client_id") if isinstance(data, dict) else None
    return Client.instances.get(client_id) if isinstance(client_id, str) else None


class _BrowserLog:
    """Client log records, checked and counted per page."""

    def __init__(self) -> None:
        self._counts: weakref.WeakKeyDictionary[Client, int] = weakref.WeakKeyDictionary()

    def accept(self, msg: dict) -> dict | None:
        client = Client.instances.get(msg["client_id"])
        level, text = msg.get("level"), msg.get("message")
        if client is None or level not in _LOG_LEVELS or not isinstance(text, str):
            return None
        count = self._counts.get(client, 0)
        if count >= BROWSER_LOG_LIMIT:
            return None
        self._counts[client] = count + 1
        return {**msg, "message": BROWSER_LOG_PREFIX + one_log_line(text)}


def _original(name: str) -> Callable:
    handler = core.sio.handlers["/"][name]
    return getattr(handler, _MARK, handler)  # create_app may run again in one process (the User fixture does)


def secure_browser_connections(base_url: str) -> None:
    """Bind NiceGUI's sockets to the browser of their page and refuse foreign origins (see the module docstring)."""
    origins = own_origins(base_url)

    def origin_allowed(origin: str | None, _environ: dict | None = None) -> bool:
        # engine.io refuses only requests that carry an Origin header: one without is no cross-site browser request.
        return origin in origins

    core.sio.eio.cors_allowed_origins = origin_allowed

    connect, handshake = _original("connect"), _original("handshake")
    event, javascript_response, ack, log = (_original(n) for n in ("event", "javascript_response", "ack", "log"))
    browser_log = _BrowserLog()

    async def on_connect(sid: str, environ: dict[str, Any], auth: Any = None) -> Any:
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        if query.get("implicit_handshake", [""])[0] == "true":
            client = Client.instances.get(query.get("client_id", [""])[0])
            if client is not None and (reason := _refusal(environ, client)):
                raise SocketRefused(reason)
        return await connect(sid, environ, auth)

    async def on_handshake(sid: str, data: Any) -> bool:
        client = _client_of(data)
        if client is None or _refusal(core.sio.get_environ(sid), client):
            return False
        return await handshake(sid, data)

    # Synchronous like NiceGUI's: python-socketio runs each message in its own task, and an await before
    # dispatch would let a later keystroke overtake an earlier one.
    def on_event(sid: str, msg: Any) -> None:
        if _joined(sid, msg):
            event(sid, msg)

    def on_javascript_response(sid: str, msg: Any) -> None:
        if _joined(sid, msg):
            javascript_response(sid, msg)

    def on_ack(sid: str, msg: Any) -> None:
        if _joined(sid, msg):
            ack(sid, msg)

    def on_log(sid: str, msg: Any) -> None:
        if _joined(sid, msg) and (record := browser_log.accept(msg)) is not None:
            log(sid, record)

    for name, wrapper, original in (
        ("connect", on_connect, connect), ("handshake", on_handshake, handshake), ("event", on_event, event),
        ("javascript_response", on_javascript_response, javascript_response), ("ack", on_ack, ack),
        ("log", on_log, log),
    ):
        setattr(wrapper, _MARK, original)
        core.sio.on(name, handler=wrapper)
