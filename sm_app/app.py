"""NiceGUI wiring: security headers, the sign-in gate, pages, and start/stop of the system."""

from __future__ import annotations

import gc
import os
import secrets
from pathlib import Path
from urllib.parse import quote

from nicegui import app, background_tasks, core, ui
from starlette.datastructures import MutableHeaders
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sm_app import collector, nicegui_speedups
from sm_app.bootstrap import System
from sm_app.components import theme, uploader
from sm_app.components.frame import session_token
from sm_app.jobs import start_scheduler
from sm_app.pages.care_team import clinic_settings, dashboard, team_messages, worklist
from sm_app.pages.health_record import record as health_record
from sm_app.pages.identity import admin_teams, admin_users, auth, terms_admin
from sm_app.pages.identity import invitations as invitation_pages
from sm_app.pages.identity import recovery as recovery_pages
from sm_app.pages.identity import settings as settings_page
from sm_app.pages.library import editor as library_editor
from sm_app.pages.library import reading as library_reading
from sm_app.pages.messaging import (
    compose,
    conversation,
    folders,
    mailbox,
    printing,
    quick_reply_admin,
    search,
    template_admin,
)
from sm_app.pages.notifications import email_settings
from sm_app.pages.privacy import audit as audit_page
from sm_app.shared.errors import NotFound, Unavailable, ValidationError
from sm_app.upload_limit import UploadSizeLimit
from sm_app.web_security import secure_browser_connections

PUBLIC_PATHS = ("/login", auth.FINISH_PATH, invitation_pages.ACCEPT_PATH, *recovery_pages.PATHS)
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


# Plain ASGI rather than Starlette's BaseHTTPMiddleware, which runs the rest of the app in a task group with memory
# streams per request: a few hundred objects in reference cycles per page load, left for the cycle collector whose
# full collections stop the event loop (docs/benchmarks.md). The sign-in gate below stays a BaseHTTPMiddleware:
# written as plain ASGI, a few of 110 pages opened at once lost their socket in the live benchmark, for a reason
# not yet found.
class SecurityHeaders:
    def __init__(self, asgi_app: ASGIApp, *, https: bool):
        self.app = asgi_app
        self._headers = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                         ("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")]
        if https:
            self._headers.append(("Strict-Transport-Security", "max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self._headers:
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _sign_in_gate(system: System) -> type[BaseHTTPMiddleware]:
    class SignInGate(BaseHTTPMiddleware):
        """Every page needs a live session except the sign-in page and NiceGUI's own assets."""

        async def dispatch(self, request: Request, call_next):
            path = request.url.path
            if path.startswith("/_nicegui") or path in PUBLIC_PATHS:
                return await call_next(request)
            token = session_token()
            try:
                state = await system.sessions.current(token, touch=True)
            except Unavailable:
                return busy_response()
            if state is None:
                target = "/login" if path == "/" else f"/login?redirect_to={quote(path)}"
                return RedirectResponse(target)
            request.state.sm_session = (token, state)  # the page this request builds need not read it again
            return await call_next(request)

    return SignInGate


# Fixed words only: no request or stored text ever goes into this page.
_BUSY_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Please try again in a moment</title></head>
<body style="font-family: sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Please try again in a moment</h1>
<p>The clinic's messaging service is busy right now. Nothing you have sent is lost.</p>
<p><a href="/">Try again</a></p>
<p>If you have a medical emergency, call 911. For a mental-health crisis, call or text 988.</p>
</body></html>
"""


def busy_response() -> HTMLResponse:
    """What a page load gets while the store cannot answer: a plain page that says so, not a bare 500."""
    return HTMLResponse(_BUSY_HTML, status_code=503, headers={"Retry-After": "30", "Cache-Control": "no-store"})


def _friendly_error_page(exc: Exception) -> None:
    """NiceGUI's own error page would show the exception's class and text (SQL, file paths)."""
    ui.page_title("Please try again in a moment")
    with ui.column().classes("max-w-xl mx-auto q-pa-lg gap-3"):
        if isinstance(exc, Unavailable):
            ui.label("Please try again in a moment").classes("text-h5").props("role=heading aria-level=1")
            ui.label("The clinic's messaging service is busy right now. Nothing you have sent is lost.")
        else:
            ui.label("Something went wrong on our side").classes("text-h5").props("role=heading aria-level=1")
            ui.label("The problem has been logged. Nothing you have sent is lost.")
        ui.link("Try again", "/")
        ui.label("If you have a medical emergency, call 911. For a mental-health crisis, call or text 988.")


def _as_download(data: bytes, filename: str, media_type: str) -> Response:
    """Always a download (never rendered in the page), never cached, never sniffed."""
    return Response(content=data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


def _download_route(system: System) -> None:
    @app.get("/attachment/{attachment_id}")
    async def download(attachment_id: str) -> Response:
        """Files go out only to someone who can see the conversation, always as a download, never rendered."""
        try:
            state = await system.sessions.current(session_token(), touch=True)
            if state is None:
                return PlainTextResponse("Not found", status_code=404)
            file = await system.attachments.download(state.actor, attachment_id)
        except NotFound:
            return PlainTextResponse("Not found", status_code=404)
        except Unavailable:
            return busy_response()
        return _as_download(file.data, file.name, "application/octet-stream")

    @app.get("/thread/{thread_id}/documentation-note.pdf")
    async def documentation_note(thread_id: str) -> Response:
        """A completed conversation as a PDF for the medical record: staff of its team only, always a download."""
        try:
            state = await system.sessions.current(session_token(), touch=True)
            if state is None:
                return PlainTextResponse("Not found", status_code=404)
            note = await system.documentation.note_pdf(state.actor, thread_id)
        except NotFound:
            return PlainTextResponse("Not found", status_code=404)
        except Unavailable:
            return busy_response()
        except ValidationError as exc:
            return PlainTextResponse(exc.message, status_code=409)
        return _as_download(note.data, note.filename, note.media_type)

    @app.get("/audit/export.csv")
    async def audit_export(person: str = "", patient: str = "", action: str = "", date_from: str = "",
                           date_to: str = "") -> Response:
        """The privacy officer's filtered audit view as CSV, streamed; anyone else: not found. Audited."""
        try:
            state = await system.sessions.current(session_token(), touch=True)
            if state is None:
                return PlainTextResponse("Not found", status_code=404)
            lines = await system.audit_review.export_csv(
                state.actor, audit_page.filter_from_query(person, patient, action, date_from, date_to))
        except NotFound:
            return PlainTextResponse("Not found", status_code=404)
        except Unavailable:
            return busy_response()
        except ValidationError as exc:
            return PlainTextResponse(exc.message, status_code=400)
        return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": "attachment; filename=audit.csv", "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store"})


def create_app(system: System) -> None:
    """Register middleware, pages and lifecycle hooks for this system on NiceGUI's app."""
    app.state.sm_system = system
    nicegui_speedups.install()
    system.bus.use_spawner(background_tasks.create)  # pushes run as NiceGUI background tasks
    # Added first, so it sits innermost of ours: its 413 answers still get the security headers. It only reads
    # request headers, so nothing outside it has taken the body by then.
    app.add_middleware(UploadSizeLimit)
    app.add_middleware(_sign_in_gate(system))
    app.add_middleware(SecurityHeaders, https=system.settings.https)
    app.on_page_exception(_friendly_error_page)
    theme.install()
    secure_browser_connections(system.settings.base_url)
    handoff = auth.register(system)
    invitation_pages.register(system, handoff)
    recovery_pages.register(system)
    _download_route(system)
    uploader.register_route()
    mailbox.register(system)
    compose.register(system)
    conversation.register(system)
    folders.register(system)
    settings_page.register(system)
    printing.register(system)
    search.register(system)
    worklist.register(system)
    dashboard.register(system)
    team_messages.register(system)
    clinic_settings.register(system)
    health_record.register(system)
    admin_users.register(system)
    admin_teams.register(system)
    library_reading.register(system)
    library_editor.register(system)
    template_admin.register(system)
    quick_reply_admin.register(system)
    terms_admin.register(system)
    email_settings.register(system)
    audit_page.register(system)

    scheduled = None

    async def startup() -> None:
        nonlocal scheduled
        _quieter_keepalive()
        await system.bus.start()  # on PostgreSQL: LISTEN for the pushes of the other processes
        scheduled = await start_scheduler(system)

    async def shutdown() -> None:
        if scheduled is not None:
            await scheduled.stop()  # lets go of the scheduler's lock: another process leads at once
        await system.bus.stop()
        # Let timers and in-flight pushes finish or cancel first: a query started after the pool is
        # disposed would open a new connection that nobody closes (and whose thread keeps the process alive).
        await background_tasks.teardown()
        await system.close()

    app.on_startup(startup)
    app.on_shutdown(shutdown)


# How often the server pings each open page's socket, and how long it waits for the answer. NiceGUI sets 4 s and 2 s
# (from its reconnect timeout) just before the app's startup handlers run: with a clinic's pages open, those pings and
# their answers were about a third of the server's idle CPU (docs/benchmarks.md). A socket closed by its browser (a
# tab closed, a link followed) is noticed at once either way; these times only bound how long a connection that
# vanished silently (a laptop put to sleep, the network gone) still counts as open: at most 15 s instead of 6 s.
PING_SECONDS = 10.0
PONG_WAIT_SECONDS = 5.0


def _quieter_keepalive() -> None:
    core.sio.eio.ping_interval = PING_SECONDS
    core.sio.eio.ping_timeout = PONG_WAIT_SECONDS


def storage_secret(path: Path) -> str:
    """A per-install secret for NiceGUI's signed browser cookie, kept next to the data (0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def run(system: System) -> None:
    settings = system.settings
    create_app(system)

    def freeze_what_lives_for_good() -> None:
        # What exists once the server has started (modules, the service objects, FHIR and SQLAlchemy metadata)
        # lives as long as the process; moved out of the collector's generations, every later collection walks only
        # what pages and requests make. The User-fixture tests start the app again for every test in one process:
        # the policy then replaces itself (collector.py).
        gc.collect()
        gc.freeze()
        collector.freeze_after_full_collections()  # and so on after every full collection (sm_app/collector.py)

    app.on_startup(freeze_what_lives_for_good)
    ui.run(
        host=settings.host,
        port=settings.port,
        title=settings.clinic_name,
        language="en-US",  # <html lang>: screen readers pick the voice from it (Spanish notices set their own)
        reload=False,
        show=False,
        storage_secret=storage_secret(settings.storage_secret_file),
        session_middleware_kwargs={"same_site": "strict", "https_only": settings.https, "max_age": None},
        ssl_certfile=settings.ssl_certfile,
        ssl_keyfile=settings.ssl_keyfile,
        show_welcome_message=False,
        reconnect_timeout=3.0,
        # Starlette compresses at level 9 by default: about twice the CPU of level 4 on a page (0.86 against 0.42 ms
        # for a nurse's conversation page of 24 KB), for a few per cent fewer bytes.
        gzip_middleware_factory=lambda asgi_app: GZipMiddleware(asgi_app, compresslevel=4),
    )
