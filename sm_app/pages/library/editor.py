"""The review workflow's screens (editors: nurses, pharmacists, providers and the clinic admin): articles by state,
reviews past due, a new article, and one article's versions with edit, send for review, return to draft, publish and
retire. The services decide who may do what; these screens only offer it."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.components.library.articles import grade_words, review_words
from sm_app.library.content import LANGUAGES
from sm_app.library.editorial import STATES, VersionInfo, may_edit, may_review
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

_LISTED = ("draft", "in_review", "published", "retired")


def _form(v: VersionInfo | None) -> dict:
    fields = {
        "Title": ui.input("Title", value=v.title if v else "").classes("w-full"),
        "Summary": ui.textarea("Summary", value=v.summary if v else "").props("autogrow").classes("w-full"),
        "Topics": ui.input("Topics", value=", ".join(v.topics) if v else "").props(
            'hint="Lowercase words, separated by commas"').classes("w-full"),
        "Text": ui.textarea("Text", value=v.body if v else "").props(
            'autogrow hint="Markdown: ## for headings, - for lists, **bold**. No HTML."').classes("w-full"),
    }
    return fields


def register(system: System) -> None:
    @ui.page("/library/editor", response_timeout=PAGE_BUILD_SECONDS)
    async def editor_page(state: str = "in_review") -> None:
        ctx = await open_page(system, "/library/editor", title="Library editor")
        if ctx is None:
            return
        actor = ctx.actor
        if not may_edit(actor):
            with ui.column().classes("q-pa-md"):
                ui.label("Page not found").classes("text-h5").props("role=heading aria-level=1")
                ui.link("Back to the library", "/library")
            return
        state = state if state in _LISTED else "in_review"
        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-3"):
            ui.label("Library editor").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("gap-4"):
                for s in _LISTED:
                    link = ui.link(STATES[s], f"/library/editor?state={s}")
                    if s == state:
                        link.props["aria-current"] = "page"
                        link.classes("text-bold")
                ui.link("New article", "/library/editor/new")
            versions = await system.editorial.list_by_state(actor, state)
            ui.label(f"{STATES[state]} ({len(versions)})").classes("text-h6").props("role=heading aria-level=2")
            for v in versions:
                with ui.row().classes("w-full items-center gap-3 editor-row"):
                    ui.link(v.title, f"/library/editor/{v.article_id}")
                    ui.label(f"{LANGUAGES[v.language]} · version {v.number} · {grade_words(v.grade)}").classes(
                        "text-caption")
                    if v.review_overdue:
                        ui.label(review_words(v)).classes("text-caption text-red-10 text-bold review-overdue")
            due = await system.library.reviews_due(actor)
            ui.label(f"Reviews past due ({len(due)})").classes("text-h6").props("role=heading aria-level=2")
            for a in due:
                ui.link(f"{a.title} — {review_words(a)}", f"/library/editor/{a.id}")

    @ui.page("/library/editor/new", response_timeout=PAGE_BUILD_SECONDS)
    async def new_article_page() -> None:
        ctx = await open_page(system, "/library/editor/new", title="New article")
        if ctx is None:
            return
        if not may_edit(ctx.actor):
            ui.label("Page not found").classes("text-h5").props("role=heading aria-level=1")
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.label("New article").classes("text-h5").props("role=heading aria-level=1")
            language = ui.select(LANGUAGES, value="en", label="Language").classes("w-48")
            fields = _form(None)

            async def create() -> None:
                clear_errors(fields)
                actor = await ctx.still_signed_in()
                if actor is None:
                    return
                try:
                    v = await system.editorial.create(actor, language=language.value, title=fields["Title"].value,
                                                      summary=fields["Summary"].value, body=fields["Text"].value,
                                                      topics=fields["Topics"].value)
                except ValidationError as exc:
                    show_field_error(fields, exc)
                    return
                ui.navigate.to(f"/library/editor/{v.article_id}")

            ui.button("Save draft", on_click=create)

    @ui.page("/library/editor/{article_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def article_editor_page(article_id: str) -> None:
        ctx = await open_page(system, f"/library/editor/{article_id}", title="Library editor")
        if ctx is None:
            return
        actor = ctx.actor
        try:
            versions = await system.editorial.versions(actor, article_id)
        except NotFound:
            with ui.column().classes("q-pa-md"):
                ui.label("Article not found").classes("text-h5").props("role=heading aria-level=1")
                ui.link("Back to the library editor", "/library/editor")
            return
        newest = versions[0]
        live = next((v for v in versions if v.is_live), None)

        async def act(call, done: str) -> None:
            current = await ctx.still_signed_in()
            if current is None:
                return
            try:
                await call(current)
            except (ValidationError, NotAllowed) as exc:
                ui.notify(str(exc), type="negative", close_button="OK")
                return
            ui.notify(done, type="positive")
            ui.navigate.reload()

        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.link("Back to the library editor", "/library/editor")
            ui.label(newest.title).classes("text-h5").props("role=heading aria-level=1")
            ui.label(f"{LANGUAGES[newest.language]} · version {newest.number}: {newest.state_name} · "
                     f"{grade_words(newest.grade)} · written by {newest.author_name}").classes("version-state")
            if live is not None:
                ui.label(f"Patients read version {live.number}. {review_words(live)}").classes(
                    "text-red-10 text-bold" if live.review_overdue else "")
                ui.link("Open as patients see it", f"/library/article/{live.slug}")
            with ui.row().classes("gap-2"):
                if newest.state == "draft":
                    ui.button("Send for review", on_click=lambda: act(
                        lambda a: system.editorial.submit(a, newest.id), "Sent for review"))
                if newest.state == "in_review":
                    if may_review(actor) and actor.user_id not in newest.contributor_ids:
                        ui.button("Publish", icon="check", on_click=lambda: act(
                            lambda a: system.editorial.publish(a, newest.id), "Published"))
                    elif may_review(actor):
                        ui.label("You wrote or changed this version, so another reviewer must review it.")
                    ui.button("Return to draft", on_click=lambda: act(
                        lambda a: system.editorial.return_to_draft(a, newest.id), "Returned to draft")).props("flat")
                if live is not None and (may_review(actor) or actor.role == "admin"):
                    ui.button("Retire", icon="archive", on_click=lambda: act(
                        lambda a: system.editorial.retire(a, newest.article_id), "Retired")).props("flat")
            ui.label("Edit" if newest.state == "draft" else "Edit (makes a new draft version)").classes(
                "text-h6").props("role=heading aria-level=2")
            if newest.state == "in_review":
                ui.label("This version is in review. Return it to draft to change it.")
            else:
                fields = _form(newest)

                async def save() -> None:
                    clear_errors(fields)
                    current = await ctx.still_signed_in()
                    if current is None:
                        return
                    try:
                        await system.editorial.edit(current, newest.article_id, title=fields["Title"].value,
                                                    summary=fields["Summary"].value, body=fields["Text"].value,
                                                    topics=fields["Topics"].value)
                    except ValidationError as exc:
                        show_field_error(fields, exc)
                        return
                    ui.notify("Draft saved", type="positive")
                    ui.navigate.reload()

                ui.button("Save draft", on_click=save)
            ui.label("Preview").classes("text-h6").props("role=heading aria-level=2")
            with ui.card().classes("w-full").props("flat bordered"):
                ui.html(newest.html).classes("article-text")
            ui.label("Versions").classes("text-h6").props("role=heading aria-level=2")
            for v in versions:
                reviewed = f", reviewed by {v.reviewer_name}" if v.reviewer_name else ""
                ui.label(f"Version {v.number}: {v.state_name}{reviewed}").classes("text-caption")
