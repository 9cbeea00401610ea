"""Forgot password (/forgot-password), the emailed reset link (/reset-password?t=…) and the link that confirms a new
notification address (/verify-address?t=…). None needs a session: the emailed link is the proof."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS
from sm_app.identity.passwords import MIN_PATIENT, MIN_STAFF
from sm_app.pages.identity.auth import client_address
from sm_app.shared.errors import LinkClosed, SignInThrottled, Unavailable, ValidationError

PATHS = ("/forgot-password", "/reset-password", "/verify-address")


def _page(system: System, title: str):
    ui.page_title(f"{title} · {system.settings.clinic_name}")
    column = ui.column().classes("w-full max-w-xl mx-auto q-pa-md gap-3")
    with column:
        ui.label(title).classes("text-h5").props("role=heading aria-level=1")
    return column


def register(system: System) -> None:
    @ui.page("/forgot-password", response_timeout=PAGE_BUILD_SECONDS)
    async def forgot_page() -> None:
        with _page(system, "Forgot your password?"):
            ui.label("Enter the email address you sign in with. If it has an account, we send it a link to choose "
                     "a new password.").classes("text-grey-8")
            email = ui.input("Email").props("type=email autocomplete=username autofocus").classes("w-full")
            answer = ui.label("").classes("text-body1 reset-answer").props('role=status aria-live="polite"')

            async def send() -> None:
                clear_errors({"Email": email})
                answer.set_text("")
                button.disable()
                try:
                    words = await system.recovery.request_reset(email.value or "",
                                                                address=client_address(ui.context.client.request))
                except ValidationError as exc:
                    show_field_error({"Email": email}, exc)
                    return
                except (SignInThrottled, Unavailable) as exc:
                    answer.set_text(str(exc))
                    return
                finally:
                    button.enable()
                answer.set_text(words)

            email.on("keydown.enter", send)
            button = ui.button("Send reset link", on_click=send)
            ui.link("Back to sign in", "/login")

    @ui.page("/reset-password", response_timeout=PAGE_BUILD_SECONDS)
    async def reset_page(t: str = "") -> None:
        token = t
        with _page(system, "Choose a new password"):
            closed = ui.label("").classes("text-body1 link-closed").props("role=alert")
            again = ui.link("Ask for a new link", "/forgot-password")
            state = await system.recovery.status(token)
            if state != "pending":
                closed.set_text(str(LinkClosed("reset", state)))
                return
            closed.set_visibility(False)
            again.set_visibility(False)
            ui.label("Using this link signs you out everywhere. Then sign in with the new password.").classes(
                "text-grey-8")
            password = ui.input("New password", password=True, password_toggle_button=True).props(
                "autocomplete=new-password autofocus").classes("w-full")
            password.props["hint"] = (f"At least {MIN_PATIENT} characters ({MIN_STAFF} for staff). A few words you "
                                      "will remember work well; very common passwords are refused.")
            error = ui.label("").classes("text-negative").props('role=alert aria-live="assertive"')

            async def save() -> None:
                clear_errors({"New password": password})
                error.set_text("")
                try:
                    await system.recovery.reset_password(token, password.value or "")
                except LinkClosed as exc:
                    closed.set_text(str(exc))
                    closed.set_visibility(True)
                    again.set_visibility(True)
                    return
                except ValidationError as exc:
                    show_field_error({"New password": password}, ValidationError("New password", exc.message))
                    error.set_text(exc.message)
                    return
                except Unavailable as exc:
                    error.set_text(str(exc))
                    return
                ui.navigate.to("/login?reason=reset")

            ui.button("Save new password", on_click=save)

    @ui.page("/verify-address", response_timeout=PAGE_BUILD_SECONDS)
    async def verify_page(t: str = "") -> None:
        with _page(system, "Confirm your email address"):
            answer = ui.label("").classes("text-body1 link-answer").props("role=status")
            state = await system.credentials.address_link_status(t)
            if state != "pending":
                answer.set_text(str(LinkClosed("address", state)))
                ui.link("Go to secure messaging", "/")
                return
            ui.label("Notification emails will go to the address this link was sent to.").classes("text-grey-8")

            async def confirm() -> None:
                try:
                    await system.credentials.confirm_address(t)
                except LinkClosed as exc:
                    answer.set_text(str(exc))
                else:
                    answer.set_text("Thank you: notification emails now go to this address.")
                button.set_visibility(False)

            button = ui.button("Confirm this address", on_click=confirm)
            ui.link("Go to secure messaging", "/")
