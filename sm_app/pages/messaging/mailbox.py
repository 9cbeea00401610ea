"""The mailbox: Inbox, Sent, Trash, a person's own folders, and the list of drafts."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page, session_token
from sm_app.components.live import follow, page_gone
from sm_app.components.messaging.thread_list import LiveThreadList
from sm_app.messaging.mailbox import PAGE_SIZES
from sm_app.shared.errors import NotFound
from sm_app.shared.wording import plural

FOLDER_TITLES = {"inbox": "Inbox", "sent": "Sent", "trash": "Trash"}
EMPTY = {
    "inbox": "No messages yet.",
    "sent": "You have not sent any messages.",
    "trash": "Trash is empty.",
}
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "team": "Care team", "subject": "Subject"}


def register(system: System) -> None:
    tz = system.settings.timezone

    async def folder_page(folder: str, path: str, title: str | None = None) -> None:
        ctx = await open_page(system, path, title=title or FOLDER_TITLES[folder])
        if ctx is None:
            return
        actor = ctx.actor
        heading = title or FOLDER_TITLES[folder]
        # Paging and sort are this page's own state (never shared between people or tabs).
        view = {"page": 1, "page_size": 10, "sort": "newest"}

        @ui.refreshable
        def footer(pages: int, page: int, total: int) -> None:
            if pages > 1:
                with ui.row().classes("items-center gap-2"):
                    ui.pagination(1, pages, direction_links=True, value=page,
                                  on_change=lambda e: change(page=e.value)).props('aria-label="Pages"')
                    ui.label(plural(total, "conversation")).classes("text-caption")

        paging: dict = {}

        async def threads() -> None:
            """Drawn once, then changed row by row (a push costs the rows that changed, not the list)."""
            try:
                result = await system.mailbox.list_threads(actor, folder, page=view["page"],
                                                             page_size=view["page_size"], sort=view["sort"])
                if page_gone():
                    return
            except NotFound:
                listing.clear()
                paging.clear()
                with listing:
                    ui.label("Folder not found").classes("text-h6")
                return
            if "rows" not in paging:
                with listing:
                    paging["rows"] = LiveThreadList(staff_view=actor.is_staff, tz=tz,
                                                    empty_text=EMPTY.get(folder, "This folder is empty."))
            paging["rows"].show(result.items)
            shown = (result.pages, result.page, result.total)
            if "footer" not in paging:
                with listing:
                    footer(*shown)
            elif paging["footer"] != shown:
                footer.refresh(*shown)
            paging["footer"] = shown

        async def change(**kwargs) -> None:
            view.update(kwargs)
            await threads()

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(heading).classes("text-h5").props('role=heading aria-level=1')
                if actor.is_patient:
                    ui.button("New message", on_click=lambda: ui.navigate.to("/compose"), icon="edit")
            with ui.row().classes("items-center gap-4"):
                ui.select(SORT_LABELS, label="Sort by", value="newest",
                          on_change=lambda e: change(sort=e.value, page=1)).classes("w-48")
                ui.select({n: str(n) for n in PAGE_SIZES}, label="Per page", value=10,
                          on_change=lambda e: change(page_size=e.value, page=1)).classes("w-32")
            listing = ui.column().classes("w-full")
            await threads()

        own_side = "patient" if actor.is_patient else "team"

        async def on_change(event) -> None:
            # The list marks what this person's side has not read: the other side's reads change nothing here.
            if not (event.kind == "read" and event.side != own_side):
                await threads()

        follow(ctx, on_change)

    @ui.page("/inbox", response_timeout=PAGE_BUILD_SECONDS)
    async def inbox() -> None:
        await folder_page("inbox", "/inbox")

    @ui.page("/sent", response_timeout=PAGE_BUILD_SECONDS)
    async def sent() -> None:
        await folder_page("sent", "/sent")

    @ui.page("/trash", response_timeout=PAGE_BUILD_SECONDS)
    async def trash() -> None:
        await folder_page("trash", "/trash")

    @ui.page("/drafts", response_timeout=PAGE_BUILD_SECONDS)
    async def drafts_page() -> None:
        ctx = await open_page(system, "/drafts", title="Drafts")
        if ctx is None:
            return

        @ui.refreshable
        async def listing() -> None:
            drafts = await system.drafts.list_drafts(ctx.actor)
            if not drafts:
                ui.label("You have no drafts.").classes("text-grey-7 q-pa-md")
                return
            with ui.list().props("bordered separator").classes("w-full"):
                for d in drafts:
                    with ui.item():
                        with ui.item_section():
                            ui.link(d.subject or "(no subject)", f"/compose?draft={d.id}")
                            ui.label(f"{d.team_name or 'No care team chosen'} · saved "
                                     f"{clinic_time(d.updated_at, tz)}").classes("text-caption")
                        with ui.item_section().props("side"):
                            delete_button(d.id)

        def delete_button(draft_id: str) -> None:
            with ui.dialog() as dialog, ui.card():
                ui.label("Delete this draft? This cannot be undone.")

                async def delete() -> None:
                    dialog.close()
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        await system.drafts.delete(ctx.actor, draft_id)
                    except NotFound:
                        pass
                    ui.notify("Draft deleted", type="positive")
                    await listing.refresh()

                with ui.row():
                    ui.button("Delete draft", on_click=delete, color="negative")
                    ui.button("Keep draft", on_click=dialog.close).props("flat")
            ui.button("Delete", on_click=dialog.open).props("flat color=negative")

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Drafts").classes("text-h5").props("role=heading aria-level=1")
                ui.button("New message", on_click=lambda: ui.navigate.to("/compose"), icon="edit")
            await listing()

    @ui.page("/folder/{folder_id}", response_timeout=PAGE_BUILD_SECONDS)
    async def custom_folder(folder_id: str) -> None:
        token = session_token()
        state = await system.sessions.current(token)
        title = "Folder"
        if state is not None:
            names = {f.id: f.name for f in await system.folders.list_folders(state.actor)}
            title = names.get(folder_id, "Folder")
        await folder_page(folder_id, f"/folder/{folder_id}", title=title)
