"""The health record's downloads (PDF, FHIR Bundle) and the page that brings a FHIR Bundle in.

The download routes carry nothing but the patient's id; the service runs the one access rule (the patient, or staff
under a read grant) and audits the export. Anyone else gets the same answer as for a record that does not exist."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import app, ui
from starlette.responses import PlainTextResponse, Response

from sm_app.bootstrap import System
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page, session_token
from sm_app.components.health_record.record_import import RecordImport
from sm_app.shared.errors import NotFound, Unavailable

PDF_PATH = "/patients/{patient_id}/health-record.pdf"
FHIR_PATH = "/patients/{patient_id}/health-record.fhir.json"
BUSY = "The clinic's messaging service is busy right now. Please try again in a moment."


def download_links(patient_id: str) -> None:
    """The two downloads of a record, as links (a download, never a page)."""
    with ui.row().classes("items-center gap-4 record-downloads"):
        ui.link("Download PDF", PDF_PATH.format(patient_id=patient_id))
        ui.link("Download FHIR file (JSON)", FHIR_PATH.format(patient_id=patient_id))


def _as_download(data: bytes, filename: str, media_type: str) -> Response:
    return Response(content=data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


def register(system: System) -> None:
    async def download(patient_id: str, how: str) -> Response:
        try:
            state = await system.sessions.current(session_token(), touch=True)
            if state is None:
                return PlainTextResponse("Not found", status_code=404)
            make = system.record_transfer.pdf if how == "pdf" else system.record_transfer.fhir
            file = await make(state.actor, patient_id)
        except NotFound:
            return PlainTextResponse("Not found", status_code=404)
        except Unavailable:
            return PlainTextResponse(BUSY, status_code=503, headers={"Retry-After": "30"})
        return _as_download(file.data, file.filename, file.media_type)

    @app.get(PDF_PATH)
    async def record_pdf(patient_id: str) -> Response:
        return await download(patient_id, "pdf")

    @app.get(FHIR_PATH)
    async def record_fhir(patient_id: str) -> Response:
        return await download(patient_id, "fhir")

    @ui.page("/health-record/import", response_timeout=PAGE_BUILD_SECONDS)
    async def import_page() -> None:
        ctx = await open_page(system, "/health-record/import", title="Import a health record file")
        if ctx is None:
            return
        if not ctx.actor.is_patient:
            with ui.column().classes("q-pa-md"):
                ui.label("Health record not found").classes("text-h5").props("role=heading aria-level=1")
                ui.label("It may not exist, or the link is not right.")
                ui.link("Back", "/")
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.label("Import a health record file").classes("text-h5").props("role=heading aria-level=1")
            ui.link("Back to your health record", "/health-record")
            RecordImport(ctx)
