"""Clinic admin: staff quick replies (/admin/quick-replies) — add, edit (a new version), retire and put back."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.admin import open_admin_page
from sm_app.components.admin_heading import admin_heading
from sm_app.components.field_errors import clear_errors, length_limit, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, PageContext
from sm_app.messaging.quick_replies import NAME_MAX, TEXT_MAX, QuickReply
from sm_app.shared.errors import NotFound, ValidationError


def _status(r: QuickReply) -> str:
    return f"Version {r.version} · {'In use' if r.active else 'Retired'}"


def register(system: System) -> None:
    replies = system.quick_replies

    @ui.page("/admin/quick-replies", response_timeout=PAGE_BUILD_SECONDS)
    async def quick_reply_page() -> None:
        ctx = await open_admin_page(system, "/admin/quick-replies", "Quick replies")
        if ctx is None:
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            admin_heading("Quick replies", "Text staff insert into a reply and edit before sending. "
                                           "{reply_target} becomes the clinic's reply time. A retired reply is "
                                           "hidden from staff and kept.")
            with ui.card().props("flat bordered").classes("w-full add-reply"):
                ui.label("Add a quick reply").classes("text-h6").props("role=heading aria-level=2")
                new_name = length_limit(ui.input("Name"), "Name", NAME_MAX).classes("w-full")
                new_text = length_limit(ui.textarea("Text").props("autogrow"), "Text", TEXT_MAX).classes("w-full")
                listing = None

                async def add() -> None:
                    fields = {"Name": new_name, "Text": new_text}
                    clear_errors(fields)
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        added = await replies.add(ctx.actor, name=new_name.value, text=new_text.value)
                    except ValidationError as exc:
                        show_field_error(fields, exc)
                        return
                    with listing:
                        card = _reply_card(ctx, added)
                    card.move(listing, target_index=0)
                    new_name.set_value("")
                    new_text.set_value("")
                    ui.notify(f"Added {added.name}", type="positive")

                ui.button("Add quick reply", on_click=add)
            ui.label("Quick replies").classes("text-h6").props("role=heading aria-level=2")
            listing = ui.column().classes("w-full gap-2 reply-list")
            with listing:
                for r in await replies.all_replies(ctx.actor):
                    _reply_card(ctx, r)

    def _reply_card(ctx: PageContext, r: QuickReply) -> ui.card:
        shown = {"r": r}
        with ui.card().props("flat bordered").classes("w-full reply-card") as card:
            name = length_limit(ui.input("Name", value=r.name), "Name", NAME_MAX).classes("w-full")
            text = length_limit(ui.textarea("Text", value=r.text).props("autogrow"), "Text", TEXT_MAX) \
                .classes("w-full")
            fields = {"Name": name, "Text": text}
            with ui.row().classes("items-center gap-2"):
                status = ui.label(_status(r)).classes("text-caption reply-status")

                async def save() -> None:
                    clear_errors(fields)
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        shown["r"] = await replies.edit(ctx.actor, shown["r"].id, name=name.value, text=text.value,
                                                        expected_version=shown["r"].version)
                    except ValidationError as exc:
                        show_field_error(fields, exc)
                        return
                    except NotFound:
                        ui.notify("That quick reply was not found.", type="negative")
                        return
                    status.set_text(_status(shown["r"]))
                    ui.notify(f"Saved {shown['r'].name} (version {shown['r'].version})", type="positive")

                async def toggle() -> None:
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        shown["r"] = await replies.set_retired(ctx.actor, shown["r"].id, shown["r"].active)
                    except NotFound:
                        ui.notify("That quick reply was not found.", type="negative")
                        return
                    status.set_text(_status(shown["r"]))
                    retire.set_text("Retire" if shown["r"].active else "Put back in use")
                    ui.notify(f"{shown['r'].name}: {'back in use' if shown['r'].active else 'retired'}",
                              type="positive")

                ui.button("Save", on_click=save).props("dense no-caps")
                retire = ui.button("Retire" if r.active else "Put back in use", on_click=toggle).props(
                    "flat dense no-caps")
        return card
