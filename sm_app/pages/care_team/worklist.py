"""The care team's worklist and a staff member's (or admin's) alerts."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.care_team.worklist import SHOW, STATUS_FILTERS, WORKLIST_SORTS, WorklistRow
from sm_app.components.care_team.worklist_row import WorklistRowView
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.components.keyed_list import KeyedList
from sm_app.components.live import follow, page_gone
from sm_app.messaging.mailbox import PAGE_SIZES
from sm_app.messaging.threads import CATEGORIES
from sm_app.pages.care_team.worklist_reader import WorklistReader
from sm_app.shared.errors import NotFound
from sm_app.shared.wording import plural

# The whole row is the link's click target (a "stretched link"), so rows look and act clickable while the
# subject stays a real link for keyboards and screen readers; buttons sit above it.
_ROW_CSS = """
.worklist-row { position: relative; }
.worklist-row:hover { background: rgba(0, 0, 0, 0.04); }
.worklist-row a.row-link::after { content: ""; position: absolute; inset: 0; }
.worklist-row .q-btn { position: relative; z-index: 1; }
.worklist-row .row-link { overflow-wrap: anywhere; }
/* A phone: the row's three parts are stacked (subject and patient, then who has it, then the times) instead of
   squeezed side by side on top of each other. */
@media (max-width: 599.98px) {
  .worklist-row { flex-wrap: wrap; }
  .worklist-row > .q-item__section--main { flex: 1 1 100%; min-width: 0; }
  .worklist-row > .q-item__section--side { flex: 0 1 auto; align-items: flex-start; padding: 4px 16px 0 0; }
}
"""

DEFAULT_VIEW = {"show": "all", "category": "", "status": "open", "sort": "due", "page": 1, "page_size": 20}


def register(system: System) -> None:
    tz = system.settings.timezone

    @ui.page("/worklist", response_timeout=PAGE_BUILD_SECONDS)
    async def worklist_page() -> None:
        ctx = await open_page(system, "/worklist", title="Worklist")
        if ctx is None:
            return
        actor = ctx.actor
        if not actor.is_staff:
            ui.label("The worklist is for care teams.").classes("q-pa-md")
            return
        ui.add_css(_ROW_CSS)
        view = dict(DEFAULT_VIEW)

        async def claim(thread_id: str) -> None:
            if await ctx.still_signed_in() is None:
                return
            try:
                await system.triage.claim(actor, thread_id)
            except NotFound:
                ui.notify("This conversation is no longer available.", type="negative")
                return
            ui.notify("You have this one now", type="positive")

        async def open_here(thread_id: str) -> None:
            await reader.open(thread_id)

        def row(t: WorklistRow) -> WorklistRowView:
            return WorklistRowView(t, tz=tz, claim=claim, open_here=open_here)

        def focus_row(thread_id: str) -> None:
            drawn = rows.element(thread_id)
            if drawn is not None:
                ui.run_javascript(f"getHtmlElement({drawn.id})?.querySelector('a')?.focus()")

        @ui.refreshable
        def footer(result) -> None:
            with ui.row().classes("items-center gap-4"):
                if result.pages > 1:
                    ui.pagination(1, result.pages, value=result.page, direction_links=True,
                                  on_change=lambda e: change(page=e.value))
                ui.label(plural(result.total, "conversation")).classes("text-caption worklist-total")

        footer_shows: list[tuple[int, int, int]] = []  # the paging the footer shows, once it is drawn

        async def threads() -> None:
            result = await system.worklist.page(actor, **view)
            if page_gone():
                return
            # Drawn once; afterwards a change adds, moves, redraws or removes single rows, so a new message costs
            # one row, not the whole list.
            rows.show(result.items)
            filtered = any(view[k] != DEFAULT_VIEW[k] for k in ("show", "category", "status"))
            empty.set_text("No conversations match these filters." if filtered
                           else "No conversations for your care teams.")
            empty.set_visibility(not result.items)
            paging = (result.pages, result.page, result.total)
            if not footer_shows:
                footer(result)
            elif paging != footer_shows[0]:
                footer.refresh(result)
            footer_shows[:] = [paging]

        async def change(**kwargs) -> None:
            view.update(kwargs)
            await threads()

        with ui.column().classes("w-full max-w-5xl mx-auto q-pa-md") as list_view:
            ui.label("Worklist").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("items-center gap-4"):
                ui.select(SHOW, label="Show", value="all",
                          on_change=lambda e: change(show=e.value, page=1)).classes("w-44")
                ui.select({"": "All categories", **{c: c for c in CATEGORIES}}, label="Category", value="",
                          on_change=lambda e: change(category=e.value, page=1)).classes("w-44")
                ui.select(STATUS_FILTERS, label="Status", value="open",
                          on_change=lambda e: change(status=e.value, page=1)).classes("w-52")
                ui.select(WORKLIST_SORTS, label="Sort by", value="due",
                          on_change=lambda e: change(sort=e.value, page=1)).classes("w-40")
                ui.select({n: str(n) for n in PAGE_SIZES}, label="Per page", value=20,
                          on_change=lambda e: change(page_size=e.value, page=1)).classes("w-28")
            empty = ui.label("").classes("text-grey-7 q-pa-md")
            rows = KeyedList(ui.list().props("bordered separator").classes("w-full thread-list worklist"), row)
            await threads()
        reader = WorklistReader(ctx, list_view, title=system.settings.clinic_name, focus_row=focus_row)

        async def on_change(event) -> None:
            # A patient reading the team's messages changes nothing on the worklist (its rows show what the team
            # has not read).
            if not (event.kind == "read" and event.side == "patient"):
                await threads()

        follow(ctx, on_change)

    @ui.page("/alerts", response_timeout=PAGE_BUILD_SECONDS)
    async def alerts_page() -> None:
        ctx = await open_page(system, "/alerts", title="Alerts")
        if ctx is None:
            return
        actor = ctx.actor

        @ui.refreshable
        async def listing() -> None:
            alerts = await system.escalation.alerts(actor)
            if not alerts:
                ui.label("No reminders or escalations.").classes("text-grey-7 q-pa-md")
                return
            with ui.list().props("bordered separator").classes("w-full alerts"):
                for a in alerts:
                    with ui.item().classes("alert-row" + ("" if a.read else " bg-orange-1")):
                        with ui.item_section():
                            weight = "text-body1 alert-text" + ("" if a.read else " text-bold")
                            if a.can_open:
                                # Staff: the alert itself is the link to the conversation it is about.
                                ui.link(a.text, f"/thread/{a.thread_id}").classes(weight)
                            else:
                                ui.label(a.text).classes(weight)
                            ui.label(f"Due {clinic_time(a.due_at, tz)} · sent {clinic_time(a.created_at, tz)}"
                                     ).classes("text-caption")
                        if a.can_open:
                            with ui.item_section().props("side"):
                                ui.link("Open conversation", f"/thread/{a.thread_id}")

        async def mark_read() -> None:
            if await ctx.still_signed_in() is None:
                return
            await system.escalation.mark_all_read(actor)
            await listing.refresh()

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Alerts").classes("text-h5").props("role=heading aria-level=1")
                ui.button("Mark all as read", on_click=mark_read).props("flat")
            await listing()

        async def on_change(event) -> None:
            if event.kind == "alert":
                await listing.refresh()

        follow(ctx, on_change)
