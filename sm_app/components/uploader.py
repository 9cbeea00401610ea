"""The attachment picker's uploader: NiceGUI's `ui.upload`, served by one route for every page.

NiceGUI registers a FastAPI route of its own for every `ui.upload` it makes (FastAPI analyses the handler's signature
each time, about half a millisecond of CPU) and removes it, searching the app's route list, when the element goes. A
reply box makes one for every conversation a nurse answers, and every open page that has one adds a route to the list.
Here one route of the same shape, `/_nicegui/client/{client_id}/upload/{element_id}`, serves every uploader: it finds
the page and the uploader and, as NiceGUI's own route does, refuses an uploader that is disabled or hidden. The shape
is kept so that upload_limit.py's size limit holds for it as before, and the address stays what only the page knows
(its client id is random).
"""

from __future__ import annotations

from typing import cast

from fastapi import HTTPException, Request
from nicegui import Client, app, ui
from nicegui.elements.upload import Upload
from nicegui.elements.upload_files import create_file_upload
from nicegui.events import Handler, UiEventArguments, UploadEventArguments, handle_event
from starlette.datastructures import UploadFile

ROUTE = "/_nicegui/client/{client_id}/upload/{element_id}"


class Uploader(ui.upload):
    def __init__(self, *, label: str, max_file_size: int, on_upload: Handler[UploadEventArguments],
                 multiple: bool = False, max_total_size: int | None = None) -> None:
        # `Upload.__init__` (nicegui 3.18, pinned) for an auto-uploading uploader, less its route.
        super(Upload, self).__init__(label=label)
        self._props.set_bool("multiple", multiple)
        self._props.set_bool("auto-upload", True)
        self._registered_url = ROUTE.format(client_id=self.client.id, element_id=self.id)
        self._props["url"] = self._registered_url
        self._props.set_optional("max-file-size", max_file_size)
        self._props.set_optional("max-total-size", max_total_size)
        self._begin_upload_handlers = []
        self._upload_handlers = [on_upload]
        self._multi_upload_handlers = []

    def _handle_delete(self) -> None:
        super(Upload, self)._handle_delete()  # there is no route of its own to remove


def register_route() -> None:
    """The one upload route (once: a test process wires the app again for every test). It comes before the routes a
    plain `ui.upload` adds for itself, so it serves those uploaders too, as their own route would."""
    if any(getattr(route, "path", None) == ROUTE for route in app.routes):
        return

    @app.post(ROUTE, include_in_schema=False)
    async def upload(client_id: str, element_id: int, request: Request) -> dict[str, str]:
        client = Client.instances.get(client_id)
        uploader = client.elements.get(element_id) if client is not None else None
        if not isinstance(uploader, Upload):
            raise HTTPException(status_code=404)
        if uploader.is_ignoring_events:
            raise HTTPException(status_code=403, detail="Upload is disabled or hidden")
        for begin_upload_handler in uploader._begin_upload_handlers:  # noqa: SLF001 - as NiceGUI's own route does
            handle_event(begin_upload_handler, UiEventArguments(sender=uploader, client=client))
        async with request.form() as form:
            files = [await create_file_upload(cast(UploadFile, data)) for data in form.values()]
        await uploader.handle_uploads(files)
        return {"upload": "success"}
