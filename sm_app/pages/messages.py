"""Inbox, Sent, Worklist, New message and the conversation view."""

from __future__ import annotations

from nicegui import context, ui

from ..bootstrap import System
from ..components.formatting import clinic_time
from ..components.frame import PageContext, open_page
from ..components.live import follow
from ..components.notices import emergency_notice, reply_target_notice
from ..components.thread_list import thread_list
from ..services.errors import NotAllowed, NotFound, ValidationError
from ..services.messaging import BODY_MAX, CATEGORIES, SUBJECT_MAX, ThreadView

FOLDER_TITLES = {"inbox": "Inbox", "sent": "Sent", "worklist": "Worklist"}
EMPTY = {
    "inbox": "No messages yet.",
    "sent": "You have not sent any messages.",
    "worklist": "No conversations for your care teams.",
}


def _show_field_error(fields: dict, exc: ValidationError) -> None:
    """Name the field, mark it, and move focus there; what was typed stays."""
    ui.notify(exc.message, type="negative")
    element = fields.get(exc.field)
    if element is not None:
        element.props(f'error error-message="{exc.message}"')
        element.run_method("focus")


def _clear_errors(fields: dict) -> None:
    for element in fields.values():
        element.props(remove="error error-message")


def register(system: System) -> None:
    tz = system.settings.timezone

    async def folder_page(folder: str) -> None:
        ctx = await open_page(system, f"/{folder}", title=FOLDER_TITLES[folder])
        if ctx is None:
            return
        actor = ctx.actor
        if folder == "worklist" and not actor.is_staff:
            ui.navigate.to("/inbox")
            return

        @ui.refreshable
        async def threads() -> None:
            items = await system.messaging.list_threads(actor, folder)
            thread_list(items, staff_view=actor.is_staff, tz=tz, empty_text=EMPTY[folder])

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(FOLDER_TITLES[folder]).classes("text-h5").props('role=heading aria-level=1')
                if actor.is_patient:
                    ui.button("New message", on_click=lambda: ui.navigate.to("/compose"), icon="edit")
            await threads()

        async def on_change(_event) -> None:
            await threads.refresh()

        follow(system.bus, actor.user_id, on_change)

    @ui.page("/inbox")
    async def inbox() -> None:
        await folder_page("inbox")

    @ui.page("/sent")
    async def sent() -> None:
        await folder_page("sent")

    @ui.page("/worklist")
    async def worklist() -> None:
        await folder_page("worklist")

    @ui.page("/compose")
    async def compose() -> None:
        ctx = await open_page(system, "/compose", title="New message")
        if ctx is None:
            return
        if not ctx.actor.is_patient:
            ui.navigate.to("/worklist")
            return
        teams = await system.messaging.teams_for_compose(ctx.actor)
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.label("New message").classes("text-h5").props('role=heading aria-level=1')
            emergency_notice()
            reply_target_notice(system.settings.reply_target_business_days)
            if not teams:
                with ui.card().classes("bg-orange-1").props("flat role=alert"):
                    ui.label(
                        "You cannot send messages yet: you are not connected to a care team you can write to. "
                        "Please call your clinic."
                    )
                return
            to = ui.select({t.id: t.name for t in teams}, label="To",
                           value=teams[0].id if len(teams) == 1 else None).classes("w-full")
            category = ui.select(list(CATEGORIES), label="Category").classes("w-full")
            subject = ui.input("Subject").props(f"counter maxlength={SUBJECT_MAX}").classes("w-full")
            body = ui.textarea("Message").props(f"counter maxlength={BODY_MAX} autogrow").classes("w-full")
            fields = {"To": to, "Category": category, "Subject": subject, "Message": body}

            async def send() -> None:
                _clear_errors(fields)
                actor = await ctx.still_signed_in()
                if actor is None:
                    return
                send_button.disable()
                try:
                    result = await system.messaging.start_thread(
                        actor, team_id=to.value or "", category=category.value or "",
                        subject=subject.value or "", body=body.value or "",
                    )
                except ValidationError as exc:
                    _show_field_error(fields, exc)
                    return
                finally:
                    send_button.enable()
                # The confirmation lives on the page the person lands on; a toast would vanish with this page.
                ui.navigate.to(f"/thread/{result.thread_id}?sent=1")

            send_button = ui.button("Send", on_click=send, icon="send")

    @ui.page("/thread/{thread_id}")
    async def thread_page(thread_id: str, sent: str = "") -> None:
        ctx = await open_page(system, f"/thread/{thread_id}", title="Conversation")
        if ctx is None:
            return
        try:
            first = await system.messaging.open_thread(ctx.actor, thread_id)
        except (NotFound, NotAllowed):
            # The same page whether the thread does not exist or belongs to someone else.
            with ui.column().classes("q-pa-md"):
                ui.label("Conversation not found").classes("text-h5")
                ui.label("It may have been removed, or the link is not right.")
                ui.link("Back", "/")
            return
        await _conversation(ctx, first, just_sent=sent == "1")


async def _conversation(ctx: PageContext, first: ThreadView, *, just_sent: bool = False) -> None:
    system, actor = ctx.system, ctx.actor
    tz = system.settings.timezone
    thread_id = first.id
    preloaded = [first]

    @ui.refreshable
    async def view() -> None:
        if preloaded:
            thread = preloaded.pop()
        else:
            try:
                thread = await system.messaging.open_thread(actor, thread_id)
            except NotFound:
                ui.label("This conversation is no longer available.")
                return
        ui.label(thread.subject).classes("text-h5").props('role=heading aria-level=1')
        other = thread.patient_name if actor.is_staff else thread.team_name
        ui.label(f"{other} · {thread.category}").classes("text-grey-8")
        last_own = max((i for i, m in enumerate(thread.messages) if m.from_side == own_side), default=None)
        for i, m in enumerate(thread.messages):
            mine = m.from_side == own_side
            with ui.card().classes("w-full message " + ("bg-teal-1" if mine else "bg-grey-2")).props("flat bordered"):
                ui.label(f"{m.sender_name} · {clinic_time(m.sent_at, tz)}").classes("text-caption")
                # Plain text, never HTML: message text is shown as text.
                ui.label(m.body).classes("message-body").style("white-space: pre-wrap")
                if i == last_own:
                    if m.read_at:
                        ui.label("Read by patient" if actor.is_staff else "Read by your care team").classes(
                            "text-caption text-green-9 read-receipt")
                    else:
                        ui.label("Not read yet").classes("text-caption text-grey-7 read-receipt")
        if not thread.can_reply:
            with ui.card().classes("bg-orange-1").props("flat role=alert"):
                ui.label(thread.reply_blocked_reason)

    own_side = "team" if actor.is_staff else "patient"
    with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
        if just_sent:
            with ui.card().classes("w-full bg-green-1").props('flat role=status aria-live="polite"'):
                ui.label("Message sent").classes("text-green-10 text-bold sent-confirmation")
        await view()
        with ui.column().classes("w-full") as reply_box:
            reply_body = ui.textarea("Message").props(f"counter maxlength={BODY_MAX} autogrow").classes("w-full")

            async def send_reply() -> None:
                _clear_errors({"Message": reply_body})
                current = await ctx.still_signed_in()
                if current is None:
                    return
                try:
                    await system.messaging.reply(current, thread_id, reply_body.value or "")
                except ValidationError as exc:
                    _show_field_error({"Message": reply_body}, exc)
                    return
                except NotFound:
                    ui.notify("This conversation is no longer available.", type="negative")
                    return
                reply_body.set_value("")
                reply_box.set_visibility(False)
                ui.notify("Reply sent", type="positive")

            ui.button("Send", on_click=send_reply, icon="send")
        reply_box.set_visibility(False)

        def start_reply() -> None:
            reply_box.set_visibility(True)
            reply_body.run_method("focus")

        ui.button("Reply", on_click=start_reply, icon="reply")

    page = context.client

    async def on_change(event) -> None:
        # Re-reading marks the other side's messages read. Only do that while someone is looking: a page
        # the person just left lingers a few seconds (NiceGUI's reconnect window) and must not read for them.
        if event.thread_id == thread_id and page.has_socket_connection:
            await view.refresh()

    follow(system.bus, actor.user_id, on_change)
