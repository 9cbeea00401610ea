"""Admin console, Care teams: the list and a new team (/admin/teams); one team (/admin/teams/{id}): its names, staff
with team-lead and on-call marks, business hours, and its patients (associate, block with a reason, dissociate)."""

from __future__ import annotations

from datetime import time

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.admin import open_admin_page, paging_bar
from sm_app.components.field_errors import clear_errors, length_limit, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, PageContext
from sm_app.identity.team_admin import BLOCK_REASON_MAX, PatientLink, TeamDetail
from sm_app.shared.errors import NotFound, ValidationError
from sm_app.shared.wording import plural

DAYS = {0: "Mon", 1: "Tue", 2: "Wed", 3: "Thu", 4: "Fri", 5: "Sat", 6: "Sun"}
DISPLAY_NAME_HINT = ("What patients see in their contact list, inbox and conversations: say what the team does, where "
                     "and who leads it, e.g. \"Kidney care, West Hills clinic (Dr. Patel's team)\".")


def _time(value: str, field: str) -> time:
    try:
        return time.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(field, f"{field}: enter a time as HH:MM.") from None


def register(system: System) -> None:
    admin = system.team_admin

    @ui.page("/admin/teams", response_timeout=PAGE_BUILD_SECONDS)
    async def teams_page() -> None:
        ctx = await open_admin_page(system, "/admin/teams", "Care teams")
        if ctx is None:
            return
        actor = ctx.actor
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.label("Care teams").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("gap-2"):
                ui.link("Admin", "/admin")
                ui.link("Users", "/admin/users")
            teams = await admin.teams(actor)
            if not teams:
                ui.label("No care teams yet.").classes("text-grey-7")
            with ui.list().props("bordered separator").classes("w-full team-list"):
                for team in teams:
                    with ui.item().classes("team-row"):
                        with ui.item_section():
                            ui.link(team.name, f"/admin/teams/{team.id}")
                            ui.label("Patients see: " + (team.display_name or f"{team.name} (no plain name yet)")
                                     ).classes("text-caption")
                        with ui.item_section().props("side"):
                            ui.label(f"{plural(team.staff, 'staff member')} · {plural(team.patients, 'patient')}")

            with ui.card().classes("w-full").props("flat bordered"):
                ui.label("New care team").classes("text-h6").props("role=heading aria-level=2")
                name = ui.input("Team name").classes("w-full")
                shown = ui.input("Name patients see", placeholder="optional").classes("w-full")
                ui.label(DISPLAY_NAME_HINT).classes("text-caption text-grey-8")
                fields = {"Team name": name, "Name patients see": shown}

                async def create() -> None:
                    clear_errors(fields)
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        team_id = await admin.create_team(actor, name.value, shown.value)
                    except ValidationError as exc:
                        show_field_error(fields, exc)
                        return
                    ui.navigate.to(f"/admin/teams/{team_id}")

                ui.button("Create care team", on_click=create)

    @ui.page("/admin/teams/{team_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def team_page(team_id: str) -> None:
        ctx = await open_admin_page(system, "/admin/teams", "Care team")
        if ctx is None:
            return
        try:
            team = await admin.team(ctx.actor, team_id)
        except NotFound:
            with ui.column().classes("q-pa-md"):
                ui.label("Care team not found").classes("text-h5").props("role=heading aria-level=1")
                ui.link("All care teams", "/admin/teams")
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-4"):
            heading = ui.label(team.name).classes("text-h5").props("role=heading aria-level=1")
            ui.link("All care teams", "/admin/teams")
            await _names_card(ctx, team, heading)
            await _staff_card(ctx, team_id)
            await _hours_card(ctx, team_id)
            await _patients_card(ctx, team_id)


async def _names_card(ctx: PageContext, team: TeamDetail, heading: ui.label) -> None:
    admin, actor = ctx.system.team_admin, ctx.actor
    with ui.card().classes("w-full").props("flat bordered"):
        ui.label("Names").classes("text-h6").props("role=heading aria-level=2")
        name = ui.input("Team name", value=team.name).classes("w-full")
        shown = ui.input("Name patients see", value=team.display_name).classes("w-full")
        ui.label(DISPLAY_NAME_HINT).classes("text-caption text-grey-8")
        fields = {"Team name": name, "Name patients see": shown}

        async def save() -> None:
            clear_errors(fields)
            if await ctx.still_signed_in() is None:
                return
            try:
                await admin.rename(actor, team.id, name=name.value, display_name=shown.value)
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            except NotFound:
                ui.notify("This care team no longer exists.", type="negative")
                return
            heading.set_text(" ".join(name.value.split()))
            ui.notify("Names saved", type="positive")

        ui.button("Save names", on_click=save)


async def _staff_card(ctx: PageContext, team_id: str) -> None:
    admin, actor = ctx.system.team_admin, ctx.actor

    async def still_here() -> bool:
        return await ctx.still_signed_in() is not None

    @ui.refreshable
    async def members() -> None:
        team = await admin.team(actor, team_id)
        if not team.members:
            ui.label("No staff on this team yet.").classes("text-grey-7")
        with ui.list().props("separator").classes("w-full staff-list"):
            for m in team.members:

                async def mark(e, m=m, kind: str = "") -> None:
                    if not await still_here():
                        return
                    try:
                        await admin.set_marks(actor, team_id, m.user_id, **{kind: bool(e.value)})
                    except NotFound:
                        ui.notify(f"{m.name} is no longer on this team.", type="warning")
                        return
                    ui.notify(f"Saved for {m.name}", type="positive")

                async def remove(m=m) -> None:
                    if not await still_here():
                        return
                    try:
                        await admin.remove_member(actor, team_id, m.user_id)
                    except NotFound:
                        pass
                    ui.notify(f"{m.name} left the team", type="positive")
                    await members.refresh()

                with ui.item().classes("staff-row"):
                    with ui.item_section():
                        ui.label(f"{m.name} · {m.role.capitalize()}")
                    with ui.item_section().props("side"):
                        with ui.row().classes("items-center gap-2"):
                            ui.checkbox(f"{m.name} is team lead", value=m.lead,
                                        on_change=lambda e, m=m: mark(e, m, "lead"))
                            ui.checkbox(f"{m.name} is on call", value=m.on_call,
                                        on_change=lambda e, m=m: mark(e, m, "on_call"))
                            ui.button(f"Remove {m.name}", on_click=remove).props("flat dense")

    with ui.card().classes("w-full").props("flat bordered"):
        ui.label("Staff").classes("text-h6").props("role=heading aria-level=2")
        ui.label("Team leads and the members on call are alerted at once when a patient's message is flagged urgent; "
                 "team leads also get overdue escalations.").classes("text-grey-8")
        await members()
        with ui.row().classes("items-end gap-3"):
            email = ui.input("Staff email").classes("w-72")
            lead = ui.checkbox("Team lead")
            on_call = ui.checkbox("On call")

            async def add() -> None:
                clear_errors({"Staff email": email})
                if not await still_here():
                    return
                try:
                    await admin.add_member(actor, team_id, email=email.value or "", lead=bool(lead.value),
                                           on_call=bool(on_call.value))
                except ValidationError as exc:
                    show_field_error({"Staff email": email, "Email": email}, exc)
                    return
                email.set_value("")
                ui.notify("Added to the team", type="positive")
                await members.refresh()

            ui.button("Add staff member", on_click=add)


async def _hours_card(ctx: PageContext, team_id: str) -> None:
    settings, actor = ctx.system.clinic_settings, ctx.actor
    clinic = await settings.business_hours()
    own = await settings.team_business_hours(team_id)
    hours = own or clinic
    with ui.card().classes("w-full").props("flat bordered"):
        ui.label("Business hours").classes("text-h6").props("role=heading aria-level=2")
        ui.label(f"The response clock of this team's conversations counts these hours (time zone {clinic.timezone}, "
                 "holidays and response targets are the clinic's). A change applies to requests received from now "
                 "on.").classes("text-grey-8")
        use_own = ui.radio({False: "Use the clinic's hours", True: "This team has its own hours"},
                           value=own is not None).props("inline")
        with ui.column().classes("gap-2").bind_visibility_from(use_own, "value"):
            with ui.row().classes("items-center gap-2"):
                ui.label("Workdays")
                day_boxes = {d: ui.checkbox(name, value=d in hours.workdays) for d, name in DAYS.items()}
            with ui.row().classes("gap-4"):
                opens = ui.input("Opening time", value=hours.opens.strftime("%H:%M")).props("type=time")
                closes = ui.input("Closing time", value=hours.closes.strftime("%H:%M")).props("type=time")
        fields = {"Opening time": opens, "Closing time": closes}

        async def save() -> None:
            clear_errors(fields)
            if await ctx.still_signed_in() is None:
                return
            try:
                if use_own.value:
                    await settings.set_team_business_hours(
                        actor, team_id, workdays=tuple(d for d, box in day_boxes.items() if box.value),
                        opens=_time(opens.value, "Opening time"), closes=_time(closes.value, "Closing time"))
                else:
                    await settings.set_team_business_hours(actor, team_id, workdays=None)
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            ui.notify("Business hours saved; they apply to requests received from now on", type="positive")

        ui.button("Save business hours", on_click=save)


async def _patients_card(ctx: PageContext, team_id: str) -> None:
    admin, actor = ctx.system.team_admin, ctx.actor
    shown = {"page": 0}
    rows: dict[str, ui.element] = {}
    asked: dict[str, PatientLink] = {}

    async def still_here() -> bool:
        return await ctx.still_signed_in() is not None

    with ui.dialog() as block_dialog, ui.card().classes("q-pa-md w-96"):
        block_title = ui.label("").classes("text-h6").props("role=heading aria-level=2")
        ui.label("The patient sees this reason in their contact list. Say it plainly and leave out health "
                 "information.").classes("text-grey-8")
        reason = length_limit(ui.textarea("Reason the patient will see").props("autogrow").classes("w-full"), "Reason",
                              BLOCK_REASON_MAX)

        async def confirm_block() -> None:
            clear_errors({"Reason": reason})
            patient = asked.get("patient")
            if patient is None or not await still_here():
                return
            try:
                await admin.block(actor, team_id, patient.patient_id, reason=reason.value or "")
            except ValidationError as exc:
                show_field_error({"Reason": reason}, exc)
                return
            except NotFound:
                ui.notify(f"{patient.name} is no longer with this team.", type="warning")
                block_dialog.close()
                return
            asked.pop("patient", None)
            block_dialog.close()
            reason.set_value("")
            ui.notify(f"{patient.name} can no longer write to this team", type="positive")
            await redraw(patient.patient_id)

        with ui.row().classes("gap-2"):
            ui.button("Block", on_click=confirm_block).props("color=negative")
            ui.button("Cancel", on_click=block_dialog.close).props("flat")

    def ask_block(patient: PatientLink) -> None:
        asked["patient"] = patient
        block_title.set_text(f"Block {patient.name} from writing to this team")
        block_dialog.open()

    async def unblock(patient: PatientLink) -> None:
        if not await still_here():
            return
        try:
            await admin.unblock(actor, team_id, patient.patient_id)
        except NotFound:
            ui.notify(f"{patient.name} is no longer with this team.", type="warning")
            return
        ui.notify(f"{patient.name} can write to this team again", type="positive")
        await redraw(patient.patient_id)

    async def dissociate(patient: PatientLink) -> None:
        if not await still_here():
            return
        try:
            await admin.dissociate(actor, team_id, patient.patient_id)
        except NotFound:
            pass
        ui.notify(f"{patient.name} is no longer with this team", type="positive")
        await listing.refresh()

    def draw_row(p: PatientLink) -> None:
        with ui.item_section():
            ui.label(f"{p.name} · {p.email}")
            if p.blocked:
                ui.label(f"Blocked: {p.block_reason}").classes("text-caption text-negative patient-blocked")
        with ui.item_section().props("side"):
            with ui.row().classes("gap-1"):
                if p.blocked:
                    ui.button(f"Unblock {p.name}", on_click=lambda p=p: unblock(p)).props("flat dense")
                else:
                    ui.button(f"Block {p.name}", on_click=lambda p=p: ask_block(p)).props("flat dense")
                ui.button(f"Remove {p.name} from team", on_click=lambda p=p: dissociate(p)).props("flat dense")

    async def redraw(patient_id: str) -> None:
        row = rows.get(patient_id)
        found = await admin.patients(actor, team_id, search=search.value or "", page=shown["page"])
        fresh = next((p for p in found.rows if p.patient_id == patient_id), None)
        if row is None or fresh is None:
            await listing.refresh()
            return
        row.clear()
        with row:
            draw_row(fresh)

    @ui.refreshable
    async def listing() -> None:
        rows.clear()
        found = await admin.patients(actor, team_id, search=search.value or "", page=shown["page"])
        shown["page"] = found.page
        if not found.rows:
            ui.label("No patients match." if search.value else "No patients with this team yet.").classes(
                "text-grey-7")
            return
        with ui.list().props("separator").classes("w-full patient-list"):
            for p in found.rows:
                with ui.item().classes("patient-row") as row:
                    draw_row(p)
                rows[p.patient_id] = row
        pages = max(1, -(-found.total // found.page_size))
        paging_bar(page=found.page, pages=pages, total=found.total, noun="patient", go=go)

    async def go(page: int) -> None:
        shown["page"] = page
        await listing.refresh()

    async def find() -> None:
        await go(0)

    with ui.card().classes("w-full").props("flat bordered"):
        ui.label("Patients").classes("text-h6").props("role=heading aria-level=2")
        with ui.row().classes("items-end gap-3"):
            search = ui.input("Search patients").props("clearable").classes("w-64").on("keydown.enter", find)
            ui.button("Search patients", on_click=find).props("flat")
        await listing()
        with ui.row().classes("items-end gap-3"):
            email = ui.input("Patient email").classes("w-72")

            async def associate() -> None:
                clear_errors({"Patient email": email})
                if not await still_here():
                    return
                try:
                    await admin.associate(actor, team_id, email=email.value or "")
                except ValidationError as exc:
                    show_field_error({"Patient email": email, "Email": email}, exc)
                    return
                email.set_value("")
                ui.notify("The patient can now write to this team", type="positive")
                await listing.refresh()

            ui.button("Add patient", on_click=associate)
