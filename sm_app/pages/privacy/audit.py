"""The privacy officer's audit viewer (/audit): filters by person, patient, action and dates; keyset paging (newer /
older); "Verify chain" with a progress bar while the check runs in a worker thread; CSV export of the filtered view
(/audit/export.csv, streamed and audited). Anyone else gets exactly what an unknown address gets."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from nicegui import app, ui
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page, session_token
from sm_app.privacy.audit_review import AuditFilter, AuditPage
from sm_app.shared.errors import ValidationError
from sm_app.shared.wording import plural

COLUMNS = [
    {"name": "seq", "label": "#", "field": "seq", "align": "right"},
    {"name": "at", "label": "Time", "field": "at", "align": "left"},
    {"name": "person", "label": "Person", "field": "person", "align": "left"},
    {"name": "action", "label": "Action", "field": "action", "align": "left"},
    {"name": "object", "label": "Object", "field": "object", "align": "left"},
    {"name": "outcome", "label": "Outcome", "field": "outcome", "align": "left"},
    {"name": "detail", "label": "Detail", "field": "detail", "align": "left"},
]


def _date(value: str, field: str) -> date | None:
    if not (value or "").strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(field, f"{field}: enter a date as YYYY-MM-DD.") from None


def filter_from_query(person: str = "", patient: str = "", action: str = "", date_from: str = "",
                      date_to: str = "") -> AuditFilter:
    """The filter a page or an export URL names (ids, an action name and dates only)."""
    return AuditFilter(person_id=person[:32], patient_id=patient[:32], action=action[:40],
                       date_from=_date(date_from, "From"), date_to=_date(date_to, "To"))


def register(system: System) -> None:
    review = system.audit_review
    tz = system.settings.timezone

    @ui.page("/audit", response_timeout=PAGE_BUILD_SECONDS)
    async def audit_page(request: Request) -> Response | None:
        state = await system.sessions.current(session_token())
        if state is not None and not review.may_review(state.actor):
            # Exactly what an address that does not exist gets: NiceGUI's own 404 page, through its own handler.
            return await app.exception_handlers[404](request, HTTPException(status_code=404))
        ctx = await open_page(system, "/audit", title="Audit log")
        if ctx is None:
            return None
        actor = ctx.actor
        await review.opened(actor)
        people = await review.people(actor)
        everyone = {p.id: f"{p.name} ({p.role.replace('_', ' ')})" for p in people}
        patients = {p.id: p.name for p in people if p.role == "patient"}
        view = {"filter": AuditFilter(), "cursors": [None], "page": None}

        with ui.column().classes("w-full max-w-6xl mx-auto q-pa-md gap-3"):
            ui.label("Audit log").classes("text-h5").props("role=heading aria-level=1")
            ui.label(f"{plural(await review.entry_count(actor), 'entry', 'entries')} in the chain. Entries hold ids "
                     "and actions only, never message text. Opening this page, exports and chain checks are "
                     "audited too.").classes("text-grey-8")
            with ui.row().classes("items-start gap-3 audit-filters"):
                person = ui.select(everyone, label="Person", with_input=True, clearable=True).classes("w-64")
                patient = ui.select(patients, label="Patient", with_input=True, clearable=True).classes("w-56")
                action = ui.select(await review.actions(actor), label="Action", with_input=True,
                                   clearable=True).classes("w-56")
                date_from = ui.input("From").props("type=date stack-label").classes("w-40")
                date_to = ui.input("To").props("type=date stack-label").classes("w-40")
            fields = {"From": date_from, "To": date_to}
            with ui.row().classes("items-center gap-2"):
                ui.button("Apply filters", on_click=lambda: apply())
                ui.button("Clear filters", on_click=lambda: clear()).props("flat")
                export = ui.link("Export CSV", "/audit/export.csv").classes("q-ml-md export-link")
                export.props["download"] = "audit.csv"
            table = ui.table(columns=COLUMNS, rows=[], row_key="seq", pagination=0).props(
                "flat bordered dense wrap-cells hide-pagination").classes("w-full audit-table")
            table.props["aria-label"] = "Audit entries"
            with ui.row().classes("items-center gap-2"):
                newer = ui.button("Newer", icon="chevron_left", on_click=lambda: go(-1)).props("flat no-caps")
                older = ui.button("Older", icon="chevron_right", on_click=lambda: go(1)).props("flat no-caps")
                where = ui.label("").classes("text-caption page-position").props('role=status')

            with ui.card().props("flat bordered").classes("w-full"):
                ui.label("Verify the chain").classes("text-h6").props("role=heading aria-level=2")
                ui.label("Checks every entry's link to the one before it: an edited or deleted entry is found.") \
                    .classes("text-grey-8")
                progress = ui.linear_progress(value=0, show_value=False).classes("w-full verify-progress")
                progress.props["aria-label"] = "Chain check progress"
                progress.set_visibility(False)
                verdict = ui.label("").classes("verify-result").props('role=status aria-live="polite"')
                verify_button = ui.button("Verify chain", on_click=lambda: verify())

        def show(page: AuditPage) -> None:
            view["page"] = page
            table.rows = [{"seq": r.seq, "at": clinic_time(r.at, tz), "person": r.actor_name,
                           "action": r.action, "object": f"{r.object_type or ''} {r.object_id or ''}".strip(),
                           "outcome": r.outcome, "detail": r.detail} for r in page.rows]
            table.update()
            n = len(view["cursors"])
            where.set_text(f"Page {n}: {plural(len(page.rows), 'entry', 'entries')}" if page.rows else
                           "No entries match these filters.")
            newer.set_enabled(n > 1)
            older.set_enabled(page.next_before is not None)

        async def load() -> bool:
            try:
                page = await review.page(actor, view["filter"], before=view["cursors"][-1])
            except ValidationError as exc:
                show_field_error(fields, exc)
                return False
            show(page)
            return True

        async def apply() -> None:
            clear_errors(fields)
            if await ctx.still_signed_in() is None:
                return
            try:
                chosen = filter_from_query(person.value or "", patient.value or "", action.value or "",
                                           date_from.value or "", date_to.value or "")
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            previous = view["filter"], view["cursors"]
            view["filter"], view["cursors"] = chosen, [None]
            if not await load():
                view["filter"], view["cursors"] = previous
                return
            query = {k: v for k, v in (("person", chosen.person_id), ("patient", chosen.patient_id),
                                       ("action", chosen.action), ("date_from", chosen.date_from or ""),
                                       ("date_to", chosen.date_to or "")) if v}
            export.props["href"] = "/audit/export.csv" + (f"?{urlencode(query)}" if query else "")
            export.update()

        async def clear() -> None:
            for element in (person, patient, action, date_from, date_to):
                element.set_value(None if isinstance(element, ui.select) else "")
            await apply()

        async def go(step: int) -> None:
            if await ctx.still_signed_in() is None:
                return
            if step > 0 and view["page"] is not None and view["page"].next_before is not None:
                view["cursors"].append(view["page"].next_before)
            elif step < 0 and len(view["cursors"]) > 1:
                view["cursors"].pop()
            await load()

        async def verify() -> None:
            if await ctx.still_signed_in() is None:
                return
            total = max(1, await review.entry_count(actor))
            checked = {"n": 0}  # written by the worker thread, read by the timer on the event loop

            def tick() -> None:
                progress.set_value(min(1.0, checked["n"] / total))
                verdict.set_text(f"Checking… {checked['n']:,} of {total:,} entries")

            verify_button.disable()
            progress.set_value(0)
            progress.set_visibility(True)
            verdict.classes(remove="text-positive text-negative")
            timer = ui.timer(0.25, tick)
            try:
                result = await review.verify(actor, lambda n: checked.__setitem__("n", n))
            finally:
                timer.cancel()
                verify_button.enable()
            progress.set_value(1.0)
            if result.ok:
                verdict.set_text(f"The chain holds: {plural(result.entries, 'entry', 'entries')} checked.")
                verdict.classes(add="text-positive")
            else:
                verdict.set_text(f"The chain is broken at entry {result.first_broken_seq}: {result.reason}.")
                verdict.classes(add="text-negative")

        await load()
        return None
