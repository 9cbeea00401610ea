"""Personal settings: the optional signature."""

from __future__ import annotations

from nicegui import ui

from ..bootstrap import System
from ..components.frame import open_page
from ..services.errors import ValidationError
from ..services.preferences import SIGNATURE_PART_MAX


def register(system: System) -> None:
    @ui.page("/settings")
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
                for f in fields.values():
                    f.props(remove="error error-message")
                if await ctx.still_signed_in() is None:
                    return
                try:
                    await system.preferences.set_signature(ctx.actor, on=on.value, name=name.value or "",
                                                           title=title.value or "")
                except ValidationError as exc:
                    ui.notify(exc.message, type="negative")
                    fields[exc.field].props(f'error error-message="{exc.message}"')
                    fields[exc.field].run_method("focus")
                    return
                ui.notify("Settings saved", type="positive")

            ui.button("Save settings", on_click=save)
