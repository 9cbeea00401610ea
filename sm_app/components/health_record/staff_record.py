"""The "Health record" part of a conversation for staff: offered only when the patient shares the record with one of
the staff member's care teams, built when opened, and taken off the page the moment the grant is withdrawn."""

from __future__ import annotations

from nicegui import ui

from sm_app.components.frame import PageContext
from sm_app.components.health_record.record_view import GONE, RecordView
from sm_app.components.live import follow, page_gone
from sm_app.health_record.access import LEVELS, RecordAccess


async def staff_record_part(ctx: PageContext, patient_id: str) -> None:
    system, actor = ctx.system, ctx.actor
    holder = ui.column().classes("w-full no-print staff-health-record")
    state: dict = {"access": await system.health_record.access(actor, patient_id), "view": None}

    def draw() -> None:
        holder.clear()
        state["view"] = None
        access: RecordAccess | None = state["access"]
        if access is None:  # not shared with this person's teams: nothing at all, as if there were no record
            return
        with holder, ui.card().classes("w-full").props("flat bordered"):
            with ui.row().classes("items-center gap-2"):
                button = ui.button("Health record", icon="folder_shared", on_click=toggle).props(
                    "flat no-caps aria-expanded=false")
                ui.label(f"Shared with {access.team_name}: {LEVELS[access.level]}").classes(
                    "text-caption record-grant")
                # The whole-page view has the downloads (PDF, FHIR); its address carries the patient's id only.
                ui.link("Open on its own page", f"/patients/{patient_id}/health-record").classes(
                    "text-caption record-page-link")
            body = ui.column().classes("w-full")
            body.set_visibility(False)
        button.props["aria-controls"] = f"c{body.id}"
        state.update(button=button, body=body)

    async def toggle() -> None:
        body, button = state["body"], state["button"]
        if state["view"] is None:
            with body:
                state["view"] = RecordView(ctx, patient_id, state["access"])
            await state["view"].start()
            if page_gone():
                return
        body.set_visibility(not body.visible)
        button.props["aria-expanded"] = "true" if body.visible else "false"

    draw()

    async def on_change(event) -> None:
        if event.kind != "record" or event.patient_id != patient_id:
            return
        fresh = await system.health_record.access(actor, patient_id)
        if page_gone():
            return
        if fresh != state["access"]:
            was_open = state["view"] is not None and state["body"].visible
            state["access"] = fresh
            draw()
            if fresh is None and was_open:
                ui.notify(GONE, type="warning")
            elif was_open:  # the grant changed (read ↔ read & write): open it again with what may be done now
                await toggle()
        elif state["view"] is not None:
            await state["view"].refresh()

    follow(ctx, on_change)
