"""The page frame every signed-in page uses: header, navigation, unread badge, sign-out and idle timeout.

`open_page` resolves the session before anything is drawn; a page gets a `PageContext` or, when
the session is missing or expired, a redirect to the sign-in page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from nicegui import app, context, ui

from sm_app.adapters.realtime import ThreadChanged
from sm_app.bootstrap import System
from sm_app.components.app_header import AppHeader
from sm_app.components.kept_drafts import kept_drafts_notice
from sm_app.components.live import PageLive, follow, once_per_push
from sm_app.components.notices import DID_NOT_GO_THROUGH
from sm_app.identity.accounts import Actor
from sm_app.identity.sessions import SessionState
from sm_app.shared.errors import Unavailable
from sm_app.shared.wording import plural

log = logging.getLogger(__name__)

SESSION_KEY = "session_token"
# How long a page may take to build before NiceGUI gives up with a bare 500 page (its default is 3 s). Builds wait
# only for the event loop and the store (which gives up after POOL_WAIT_SECONDS with the friendly busy page), so a
# slow build means a burst of page loads queued on one core — the clinic opening in the morning — and is worth
# waiting for.
PAGE_BUILD_SECONDS = 15.0
_WARN_BEFORE = timedelta(minutes=1)
# Client-side: tell the server the person did something (click, key, touch), at most every 15 s.
# Socket heartbeats never reach this, so an open but untouched tab still times out.
_ACTIVITY_JS = """
(() => {
  if (window.__smActivity) return; window.__smActivity = true;
  let last = 0;
  const ping = () => { const now = Date.now(); if (now - last > 15000) { last = now; emitEvent('sm_activity'); } };
  ['click', 'keydown', 'touchstart'].forEach(t => document.addEventListener(t, ping, {capture: true, passive: true}));
})();
"""


def session_token() -> str | None:
    return app.storage.user.get(SESSION_KEY)


@dataclass
class PageContext:
    system: System
    token: str
    actor: Actor
    # When the session ends unless the person acts (as last read from the server); pushes and the idle timer ask
    # the database again only after it, or when told that a session of this person ended.
    expires_at: datetime
    live: PageLive | None = None  # the page's one subscription to live changes, made by the first `follow`
    # What the page keeps before it goes to sign-in (the compose page's unsent text goes to Drafts).
    before_leaving: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    left: bool = False

    def seen(self, state: SessionState) -> None:
        self.expires_at = state.expires_at

    async def still_signed_in(self) -> Actor | None:
        """Call before acting: counts as activity; sends the browser to sign-in when the session ended."""
        state = await self.system.sessions.current(self.token, touch=True)
        if state is None:
            await self.leave("ended")
            return None
        self.seen(state)
        return state.actor

    async def leave(self, reason: str) -> None:
        """The session is over: keep what the page must not lose, then go to the sign-in page — once, however many
        parts of the page find out (the idle timer, a push, a click, the draft's autosave)."""
        if self.left:
            return
        self.left = True
        for keep in self.before_leaving:
            try:
                await keep()
            except Exception:  # going to sign-in must not depend on it; the leave guard still protects the text
                log.exception("keeping a page's unsaved text before sign-in failed")
        ui.navigate.to(f"/login?reason={reason}")

    def end_reason(self) -> str:
        """Why the session is gone, for the sign-in page: past its known end it timed out (activity elsewhere would
        have moved that end), before it someone ended it (sign-out in another tab, an admin)."""
        return "timeout" if self.system.clock.now() >= self.expires_at else "ended"

    async def session_alive(self, *, recheck: bool = False) -> bool:
        """Is the session still valid? Without a database read while its known end lies ahead (activity in another
        tab only moves the end later); `recheck` asks the server anyway (a session of this person just ended)."""
        if not recheck and self.system.clock.now() < self.expires_at:
            return True
        state = await self.system.sessions.current(self.token)
        if state is None:
            return False
        self.seen(state)
        return True


def _read_by_the_gate(token: str | None) -> SessionState | None:
    """The session the sign-in gate (app.py) read for this very request, when it read this token: a page load then
    costs one session read, not two."""
    try:
        checked = getattr(context.client.request.state, "sm_session", None)
    except (RuntimeError, AttributeError):  # no HTTP request behind this page
        return None
    return checked[1] if checked is not None and checked[0] == token else None


async def open_page(system: System, path: str, *, title: str, frame: bool = True) -> PageContext | None:
    """The gate every signed-in page passes: a live session (else sign-in), terms accepted (else the terms), then
    the header and the idle watch. `frame=False` leaves out the header (the print view) but keeps the gate and the
    idle timeout."""
    token = session_token()
    state = _read_by_the_gate(token) or await system.sessions.current(token, touch=True)
    if state is None:
        ui.navigate.to(f"/login?redirect_to={quote(path)}")
        return None
    actor = state.actor
    if not await system.terms.has_accepted(actor):
        ui.navigate.to("/terms")
        return None
    ctx = PageContext(system, token, actor, state.expires_at)
    # An action that fails unexpectedly (the store is busy, a bug) says so instead of doing nothing; handlers
    # that send catch `Unavailable` themselves and say "Not sent". What was typed stays in the form either way.
    ui.on_exception(lambda exc: ui.notify(str(exc) if isinstance(exc, Unavailable) else DID_NOT_GO_THROUGH,
                                          type="negative", close_button="OK"))
    ui.page_title(f"{title} · {system.settings.clinic_name}")
    if frame:
        await _header(ctx, path, title)
        if actor.is_patient and path not in ("/drafts", "/compose"):
            await kept_drafts_notice(ctx)
    _idle_watch(ctx)
    return ctx


async def _header(ctx: PageContext, path: str, title: str) -> None:
    system, actor = ctx.system, ctx.actor

    # Badges change by value: a push updates the number (or hides the badge), it never redraws the header.
    unread = _CountBadge(lambda: system.mailbox.unread_count(actor), color="red-9", css="unread-badge",
                         label=lambda n: f"{n} unread", key=("unread", actor.user_id))
    alerts = _CountBadge(lambda: system.escalation.unread_count(actor), color="deep-orange-10", css="alert-badge",
                         label=lambda n: plural(n, "new alert"), key=("alerts", actor.user_id))
    links: list[tuple[str, str, _CountBadge | None]] = []
    if actor.is_staff:
        links += [("Worklist", "/worklist", unread), ("Sent", "/sent", None), ("Search", "/search", None),
                  ("Dashboard", "/dashboard", None), ("Team messages", "/team-messages", None)]
        links += [("Invite", "/invite", None)] if actor.role in ("nurse", "provider", "clerk") else []
    if actor.role == "admin":
        links.append(("Admin", "/admin", None))
    if actor.role == "privacy_officer":
        links.append(("Audit log", "/audit", None))
    if actor.is_staff or actor.role == "admin":
        links.append(("Alerts", "/alerts", alerts))
    if actor.is_patient:
        links += [("Inbox", "/inbox", unread), ("Sent", "/sent", None), ("Search", "/search", None),
                  ("Drafts", "/drafts", None), ("Trash", "/trash", None), ("Folders", "/folders", None),
                  ("Health record", "/health-record", None)]
    links.append(("Library", "/library", None))
    links.append(("Settings", "/settings", None))
    here = next((text for text, href, _ in links if href == path), title)

    async def sign_out() -> None:
        await system.sessions.sign_out(ctx.token)
        app.storage.user.pop(SESSION_KEY, None)
        ui.navigate.to("/login")

    # The page's main part, for the skip link: the first stop of Tab on every framed page, past the header's links.
    main = context.client.content
    main.props["tabindex"] = "-1"  # so following the link moves focus there, not just the scroll position
    main.classes("main-content")
    badges = {"unread": unread, "alerts": alerts}
    header = AppHeader(clinic=system.settings.clinic_name, person=actor.name, path=path, main_id=main.html_id,
                       links=[(text, href, next((k for k, b in badges.items() if b is badge), None))
                              for text, href, badge in links])
    header.classes("items-center justify-between no-wrap bg-teal-9 text-white q-px-md app-header")
    for name, badge in badges.items():
        if any(b is badge for _, _, b in links):
            with header.slot(name):
                await badge.draw()
    with header.slot("sign_out"):
        ui.button("Sign out", on_click=sign_out).props("flat color=white")
    # A wide screen: every link in one line. Narrower (a phone, or a zoomed-in window) the links fold into one
    # menu button that names the page one is on, so the fixed header stays one short line.
    with header.slot("menu"):
        # Named by the page one is on; announced as a button that opens a dialog (the menu of links). The name is
        # drawn by CSS from `data-page` and the menu's links are made when it opens, so the page holds each link,
        # badge and page name once (the wide header's), whatever the screen size.
        with ui.button(icon="menu").props('flat no-caps no-wrap color=white aria-haspopup="dialog"').classes(
                "header-menu") as menu_button:
            menu_button.props["aria-label"] = here  # a CSS-drawn name counts for people, not for every reader
            page_name = ui.element("span").classes("q-ml-sm text-subtitle1 current-page page-name")
            page_name.props["data-page"] = here
            # Quasar gives a menu role=menu, which promises menu items; this one holds links and a button.
            menu = ui.menu().props('auto-close role=dialog aria-label="Menu"')

        async def fill_menu() -> None:
            menu.clear()
            with menu, ui.element("nav").props('aria-label="Main"').classes("column q-pa-md gap-3 text-body1"):
                for text, href, badge in links:
                    with ui.row().classes("items-center gap-1 no-wrap"):
                        link = ui.link(text, href)
                        if href == path:
                            link.props["aria-current"] = "page"
                            link.classes("text-bold")
                        if badge is not None:
                            count = await badge.count()
                            if count:
                                ui.badge(str(count), color=badge.color).props["aria-label"] = badge.label(count)
                ui.separator()
                ui.label(f"Signed in as {actor.name}").classes("text-caption")
                ui.button("Sign out", on_click=sign_out).props("outline")

        menu.on("show", fill_menu)
        menu.on("hide", menu.clear)

    async def on_change(event) -> None:
        if event.kind == "alert":
            await alerts.update(event)
            ui.notify("New alert: see Alerts", type="warning")
            return
        # The only changes that move the unread count: someone else's message, or a read by this person's side.
        own_side = "patient" if actor.is_patient else "team"
        if (event.kind == "read" and event.side == own_side) or (event.kind == "message" and event.by != actor.user_id):
            await unread.update(event)
        if event.kind == "message" and event.by and event.by != actor.user_id:
            # A toast for messages from others (never one's own send); ids only travel, so no content here.
            ui.notify("New secure message", type="info", position="top-right")

    follow(ctx, on_change)


class _CountBadge:
    """A number beside a header link (unread conversations, new alerts), hidden at zero."""

    def __init__(self, count: Callable[[], Awaitable[int]], *, color: str, css: str, label: Callable[[int], str],
                 key: tuple[str, str]):
        self._count = count
        self._key = key  # names the count and the person: their other open pages share one read per push
        self._color = color
        self._css = css
        self._label = label
        self._badge: ui.badge | None = None

    @property
    def color(self) -> str:
        return self._color

    def label(self, count: int) -> str:
        return self._label(count)

    async def count(self) -> int:
        return await self._count()

    async def draw(self) -> None:
        self._badge = ui.badge("", color=self._color).classes(self._css)
        await self.update()

    async def update(self, push: ThreadChanged | None = None) -> None:
        if self._badge is None:
            return
        count = await (self._count() if push is None else once_per_push(push, self._key, self._count))
        if self._badge.is_deleted:
            return
        self._badge.set_text(str(count))
        self._badge.props["aria-label"] = self._label(count)
        self._badge.set_visibility(count > 0)


def _idle_watch(ctx: PageContext) -> None:
    """Warn a minute before the idle limit; end the page when the server says the session is over.

    The timer compares the clock with the session's known end and asks the server only from a minute before it
    (activity in another tab may have moved it): an open page costs no database read every few seconds.
    """
    system = ctx.system
    # Run once the browser is connected: script tags added after NiceGUI has sent the page never execute. Not a
    # timer: a timer's first run waits for the browser's connection, and that wait makes NiceGUI send the page at
    # once, before its body is built (the worklist or a conversation would then arrive over the socket).
    context.client.on_connect(lambda: ui.run_javascript(_ACTIVITY_JS))

    # The warning is made the first time it is needed: most pages are closed long before, and every element is
    # memory for as long as the page stays open.
    warning: list[ui.dialog] = []
    page_content = context.client.layout

    async def activity() -> None:
        state = await system.sessions.current(ctx.token, touch=True)
        if state is not None:
            ctx.seen(state)
        if warning and warning[0].value:
            warning[0].close()

    ui.on("sm_activity", activity)

    def open_warning() -> None:
        if not warning:
            with page_content, ui.dialog().props("persistent") as dialog, ui.card():
                ui.label("You will be signed out in about a minute because you have been inactive.")
                ui.button("Stay signed in", on_click=activity)
            warning.append(dialog)
        warning[0].open()

    async def check() -> None:
        if system.clock.now() < ctx.expires_at - _WARN_BEFORE:
            return
        state = await system.sessions.current(ctx.token)
        if state is None:
            timer.deactivate()
            await ctx.leave("timeout")
            return
        ctx.seen(state)
        if state.idle_left <= _WARN_BEFORE:
            open_warning()

    timer = ui.timer(system.settings.session_check_seconds, check, immediate=False)
