"""Clinic admin: routing rules by category, the response clock's business hours (and the urgent clock), who is on call
in each care team, the emergency notice's wording, and the email outbox."""

from __future__ import annotations

from datetime import time

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.care_team.clinic_settings import EMERGENCY_NOTICE_MAX
from sm_app.care_team.response_clock import BusinessHours
from sm_app.care_team.worklist import POOL_NAMES
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

DAYS = {0: "Mon", 1: "Tue", 2: "Wed", 3: "Thu", 4: "Fri", 5: "Sat", 6: "Sun"}
HOLIDAY_CALENDARS = {"US": "US federal holidays", "": "No holidays"}


def _time(value: str, field: str) -> time:
    try:
        return time.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(field, f"{field}: enter a time as HH:MM.") from None


async def _admin_page(system: System, path: str, title: str):
    """The page frame for the clinic admin, or None (with the reason shown) for anyone else."""
    ctx = await open_page(system, path, title=title)
    if ctx is not None and ctx.actor.role != "admin":
        ui.label("Administration is for the clinic admin.").classes("q-pa-md")
        return None
    return ctx


def register(system: System) -> None:
    settings = system.clinic_settings

    @ui.page("/admin", response_timeout=PAGE_BUILD_SECONDS)
    async def admin_page() -> None:
        ctx = await _admin_page(system, "/admin", "Admin")
        if ctx is None:
            return
        actor = ctx.actor
        routing = await settings.routing()
        hours = await settings.business_hours()
        notice = await settings.emergency_notice()

        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-4"):
            ui.label("Admin").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("gap-4"):
                ui.link("Users", "/admin/users")
                ui.link("Care teams", "/admin/teams")
                ui.link("Invitations", "/admin/invitations")
                ui.link("Email outbox", "/admin/outbox")
            ui.label("Users: find people, deactivate, reactivate and unlock them. Care teams: names patients see, "
                     "staff, team leads, on call, business hours, and each team's patients and blocks. Invitations: "
                     "invite staff, resend or withdraw an invitation.").classes("text-grey-8")

            with ui.card().classes("w-full").props("flat bordered"):
                ui.label("Routing rules").classes("text-h6").props("role=heading aria-level=2")
                ui.label("Where a new conversation waits, by category.").classes("text-grey-8")
                pools = {"team": "Whole team", **POOL_NAMES}
                rule_selects = {}
                for category, role in routing.items():
                    rule_selects[category] = ui.select(pools, label=category, value=role or "team").classes("w-64")

                async def save_routing() -> None:
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        await settings.set_routing(actor, {c: (None if s.value == "team" else s.value)
                                                           for c, s in rule_selects.items()})
                    except (ValidationError, NotAllowed) as exc:
                        ui.notify(str(exc), type="negative")
                        return
                    ui.notify("Routing rules saved", type="positive")

                ui.button("Save routing rules", on_click=save_routing)

            with ui.card().classes("w-full").props("flat bordered"):
                ui.label("Response clock").classes("text-h6").props("role=heading aria-level=2")
                tz = ui.input("Time zone", value=hours.timezone).classes("w-64")
                with ui.row().classes("items-center gap-2"):
                    ui.label("Workdays")
                    day_boxes = {d: ui.checkbox(name, value=d in hours.workdays) for d, name in DAYS.items()}
                with ui.row().classes("gap-4"):
                    opens = ui.input("Opening time", value=hours.opens.strftime("%H:%M")).props("type=time")
                    closes = ui.input("Closing time", value=hours.closes.strftime("%H:%M")).props("type=time")
                calendar = ui.select(HOLIDAY_CALENDARS, label="Holiday calendar",
                                     value=hours.holiday_country or "").classes("w-64")
                with ui.row().classes("gap-4"):
                    target = ui.number("Response target", value=hours.target_business_days, min=1, max=365,
                                       precision=0, suffix="business days").classes("w-48")
                    share = ui.number("Reminder share", value=round(hours.reminder_share * 100), min=1, max=99,
                                      precision=0, suffix="% of the clock").classes("w-48")
                    second = ui.number("Second escalation", value=hours.second_escalation_business_days, min=0,
                                       max=365, precision=0, suffix="business days after due").classes("w-56")
                urgent_target = ui.number("Urgent response target", value=hours.urgent_target_business_hours, min=1,
                                          max=24, precision=0, suffix="business hours").classes("w-56")
                ui.label("A message flagged urgent is due this many business hours after it arrives; the team leads "
                         "and whoever is on call are alerted at once.").classes("text-grey-8")
                fields = {"Time zone": tz, "Opening time": opens, "Closing time": closes,
                          "Holiday calendar": calendar, "Response target": target, "Reminder share": share,
                          "Second escalation": second, "Urgent response target": urgent_target}

                async def save_hours() -> None:
                    clear_errors(fields)
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        new_hours = BusinessHours(
                            timezone=(tz.value or "").strip(),
                            workdays=tuple(d for d, box in day_boxes.items() if box.value),
                            opens=_time(opens.value, "Opening time"), closes=_time(closes.value, "Closing time"),
                            holiday_country=calendar.value or None,
                            target_business_days=int(target.value or 0),
                            reminder_share=float(share.value or 0) / 100,
                            second_escalation_business_days=int(second.value or 0),
                            urgent_target_business_hours=int(urgent_target.value or 0))
                        await settings.set_business_hours(actor, new_hours)
                    except ValidationError as exc:
                        show_field_error(fields, exc)
                        return
                    ui.notify("Response clock saved; it applies to requests received from now on", type="positive")

                ui.button("Save response clock", on_click=save_hours)

            await _on_call_card(ctx)

            with ui.card().classes("w-full").props("flat bordered"):
                ui.label("Emergency notice").classes("text-h6").props("role=heading aria-level=2")
                ui.label("Shown before every new message, and again when a patient's message sounds urgent. "
                         "It must still name 911 and 988; leave it empty for the standard wording.").classes(
                    "text-grey-8")
                notice_box = ui.textarea("Emergency notice", value=notice).props(
                    f"counter maxlength={EMERGENCY_NOTICE_MAX} autogrow").classes("w-full")

                async def save_notice() -> None:
                    clear_errors({"Emergency notice": notice_box})
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        saved = await settings.set_emergency_notice(actor, notice_box.value)
                    except ValidationError as exc:
                        show_field_error({"Emergency notice": notice_box}, exc)
                        return
                    notice_box.set_value(saved)
                    ui.notify("Emergency notice saved", type="positive")

                ui.button("Save emergency notice", on_click=save_notice)

    @ui.page("/admin/outbox", response_timeout=PAGE_BUILD_SECONDS)
    async def outbox_page() -> None:
        ctx = await _admin_page(system, "/admin/outbox", "Email outbox")
        if ctx is None:
            return
        actor = ctx.actor
        notifications = system.notifications
        tz = system.settings.timezone
        shown = {"status": ""}

        async def retry(email_id: str) -> None:
            if await ctx.still_signed_in() is None:
                return
            try:
                await notifications.retry(actor, email_id)
            except NotFound:
                ui.notify("That email is no longer failed.", type="warning")
            else:
                ui.notify("Queued again; it will be sent shortly", type="positive")
            await listing.refresh()

        @ui.refreshable
        async def listing() -> None:
            counts = await notifications.counts(actor)
            ui.label(f"Pending {counts['pending']} · Sent {counts['sent']} · Failed {counts['failed']}").classes(
                "text-subtitle1 outbox-counts")
            rows = await notifications.outbox(actor, status=shown["status"])
            if not rows:
                ui.label("No emails.").classes("text-grey-7")
                return
            with ui.list().props("bordered separator").classes("w-full outbox"):
                for r in rows:
                    with ui.item().classes("outbox-row"):
                        with ui.item_section():
                            ui.label(f"{r.kind.replace('_', ' ')} to {r.to_address}").classes("text-body1")
                            ui.label(f"Queued {clinic_time(r.created_at, tz)} · attempts {r.attempts}"
                                     + (f" · sent {clinic_time(r.sent_at, tz)}" if r.sent_at else "")).classes(
                                "text-caption")
                            if r.last_error:
                                ui.label(f"Last error: {r.last_error}").classes("text-caption text-negative")
                        with ui.item_section().props("side"):
                            ui.label(r.status.capitalize()).classes("outbox-status")
                            if r.status == "failed":
                                ui.button("Retry", on_click=lambda _e, i=r.id: retry(i)).props("dense flat")

        async def show(e) -> None:
            shown["status"] = e.value
            await listing.refresh()

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-3"):
            ui.label("Email outbox").classes("text-h5").props("role=heading aria-level=1")
            ui.label("Emails carry fixed text only (no health information).").classes("text-grey-8")
            with ui.row().classes("items-center gap-4"):
                ui.select({"": "All", "pending": "Pending", "sent": "Sent", "failed": "Failed"}, label="Show",
                          value="", on_change=show).classes("w-40")
                ui.button("Refresh", icon="refresh", on_click=listing.refresh).props("flat")
            await listing()


async def _on_call_card(ctx) -> None:
    """Who each care team alerts at once, with its leads, when a patient's message is flagged urgent."""
    system, actor = ctx.system, ctx.actor
    with ui.card().classes("w-full on-call").props("flat bordered"):
        ui.label("On call").classes("text-h6").props("role=heading aria-level=2")
        ui.label("When a patient's message is flagged urgent, the team leads and the members marked on call are "
                 "alerted at once, in the app and by email.").classes("text-grey-8")
        for team in await system.accounts.team_rota(actor):
            ui.label(team.team_name).classes("text-subtitle1 q-mt-sm")
            if not team.members:
                ui.label("No staff on this team yet.").classes("text-grey-7")
            for member in team.members:

                async def mark(e, team_id=team.team_id, team_name=team.team_name, member=member) -> None:
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        await system.accounts.set_on_call(actor, team_id=team_id, user_id=member.user_id,
                                                          on_call=bool(e.value))
                    except (NotFound, NotAllowed):
                        ui.notify("That person is no longer on this team.", type="warning")
                        return
                    state = "on call" if e.value else "no longer on call"
                    ui.notify(f"{member.name} is {state} for {team_name}", type="positive")

                # The person is named in the checkbox's own text (its accessible name), never in props.
                ui.checkbox(f"{member.name} ({member.role}{', team lead' if member.lead else ''}) on call",
                            value=member.on_call, on_change=mark)
