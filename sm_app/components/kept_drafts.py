"""After signing in again: "You have an unsent draft", when the compose page kept text in Drafts because the session
ended (another tab signed out, or the idle limit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nicegui import ui

if TYPE_CHECKING:
    from sm_app.components.frame import PageContext


async def kept_drafts_notice(ctx: PageContext) -> None:
    """Shown on the patient's pages until they dismiss it or save, send or delete the kept draft."""
    count = await ctx.system.drafts.kept_at_sign_out(ctx.actor)
    if not count:
        return
    with ui.card().classes("w-full max-w-4xl mx-auto q-mt-md bg-blue-1 kept-drafts").props(
            'flat role=status aria-live="polite"') as card:
        ui.label("You have an unsent draft" if count == 1 else f"You have {count} unsent drafts").classes(
            "text-bold")
        ui.label("It was kept in Drafts when you were signed out." if count == 1
                 else "They were kept in Drafts when you were signed out.")
        with ui.row().classes("items-center gap-4"):
            ui.link("Open Drafts", "/drafts")

            async def dismiss() -> None:
                actor = await ctx.still_signed_in()
                if actor is None:
                    return
                await ctx.system.drafts.dismiss_kept_notice(actor)
                card.delete()

            ui.button("Dismiss", on_click=dismiss).props("flat")
