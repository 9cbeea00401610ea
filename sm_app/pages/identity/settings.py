"""Personal settings: the optional signature, email notifications (how often, and to which address), the contact
list, and the password."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.identity.passwords import MIN_PATIENT, MIN_STAFF
from sm_app.messaging.preferences import SIGNATURE_PART_MAX
from sm_app.notifications.outbox import EMAIL_MODES
from sm_app.pages.identity.auth import client_address
from sm_app.shared.errors import NotFound, SignInThrottled, ValidationError


def register(system: System) -> None:
    @ui.page("/settings", response_timeout=PAGE_BUILD_SECONDS)
    async def settings_page() -> None:
        ctx = await open_page(system, "/settings", title="Settings")
        if ctx is None:
            return
        current = await system.preferences.signature(ctx.actor)
        with ui.column().classes("w-full max-w-2xl mx-auto q-pa-md gap-3"):
            ui.label("Settings").classes("text-h5").props("role=heading aria-level=1")
            ui.label("Signature").classes("text-h6")
            ui.label("When on, your signature is added to the end of each message you send.").classes(
                "text-grey-8")
            on = ui.switch("Add my signature to messages", value=current.on)
            name = ui.input("Signature name", value=current.name).props(f"counter maxlength={SIGNATURE_PART_MAX}")
            title = ui.input("Signature title", value=current.title).props(f"counter maxlength={SIGNATURE_PART_MAX}")
            fields = {"Signature name": name, "Signature title": title}

            async def save() -> None:
                clear_errors(fields)
                if await ctx.still_signed_in() is None:
                    return
                try:
                    await system.preferences.set_signature(ctx.actor, on=on.value, name=name.value or "",
                                                           title=title.value or "")
                except ValidationError as exc:
                    show_field_error(fields, exc)
                    return
                ui.notify("Settings saved", type="positive")

            ui.button("Save settings", on_click=save)

            if ctx.actor.is_patient or ctx.actor.is_staff:
                await _email_choice(system, ctx)
            if ctx.actor.is_patient:
                await _contact_list(system, ctx)
            await _notification_address(system, ctx)
            _change_password(system, ctx)


async def _contact_list(system: System, ctx) -> None:
    ui.label("Care teams").classes("text-h6 q-mt-md")
    ui.label('Choose which of your care teams are offered in "To". At least one stays shown.').classes(
        "text-grey-8")

    @ui.refreshable
    async def entries() -> None:
        for entry in await system.contacts.contact_list(ctx.actor):
            if entry.blocked:
                ui.label(f"{entry.name}: messaging turned off by your clinic"
                         + (f". Reason: {entry.block_reason}" if entry.block_reason else "")).classes("text-grey-7")
                continue

            async def toggle(e, team_id=entry.team_id) -> None:
                if await ctx.still_signed_in() is None:
                    return
                try:
                    await system.contacts.set_hidden(ctx.actor, team_id, hidden=not e.value)
                except (ValidationError, NotFound) as exc:
                    ui.notify(str(exc), type="negative")
                await entries.refresh()

            ui.switch(f"Show {entry.name} in To", value=not entry.hidden, on_change=toggle)

    await entries()


async def _email_choice(system: System, ctx) -> None:
    """How the person hears about new messages by email. Emails never contain message content."""
    mode = await system.notifications.email_mode(ctx.actor)
    ui.label("Email notifications").classes("text-h6 q-mt-md")
    ui.label("Emails only say that something is waiting, never what: no names, subjects or message text.").classes(
        "text-grey-8")

    async def choose(e) -> None:
        if await ctx.still_signed_in() is None:
            return
        try:
            await system.notifications.set_email_mode(ctx.actor, e.value)
        except ValidationError as exc:
            ui.notify(exc.message, type="negative")
            return
        ui.notify(f"Email notifications: {EMAIL_MODES[e.value]}", type="positive")

    ui.radio(EMAIL_MODES, value=mode, on_change=choose).props(
        'aria-label="Email notifications"').classes("email-mode")


def _change_password(system: System, ctx) -> None:
    """The current password first; a new one ends every other session (this page stays signed in)."""
    minimum = MIN_PATIENT if ctx.actor.is_patient else MIN_STAFF
    ui.label("Password").classes("text-h6 q-mt-md").props("role=heading aria-level=2")
    with ui.column().classes("w-full gap-2 change-password"):
        current = ui.input("Current password", password=True).props("autocomplete=current-password").classes("w-full")
        new = ui.input("New password", password=True, password_toggle_button=True).props(
            "autocomplete=new-password").classes("w-full")
        new.props["hint"] = f"At least {minimum} characters; very common passwords are refused."
        fields = {"Current password": current, "New password": new}

        async def change() -> None:
            clear_errors(fields)
            if await ctx.still_signed_in() is None:
                return
            try:
                await system.credentials.change_password(
                    ctx.actor, current=current.value or "", new=new.value or "", session_token=ctx.token,
                    address=client_address(ui.context.client.request))
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            except SignInThrottled as exc:
                ui.notify(str(exc), type="negative")
                return
            current.set_value("")
            new.set_value("")
            ui.notify("Password changed. You were signed out on your other devices.", type="positive")

        ui.button("Change password", on_click=change)


async def _notification_address(system: System, ctx) -> None:
    """Where notification emails go; a new address is used once the link sent to it is opened."""
    state = await system.credentials.notification_address(ctx.actor)
    ui.label("Notification address").classes("text-h6 q-mt-md").props("role=heading aria-level=2")
    now_at = ui.label(f"Notification emails go to {state.current}.").classes("notification-address")
    waiting = ui.label("").classes("text-grey-8 address-waiting")

    def show_waiting(address: str | None) -> None:
        waiting.set_text(f"Waiting for you to open the link we sent to {address}." if address else "")
        waiting.set_visibility(bool(address))

    show_waiting(state.waiting)
    with ui.column().classes("w-full gap-2"):
        address = ui.input("New notification address").props("type=email autocomplete=email").classes("w-full")
        password = ui.input("Your password, to confirm", password=True).props(
            "autocomplete=current-password").classes("w-full")
        fields = {"New notification address": address, "Current password": password}

        async def change() -> None:
            clear_errors(fields)
            if await ctx.still_signed_in() is None:
                return
            try:
                fresh = await system.credentials.request_address_change(
                    ctx.actor, current_password=password.value or "", new_email=address.value or "",
                    address=client_address(ui.context.client.request))
            except ValidationError as exc:
                show_field_error({"New notification address": address, "Current password": password}, exc)
                return
            except SignInThrottled as exc:
                ui.notify(str(exc), type="negative")
                return
            password.set_value("")
            address.set_value("")
            now_at.set_text(f"Notification emails go to {fresh.current}.")
            show_waiting(fresh.waiting)
            ui.notify("Check that inbox for a link to confirm the address." if fresh.waiting
                      else "Notification emails go to your sign-in address again.", type="positive")

        ui.button("Change notification address", on_click=change)
