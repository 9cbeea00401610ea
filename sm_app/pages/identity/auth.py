"""Sign in, terms acceptance, and the landing redirect."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from nicegui import app, ui
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sm_app.bootstrap import System
from sm_app.components.frame import PAGE_BUILD_SECONDS, SESSION_KEY, open_page, session_token
from sm_app.components.notices import reply_target
from sm_app.identity.sessions import SignedIn
from sm_app.shared.errors import SignInBusy, SignInFailed, SignInThrottled, Unavailable

FINISH_PATH = "/login/finish"

REASONS = {
    "timeout": "You were signed out because you were inactive for a while.",
    "ended": "Your session ended. Please sign in again.",
    "reset": "Your password was changed and you were signed out everywhere. Sign in with your new password.",
}


def safe_redirect(target: str | None) -> str:
    r"""Only a path of this site: '/inbox' yes; '//evil.example', 'https://…', '/\evil' and '/<tab>/evil' no.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so '/<tab>/evil.example/' would
    leave the site: anything with whitespace, control characters or a backslash is refused before parsing.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if any(c.isspace() or not c.isprintable() or c == "\\" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return target


def home_for(role: str) -> str:
    if role == "patient":
        return "/inbox"
    if role in ("clerk", "nurse", "pharmacist", "provider"):
        return "/worklist"
    if role == "admin":
        return "/admin"
    return "/account"


def client_address(request: Request | None) -> str:
    """The network address the page was loaded from (for sign-in throttling)."""
    return request.client.host if request is not None and request.client else ""


@dataclass(frozen=True)
class _Handoff:
    token: str
    browser_id: str | None
    target: str
    expires: float


class SignInHandoff:
    """Carries a new session from the sign-in page (a socket event, which cannot set cookies) to one HTTP response.

    A ticket is random, used once, lives a minute, and only works for the browser identity that signed in; the
    response that takes it gives the browser a new identity (session fixation: an identity handed out before
    sign-in, or planted by someone else, never holds the session token).
    """

    TTL_SECONDS = 60.0

    def __init__(self) -> None:
        self._pending: dict[str, _Handoff] = {}

    def issue(self, token: str, browser_id: str | None, target: str) -> str:
        now = time.monotonic()
        self._pending = {k: v for k, v in self._pending.items() if v.expires > now}
        ticket = secrets.token_urlsafe(32)
        self._pending[hashlib.sha256(ticket.encode()).hexdigest()] = _Handoff(token, browser_id, target,
                                                                               now + self.TTL_SECONDS)
        return ticket

    def take(self, ticket: str, browser_id: str | None) -> _Handoff | None:
        pending = self._pending.pop(hashlib.sha256(ticket.encode()).hexdigest(), None)
        if pending is None or pending.expires <= time.monotonic() or pending.browser_id != browser_id:
            return None
        return pending


async def start_fresh_browser_identity(request: Request, carry: dict[str, str]) -> None:
    """Give this browser a new NiceGUI identity (cookie and user storage) holding only `carry`.

    Use it at sign-in and at every step-up. The old identity's storage is emptied, not removed: another tab of
    the same browser may still be open on it. NiceGUI has no public call for this, hence the private ones
    (checked against NiceGUI 3.18).
    """
    old_id = request.session.get("id")
    new_id = str(uuid.uuid4())
    request.session["id"] = new_id  # the session middleware sends the newly signed cookie with this response
    await app.storage._create_user_storage(new_id)
    app.storage._users[new_id].update(carry)
    old = app.storage._users.get(old_id)
    if old is not None:
        old.clear()


async def hand_over(system: System, handoff: SignInHandoff, signed_in: SignedIn, target: str) -> None:
    """Take a new session to this browser (after a sign-in, or an invitation accepted) and go to `target`."""
    request = ui.context.client.request
    # A fresh token every sign-in; the previous one (if any) is ended so it cannot be replayed.
    old = app.storage.user.get(SESSION_KEY)
    if old:
        await system.sessions.sign_out(old)
    app.storage.user.pop(SESSION_KEY, None)
    # The token never goes into this browser identity, which existed before sign-in (and may have been
    # planted): an HTTP response hands out a new identity and the token lives only under that one.
    ticket = handoff.issue(signed_in.token, request.session.get("id"), target)
    ui.navigate.to(f"{FINISH_PATH}?ticket={ticket}")


def register(system: System) -> SignInHandoff:
    """The sign-in pages; returns the hand-off other pages that open a session use (an accepted invitation)."""
    handoff = SignInHandoff()

    @app.get(FINISH_PATH)
    async def finish_sign_in(request: Request, ticket: str = "") -> Response:
        pending = handoff.take(ticket, request.session.get("id"))
        if pending is None or await system.sessions.current(pending.token) is None:
            return RedirectResponse("/login?reason=ended", status_code=303)
        await start_fresh_browser_identity(request, {SESSION_KEY: pending.token})
        return RedirectResponse(pending.target, status_code=303)

    @ui.page("/login", response_timeout=PAGE_BUILD_SECONDS)
    async def login_page(redirect_to: str = "/", reason: str = "") -> None:
        ui.page_title(f"Sign in · {system.settings.clinic_name}")
        state = await system.sessions.current(session_token())
        if state is not None:
            ui.navigate.to(home_for(state.actor.role))
            return

        async def sign_in() -> None:
            error.set_text("")
            button.disable()
            request = ui.context.client.request
            try:
                signed_in = await system.sessions.sign_in(email.value, password.value,
                                                          address=client_address(request))
            except (SignInFailed, SignInThrottled, SignInBusy, Unavailable) as exc:
                error.set_text(str(exc))
                password.run_method("focus")
                return
            finally:
                button.enable()
            target = safe_redirect(redirect_to)
            await hand_over(system, handoff, signed_in, home_for(signed_in.actor.role) if target == "/" else target)

        with ui.card().classes("absolute-center w-96").style("max-width: calc(100vw - 24px)"):  # a 320 px phone too
            ui.label(system.settings.clinic_name).classes("text-h6")
            ui.label("Secure messaging").classes("text-subtitle1")
            if reason in REASONS:
                ui.label(REASONS[reason]).classes("text-orange-9")
            email = ui.input("Email").props("type=email autocomplete=username autofocus").classes("w-full")
            password = ui.input("Password", password=True).props("autocomplete=current-password").classes("w-full")
            password.on("keydown.enter", sign_in)
            error = ui.label("").classes("text-negative").props('role=alert aria-live="assertive"')
            button = ui.button("Sign in", on_click=sign_in).classes("w-full")
            ui.link("Forgot your password?", "/forgot-password")

    @ui.page("/terms", response_timeout=PAGE_BUILD_SECONDS)
    async def terms_page() -> None:
        state = await system.sessions.current(session_token(), touch=True)
        if state is None:
            ui.navigate.to("/login")
            return
        terms = system.terms.current()
        ui.page_title(f"Messaging terms · {system.settings.clinic_name}")

        async def accept() -> None:
            await system.terms.accept(state.actor)
            ui.navigate.to(home_for(state.actor.role))

        with ui.column().classes("max-w-2xl mx-auto q-pa-md"):
            # Our own shipped text, not user input; the promised reply time is the clinic's current setting.
            days = await system.clinic_settings.reply_target_business_days()
            ui.markdown(terms.text.replace("{reply_target}", reply_target(days)))
            ui.label(f"Version {terms.version}").classes("text-caption")
            ui.button("I accept the messaging terms", on_click=accept)

    @ui.page("/", response_timeout=PAGE_BUILD_SECONDS)
    async def landing() -> None:
        state = await system.sessions.current(session_token())
        ui.navigate.to(home_for(state.actor.role) if state else "/login")

    @ui.page("/account", response_timeout=PAGE_BUILD_SECONDS)
    async def account_page() -> None:
        ctx = await open_page(system, "/account", title="Account")
        if ctx is None:
            return
        with ui.column().classes("q-pa-md"):
            ui.label(f"Signed in as {ctx.actor.name} ({ctx.actor.role}).")
            if ctx.actor.role == "admin":
                ui.link("Admin: users, care teams and clinic settings", "/admin")

    return handoff
