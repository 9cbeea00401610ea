"""Staff-only panel under a conversation: status, priority, who has it, the response clock, the hand-off
history and internal notes. Patients never get this panel; the service refuses them anyway."""

from __future__ import annotations

import secrets

from nicegui import ui

from sm_app.care_team.triage import NOTE_MAX, REASON_MAX
from sm_app.care_team.worklist import POOL_NAMES, STATUSES, TriageView, where_label
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PageContext
from sm_app.components.live import follow, page_gone
from sm_app.messaging.outcomes import NEEDS_WHEN_AND_WHERE, PLACE_MAX
from sm_app.messaging.outcomes import NOTE_MAX as OUTCOME_NOTE_MAX
from sm_app.shared.errors import NotFound, ValidationError


async def triage_panel(ctx: PageContext, thread_id: str) -> None:
    system, actor = ctx.system, ctx.actor
    tz = system.settings.timezone
    triage = system.triage

    async def act(change, done: str, fields: dict | None = None) -> bool:
        """Run one change; show a field error or the confirmation. True when it worked."""
        if fields:
            clear_errors(fields)
        if await ctx.still_signed_in() is None:
            return False
        try:
            await change()
        except ValidationError as exc:
            if fields and exc.field in fields:
                show_field_error(fields, exc)
            else:
                ui.notify(exc.message, type="negative")
            return False
        except NotFound:
            ui.notify("This conversation is no longer available.", type="negative")
            return False
        ui.notify(done, type="positive")
        return True

    async def details() -> TriageView | None:
        try:
            return await system.worklist.details(actor, thread_id)
        except NotFound:
            return None

    @ui.refreshable
    async def panel(t: TriageView | None) -> None:
        if t is None:
            return
        with ui.card().classes("w-full no-print triage-panel").props("flat bordered"):
            ui.label("Care-team work").classes("text-h6").props("role=heading aria-level=2")
            with ui.row().classes("items-center gap-4"):
                ui.label(f"With: {where_label(t.assignee_name, t.pool_role)}").classes("triage-with")
                if t.due_at:
                    due = f"Due {clinic_time(t.due_at, tz)}"
                    ui.label(("Overdue — " if t.overdue else "") + due).classes(
                        "triage-due " + ("text-negative text-bold" if t.overdue else ""))
                else:
                    ui.label("No reply owed").classes("triage-due text-grey-8")
            with ui.row().classes("items-center gap-4"):
                ui.select(STATUSES, label="Status", value=t.status,
                          on_change=lambda e: act(lambda: triage.set_status(actor, thread_id, e.value),
                                                  f"Status set to {STATUSES[e.value]}")).classes("w-48")
                ui.select({"routine": "Routine", "urgent": "Urgent"}, label="Priority",
                          value="urgent" if t.urgent else "routine",
                          on_change=lambda e: act(lambda: triage.set_priority(actor, thread_id, e.value),
                                                  f"Priority set to {e.value}")).classes("w-36")
                if t.assignee_id != actor.user_id:
                    ui.button("Claim", icon="pan_tool",
                              on_click=lambda: act(lambda: triage.claim(actor, thread_id), "You have this one now"))
            with ui.row().classes("items-end gap-2 w-full"):
                people = {p.id: f"{p.name} ({p.role})" for p in t.team_staff}
                assignee = ui.select(people, label="Assign to", value=t.assignee_id).classes("w-64")
                assign_reason = ui.input("Reason (optional)").props(f"maxlength={REASON_MAX}").classes("w-64")
                ui.button("Assign", on_click=lambda: act(
                    lambda: triage.assign(actor, thread_id, assignee.value or "", assign_reason.value or ""),
                    f"Assigned to {people.get(assignee.value, '')}",
                    {"Assign to": assignee, "Reason": assign_reason})).props("outline")
            with ui.row().classes("items-end gap-2 w-full"):
                pools = {"team": "Whole team", **POOL_NAMES}
                pool = ui.select(pools, label="Route to", value=t.pool_role or "team").classes("w-64")
                route_reason = ui.input("Reason for routing").props(f"maxlength={REASON_MAX}").classes("w-64")
                ui.button("Route", on_click=lambda: act(
                    lambda: triage.route(actor, thread_id, None if pool.value == "team" else pool.value,
                                         route_reason.value or ""),
                    f"Routed to {pools[pool.value]}", {"Route to": pool, "Reason": route_reason})).props("outline")
            if t.outcome_choices:
                _outcome_form(t, act, ctx, thread_id)
            ui.label("History").classes("text-subtitle1 q-mt-sm")
            with ui.column().classes("gap-0 thread-history"):
                for h in t.history:
                    ui.label(f"{clinic_time(h.at, tz)} — {h.text}").classes("text-caption history-entry")
            ui.label("Internal notes (staff only — never shown to the patient)").classes("text-subtitle1 q-mt-sm")
            with ui.column().classes("w-full gap-1 internal-notes"):
                if not t.notes:
                    ui.label("No internal notes.").classes("text-caption text-grey-7")
                for n in t.notes:
                    with ui.card().classes("w-full bg-amber-1 internal-note").props("flat"):
                        ui.label(f"{n.author_name} · {clinic_time(n.created_at, tz)}").classes("text-caption")
                        ui.label(n.body).style("white-space: pre-wrap")
            note = ui.textarea("Internal note").props(f"counter maxlength={NOTE_MAX} autogrow").classes("w-full")
            ui.button("Add note", icon="sticky_note_2", on_click=lambda: act(
                lambda: triage.add_note(actor, thread_id, note.value or ""), "Note added",
                {"Internal note": note})).props("outline")

    drawn = {"details": await details()}
    await panel(drawn["details"])

    async def on_change(event) -> None:
        # Redrawn only when what it shows changed (a message to the thread often changes nothing here).
        if event.thread_id == thread_id and event.kind != "read":  # the panel shows nothing a read changes
            fresh = await details()
            if fresh != drawn["details"] and not page_gone():
                drawn["details"] = fresh
                await panel.refresh(fresh)

    follow(ctx, on_change)


def _outcome_form(t: TriageView, act, ctx: PageContext, thread_id: str) -> None:
    """Record the outcome of a template request (renewal, appointment); the patient gets it as a message."""
    messaging = ctx.system.messaging
    ui.label("Outcome").classes("text-subtitle1 q-mt-sm")
    if t.outcome:
        ui.label(f"Recorded: {t.outcome_choices.get(t.outcome, t.outcome)}").classes("outcome-recorded")
    with ui.row().classes("items-end gap-2 w-full outcome-form"):
        choice = ui.select(t.outcome_choices, label="Outcome").classes("w-56")
        with ui.row().classes("items-end gap-2") as when_where:
            on_date = ui.input("Date").props("type=date").classes("w-40")
            at_time = ui.input("Time").props("type=time").classes("w-32")
            place = ui.input("Place").props(f"maxlength={PLACE_MAX}").classes("w-56")
        when_where.bind_visibility_from(choice, "value", backward=lambda v: v in NEEDS_WHEN_AND_WHERE)
    note = ui.textarea("Note to the patient (optional)").props(f"maxlength={OUTCOME_NOTE_MAX} autogrow").classes(
        "w-full")
    fields = {"Outcome": choice, "Date": on_date, "Time": at_time, "Place": place, "Note to the patient": note}
    # The form's send key: one outcome however often Send is pressed; drawn again once it has been sent.
    outcome_key = {"value": secrets.token_urlsafe(16)}

    async def send_outcome() -> None:
        key = outcome_key["value"]
        if await act(lambda: messaging.send_outcome(ctx.actor, thread_id, choice.value or "",
                                                    on_date=on_date.value or "", at_time=at_time.value or "",
                                                    place=place.value or "", note=note.value or "", send_key=key),
                     "Outcome sent to the patient", fields):
            outcome_key["value"] = secrets.token_urlsafe(16)

    ui.button("Send outcome", icon="task_alt", on_click=send_outcome)
