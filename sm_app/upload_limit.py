"""A size limit on NiceGUI's upload route that holds before the request body is read.

Uploads go to `/_nicegui/client/{client_id}/upload/{element_id}` (NiceGUI's own route for each `ui.upload`, or the
one route of components/uploader.py that serves the attachment pickers), with no limit of its own: the route hands
the request to Starlette's form parser, which takes the whole body (spooling it to disk) before the page's handler
can look at the file's size, and the handler then reads the file into memory. Anyone holding a compose page can post
to that route by hand, past the uploader's limits in the browser. So the limit is held here, in front of the route:
by the declared Content-Length at once, and by counting what a body without one actually sends.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sm_app.messaging.attachments import MAX_FILE_BYTES

# QUploader sends one request per file (NiceGUI sets `batch` only for on_multi_upload, which the app does not
# use), so one request is one file plus its multipart framing: boundary lines and a part header whose file name
# a browser may percent-encode to a few hundred bytes.
MULTIPART_ALLOWANCE = 64 * 1024
UPLOAD_REQUEST_LIMIT = MAX_FILE_BYTES + MULTIPART_ALLOWANCE

# NiceGUI's upload route, wherever the app is mounted. Only POST is routed there; other methods are limited too
# because it costs nothing.
UPLOAD_ROUTE = re.compile(r"/_nicegui/client/[^/]+/upload/[^/]+$")

TOO_LARGE = f"Upload too large: a file can be at most {MAX_FILE_BYTES // (1024 * 1024)} MB."
# The client may still be sending when it is refused: closing the connection after the answer stops the server
# from reading (and throwing away) the rest of a body it has already turned down.
CLOSE = {"Connection": "close"}


def _declared_length(scope: Scope) -> int | None:
    lengths = [value for name, value in scope["headers"] if name == b"content-length"]
    if not lengths or not all(v.strip().isdigit() for v in lengths):
        return None  # no length (a chunked body) or a malformed one: what arrives is counted instead
    return max(int(v) for v in lengths)


class UploadSizeLimit:
    """Answers 413 for an upload request whose body is, or turns out to be, larger than `limit` bytes."""

    def __init__(self, app: ASGIApp, *, limit: int = UPLOAD_REQUEST_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not UPLOAD_ROUTE.search(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.limit:
            # Answered from the header alone: nothing of the body has been read (not even "100 Continue" sent).
            # Same shape as the JSON that FastAPI writes for the HTTPException below.
            await JSONResponse({"detail": TOO_LARGE}, status_code=413, headers=CLOSE)(scope, receive, send)
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Raised inside the route's `await request.form()`: Starlette's form parser closes the files it
                    # spooled so far, and the route's exception handling turns this into the 413 answer (the
                    # response has not started, since the route answers only after the whole form is read).
                    raise HTTPException(status_code=413, detail=TOO_LARGE, headers=CLOSE)
            return message

        await self.app(scope, counting_receive, send)
