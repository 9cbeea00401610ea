"""Bringing a FHIR Bundle into the patient's record: choose the file, review what would be added (by section, and
what is left out and why), then confirm. Nothing is saved before the confirmation; a file that cannot be read gets a
clear error and changes nothing. The review lives in this page only (never in app.storage)."""

from __future__ import annotations

from nicegui import events, ui

from sm_app.components.frame import PageContext
from sm_app.components.uploader import Uploader
from sm_app.health_record.fhir import IMPORT_MAX_BYTES, ImportPlan
from sm_app.health_record.sections import SECTIONS
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

TOO_LARGE = f"The file is too large: a FHIR file can be at most {IMPORT_MAX_BYTES // (1024 * 1024)} MB."
SHOWN_PER_SECTION = 200
# The rejected event carries File objects, which do not serialize: send the server only the reasons.
REJECTED_JS = "(entries) => emit(entries.map((entry) => entry.failedPropValidation))"


class RecordImport:
    def __init__(self, ctx: PageContext):
        self._ctx = ctx
        self._plan: ImportPlan | None = None
        with ui.column().classes("w-full gap-3 record-import"):
            ui.label("Bring in a FHIR file (a Bundle in JSON, FHIR R4) that another clinic or app gave you. You will "
                     f"see what it adds before anything is saved. A file can be at most "
                     f"{IMPORT_MAX_BYTES // (1024 * 1024)} MB.").classes("text-grey-8")
            self._upload = Uploader(max_file_size=IMPORT_MAX_BYTES, on_upload=self._received,
                                    label="Choose a FHIR file (.json)").props('accept=".json,application/json"')
            self._upload.classes("w-full max-w-md")
            self._upload.on("rejected", self._rejected, js_handler=REJECTED_JS)
            with self._upload.add_slot("header"), ui.row().classes("items-center no-wrap q-pa-xs w-full"):
                # One named button in place of QUploader's header (as in the attachment picker, for screen readers).
                with ui.button(icon="upload_file").props("flat no-caps color=white align=left").classes(
                        "col choose-fhir-file") as pick:
                    ui.label("Choose a FHIR file (.json)").classes("q-uploader__title q-ml-sm")
                pick.on("click", js_handler=f"() => getElement({self._upload.id}).$refs.qRef.pickFiles()")
                with ui.element("div").classes("hidden"):
                    ui.element("q-uploader-add-trigger")
            self._error = ui.label("").classes("text-negative import-error").props('role=alert aria-live="assertive"')
            self._review = ui.column().classes("w-full gap-2 import-review")

    def _rejected(self, e: events.GenericEventArguments) -> None:
        reasons = e.args if isinstance(e.args, list) else []
        self._fail(TOO_LARGE if "max-file-size" in reasons else "This file could not be read. Choose a .json file.")

    def _fail(self, message: str) -> None:
        self._error.set_text(message)
        ui.notify(message, type="negative")

    async def _received(self, e: events.UploadEventArguments) -> None:
        ctx = self._ctx
        self._upload.reset()
        if await ctx.still_signed_in() is None:
            return
        data = await e.file.read()
        try:
            plan = await ctx.system.record_transfer.review_import(ctx.actor, ctx.actor.user_id, data)
        except ValidationError as exc:
            self._plan = None
            self._review.clear()
            self._fail(exc.message)
            return
        self._error.set_text("")
        self._plan = plan
        self._show(plan)

    def _show(self, plan: ImportPlan) -> None:
        self._review.clear()
        count = len(plan.entries)
        with self._review:
            ui.label("Review what will be added").classes("text-h6").props("role=heading aria-level=2")
            ui.label(f"{count} {'entry' if count == 1 else 'entries'} will be added to your health record. Nothing "
                     "is saved until you press Add.").classes("import-count")
            for key, entries in plan.by_section().items():
                ui.label(f"{SECTIONS[key].label} ({len(entries)})").classes("text-subtitle1 text-bold").props(
                    "role=heading aria-level=3")
                with ui.column().classes("gap-0 q-ml-md"):
                    for entry in entries[:SHOWN_PER_SECTION]:
                        ui.label(entry.summary + ("" if entry.active else " (inactive)")).classes("import-entry")
                    if len(entries) > SHOWN_PER_SECTION:
                        ui.label(f"and {len(entries) - SHOWN_PER_SECTION} more").classes("text-caption")
            if plan.left_out:
                ui.label("Not imported").classes("text-subtitle1 text-bold").props("role=heading aria-level=3")
                with ui.column().classes("gap-0 q-ml-md"):
                    for line in plan.left_out:
                        ui.label(line).classes("import-left-out")
            with ui.row().classes("gap-2"):
                ui.button(f"Add {count} {'entry' if count == 1 else 'entries'} to my record", icon="check",
                          on_click=self._confirm).classes("confirm-import")
                ui.button("Cancel", on_click=self._cancel).props("flat")

    def _cancel(self) -> None:
        self._plan = None
        self._review.clear()
        with self._review:
            ui.label("Nothing was added. You can choose another file.")

    async def _confirm(self) -> None:
        ctx, plan = self._ctx, self._plan
        if plan is None or await ctx.still_signed_in() is None:
            return
        try:
            added = await ctx.system.record_transfer.confirm_import(ctx.actor, ctx.actor.user_id, plan)
        except (ValidationError, NotAllowed, NotFound) as exc:
            self._fail(str(exc))
            return
        self._plan = None
        self._review.clear()
        with self._review:
            ui.label(f"Added {added} {'entry' if added == 1 else 'entries'} to your health record.").classes(
                "import-done")
            ui.link("Open your health record", "/health-record")
