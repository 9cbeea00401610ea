"""The patient's health record (by section), sharing it with care teams, Who looked; and the staff view of a record
shared with them. Thin: the services decide who sees what; a record nobody may see here looks like no record."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, PageContext, open_page
from sm_app.components.health_record.record_view import GONE, RecordView
from sm_app.components.live import follow, page_gone
from sm_app.health_record.access import LEVELS
from sm_app.health_record.sharing import WHO_LOOKED_MAX
from sm_app.pages.health_record import files
from sm_app.shared.errors import NotFound, ValidationError

NOT_FOUND = "Health record not found"


def _not_found() -> None:
    """The same page for a record that does not exist and one this person may not see."""
    with ui.column().classes("q-pa-md"):
        ui.label(NOT_FOUND).classes("text-h5").props("role=heading aria-level=1")
        ui.label("It may not exist, or the link is not right.")
        ui.link("Back", "/")


def _record_links(current: str) -> None:
    with ui.row().classes("items-center gap-4 record-links"):
        for label, path in (("Record", "/health-record"), ("Sharing", "/health-record/sharing"),
                            ("Who looked", "/health-record/who-looked")):
            if path == current:
                ui.label(label).classes("text-bold").props('aria-current="page"')
            else:
                ui.link(label, path)


def register(system: System) -> None:
    files.register(system)

    @ui.page("/health-record", response_timeout=PAGE_BUILD_SECONDS)
    async def own_record() -> None:
        ctx = await open_page(system, "/health-record", title="Health record")
        if ctx is None:
            return
        access = await system.health_record.access(ctx.actor, ctx.actor.user_id)
        if access is None:  # staff and admins have no record of their own here
            _not_found()
            return
        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-3"):
            ui.label("Health record").classes("text-h5").props("role=heading aria-level=1")
            _record_links("/health-record")
            ui.label("What you record here is yours. Your care teams see it only if you share it with them "
                     "(Sharing), and you can see every time they did (Who looked).").classes("text-grey-8")
            with ui.row().classes("items-center gap-4"):
                files.download_links(ctx.actor.user_id)
                ui.link("Import a FHIR file", "/health-record/import")
            view = RecordView(ctx, ctx.actor.user_id, access)
        await view.start()
        await _follow_record(ctx, ctx.actor.user_id, view)

    @ui.page("/health-record/sharing", response_timeout=PAGE_BUILD_SECONDS)
    async def sharing() -> None:
        ctx = await open_page(system, "/health-record/sharing", title="Sharing your health record")
        if ctx is None:
            return
        if not ctx.actor.is_patient:
            _not_found()
            return
        await _sharing(ctx)

    @ui.page("/health-record/who-looked", response_timeout=PAGE_BUILD_SECONDS)
    async def who_looked() -> None:
        ctx = await open_page(system, "/health-record/who-looked", title="Who looked at your health record")
        if ctx is None:
            return
        if not ctx.actor.is_patient:
            _not_found()
            return
        await _who_looked(ctx)

    @ui.page("/patients/{patient_id}/health-record", response_timeout=PAGE_BUILD_SECONDS)
    async def shared_record(patient_id: str) -> None:
        ctx = await open_page(system, f"/patients/{patient_id}/health-record", title="Health record")
        if ctx is None:
            return
        access = await system.health_record.access(ctx.actor, patient_id) if ctx.actor.is_staff else None
        if access is None:
            _not_found()
            return
        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-3") as page:
            ui.label("Health record").classes("text-h5").props("role=heading aria-level=1")
            ui.label(f"Shared with {access.team_name}: {LEVELS[access.level]}").classes("text-grey-8 record-grant")
            files.download_links(patient_id)
            view = RecordView(ctx, patient_id, access)
        await view.start()
        await _follow_record(ctx, patient_id, view, page=page)


async def _follow_record(ctx: PageContext, patient_id: str, view: RecordView, *, page: ui.column | None = None
                         ) -> None:
    """Keep the open record in step; a staff page whose grant was withdrawn (or changed) stops showing it."""
    shown = view.access

    async def on_change(event) -> None:
        nonlocal shown
        if event.kind != "record" or event.patient_id != patient_id or shown is None:
            return
        fresh = await ctx.system.health_record.access(ctx.actor, patient_id)
        if page_gone():
            return
        if fresh != shown and page is not None:
            shown = None
            page.clear()
            with page:
                ui.label(GONE if fresh is None else "What your care team may do with this record has changed.")
                ui.link("Open it again" if fresh is not None else "Back", f"/patients/{patient_id}/health-record"
                        if fresh is not None else "/")
            return
        await view.refresh()

    follow(ctx, on_change)


async def _sharing(ctx: PageContext) -> None:
    system, actor = ctx.system, ctx.actor
    with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
        ui.label("Sharing your health record").classes("text-h5").props("role=heading aria-level=1")
        _record_links("/health-record/sharing")
        ui.label("For each of your care teams, choose what its staff may do with your health record. None means "
                 "they cannot see it at all. A change takes effect at once.").classes("text-grey-8")
        grants = await system.record_sharing.grants(actor)
        if not grants:
            ui.label("You are not with any care team yet, so there is nobody to share with.")
            return
        selects: dict[str, ui.select] = {}
        for grant in grants:
            with ui.row().classes("items-center gap-4 record-grant-row"):
                # The team's name is the field's label (set as a value, never parsed from a props string).
                selects[grant.team_id] = ui.select(LEVELS, label=grant.team_name, value=grant.level,
                                                   on_change=lambda e, g=grant: change(g.team_id, e)).classes("w-64")

    shown = {g.team_id: g.level for g in grants}

    async def change(team_id: str, e) -> None:
        if e.value == shown.get(team_id):  # a value set from a push is not a change made here
            return
        if await ctx.still_signed_in() is None:
            return
        try:
            grant = await system.record_sharing.set_grant(actor, team_id, e.value)
        except (ValidationError, NotFound) as exc:
            ui.notify(str(exc), type="negative")
            selects[team_id].set_value(shown.get(team_id))
            return
        shown[team_id] = grant.level
        ui.notify(f"{grant.team_name}: {grant.level_words}", type="positive")

    async def on_change(event) -> None:
        if event.kind != "record" or event.patient_id != actor.user_id:
            return
        fresh = await system.record_sharing.grants(actor)
        if page_gone():
            return
        for grant in fresh:
            if grant.team_id in selects and shown.get(grant.team_id) != grant.level:
                shown[grant.team_id] = grant.level
                selects[grant.team_id].set_value(grant.level)

    follow(ctx, on_change)


async def _who_looked(ctx: PageContext) -> None:
    system = ctx.system
    tz = system.settings.timezone
    looks = await system.record_sharing.who_looked(ctx.actor)
    with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-3"):
        ui.label("Who looked at your health record").classes("text-h5").props("role=heading aria-level=1")
        _record_links("/health-record/who-looked")
        ui.label("Every time staff of a care team read or changed your health record: who, their team, when and "
                 "which section.").classes("text-grey-8")
        if not looks:
            ui.label("No staff member has looked at your health record.").classes("no-looks")
            return
        if len(looks) == WHO_LOOKED_MAX:
            ui.label(f"The latest {WHO_LOOKED_MAX} are shown.").classes("text-caption")
        # Fixed column keys; the values are shown as text.
        columns = [{"name": n, "label": label, "field": n, "align": "left"}
                   for n, label in (("when", "When"), ("who", "Who"), ("team", "Team"), ("what", "What"),
                                    ("section", "Section"))]
        rows = [{"id": i, "when": clinic_time(lk.at, tz), "who": lk.staff_name, "team": lk.team_name,
                 "what": lk.what, "section": lk.section} for i, lk in enumerate(looks)]
        ui.table(columns=columns, rows=rows, row_key="id").props("flat dense").classes("w-full who-looked")
