"""Personal settings: the optional signature."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.messaging.preferences import SIGNATURE_PART_MAX
from sm_app.notifications.outbox import EMAIL_MODES
from sm_app.shared.errors import NotFound, ValidationError


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
