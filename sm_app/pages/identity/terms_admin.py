"""Clinic admin: the messaging terms (/admin/terms) — the current version, who has accepted it, publishing a new one
(every patient is asked again on their next page), and the versions published before."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.admin import open_admin_page
from sm_app.components.admin_heading import admin_heading
from sm_app.components.field_errors import clear_errors, length_limit, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS
from sm_app.identity.terms import TERMS_MAX, Terms, TermsOverview
from sm_app.shared.errors import ValidationError


def register(system: System) -> None:
    terms = system.terms
    tz = system.settings.timezone

    def describe(t: Terms) -> str:
        when = f"published {clinic_time(t.published_at, tz)}" if t.published_at else "shipped with the app"
        return f"Version {t.version}, {when}"

    def accepted(o: TermsOverview) -> str:
        return f"{o.accepted} of {o.patients} patients have accepted it."

    @ui.page("/admin/terms", response_timeout=PAGE_BUILD_SECONDS)
    async def terms_admin() -> None:
        ctx = await open_admin_page(system, "/admin/terms", "Messaging terms")
        if ctx is None:
            return
        overview = await terms.overview(ctx.actor)
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            admin_heading("Messaging terms", "Patients accept these before they first use secure messaging, and "
                                             "again whenever a new version is published.")
            with ui.card().props("flat bordered").classes("w-full"):
                ui.label("Current version").classes("text-h6").props("role=heading aria-level=2")
                current_line = ui.label(describe(overview.current)).classes("current-version")
                accepted_line = ui.label(accepted(overview)).classes("text-grey-8 accepted-count")
            with ui.card().props("flat bordered").classes("w-full"):
                ui.label("Publish a new version").classes("text-h6").props("role=heading aria-level=2")
                ui.label("Markdown: **bold**, - lists, ## headings. {reply_target} becomes the clinic's reply "
                         "time. The text must still tell patients to call 911 in an emergency.") \
                    .classes("text-grey-8")
                text = length_limit(ui.textarea("Terms text", value=overview.current.text).props("autogrow"),
                                    "Terms text", TERMS_MAX).classes("w-full terms-text")

                async def publish() -> None:
                    dialog.close()
                    clear_errors({"Terms text": text})
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        published = await terms.publish(ctx.actor, text.value)
                    except ValidationError as exc:
                        show_field_error({"Terms text": text}, exc)
                        return
                    fresh = await terms.overview(ctx.actor)
                    current_line.set_text(describe(published))
                    accepted_line.set_text(accepted(fresh))
                    with history:
                        ui.item(describe(published)).move(history, target_index=0)
                    ui.notify(f"Version {published.version} published: patients are asked to accept it on their "
                              "next page", type="positive")

                with ui.dialog() as dialog, ui.card():
                    ui.label("Publish these terms?").classes("text-h6").props("role=heading aria-level=2")
                    ui.label("Every patient will be asked to accept the new version before they can use secure "
                             "messaging again.")
                    with ui.row():
                        ui.button("Publish", on_click=publish)
                        ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Publish new version", on_click=dialog.open)
            ui.label("Published versions").classes("text-h6").props("role=heading aria-level=2")
            history = ui.list().props("dense").classes("terms-history")
            with history:
                for t in overview.history:
                    ui.item(describe(t))
            if not overview.history:
                ui.label("None yet: the shipped terms are in use.").classes("text-grey-7")
