"""The "Attach files" control: picks files, checks each at once, says how many more can be added."""

from __future__ import annotations

from nicegui import events, ui

from sm_app.components.uploader import Uploader
from sm_app.messaging.attachments import (
    ALLOWED_TEXT,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    PendingFile,
    check_file,
)
from sm_app.shared.errors import ValidationError

MB = 1024 * 1024
# Why QUploader turned files down before sending them (its `failedPropValidation` values), in the words the
# server's own checks use.
REJECTED = {
    "max-file-size": f"A file is larger than {MAX_FILE_BYTES // MB} MB.",
    "max-total-size": f"Attachments can be at most {MAX_TOTAL_BYTES // MB} MB together.",
    "accept": f"Only {ALLOWED_TEXT} files can be attached.",
}
NOT_ATTACHED = "A file could not be attached."
# The rejected event carries File objects, which do not serialize: send the server only the reasons.
REJECTED_JS = "(entries) => emit(entries.map((entry) => entry.failedPropValidation))"


class AttachmentPicker:
    def __init__(self, files: list[PendingFile] | None = None, on_change=None) -> None:
        self.files: list[PendingFile] = list(files or [])
        self.on_change = on_change
        with ui.column().classes("w-full gap-1 attachment-picker"):
            # The size limits here spare the patient a pointless upload; the server holds its own limit on the
            # upload route (sm_app/upload_limit.py), since a request can be sent without this page.
            self._upload = Uploader(label=self._label(), multiple=True, max_file_size=MAX_FILE_BYTES,
                                    max_total_size=MAX_TOTAL_BYTES, on_upload=self._received)
            self._upload.props('accept=".pdf,.png,.jpg,.jpeg,.gif,.txt,.rtf,.doc,.docx,.xls,.xlsx"').classes("w-full")
            self._upload.on("rejected", self._rejected, js_handler=REJECTED_JS)
            with self._upload.add_slot("header"):
                self._header()
            self._error = ui.label("").classes("text-negative").props('role=alert aria-live="assertive"')
            self._list = ui.column().classes("gap-1")
        if self.files:
            self._render()

    def _header(self) -> None:
        """One named button in place of QUploader's header, which screen readers met as an unlabelled file input
        inside a nameless "add_box" button, with a meaningless "0.0B / 0.00%" beside it.

        The button opens the file chooser in the browser (a chooser opened from the server would be blocked: it needs
        the click itself). The file input stays in the page, out of sight and out of the tab order: it is what the
        button clicks and what receives the chosen files.
        """
        with ui.row().classes("items-center no-wrap q-pa-xs w-full"):
            with ui.button(icon="attach_file").props("flat no-caps color=white align=left").classes(
                    "col attach-files") as pick:
                self._title = ui.label(self._label()).classes("q-uploader__title q-ml-sm")
            pick.on("click", js_handler=f"() => getElement({self._upload.id}).$refs.qRef.pickFiles()")
            with ui.element("div").classes("hidden"):
                ui.element("q-uploader-add-trigger")

    def _label(self) -> str:
        left = MAX_FILES - len(self.files)
        return f"Attach files ({left} of {MAX_FILES} remaining)"

    def _rejected(self, e: events.GenericEventArguments) -> None:
        # The reasons come from the browser: one this page does not know (or a malformed one) gets a general message.
        reasons = e.args if isinstance(e.args, list) else []
        messages = dict.fromkeys(REJECTED.get(str(r), NOT_ATTACHED) for r in reasons)  # each message once, in order
        self._show_error(" ".join(messages) or NOT_ATTACHED)

    def _show_error(self, message: str) -> None:
        self._error.set_text(message)
        ui.notify(message, type="negative")

    async def _received(self, e: events.UploadEventArguments) -> None:
        data = await e.file.read()
        try:
            self.files.append(check_file(e.file.name, data, self.files))
        except ValidationError as exc:
            self._show_error(exc.message)
        else:
            self._error.set_text("")
            self._changed()
        self._upload.reset()
        self._render()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _render(self) -> None:
        self._upload.props["label"] = self._label()
        self._title.set_text(self._label())
        self._list.clear()
        with self._list:
            for f in list(self.files):
                with ui.row().classes("items-center gap-2 attached-file"):
                    ui.icon("attach_file")
                    ui.label(f"{f.name} ({max(1, f.size // 1024)} KB)")
                    remove = ui.button("Remove", on_click=lambda _=None, f=f: self.remove(f)).props("flat dense")
                    remove.props["aria-label"] = f"Remove {f.name}"  # a file name: a value, never props syntax

    def remove(self, f: PendingFile) -> None:
        self.files.remove(f)
        self._changed()
        self._render()

    def clear(self) -> None:
        self.files.clear()
        self._error.set_text("")
        self._render()
