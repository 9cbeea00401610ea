"""A conversation as it is drawn: its messages, the reply form, moving it, and (staff) the care team's panel under it.

Built into whatever is being built: the conversation page (pages/messaging/conversation.py), or the Worklist, where a
nurse opens a conversation without leaving the page.
"""

from __future__ import annotations

from nicegui import context, ui

from sm_app.components.care_team.triage_panel import triage_panel
from sm_app.components.field_errors import show_field_error
from sm_app.components.formatting import clinic_time, short_time
from sm_app.components.frame import PageContext
from sm_app.components.health_record.staff_record import staff_record_part
from sm_app.components.library.articles import sent_card as article_card
from sm_app.components.library.articles import show_read
from sm_app.components.live import follow, page_gone
from sm_app.components.messaging.message_card import MessageCard
from sm_app.components.messaging.reply_box import ReplyBox
from sm_app.components.messaging.urgent_check import urgent_thread_notice
from sm_app.messaging.mailbox import ThreadView
from sm_app.shared.errors import NotFound, ValidationError


async def conversation_view(ctx: PageContext, first: ThreadView, *, just_sent: bool = False) -> ReplyBox:
    """Draw the conversation `first` (as opened by `mailbox.open_thread`) into what is being built, following it
    live; returns its reply form."""
    system, actor = ctx.system, ctx.actor
    tz = system.settings.timezone
    thread_id = first.id
    own_side = "team" if actor.is_staff else "patient"
    controls: dict = {}

    async def move(destination: str, done: str) -> None:
        if await ctx.still_signed_in() is None:
            return
        try:
            await system.folders.move_thread(actor, thread_id, destination)
        except (NotFound, ValidationError) as exc:
            ui.notify(str(exc), type="negative")
            return
        # No refresh here: move_thread publishes a change to this person, and the page refreshes from that
        # (refreshing here too would draw the conversation twice).
        ui.notify(done, type="positive")

    # The page draws the conversation once and then changes only what changed: a new message is appended, a read
    # receipt changes its words, the heading and actions are redrawn only when the thread's state differs from
    # what is shown. A push therefore reads only the messages that came after the last one shown.
    shown: dict = {"last_id": None, "state": None, "blocked": None, "receipt": None}
    # Library articles sent in this conversation, by message; staff keep each card's read label (send id -> label).
    article_cards: dict = {"by_message": await system.library_sends.in_thread(actor, thread_id), "read": {}}

    async def refresh_articles() -> None:
        article_cards["by_message"] = await system.library_sends.in_thread(actor, thread_id)
        for cards in article_cards["by_message"].values():
            for c in cards:
                if c.send_id in article_cards["read"]:
                    show_read(article_cards["read"][c.send_id], c, tz)

    @ui.refreshable
    async def heading(thread: ThreadView) -> None:
        # tabindex -1: focusable by the page (a conversation opened inside the Worklist moves the focus here), not
        # a stop of Tab.
        ui.label(thread.subject).classes("text-h5").props('role=heading aria-level=1 tabindex=-1')
        other = thread.patient_name if actor.is_staff else thread.team_name
        ui.label(f"{other} · {thread.category}").classes("text-grey-8")
        if thread.urgent and actor.is_staff:
            with ui.card().classes("w-full bg-red-1").props("flat role=alert"):
                ui.label(f"Urgent, flagged from the patient's words — {thread.urgent_evidence}").classes(
                    "text-red-10 text-bold urgent-flag")
        if thread.safety_notice_language:  # the patient sent a message that sounded like an emergency
            urgent_thread_notice(thread.safety_notice_language)
        await _thread_actions(ctx, thread, move)

    def receipt_words(thread: ThreadView) -> tuple[str, str]:
        if thread.own_latest_read:
            # Who and when: a patient reads "your care team", staff read who on the patient's side opened it.
            who = (thread.own_latest_read_by or "the patient") if actor.is_staff else "your care team"
            read_at = thread.own_latest_read_at
            when = f" · {short_time(read_at, tz, system.clock.now())}" if read_at else ""
            return f"Read by {who}{when}", "text-caption text-green-10 read-receipt"
        return "Not read yet", "text-caption text-grey-8 read-receipt"

    def append(messages) -> None:
        with message_list:
            for m in messages:
                mine = m.from_side == own_side
                # Plain text, never HTML: the body is the card's text, the caption one of its props.
                card = MessageCard(f"{m.sender_name} · {clinic_time(m.sent_at, tz)}", m.body, mine=mine)
                if m.fields:
                    with card.answers:
                        # Template answers as a table; fixed column keys, values shown as text.
                        ui.table(columns=[{"name": "field", "label": "Field", "field": "field", "align": "left"},
                                          {"name": "answer", "label": "Answer", "field": "answer", "align": "left"}],
                                 rows=[{"field": label, "answer": value} for label, value in m.fields],
                                 row_key="field").props("flat dense hide-bottom").classes("w-full template-answers")
                cards = article_cards["by_message"].get(m.id, ())
                if m.attachments or cards:
                    with card.extras:
                        for a in m.attachments:
                            with ui.row().classes("items-center gap-1 attachment"):
                                ui.icon("attach_file")
                                # A real download link: the server checks access again and sends it as an attachment.
                                ui.link(f"{a.name} ({max(1, a.size // 1024)} KB)", f"/attachment/{a.id}")
                        for c in cards:
                            label = article_card(c, patient=actor.is_patient, tz=tz)
                            if label is not None:
                                article_cards["read"][c.send_id] = label
                if mine:
                    # The receipt sits under this side's latest message only.
                    if shown["receipt"] is not None:
                        shown["receipt"].delete()
                    with card.extras:
                        shown["receipt"] = ui.label("")
                shown["last_id"] = m.id

    def show_receipt(thread: ThreadView) -> None:
        if shown["receipt"] is not None:
            text, classes = receipt_words(thread)
            shown["receipt"].set_text(text)
            shown["receipt"].classes(replace=classes)

    @ui.refreshable
    def reply_blocked(thread: ThreadView) -> None:
        if not thread.can_reply:
            with ui.card().classes("w-full bg-orange-1").props("flat role=alert"):
                ui.label(thread.reply_blocked_reason).classes("reply-blocked")
                if thread.offer_new_message:
                    ui.button("Start a new message", icon="edit",
                              on_click=lambda: ui.navigate.to(f"/compose?from_thread={thread_id}"))

    def state_of(thread: ThreadView) -> tuple:
        # What the heading and actions show besides the messages. Of the status only whether it is completed (staff
        # then get the documentation note): the first reply moves a new conversation on, which changes nothing here.
        return (thread.subject, actor.is_staff and thread.status == "completed", thread.closed, thread.in_trash,
                thread.folder_id, thread.urgent, thread.urgent_evidence, thread.safety_notice_language)

    async def show(thread: ThreadView) -> None:
        """Bring the page up to `thread`, changing only what differs from what is shown."""
        if state_of(thread) != shown["state"]:
            shown["state"] = state_of(thread)
            await heading.refresh(thread)
        append(thread.messages)
        show_receipt(thread)
        blocked = (thread.can_reply, thread.reply_blocked_reason, thread.offer_new_message)
        if blocked != shown["blocked"]:
            shown["blocked"] = blocked
            reply_blocked.refresh(thread)
        # The reply controls live outside the redrawn parts (so typed text survives); show them only when a reply
        # is possible.
        if "reply_button" in controls:
            controls["reply_button"].set_visibility(thread.can_reply)
            if not thread.can_reply:
                controls["reply_box"].hide()
        controls["can_reply"] = thread.can_reply

    with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
        if just_sent:
            with ui.card().classes("w-full bg-green-1").props('flat role=status aria-live="polite" tabindex=-1') \
                    as sent_card:
                ui.label("Message sent").classes("text-green-10 text-bold sent-confirmation")
            # A new page after Send: the focus starts on its confirmation, so a screen reader says it first (once: the
            # page connects again after a dropped connection).
            focused: list[bool] = []

            def focus_confirmation() -> None:
                if not focused:
                    focused.append(True)
                    ui.run_javascript(f"getHtmlElement({sent_card.id})?.focus()")

            context.client.on_connect(focus_confirmation)
        shown["state"] = state_of(first)
        await heading(first)
        # A log: messages appended while the page is open are announced, politely, by screen readers.
        message_list = ui.column().classes("w-full gap-3 messages").props('role=log aria-label="Messages"')
        shown["blocked"] = (first.can_reply, first.reply_blocked_reason, first.offer_new_message)
        append(first.messages)
        show_receipt(first)
        reply_blocked(first)
        controls["can_reply"] = first.can_reply
        reply_box = ReplyBox(ctx, thread_id)
        reply_button = ui.button("Reply", on_click=reply_box.open, icon="reply")
        reply_button.set_visibility(controls.get("can_reply", True))
        controls.update(reply_button=reply_button, reply_box=reply_box)
        if actor.is_staff:
            await triage_panel(ctx, thread_id)
            await staff_record_part(ctx, first.patient_id)

    page = context.client

    async def on_change(event) -> None:
        # Showing new messages marks them read. Only do that while someone is looking: a page the person just
        # left lingers a few seconds (NiceGUI's reconnect window) and must not read for them.
        if event.thread_id != thread_id or not page.has_socket_connection:
            return
        if event.kind == "read" and event.side == own_side:
            return  # this side read (here or in another tab): the receipts on this page concern the other side
        if event.kind == "article":  # the patient opened an article sent here: its card says "Read"
            await refresh_articles()
            return
        try:
            thread = await system.mailbox.view_thread(actor, thread_id, after=shown["last_id"])
            if any(m.from_side == "team" for m in thread.messages):  # only the care team's messages carry articles
                article_cards["by_message"] = await system.library_sends.in_thread(actor, thread_id)
            if page_gone():
                return
        except NotFound:
            message_list.clear()
            with message_list:
                ui.label("This conversation is no longer available.")
            return
        await show(thread)
        if thread.unseen:
            await system.mailbox.mark_read(actor, thread_id)

    follow(ctx, on_change)
    return reply_box


async def _thread_actions(ctx: PageContext, thread: ThreadView, move) -> None:
    """Move to a folder or Trash, print, and (staff) close or reopen."""
    system, actor = ctx.system, ctx.actor
    folders = await system.folders.list_folders(actor)
    with ui.row().classes("items-center gap-2 no-print thread-actions") as actions:
        options = {"inbox": "Inbox", **{f.id: f.name for f in folders}}
        current = thread.folder_id if thread.folder_id in options else "inbox"
        ui.select(options, label="Move to", value=current,
                  on_change=lambda e: move(e.value, f"Moved to {options[e.value]}")).classes("w-48")
        if thread.in_trash:
            ui.button("Restore", icon="restore_from_trash", on_click=lambda: move("restore", "Restored"))
        else:
            ui.button("Move to Trash", icon="delete", on_click=lambda: move("trash", "Moved to Trash")).props("flat")
        ui.link("Print", f"/thread/{thread.id}/print", new_tab=True)
        if actor.is_staff and thread.status == "completed":
            # A plain download link: the server checks access and the status again, and audits the export.
            ui.link("Export documentation note (PDF)", f"/thread/{thread.id}/documentation-note.pdf")
        if actor.is_staff:
            if thread.closed:
                async def reopen() -> None:
                    if await ctx.still_signed_in() is None:
                        return
                    await system.messaging.reopen_thread(actor, thread.id)
                    ui.notify("Conversation reopened", type="positive")

                ui.button("Reopen conversation", on_click=reopen).props("flat")
            else:
                close_dialog: list[ui.dialog] = []

                def ask_to_close() -> None:
                    # Made when asked for: most visits never close the conversation.
                    if not close_dialog:
                        with actions, ui.dialog() as dialog, ui.card().classes("w-96"):
                            _close_form(ctx, thread.id, dialog)
                        close_dialog.append(dialog)
                    close_dialog[0].open()

                ui.button("Close conversation", on_click=ask_to_close).props("flat")


def _close_form(ctx: PageContext, thread_id: str, dialog: ui.dialog) -> None:
    system, actor = ctx.system, ctx.actor
    ui.label("Close this conversation?").classes("text-h6")
    ui.label("The patient will no longer be able to reply and will see your reason.")
    reason = ui.input("Reason").props("counter maxlength=200").classes("w-full")

    async def confirm_close() -> None:
        if await ctx.still_signed_in() is None:
            return
        try:
            await system.messaging.close_thread(actor, thread_id, reason.value or "")
        except ValidationError as exc:
            show_field_error({"Reason": reason}, exc)
            return
        dialog.close()
        ui.notify("Conversation closed", type="positive")

    with ui.row():
        ui.button("Confirm close", on_click=confirm_close)
        ui.button("Cancel", on_click=dialog.close).props("flat")
