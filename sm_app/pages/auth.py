"""Sign in, terms acceptance, and the landing redirect."""

from __future__ import annotations

from nicegui import app, ui

from ..bootstrap import System
from ..components.frame import SESSION_KEY, open_page, session_token
from ..services.errors import SignInFailed

REASONS = {
    "timeout": "You were signed out because you were inactive for a while.",
    "ended": "Your session ended. Please sign in again.",
}


def safe_redirect(target: str | None) -> str:
    """Only same-site paths: '/inbox' yes; '//evil.example', 'https://…' and '/\\evil' no."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or "://" in target:
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


def register(system: System) -> None:
    @ui.page("/login")
    async def login_page(redirect_to: str = "/", reason: str = "") -> None:
        ui.page_title(f"Sign in · {system.settings.clinic_name}")
        state = await system.sessions.current(session_token())
        if state is not None:
            ui.navigate.to(home_for(state.actor.role))
            return

        async def sign_in() -> None:
            error.set_text("")
            button.disable()
            try:
                signed_in = await system.sessions.sign_in(email.value, password.value)
            except SignInFailed as exc:
                error.set_text(str(exc))
                password.run_method("focus")
                return
            finally:
                button.enable()
            # A fresh token every sign-in; the previous one (if any) is ended so it cannot be replayed.
            old = app.storage.user.get(SESSION_KEY)
            if old:
                await system.sessions.sign_out(old)
            app.storage.user[SESSION_KEY] = signed_in.token
            target = safe_redirect(redirect_to)
            ui.navigate.to(home_for(signed_in.actor.role) if target == "/" else target)

        with ui.card().classes("absolute-center w-96"):
            ui.label(system.settings.clinic_name).classes("text-h6")
            ui.label("Secure messaging").classes("text-subtitle1")
            if reason in REASONS:
                ui.label(REASONS[reason]).classes("text-orange-9")
            email = ui.input("Email").props("type=email autocomplete=username autofocus").classes("w-full")
            password = ui.input("Password", password=True).props("autocomplete=current-password").classes("w-full")
            password.on("keydown.enter", sign_in)
            error = ui.label("").classes("text-negative").props('role=alert aria-live="assertive"')
            button = ui.button("Sign in", on_click=sign_in).classes("w-full")

    @ui.page("/terms")
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
            ui.markdown(terms.text)  # our own shipped text, not user input
            ui.label(f"Version {terms.version}").classes("text-caption")
            ui.button("I accept the messaging terms", on_click=accept)

    @ui.page("/")
    async def landing() -> None:
        state = await system.sessions.current(session_token())
        ui.navigate.to(home_for(state.actor.role) if state else "/login")

    @ui.page("/account")
    async def account_page() -> None:
        ctx = await open_page(system, "/account", title="Account")
        if ctx is None:
            return
        with ui.column().classes("q-pa-md"):
            ui.label(f"Signed in as {ctx.actor.name} ({ctx.actor.role}).")
            ui.label("Administration screens are not available yet; use the sm-app command line.")
