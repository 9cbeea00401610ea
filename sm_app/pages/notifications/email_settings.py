"""Clinic admin: the SMTP server (/admin/email) and "Send test email". Saved settings apply to the next email sent."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.admin import open_admin_page
from sm_app.components.admin_heading import admin_heading
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS
from sm_app.notifications.email_settings import NEEDS_RESTART, SECURITY_NAMES, EmailSettingsView
from sm_app.shared.errors import ValidationError

KEEP_PASSWORD = "A password is stored. Leave this empty to keep it."


def register(system: System) -> None:
    email = system.email_settings
    tz = system.settings.timezone

    def source(v: EmailSettingsView) -> str:
        if v.saved_at is None:
            return "Nothing saved here yet: the server's SM_SMTP_* settings apply" + (
                "." if v.host else " (no SMTP host, so emails are written to files on the server).")
        return f"Saved {clinic_time(v.saved_at, tz)}" + ("." if v.host else
                                                          " (no SMTP host: emails are written to files).")

    @ui.page("/admin/email", response_timeout=PAGE_BUILD_SECONDS)
    async def email_page() -> None:
        ctx = await open_admin_page(system, "/admin/email", "Email settings")
        if ctx is None:
            return
        view = await email.current(ctx.actor)
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            admin_heading("Email settings", "The server that sends the clinic's notification emails (fixed text "
                                            "only, no health information).")
            ui.link("Email outbox", "/admin/outbox")
            with ui.card().props("flat bordered").classes("w-full"):
                ui.label("SMTP server").classes("text-h6").props("role=heading aria-level=2")
                saved_line = ui.label(source(view)).classes("text-grey-8 settings-source")
                host = ui.input("SMTP host", value=view.host, placeholder="smtp.example.org").classes("w-full")
                with ui.row().classes("gap-4"):
                    port = ui.number("Port", value=view.port, min=1, max=65535, precision=0).classes("w-32")
                    security = ui.select(SECURITY_NAMES, label="Security", value=view.security).classes("w-80")
                username = ui.input("User name", value=view.username).props("autocomplete=off").classes("w-full")
                password = ui.input("Password", password=True, password_toggle_button=True).props(
                    "autocomplete=new-password").classes("w-full")
                if view.has_password:
                    password.props["hint"] = KEEP_PASSWORD
                forget = ui.checkbox("Forget the stored password", value=False)
                forget.set_visibility(view.has_password)
                sender = ui.input("From address", value=view.from_address).classes("w-full")
                fields = {"SMTP host": host, "Port": port, "Security": security, "User name": username,
                          "Password": password, "From address": sender}
                with ui.element("div").classes("text-caption text-grey-8 restart-note"):
                    ui.label("Saved settings apply to the next email sent, without a restart, and override the "
                             "SM_SMTP_* settings. Read only at start-up (a restart is needed to change them):")
                    with ui.element("ul").classes("q-my-none"):
                        for item in NEEDS_RESTART:
                            with ui.element("li"):
                                ui.label(item)

                async def save() -> None:
                    clear_errors(fields)
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        saved = await email.save(ctx.actor, host=host.value, port=port.value,
                                                 security=security.value or "", username=username.value,
                                                 password=password.value, from_address=sender.value,
                                                 forget_password=bool(forget.value))
                    except ValidationError as exc:
                        show_field_error(fields, exc)
                        return
                    password.set_value("")  # never kept in the page, never shown back
                    forget.set_value(False)
                    forget.set_visibility(saved.has_password)
                    if saved.has_password:
                        password.props["hint"] = KEEP_PASSWORD
                    else:
                        password.props.pop("hint", None)
                    password.update()
                    saved_line.set_text(source(saved))
                    ui.notify("Email settings saved: the next email uses them", type="positive")

                ui.button("Save email settings", on_click=save)

            with ui.card().props("flat bordered").classes("w-full"):
                ui.label("Send a test email").classes("text-h6").props("role=heading aria-level=2")
                ui.label("Sent at once with the saved settings, to the address you type.").classes("text-grey-8")
                to = ui.input("Test address", value=ctx.actor.email).props("type=email").classes("w-full")
                result = ui.label("").classes("test-result").props('role=status aria-live="polite"')

                async def send_test() -> None:
                    clear_errors({"Test address": to})
                    if await ctx.still_signed_in() is None:
                        return
                    button.disable()
                    spinner.set_visibility(True)
                    result.set_text("Sending…")
                    result.classes(remove="text-positive text-negative")
                    try:
                        outcome = await email.send_test(ctx.actor, to.value)
                    except ValidationError as exc:
                        result.set_text("")
                        show_field_error({"Test address": to}, exc)
                        return
                    finally:
                        button.enable()
                        spinner.set_visibility(False)
                    result.set_text(outcome.message if outcome.ok else f"Not sent: {outcome.message}")
                    result.classes(add="text-positive" if outcome.ok else "text-negative")

                with ui.row().classes("items-center gap-2"):
                    button = ui.button("Send test email", on_click=send_test)
                    spinner = ui.spinner(size="sm")
                    spinner.set_visibility(False)
