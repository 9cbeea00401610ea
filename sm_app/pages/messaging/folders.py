"""Managing one's own folders: create, rename, delete (only when empty)."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_error, mark_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.messaging.folders import NAME_MAX
from sm_app.shared.errors import NotFound, ValidationError


def register(system: System) -> None:
    @ui.page("/folders", response_timeout=PAGE_BUILD_SECONDS)
    async def folders_page() -> None:
        ctx = await open_page(system, "/folders", title="Folders")
        if ctx is None:
            return
        actor = ctx.actor

        async def act(work, done: str, field=None) -> bool:
            if await ctx.still_signed_in() is None:
                return False
            try:
                await work()
            except (ValidationError, NotFound) as exc:
                ui.notify(str(exc), type="negative")
                if field is not None and isinstance(exc, ValidationError):
                    mark_error(field, exc.message)
                    field.run_method("focus")
                return False
            ui.notify(done, type="positive")
            await listing.refresh()
            return True

        @ui.refreshable
        async def listing() -> None:
            folders = await system.folders.list_folders(actor)
            if not folders:
                ui.label("You have no folders yet.").classes("text-grey-7")
                return
            with ui.list().props("bordered separator").classes("w-full"):
                for f in folders:
                    with ui.item():
                        with ui.item_section():
                            ui.link(f.name, f"/folder/{f.id}")
                            ui.label(f"{f.threads} conversation{'s' if f.threads != 1 else ''}").classes(
                                "text-caption")
                        with ui.item_section().props("side"), ui.row():
                            _rename_button(f.id, f.name)
                            _delete_button(f.id, f.name)

        def _rename_button(folder_id: str, name: str) -> None:
            with ui.dialog() as dialog, ui.card().classes("w-96"):
                new_name = ui.input("New folder name", value=name).props(f"counter maxlength={NAME_MAX}")

                async def save() -> None:
                    if await act(lambda: system.folders.rename_folder(actor, folder_id, new_name.value or ""),
                                 "Folder renamed", new_name):
                        dialog.close()

                with ui.row():
                    ui.button("Save", on_click=save)
                    ui.button("Cancel", on_click=dialog.close).props("flat")
            # The name is a value, never props syntax: a quote in it would add attributes (even ones that run script).
            rename = ui.button("Rename", on_click=dialog.open).props("flat")
            rename.props["aria-label"] = f"Rename {name}"

        def _delete_button(folder_id: str, name: str) -> None:
            with ui.dialog() as dialog, ui.card():
                ui.label(f"Delete the folder {name}?")

                async def delete() -> None:
                    dialog.close()
                    await act(lambda: system.folders.delete_folder(actor, folder_id), "Folder deleted")

                with ui.row():
                    ui.button("Delete folder", on_click=delete, color="negative")
                    ui.button("Cancel", on_click=dialog.close).props("flat")
            delete_button = ui.button("Delete", on_click=dialog.open).props("flat color=negative")
            delete_button.props["aria-label"] = f"Delete {name}"

        with ui.column().classes("w-full max-w-2xl mx-auto q-pa-md gap-3"):
            ui.label("Folders").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("items-start gap-2 w-full"):
                name = ui.input("Folder name").props(f"counter maxlength={NAME_MAX}").classes("col")

                async def create() -> None:
                    clear_error(name)
                    if await act(lambda: system.folders.create_folder(actor, name.value or ""), "Folder created",
                                 name):
                        name.set_value("")

                ui.button("Create folder", on_click=create)
            await listing()
