"""Search: keyword, category and date range over the conversations the person can see."""

from __future__ import annotations

from datetime import date

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.components.messaging.thread_list import thread_list
from sm_app.messaging.mailbox import PAGE_SIZES
from sm_app.messaging.search import DATE_RANGES, KEYWORD_MAX, SearchHit, SearchResult
from sm_app.messaging.threads import CATEGORIES
from sm_app.shared.errors import ValidationError

ANY = "Any"
NO_MATCHES = "No conversations match your search."


def _date_input(label: str) -> ui.input:
    """A date field people can type (YYYY-MM-DD) or pick from a calendar."""
    with ui.input(label, placeholder="YYYY-MM-DD").classes("w-44") as field:
        with ui.menu().props("no-parent-event") as menu:
            with ui.date(mask="YYYY-MM-DD").bind_value(field):
                with ui.row().classes("justify-end"):
                    ui.button("Close", on_click=menu.close).props("flat")
        with field.add_slot("append"):
            ui.icon("edit_calendar").on("click", menu.open).classes("cursor-pointer").props(
                f'aria-label="Pick {label.lower()}" role=button tabindex=0')
    return field


def _parse_date(field: str, text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, f"Enter the {field.lower()} as YYYY-MM-DD, for example 2026-11-02.") from None


def _results(result: SearchResult, *, staff_view: bool, tz: str) -> None:
    if not result.items:
        ui.label(NO_MATCHES).classes("text-grey-7 q-pa-md no-matches")
        return
    found = f"{result.total} conversation{'s' if result.total != 1 else ''} found"
    ui.label(found).classes("text-caption").props('role=status aria-live="polite"')
    thread_list(result.items, staff_view=staff_view, tz=tz, empty_text=NO_MATCHES, extra=_snippet,
                classes="search-results")


def _snippet(t: SearchHit) -> None:
    # Message text is shown as text: each piece is its own label (escaped), matched words inside <mark>.
    with ui.element("div").classes("text-body2 search-snippet"):
        for part in t.snippet:
            if part.hit:
                with ui.element("mark").classes("bg-yellow-3 q-px-none"):
                    ui.label(part.text).classes("inline text-bold search-hit").mark("search-hit")
            else:
                ui.label(part.text).classes("inline").style("white-space: pre-wrap")


def register(system: System) -> None:
    tz = system.settings.timezone

    @ui.page("/search", response_timeout=PAGE_BUILD_SECONDS)
    async def search_page() -> None:
        ctx = await open_page(system, "/search", title="Search")
        if ctx is None:
            return
        actor = ctx.actor
        # This page's own state: what was last searched for, and which page of results is shown.
        view: dict = {"query": None, "page": 1, "page_size": 10}

        @ui.refreshable
        async def results() -> None:
            query = view["query"]
            if query is None:
                ui.label("Enter a word, choose filters, and press Search.").classes("text-grey-7 q-pa-md")
                return
            current = await ctx.still_signed_in()
            if current is None:
                return
            try:
                result = await system.search.search(current, **query, page=view["page"],
                                                    page_size=view["page_size"])
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            _results(result, staff_view=actor.is_staff, tz=tz)
            if result.pages > 1:
                with ui.row().classes("items-center gap-2"):
                    ui.pagination(1, result.pages, direction_links=True, value=result.page,
                                  on_change=lambda e: turn(page=e.value)).props('aria-label="Pages"')

        async def turn(**kwargs) -> None:
            view.update(kwargs)
            await results.refresh()

        async def run_search() -> None:
            clear_errors(fields)
            try:
                start = _parse_date("Start date", start_date.value) if date_range.value == "custom" else None
                end = _parse_date("End date", end_date.value) if date_range.value == "custom" else None
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            view["query"] = {
                "keyword": keyword.value or "",
                "category": None if category.value == ANY else category.value,
                "date_range": date_range.value,
                "start": start,
                "end": end,
            }
            view["page"] = 1
            await results.refresh()

        async def clear() -> None:
            clear_errors(fields)
            keyword.set_value("")
            category.set_value(ANY)
            date_range.set_value("any")
            start_date.set_value("")
            end_date.set_value("")
            view.update(query=None, page=1)
            await results.refresh()

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-3"):
            ui.label("Search").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("items-start gap-4 w-full"):
                keyword = ui.input("Keyword").props(f"maxlength={KEYWORD_MAX} clearable").classes("w-64")
                keyword.on("keydown.enter", run_search)
                category = ui.select([ANY, *CATEGORIES], label="Category", value=ANY).classes("w-48")
                date_range = ui.select(DATE_RANGES, label="Date range", value="any").classes("w-48")
                with ui.row().classes("items-start gap-4") as custom_dates:
                    start_date = _date_input("Start date")
                    end_date = _date_input("End date")
                custom_dates.bind_visibility_from(date_range, "value", value="custom")
            with ui.row().classes("items-center gap-2"):
                ui.button("Search", on_click=run_search, icon="search")
                ui.button("Clear filters", on_click=clear).props("flat")
                ui.select({n: str(n) for n in PAGE_SIZES}, label="Per page", value=10,
                          on_change=lambda e: turn(page_size=e.value, page=1)).classes("w-32")
            fields = {"Keyword": keyword, "Category": category, "Date range": date_range,
                      "Start date": start_date, "End date": end_date}
            await results()
