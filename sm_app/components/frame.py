"""The page frame every signed-in page uses: header, navigation, unread badge, sign-out and idle timeout.

`open_page` resolves the session before anything is drawn; a page gets a `PageContext` or, when
the session is missing or expired, a redirect to the sign-in page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from nicegui import app, ui

from sm_app.bootstrap import System
from sm_app.components.live import follow
from sm_app.components.notices import DID_NOT_GO_THROUGH
from sm_app.identity.accounts import Actor
from sm_app.shared.errors import Unavailable

SESSION_KEY = "session_token"
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

    async def still_signed_in(self) -> Actor | None:
        """Call before acting: counts as activity; sends the browser to sign-in when the session ended."""
        state = await self.system.sessions.current(self.token, touch=True)
        if state is None:
            ui.navigate.to("/login?reason=ended")
            return None
        return state.actor


async def open_page(system: System, path: str, *, title: str) -> PageContext | None:
    token = session_token()
    state = await system.sessions.current(token, touch=True)
    if state is None:
        ui.navigate.to(f"/login?redirect_to={quote(path)}")
        return None
    actor = state.actor
    if not await system.terms.has_accepted(actor):
        ui.navigate.to("/terms")
        return None
    ctx = PageContext(system, token, actor)
    # An action that fails unexpectedly (the store is busy, a bug) says so instead of doing nothing; handlers
    # that send catch `Unavailable` themselves and say "Not sent". What was typed stays in the form either way.
    ui.on_exception(lambda exc: ui.notify(str(exc) if isinstance(exc, Unavailable) else DID_NOT_GO_THROUGH,
                                          type="negative", close_button="OK"))
    ui.page_title(f"{title} · {system.settings.clinic_name}")
    await _header(ctx)
    _idle_watch(ctx)
    return ctx


async def _header(ctx: PageContext) -> None:
    system, actor = ctx.system, ctx.actor

    @ui.refreshable
    async def unread_badge() -> None:
        count = await system.mailbox.unread_count(actor)
        if count:
            badge = ui.badge(str(count), color="red").classes("unread-badge")
            badge.props["aria-label"] = f"{count} unread"

    @ui.refreshable
    async def alert_badge() -> None:
        count = await system.escalation.unread_count(actor)
        if count:
            badge = ui.badge(str(count), color="orange").classes("alert-badge")
            badge.props["aria-label"] = f"{count} new alerts"

    with ui.header().classes("items-center justify-between bg-teal-9 text-white q-px-md"):
        with ui.row().classes("items-center gap-4"):
            ui.label(system.settings.clinic_name).classes("text-h6")
            with ui.element("nav").props('aria-label="Main"').classes("row items-center gap-4"):
                if actor.is_staff:
                    with ui.row().classes("items-center gap-1"):
                        ui.link("Worklist", "/worklist").classes("text-white")
                        await unread_badge()
                    ui.link("Sent", "/sent").classes("text-white")
                    ui.link("Search", "/search").classes("text-white")
                    ui.link("Dashboard", "/dashboard").classes("text-white")
                    ui.link("Team messages", "/team-messages").classes("text-white")
                if actor.role == "admin":
                    ui.link("Admin", "/admin").classes("text-white")
                if actor.is_staff or actor.role == "admin":
                    with ui.row().classes("items-center gap-1"):
                        ui.link("Alerts", "/alerts").classes("text-white")
                        await alert_badge()
                if actor.is_patient:
                    with ui.row().classes("items-center gap-1"):
                        ui.link("Inbox", "/inbox").classes("text-white")
                        await unread_badge()
                    ui.link("Sent", "/sent").classes("text-white")
                    ui.link("Search", "/search").classes("text-white")
                    ui.link("Drafts", "/drafts").classes("text-white")
                    ui.link("Trash", "/trash").classes("text-white")
                    ui.link("Folders", "/folders").classes("text-white")
        with ui.row().classes("items-center gap-2"):
            ui.label(actor.name).classes("text-caption")
            ui.link("Settings", "/settings").classes("text-white")

            async def sign_out() -> None:
                await system.sessions.sign_out(ctx.token)
                app.storage.user.pop(SESSION_KEY, None)
                ui.navigate.to("/login")

            ui.button("Sign out", on_click=sign_out).props("flat color=white")

    async def on_change(event) -> None:
        if event.kind == "alert":
            await alert_badge.refresh()
            ui.notify("New alert: see Alerts", type="warning")
            return
        await unread_badge.refresh()
        if event.kind == "message" and event.by and event.by != actor.user_id:
            # A toast for messages from others (never one's own send); ids only travel, so no content here.
            ui.notify("New secure message", type="info", position="top-right")

    follow(ctx, on_change)


def _idle_watch(ctx: PageContext) -> None:
    """Warn a minute before the idle limit; end the page when the server says the session is over."""
    system = ctx.system
    # Run once the browser is connected: script tags added after NiceGUI has sent the page never execute.
    ui.timer(0, lambda: ui.run_javascript(_ACTIVITY_JS), once=True)

    async def activity() -> None:
        await system.sessions.current(ctx.token, touch=True)
        if warning.value:
            warning.close()

    ui.on("sm_activity", activity)

    with ui.dialog().props("persistent") as warning, ui.card():
        ui.label("You will be signed out in about a minute because you have been inactive.")
        ui.button("Stay signed in", on_click=activity)

    async def check() -> None:
        state = await system.sessions.current(ctx.token)
        if state is None:
            timer.deactivate()
            ui.navigate.to("/login?reason=timeout")
        elif state.idle_left <= timedelta(minutes=1):
            warning.open()

    timer = ui.timer(system.settings.session_check_seconds, check)
