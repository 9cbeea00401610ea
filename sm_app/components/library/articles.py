"""How library articles are drawn: a result row, an article's page body, a card for an article sent in a message,
and the "Attach article" picker of the reply box. Article text arrives as HTML the library already sanitized (nh3,
no raw HTML, no attributes but links); ui.html sanitizes it once more in the browser (DOMPurify)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from nicegui import ui

from sm_app.components.formatting import clinic_time
from sm_app.library.articles import ArticleSummary, ArticleView
from sm_app.library.content import MAX_GRADE
from sm_app.library.sends import SentArticle


def grade_words(grade: float) -> str:
    return f"Reading grade {grade:.1f}" + (" — above grade 8" if grade > MAX_GRADE else "")


def review_words(a: ArticleSummary) -> str:
    if a.next_review_due is None:
        return ""
    return (f"Review past due since {a.next_review_due:%b %d, %Y}" if a.review_overdue
            else f"Next review {a.next_review_due:%b %d, %Y}")


def result_row(a: ArticleSummary, *, staff: bool) -> None:
    with ui.card().classes("w-full library-result").props("flat bordered"):
        with ui.row().classes("items-center gap-2"):
            ui.link(a.title, f"/library/article/{a.slug}").classes("text-subtitle1 text-bold")
            badge = ui.badge(a.language_name, color="blue-9")
            badge.props["lang"] = a.language
        ui.label(a.summary)
        ui.label("Topics: " + ", ".join(a.topics)).classes("text-caption text-grey-8")
        if staff:
            with ui.row().classes("gap-3 text-caption"):
                ui.label(grade_words(a.grade)).classes("reading-grade")
                if a.review_overdue:
                    ui.label(review_words(a)).classes("text-red-10 text-bold review-overdue")


def article_body(view: ArticleView, *, staff: bool) -> None:
    """The article itself, in the article's language."""
    with ui.column().classes("w-full gap-2") as box:
        box.props["lang"] = view.language
        ui.label(view.title).classes("text-h5").props("role=heading aria-level=1")
        ui.label(view.summary).classes("text-subtitle1 text-grey-9")
        ui.html(view.html).classes("article-text")
    reviewed = f" on {view.reviewed_on:%b %d, %Y}" if view.reviewed_on else ""
    ui.label(f"Written by {view.author_name}. Reviewed by {view.reviewer_name}{reviewed}.").classes(
        "text-caption text-grey-8")
    if staff:
        with ui.row().classes("gap-3 text-caption"):
            ui.label(grade_words(view.grade)).classes("reading-grade")
            words = review_words(view)
            if words:
                ui.label(words).classes("text-red-10 text-bold review-overdue" if view.review_overdue else "")
    if view.other_language:
        slug, language = view.other_language
        link = ui.link("Leer en español" if language == "es" else "Read in English", f"/library/article/{slug}")
        link.props["lang"] = language


def sent_card(c: SentArticle, *, patient: bool, tz: str, now: datetime | None = None) -> ui.label | None:
    """An article attached to a message. The patient opens it in the app (which marks it read); staff see whether it
    was read. Returns the staff card's read label, so a push can change its words by value."""
    with ui.card().classes("w-full bg-white library-card").props("flat bordered"):
        with ui.row().classes("items-center gap-2 no-wrap"):
            ui.icon("menu_book").classes("text-primary")
            if not c.available:
                ui.label(f"{c.title} (no longer in the library)")
            elif patient:
                ui.link(c.title, f"/library/sent/{c.send_id}").classes("text-bold")
            else:
                ui.link(c.title, f"/library/article/{c.slug}").classes("text-bold")
        ui.label(c.summary).classes("text-caption")
        if patient:
            ui.label(f"Sent by {c.sent_by_name} · {clinic_time(c.sent_at, tz)}").classes("text-caption text-grey-8")
            return None
        label = ui.label("").classes("text-caption library-read")
        show_read(label, c, tz)
        return label


def show_read(label: ui.label, c: SentArticle, tz: str) -> None:
    if c.read_at:
        label.set_text(f"Read by patient · {clinic_time(c.read_at, tz)}")
        label.classes(replace="text-caption library-read text-green-10")
    else:
        label.set_text("Not opened yet")
        label.classes(replace="text-caption library-read text-grey-8")


class ArticlePicker:
    """"Attach article" in the reply box: search the library, pick articles; each shows as a chip that can be
    removed. `ids` go to the reply's send."""

    def __init__(self, search: Callable[[str], Awaitable[tuple[ArticleSummary, ...]]]):
        self._search = search
        self.chosen: dict[str, str] = {}  # article id -> title
        with ui.row().classes("items-center gap-2 article-picker") as self._row:
            ui.button("Attach article", icon="menu_book", on_click=self._open).props("flat")
            self._chips = ui.row().classes("gap-1")
        # The search dialog is made when first opened: most replies attach no article, and a nurse's reply box is
        # made on every conversation they answer.
        self._dialog: ui.dialog | None = None

    def _make_dialog(self) -> ui.dialog:
        with self._row, ui.dialog() as dialog, ui.card().classes("w-full max-w-xl"):
            ui.label("Attach an article").classes("text-h6").props("role=heading aria-level=2")
            with ui.row().classes("w-full items-end no-wrap"):
                self._query = ui.input("Search the library").classes("grow").on(
                    "keydown.enter", self._run)
                ui.button("Search", on_click=self._run)
            self._results = ui.column().classes("w-full gap-1 attach-results")
            ui.button("Close", on_click=dialog.close).props("flat")
        return dialog

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.chosen)

    def _open(self) -> Awaitable[None]:
        # Made and opened in the click itself, the search awaited after (NiceGUI awaits what a handler returns).
        if self._dialog is None:
            self._dialog = self._make_dialog()
        self._dialog.open()
        return self._run()

    async def _run(self) -> None:
        found = await self._search(self._query.value or "")
        self._results.clear()
        with self._results:
            if not found:
                ui.label("No published article matches.")
            for a in found[:20]:
                with ui.row().classes("w-full items-center no-wrap justify-between"):
                    with ui.column().classes("gap-0"):
                        ui.label(a.title).classes("text-bold")
                        ui.label(f"{a.language_name} · {grade_words(a.grade)}").classes("text-caption")
                        if a.review_overdue:  # staff should know before sending it that it is due for review
                            ui.label(review_words(a)).classes("text-caption text-red-10 text-bold review-overdue")
                    attach = ui.button("Attach", on_click=lambda a=a: self._choose(a)).props("flat dense").mark(
                        "attach-this-article")
                    attach.props["aria-label"] = f"Attach {a.title}"

    def _choose(self, a: ArticleSummary) -> None:
        if a.id not in self.chosen:
            self.chosen[a.id] = a.title
            self._draw_chips()
        self._dialog.close()
        ui.notify("Article attached", type="positive")

    def _draw_chips(self) -> None:
        self._chips.clear()
        with self._chips:
            for article_id, title in self.chosen.items():
                chip = ui.chip(title, icon="menu_book", removable=True).classes("attached-article")
                chip.on("remove", lambda _, i=article_id: self._remove(i))

    def _remove(self, article_id: str) -> None:
        self.chosen.pop(article_id, None)
        self._draw_chips()

    def clear(self) -> None:
        self.chosen.clear()
        self._draw_chips()
