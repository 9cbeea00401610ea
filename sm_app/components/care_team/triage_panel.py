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

    shown = await details()
    if shown is None:
        return
    with ui.card().classes("w-full no-print triage-panel").props("flat bordered"):
        ui.label("Care-team work").classes("text-h6").props("role=heading aria-level=2")
        with ui.row().classes("items-center gap-4"):
            with_label = ui.label().classes("triage-with")
            due_label = ui.label()
        with ui.row().classes("items-center gap-4"):
            async def set_status(e) -> None:
                if e.value == shown.status:  # a value shown from a push is not a change made here
                    return
                if not await act(lambda: triage.set_status(actor, thread_id, e.value),
                                 f"Status set to {STATUSES[e.value]}"):
                    status.set_value(shown.status)

            async def set_priority(e) -> None:
                if e.value == ("urgent" if shown.urgent else "routine"):
                    return
                if not await act(lambda: triage.set_priority(actor, thread_id, e.value), f"Priority set to {e.value}"):
                    priority.set_value("urgent" if shown.urgent else "routine")

            status = ui.select(STATUSES, label="Status", value=shown.status, on_change=set_status).classes("w-48")
            priority = ui.select({"routine": "Routine", "urgent": "Urgent"}, label="Priority",
                                 value="urgent" if shown.urgent else "routine",
                                 on_change=set_priority).classes("w-36")
            claim = ui.button("Claim", icon="pan_tool",
                              on_click=lambda: act(lambda: triage.claim(actor, thread_id), "You have this one now"))
        # Handing off and recording an outcome are opened when needed: most visits only read the panel, and
        # these forms are most of its elements (what a nurse's page load costs, docs/benchmarks.md).
        openers = ui.row().classes("items-center gap-2")
        _on_demand(openers, "Hand off", "swap_horiz", lambda: _hand_off_form(shown, act, ctx, thread_id))
        if shown.outcome_choices:
            outcome_label = ui.label().classes("outcome-recorded")
            _on_demand(openers, "Record outcome", "task_alt", lambda: _outcome_form(shown, act, ctx, thread_id))
        else:
            outcome_label = None

        @ui.refreshable
        def history(entries) -> None:
            for h in entries:
                ui.label(f"{clinic_time(h.at, tz)} — {h.text}").classes("text-caption history-entry")

        @ui.refreshable
        def notes(entries) -> None:
            if not entries:
                ui.label("No internal notes.").classes("text-caption text-grey-7")
            for n in entries:
                with ui.card().classes("w-full bg-amber-1 internal-note").props("flat"):
                    ui.label(f"{n.author_name} · {clinic_time(n.created_at, tz)}").classes("text-caption")
                    ui.label(n.body).style("white-space: pre-wrap")

        ui.label("History").classes("text-subtitle1 q-mt-sm")
        with ui.column().classes("gap-0 thread-history"):
            history(shown.history)
        ui.label("Internal notes (staff only — never shown to the patient)").classes("text-subtitle1 q-mt-sm")
        with ui.column().classes("w-full gap-1 internal-notes"):
            notes(shown.notes)
        note = ui.textarea("Internal note").props(f"counter maxlength={NOTE_MAX} autogrow").classes("w-full")

        async def add_note() -> None:
            if await act(lambda: triage.add_note(actor, thread_id, note.value or ""), "Note added",
                         {"Internal note": note}):
                note.value = ""

        ui.button("Add note", icon="sticky_note_2", on_click=add_note).props("outline")

    def show(t: TriageView, before: TriageView | None) -> None:
        """Change what changed, by value: a redraw would throw away what the nurse is typing in the forms."""
        with_label.set_text(f"With: {where_label(t.assignee_name, t.pool_role)}")
        if t.due_at:
            due_label.set_text(("Overdue — " if t.overdue else "") + f"Due {clinic_time(t.due_at, tz)}")
            due_label.classes(replace="triage-due " + ("text-negative text-bold" if t.overdue else ""))
        else:
            due_label.set_text("No reply owed")
            due_label.classes(replace="triage-due text-grey-8")
        status.set_value(t.status)
        priority.set_value("urgent" if t.urgent else "routine")
        claim.set_visibility(t.assignee_id != actor.user_id)
        if outcome_label is not None:
            outcome_label.set_text(f"Recorded: {t.outcome_choices.get(t.outcome, t.outcome)}" if t.outcome else "")
            outcome_label.set_visibility(bool(t.outcome))
        if before is not None and t.history != before.history:
            history.refresh(t.history)
        if before is not None and t.notes != before.notes:
            notes.refresh(t.notes)

    show(shown, None)

    async def on_change(event) -> None:
        # Changed only when what it shows changed (a message to the thread often changes nothing here).
        nonlocal shown
        if event.thread_id == thread_id and event.kind != "read":  # the panel shows nothing a read changes
            fresh = await details()
            if fresh is not None and fresh != shown and not page_gone():
                before, shown = shown, fresh
                show(fresh, before)

    follow(ctx, on_change)


def _on_demand(openers: ui.row, label: str, icon: str, build) -> None:
    """A button in `openers` that shows a form below them, built the first time it is opened."""
    form = ui.column().classes("w-full gap-1")
    form.set_visibility(False)
    built = False

    def toggle() -> None:
        nonlocal built
        if not built:
            with form:
                build()
            built = True
        form.set_visibility(not form.visible)
        button.props["aria-expanded"] = "true" if form.visible else "false"

    with openers:
        button = ui.button(label, icon=icon, on_click=toggle).props("flat no-caps aria-expanded=false")
    button.props["aria-controls"] = f"c{form.id}"


def _hand_off_form(t: TriageView, act, ctx: PageContext, thread_id: str) -> None:
    """Give the conversation to a person, or route it to a pool (with a reason the history keeps)."""
    triage, actor = ctx.system.triage, ctx.actor
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


def _outcome_form(t: TriageView, act, ctx: PageContext, thread_id: str) -> None:
    """Record the outcome of a template request (renewal, appointment); the patient gets it as a message."""
    messaging = ctx.system.messaging
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
