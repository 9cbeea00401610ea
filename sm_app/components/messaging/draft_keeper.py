"""Keeps the compose form as a draft while the person types, and guards against leaving with unsaved text."""

from __future__ import annotations

import contextlib
import time

from nicegui import context, ui

from sm_app.components.field_errors import show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PageContext
from sm_app.components.messaging.attachment_picker import AttachmentPicker
from sm_app.messaging.drafts import DraftChanged
from sm_app.shared.errors import NotFound, Unavailable, ValidationError


class DraftKeeper:
    """Autosaves the compose form as a draft a couple of seconds after typing pauses (well within 10 s),
    and guards against leaving the page with unsaved text.

    Saves carry the draft's version: when another tab saved or sent the draft meanwhile, the page stops autosaving,
    says so, keeps every word on the page and offers to keep them as a new draft. When the session ends, the text
    goes to Drafts before the page goes to sign-in, and the person is told after signing in again."""

    PAUSE_SECONDS = 2.0

    def __init__(self, ctx: PageContext, fields: dict, draft_id: str | None, picker: AttachmentPicker,
                 version: int | None = None):
        self._ctx = ctx
        self._fields = fields
        self._picker = picker
        picker.on_change = self._changed
        self.draft_id = draft_id
        self._version = version
        self._dirty = False
        self._last_change = 0.0
        self._label = None
        for element in fields.values():
            element.on_value_change(self._changed)
        # Shown when this page may no longer save into its draft (another tab saved, sent or deleted it).
        with ui.card().classes("w-full bg-orange-1 draft-conflict").props("flat role=alert") as self._conflict:
            self._conflict_text = ui.label("")
            ui.button("Keep my text as a new draft", icon="save", on_click=self.keep_as_new).props("outline")
        self._conflict.set_visibility(False)
        ctx.before_leaving.append(self._keep_at_sign_out)
        # Installed once the browser is connected (a <script> added after the page was sent would not run). Not a
        # timer: a timer waits for the connection at once, which makes NiceGUI send the page before it is built.
        context.client.on_connect(lambda: ui.run_javascript(_LEAVE_GUARD_JS))
        ui.timer(1.0, self._tick, immediate=False)

    def status_label(self) -> None:
        self._label = ui.label("").classes("text-caption text-grey-8 draft-status").props('aria-live="polite"')

    def _status(self, text: str) -> None:
        if self._label is not None:
            self._label.set_text(text)

    def _changed(self, _event=None) -> None:
        if not self._dirty:
            ui.run_javascript("window.__smUnsaved = true")
        self._dirty = True
        self._last_change = time.monotonic()

    def _has_text(self) -> bool:
        return bool(self._picker.files) or any((self._fields[k].value or "").strip() for k in ("Subject", "Message"))

    @property
    def _blocked(self) -> bool:
        return self._conflict.visible

    async def _tick(self) -> None:
        if self._ctx.left or self._blocked:
            return
        if self._dirty and time.monotonic() - self._last_change >= self.PAUSE_SECONDS:
            await self._save(manual=False)

    async def save_now(self) -> None:
        await self._save(manual=True)

    async def keep_as_new(self) -> None:
        """Save what this page holds as a draft of its own, leaving the other tab's draft as it is."""
        self.draft_id, self._version = None, None
        self._conflict.set_visibility(False)
        await self._save(manual=True)

    def _block(self, text: str) -> None:
        self._conflict_text.set_text(text)
        self._conflict.set_visibility(True)
        self._status("Draft not saved")
        ui.run_javascript("window.__smUnsaved = true")  # the text is only on this page now: ask before leaving

    async def _save(self, *, manual: bool) -> None:
        if not self._has_text() and self.draft_id is None:
            self._dirty = False
            ui.run_javascript("window.__smUnsaved = false")
            return
        actor = await self._ctx.still_signed_in()
        if actor is None:
            return
        self._dirty = False  # set before the await: typing during the save marks it dirty again
        try:
            view = await self._store(actor, at_sign_out=False)
        except ValidationError as exc:
            show_field_error(self._fields, exc)
            return
        except DraftChanged:
            self._block("This draft was changed in another tab or window, so this page did not save over it. "
                        "Everything you typed here is still on this page.")
            return
        except NotFound:
            self._block("This draft was sent or deleted in another tab or window. Everything you typed here is "
                        "still on this page.")
            return
        except Unavailable:
            self._dirty = True  # the next tick tries again; nothing typed is lost meanwhile
            self._status("Draft not saved yet — trying again")
            if manual:
                ui.notify("Draft not saved — your text is kept; try again.", type="negative")
            return
        if not self._dirty:
            ui.run_javascript("window.__smUnsaved = false")
        self._status(f"Draft saved at {clinic_time(view.updated_at, self._ctx.system.settings.timezone)}")
        if manual:
            ui.notify("Draft saved", type="positive")

    async def _store(self, actor, *, at_sign_out: bool):
        f = self._fields
        view = await self._ctx.system.drafts.save(
            actor, self.draft_id, team_id=f["To"].value, category=f["Category"].value,
            subject=f["Subject"].value or "", body=f["Message"].value or "", files=list(self._picker.files),
            version=self._version, at_sign_out=at_sign_out)
        self.draft_id, self._version = view.id, view.version
        return view

    async def _keep_at_sign_out(self) -> None:
        """The session ended with text on this page: keep it in Drafts (a new one if this page's draft was changed,
        sent or deleted elsewhere), so leaving for the sign-in page loses nothing and needs no "Leave site?"."""
        if not self._has_text():
            return
        try:
            await self._store(self._ctx.actor, at_sign_out=True)
        except (DraftChanged, NotFound):
            self.draft_id, self._version = None, None
            await self._store(self._ctx.actor, at_sign_out=True)
        except ValidationError:
            return  # too long for a draft: the leave guard asks before the text is left behind
        self._dirty = False
        # Awaited: a call not awaited is sent a moment later, after the page has been told to go to sign-in, and the
        # browser would still ask "Leave site?".
        with contextlib.suppress(TimeoutError):
            await ui.run_javascript("window.__smUnsaved = false")

    async def discard(self) -> None:
        self._dirty = False
        # Awaited, like at sign-out: the page is left right after this, and the guard must be off first.
        with contextlib.suppress(TimeoutError):
            await ui.run_javascript("window.__smUnsaved = false")
        # A draft another tab has saved over holds that tab's newer text: it stays.
        if self.draft_id and not self._blocked:
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
