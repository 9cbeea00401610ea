"""Keeps the compose form as a draft while the person types, and guards against leaving with unsaved text."""

from __future__ import annotations

import time

from nicegui import context, ui

from sm_app.components.field_errors import show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PageContext
from sm_app.components.messaging.attachment_picker import AttachmentPicker
from sm_app.shared.errors import NotFound, Unavailable, ValidationError


class DraftKeeper:
    """Autosaves the compose form as a draft a couple of seconds after typing pauses (well within 10 s),
    and guards against leaving the page with unsaved text."""

    PAUSE_SECONDS = 2.0

    def __init__(self, ctx: PageContext, fields: dict, draft_id: str | None, picker: AttachmentPicker):
        self._ctx = ctx
        self._fields = fields
        self._picker = picker
        picker.on_change = self._changed
        self.draft_id = draft_id
        self._dirty = False
        self._last_change = 0.0
        self._label = None
        for element in fields.values():
            element.on_value_change(self._changed)
        # Installed once the browser is connected (a <script> added after the page was sent would not run). Not a
        # timer: a timer waits for the connection at once, which makes NiceGUI send the page before it is built.
        context.client.on_connect(lambda: ui.run_javascript(_LEAVE_GUARD_JS))
        ui.timer(1.0, self._tick, immediate=False)

    def status_label(self) -> None:
        self._label = ui.label("").classes("text-caption text-grey-8 draft-status").props('aria-live="polite"')

    def _changed(self, _event=None) -> None:
        if not self._dirty:
            ui.run_javascript("window.__smUnsaved = true")
        self._dirty = True
        self._last_change = time.monotonic()

    def _has_text(self) -> bool:
        return bool(self._picker.files) or any((self._fields[k].value or "").strip() for k in ("Subject", "Message"))

    async def _tick(self) -> None:
        if self._dirty and time.monotonic() - self._last_change >= self.PAUSE_SECONDS:
            await self._save(manual=False)

    async def save_now(self) -> None:
        await self._save(manual=True)

    async def _save(self, *, manual: bool) -> None:
        if not self._has_text() and self.draft_id is None:
            self._dirty = False
            ui.run_javascript("window.__smUnsaved = false")
            return
        actor = await self._ctx.still_signed_in()
        if actor is None:
            return
        f = self._fields
        self._dirty = False  # set before the await: typing during the save marks it dirty again
        try:
            view = await self._ctx.system.drafts.save(
                actor, self.draft_id, team_id=f["To"].value, category=f["Category"].value,
                subject=f["Subject"].value or "", body=f["Message"].value or "", files=list(self._picker.files))
        except ValidationError as exc:
            show_field_error(f, exc)
            return
        except Unavailable:
            self._dirty = True  # the next tick tries again; nothing typed is lost meanwhile
            if self._label is not None:
                self._label.set_text("Draft not saved yet — trying again")
            if manual:
                ui.notify("Draft not saved — your text is kept; try again.", type="negative")
            return
        self.draft_id = view.id
        if not self._dirty:
            ui.run_javascript("window.__smUnsaved = false")
        if self._label is not None:
            self._label.set_text(f"Draft saved at {clinic_time(view.updated_at, self._ctx.system.settings.timezone)}")
        if manual:
            ui.notify("Draft saved", type="positive")

    async def discard(self) -> None:
        ui.run_javascript("window.__smUnsaved = false")
        self._dirty = False
        if self.draft_id:
            try:
                await self._ctx.system.drafts.delete(self._ctx.actor, self.draft_id)
            except NotFound:
                pass


# Ask before leaving a page with text that has not been saved yet (browser's own confirmation). Typing marks
# the page unsaved at once, in the browser, so leaving faster than a round trip to the server is still caught.
_LEAVE_GUARD_JS = """
if (!window.__smLeaveGuard) {
  window.__smLeaveGuard = true;
  document.addEventListener('input', () => { window.__smUnsaved = true; }, true);
  window.addEventListener('beforeunload', (e) => {
    if (window.__smUnsaved) { e.preventDefault(); e.returnValue = ''; }
  });
}
"""
