"""A conversation's reply form, made the first time Reply is pressed.

Most visits to a conversation read it and leave: the form (message field, file picker, quick replies for staff,
Send) is about a dozen elements that would otherwise be held in memory for as long as the page is open, and be
made on every page load. Until Reply is pressed the page holds one empty column where the form will go.
"""

from __future__ import annotations

import asyncio
import secrets

from nicegui import background_tasks, ui

from sm_app.components.field_errors import clear_errors, length_limit, show_field_error
from sm_app.components.frame import PageContext
from sm_app.components.library.articles import ArticlePicker
from sm_app.components.messaging.attachment_picker import AttachmentPicker
from sm_app.components.messaging.urgent_check import UrgentCheckDialog
from sm_app.components.notices import not_sent, reply_target
from sm_app.messaging.threads import BODY_MAX, UrgentCheck
from sm_app.shared.errors import NotFound, Unavailable, ValidationError


class ReplyBox:
    def __init__(self, ctx: PageContext, thread_id: str) -> None:
        self._ctx = ctx
        self._thread_id = thread_id
        self._place = ui.column().classes("w-full reply-box")
        self._place.set_visibility(False)
        self._body: ui.textarea | None = None
        self._picker: AttachmentPicker | None = None
        self._articles: ArticlePicker | None = None  # staff: library articles to send with the reply
        self._send_button: ui.button | None = None
        # One per page, reused for every check, and made at the first check: most replies never need it. Only
        # patients' replies are checked for urgent words, so a staff page never makes one.
        self._urgent_dialog: UrgentCheckDialog | None = None
        # The form's send key (one reply, however often Send is pressed); drawn again after a reply is sent.
        self._key = secrets.token_urlsafe(16)
        self._sending = asyncio.Lock()  # held while a send is under way (see `settled`)

    def open(self) -> None:
        if self._body is None:
            with self._place:
                self._build()
        self._place.set_visibility(True)
        self._body.run_method("focus")

    def open_with(self, text: str) -> None:
        """Open the form with a reply typed earlier and not sent (the Worklist keeps it while a nurse looks away)."""
        self.open()
        self._body.set_value(text)

    @property
    def typed(self) -> str:
        """What is in the message field now, sent or not."""
        return (self._body.value or "") if self._body is not None else ""

    def hide(self) -> None:
        self._place.set_visibility(False)

    def _build(self) -> None:
        system, actor = self._ctx.system, self._ctx.actor
        if actor.is_staff:
            replies: dict[str, str] = {}

            def insert(sender, text: str) -> None:
                current = (self._body.value or "").rstrip()
                self._body.set_value((current + "\n\n" if current else "") + text)
                sender.set_value(None)
                self._body.run_method("focus")

            async def insert_with_reply_target(sender, text: str) -> None:
                days = await system.clinic_settings.reply_target_business_days()
                insert(sender, text.replace("{reply_target}", reply_target(days)))

            def insert_quick_reply(e):
                # Inserted, not sent: the staff member reads and edits it first. A promised reply time is the
                # clinic's current setting, read only when such a reply is inserted (NiceGUI awaits the result).
                if e.value:
                    text = replies[e.value]
                    if "{reply_target}" in text:
                        return insert_with_reply_target(e.sender, text)
                    insert(e.sender, text)
                return None

            choose = ui.select([], label="Quick reply", on_change=insert_quick_reply).classes("w-72")

            async def fill_quick_replies() -> None:
                # The clinic's current quick replies (the admin edits them), read when the form is made rather than
                # on every page load; the form is usable at once and the list fills a moment later.
                try:
                    replies.update({q.name: q.text for q in await system.quick_replies.in_use(actor)})
                except Unavailable:
                    return
                if not choose.is_deleted:  # the form may be gone (a conversation in the Worklist closed meanwhile)
                    choose.set_options(list(replies))

            background_tasks.create(fill_quick_replies(), name="quick replies")
        self._body = length_limit(ui.textarea("Message").props("autogrow"), "Message", BODY_MAX).classes("w-full")
        self._picker = AttachmentPicker()
        if actor.is_staff:
            self._articles = ArticlePicker(lambda query: system.library.search(actor, query))
        self._send_button = ui.button("Send", on_click=self._send_once, icon="send")

    async def _urgent_check(self) -> UrgentCheckDialog:
        if self._urgent_dialog is None:
            notice = await self._ctx.system.clinic_settings.emergency_notice()
            with self._place:
                self._urgent_dialog = UrgentCheckDialog(notice)
        return self._urgent_dialog

    async def settled(self) -> None:
        """Wait until no send of this form is under way: then the form says how it ended (emptied when sent, the
        text still there when not), so whoever takes the form away keeps exactly what was not sent."""
        async with self._sending:
            pass

    async def _send_once(self) -> None:
        # A double click must not send the reply twice: the button is off until this send is done.
        if self._send_button.enabled:
            self._send_button.disable()
            try:
                async with self._sending:
                    await self._send()
            finally:
                self._send_button.enable()

    async def _send(self, urgent_acknowledged: bool = False) -> None:
        ctx, body, key = self._ctx, self._body, self._key
        clear_errors({"Message": body})
        try:
            current = await ctx.still_signed_in()  # a write too: it may meet a busy store
            if current is None:
                return
            await ctx.system.messaging.reply(current, self._thread_id, body.value or "",
                                             urgent_acknowledged=urgent_acknowledged, files=self._picker.files,
                                             send_key=key, articles=self._articles.ids if self._articles else ())
        except ValidationError as exc:
            show_field_error({"Message": body}, exc)
            return
        except UrgentCheck as check:
            if not ctx.actor.is_patient:  # the service checks patients only; never expected for staff
                raise
            try:
                dialog = await self._urgent_check()
            except Unavailable:
                not_sent()
                return
            dialog.ask(check, lambda: self._send(urgent_acknowledged=True))
            return
        except NotFound:
            ui.notify("This conversation is no longer available.", type="negative")
            return
        except Unavailable:
            not_sent()
            return
        self._key = secrets.token_urlsafe(16)
        body.set_value("")
        self._picker.clear()
        if self._articles is not None:
            self._articles.clear()
        self.hide()
        ui.notify("Reply sent", type="positive")
