"""The library for everyone signed in: search by keyword, topic and language; one article; an article the care team
sent (opening it marks it read). Patients also see "Sent to you by your care team"; staff see reading levels and
reviews past due."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.components.library.articles import article_body, result_row, review_words
from sm_app.library.content import LANGUAGES
from sm_app.library.editorial import may_edit
from sm_app.shared.errors import NotFound


def _not_found() -> None:
    # The same page for a draft, a retired article, someone else's send and a link that never existed.
    with ui.column().classes("q-pa-md"):
        ui.label("Article not found").classes("text-h5").props("role=heading aria-level=1")
        ui.label("It may have been removed, or the link is not right.")
        ui.link("Back to the library", "/library")


def register(system: System) -> None:
    @ui.page("/library", response_timeout=PAGE_BUILD_SECONDS)
    async def library_page() -> None:
        ctx = await open_page(system, "/library", title="Library")
        if ctx is None:
            return
        actor = ctx.actor
        staff = actor.is_staff or actor.role == "admin"
        tz = system.settings.timezone
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.label("Health library").classes("text-h5").props("role=heading aria-level=1")
            ui.label("Plain-language articles checked by the clinic's nurses, pharmacists and providers.").classes(
                "text-grey-8")
            if may_edit(actor):
                ui.link("Review and edit articles", "/library/editor")
            if actor.is_patient:
                sent = await system.library_sends.sent_to_me(actor)
                ui.label("Sent to you by your care team").classes("text-h6").props("role=heading aria-level=2")
                with ui.column().classes("w-full gap-2 sent-to-you"):
                    if not sent:
                        ui.label("Nothing yet. Articles your care team sends you will be listed here.")
                    for c in sent:
                        with ui.card().classes("w-full sent-article").props("flat bordered"):
                            if c.available:
                                ui.link(c.title, f"/library/sent/{c.send_id}").classes("text-bold")
                            else:
                                ui.label(f"{c.title} (no longer in the library)").classes("text-bold")
                            ui.label(f"Sent by {c.sent_by_name} · {clinic_time(c.sent_at, tz)}").classes(
                                "text-caption")
                            ui.label("Read" if c.read_at else "New").classes("text-caption text-grey-8")
            if staff:
                due = await system.library.reviews_due(actor)
                if due:
                    with ui.card().classes("w-full bg-orange-1 reviews-due").props("flat"):
                        ui.label(f"{len(due)} article{'s' if len(due) != 1 else ''} past the review date").classes(
                            "text-bold")
                        for a in due[:10]:
                            ui.link(f"{a.title} — {review_words(a)}", f"/library/article/{a.slug}")
            ui.label("Find an article").classes("text-h6").props("role=heading aria-level=2")
            topics = await system.library.topics(actor)
            with ui.row().classes("w-full items-end gap-2"):
                query = ui.input("Search the library").classes("grow").on("keydown.enter", lambda: run())
                topic = ui.select({"": "All topics", **{t: t for t in topics}}, value="", label="Topic").classes(
                    "w-48")
                language = ui.select({"": "All languages", **LANGUAGES}, value="", label="Language").classes("w-40")
                ui.button("Search", icon="search", on_click=lambda: run())
            count = ui.label("").classes("text-caption").props('role=status aria-live="polite"')
            results = ui.column().classes("w-full gap-2 library-results")

            async def run() -> None:
                found = await system.library.search(actor, query.value or "", topic=topic.value or "",
                                                    language=language.value or "")
                count.set_text(f"{len(found)} article{'s' if len(found) != 1 else ''}")
                results.clear()
                with results:
                    for a in found:
                        result_row(a, staff=staff)

            topic.on_value_change(run)
            language.on_value_change(run)
            await run()

    @ui.page("/library/article/{slug}", response_timeout=PAGE_BUILD_SECONDS)
    async def article_page(slug: str) -> None:
        ctx = await open_page(system, f"/library/article/{slug}", title="Library")
        if ctx is None:
            return
        try:
            view = await system.library.article(ctx.actor, slug)
        except NotFound:
            _not_found()
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.link("Back to the library", "/library")
            article_body(view, staff=ctx.actor.is_staff or ctx.actor.role == "admin")

    @ui.page("/library/sent/{send_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def sent_page(send_id: str) -> None:
        ctx = await open_page(system, f"/library/sent/{send_id}", title="Library")
        if ctx is None:
            return
        try:
            card, view = await system.library_sends.open_sent(ctx.actor, send_id)
        except NotFound:
            _not_found()
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.link("Back to the library", "/library")
            ui.label(f"Sent to you by {card.sent_by_name} · {clinic_time(card.sent_at, system.settings.timezone)}"
                     ).classes("text-caption sent-by")
            if view is None:
                ui.label(card.title).classes("text-h5").props("role=heading aria-level=1")
                ui.label("The clinic has taken this article out of the library. Ask your care team if you have "
                         "questions.")
            else:
                article_body(view, staff=False)
