"""Inbox, Sent, Worklist, New message and the conversation view."""

from __future__ import annotations

import time

from nicegui import context, ui

from sm_app.bootstrap import System
from sm_app.components.attachment_picker import AttachmentPicker
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PageContext, open_page, session_token
from sm_app.components.live import follow
from sm_app.components.notices import emergency_notice, not_sent, reply_target_notice
from sm_app.components.thread_list import thread_list
from sm_app.components.triage_panel import triage_panel
from sm_app.components.urgent_check import UrgentCheckDialog
from sm_app.messaging.templates import quick_replies
from sm_app.messaging.threads import BODY_MAX, CATEGORIES, PAGE_SIZES, SUBJECT_MAX, ThreadView, UrgentCheck
from sm_app.shared.errors import NotAllowed, NotFound, Unavailable, ValidationError

FOLDER_TITLES = {"inbox": "Inbox", "sent": "Sent", "trash": "Trash"}
EMPTY = {
    "inbox": "No messages yet.",
    "sent": "You have not sent any messages.",
    "trash": "Trash is empty.",
}
SORT_LABELS = {"newest": "Newest first", "oldest": "Oldest first", "team": "Care team", "subject": "Subject"}


def register(system: System) -> None:
    tz = system.settings.timezone

    async def folder_page(folder: str, path: str, title: str | None = None) -> None:
        ctx = await open_page(system, path, title=title or FOLDER_TITLES[folder])
        if ctx is None:
            return
        actor = ctx.actor
        heading = title or FOLDER_TITLES[folder]
        # Paging and sort are this page's own state (never shared between people or tabs).
        view = {"page": 1, "page_size": 10, "sort": "newest"}

        @ui.refreshable
        async def threads() -> None:
            try:
                result = await system.messaging.list_threads(actor, folder, page=view["page"],
                                                             page_size=view["page_size"], sort=view["sort"])
            except NotFound:
                ui.label("Folder not found").classes("text-h6")
                return
            empty = EMPTY.get(folder, "This folder is empty.")
            thread_list(result.items, staff_view=actor.is_staff, tz=tz, empty_text=empty)
            if result.pages > 1:
                with ui.row().classes("items-center gap-2"):
                    ui.pagination(1, result.pages, direction_links=True, value=result.page,
                                  on_change=lambda e: change(page=e.value)).props('aria-label="Pages"')
                    ui.label(f"{result.total} conversations").classes("text-caption")

        async def change(**kwargs) -> None:
            view.update(kwargs)
            await threads.refresh()

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(heading).classes("text-h5").props('role=heading aria-level=1')
                if actor.is_patient:
                    ui.button("New message", on_click=lambda: ui.navigate.to("/compose"), icon="edit")
            with ui.row().classes("items-center gap-4"):
                ui.select(SORT_LABELS, label="Sort by", value="newest",
                          on_change=lambda e: change(sort=e.value, page=1)).classes("w-48")
                ui.select({n: str(n) for n in PAGE_SIZES}, label="Per page", value=10,
                          on_change=lambda e: change(page_size=e.value, page=1)).classes("w-32")
            await threads()

        async def on_change(_event) -> None:
            await threads.refresh()

        follow(ctx, on_change)

    @ui.page("/inbox")
    async def inbox() -> None:
        await folder_page("inbox", "/inbox")

    @ui.page("/sent")
    async def sent() -> None:
        await folder_page("sent", "/sent")

    @ui.page("/trash")
    async def trash() -> None:
        await folder_page("trash", "/trash")

    @ui.page("/drafts")
    async def drafts_page() -> None:
        ctx = await open_page(system, "/drafts", title="Drafts")
        if ctx is None:
            return

        @ui.refreshable
        async def listing() -> None:
            drafts = await system.drafts.list_drafts(ctx.actor)
            if not drafts:
                ui.label("You have no drafts.").classes("text-grey-7 q-pa-md")
                return
            with ui.list().props("bordered separator").classes("w-full"):
                for d in drafts:
                    with ui.item():
                        with ui.item_section():
                            ui.link(d.subject or "(no subject)", f"/compose?draft={d.id}")
                            ui.label(f"{d.team_name or 'No care team chosen'} · saved "
                                     f"{clinic_time(d.updated_at, tz)}").classes("text-caption")
                        with ui.item_section().props("side"):
                            delete_button(d.id)

        def delete_button(draft_id: str) -> None:
            with ui.dialog() as dialog, ui.card():
                ui.label("Delete this draft? This cannot be undone.")

                async def delete() -> None:
                    dialog.close()
                    if await ctx.still_signed_in() is None:
                        return
                    try:
                        await system.drafts.delete(ctx.actor, draft_id)
                    except NotFound:
                        pass
                    ui.notify("Draft deleted", type="positive")
                    await listing.refresh()

                with ui.row():
                    ui.button("Delete draft", on_click=delete, color="negative")
                    ui.button("Keep draft", on_click=dialog.close).props("flat")
            ui.button("Delete", on_click=dialog.open).props("flat color=negative")

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Drafts").classes("text-h5").props("role=heading aria-level=1")
                ui.button("New message", on_click=lambda: ui.navigate.to("/compose"), icon="edit")
            await listing()

    @ui.page("/folder/{folder_id}")
    async def custom_folder(folder_id: str) -> None:
        token = session_token()
        state = await system.sessions.current(token)
        title = "Folder"
        if state is not None:
            names = {f.id: f.name for f in await system.folders.list_folders(state.actor)}
            title = names.get(folder_id, "Folder")
        await folder_page(folder_id, f"/folder/{folder_id}", title=title)

    @ui.page("/compose")
    async def compose(from_thread: str = "", draft: str = "") -> None:
        ctx = await open_page(system, "/compose", title="New message")
        if ctx is None:
            return
        if not ctx.actor.is_patient:
            ui.navigate.to("/worklist")
            return
        offered = await system.contacts.compose_teams(ctx.actor)
        teams = offered.teams
        prefill_team, prefill_subject = None, ""
        if from_thread:
            # "Start a new message" from a conversation that can no longer be replied to. The thread id, not
            # the subject, travels in the URL: subjects are health information and URLs end up in logs.
            try:
                prefill = await system.messaging.new_message_prefill(ctx.actor, from_thread)
                prefill_team, prefill_subject = prefill.team_id, prefill.subject
            except NotFound:
                pass
        saved = None
        if draft:
            try:
                saved = await system.drafts.get(ctx.actor, draft)
                prefill_team, prefill_subject = saved.team_id, saved.subject
            except NotFound:
                ui.notify("That draft was not found.", type="warning")
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.label("New message").classes("text-h5").props('role=heading aria-level=1')
            notice = await system.clinic_settings.emergency_notice()
            emergency_notice(notice)
            reply_target_notice(system.settings.reply_target_business_days)
            if not teams:
                with ui.card().classes("bg-orange-1").props("flat role=alert"):
                    ui.label(offered.alert).classes("no-teams-alert")
                return
            team_ids = {t.team_id for t in teams}
            only = teams[0].team_id if len(teams) == 1 else None
            preselected = prefill_team if prefill_team in team_ids else only
            to = ui.select({t.team_id: t.name for t in teams}, label="To", value=preselected).classes("w-full")
            category = ui.select(list(CATEGORIES), label="Category",
                                 value=saved.category if saved else None).classes("w-full")
            templates = {t.key: t for t in await system.templates.list_templates()}
            answers: dict = {}  # field label -> input element of the chosen template

            @ui.refreshable
            def template_fields(key: str | None) -> None:
                answers.clear()
                chosen = templates.get(key or "")
                if chosen is None:
                    return
                with ui.card().classes("w-full").props("flat bordered"):
                    ui.label(chosen.name).classes("text-subtitle1")
                    for f in chosen.fields:
                        label = f.label if f.required else f"{f.label} (optional)"
                        if f.kind == "choice":
                            element = ui.select(list(f.options), label=label)
                        elif f.kind == "textarea":
                            element = ui.textarea(label).props("autogrow counter maxlength=1000")
                        elif f.kind == "date":
                            element = ui.input(label).props("type=date stack-label")
                        else:
                            element = ui.input(label).props("counter maxlength=1000")
                        if f.hint:
                            element.props["hint"] = f.hint
                        answers[f.label] = element.classes("w-full")

            def choose_template(e) -> None:
                chosen = templates.get(e.value or "")
                if chosen is not None:
                    category.set_value(chosen.category)
                template_fields.refresh(e.value)

            template = ui.select({"": "No template", **{k: t.name for k, t in templates.items()}},
                                 label="Template", value="", on_change=choose_template).classes("w-full")
            template_fields(None)
            subject = ui.input("Subject", value=prefill_subject[:SUBJECT_MAX]).props(
                f"counter maxlength={SUBJECT_MAX}").classes("w-full")
            body = ui.textarea("Message", value=saved.body if saved else "").props(
                f"counter maxlength={BODY_MAX} autogrow").classes("w-full")
            fields = {"To": to, "Category": category, "Subject": subject, "Message": body}
            picker = AttachmentPicker(list(saved.files) if saved else None)
            autosave = DraftKeeper(ctx, fields, saved.id if saved else None, picker)
            urgent_check = UrgentCheckDialog(notice)  # one per page, reused for every check

            async def send(urgent_acknowledged: bool = False) -> None:
                clear_errors(fields)
                send_button.disable()
                try:
                    # Inside the try: checking the session is a write too, and may meet a busy store.
                    actor = await ctx.still_signed_in()
                    if actor is None:
                        return
                    result = await system.messaging.start_thread(
                        actor, team_id=to.value or "", category=category.value or "",
                        subject=subject.value or "", body=body.value or "", urgent_acknowledged=urgent_acknowledged,
                        template_key=template.value or None,
                        answers={label: element.value or "" for label, element in answers.items()},
                        files=picker.files,
                    )
                except ValidationError as exc:
                    show_field_error({**fields, "Template": template, **answers}, exc)
                    return
                except UrgentCheck as check:
                    urgent_check.ask(check, lambda: send(urgent_acknowledged=True))
                    return
                except Unavailable:
                    not_sent()
                    return
                finally:
                    send_button.enable()
                await autosave.discard()  # sent: the draft has done its job
                # The confirmation lives on the page the person lands on; a toast would vanish with this page.
                ui.navigate.to(f"/thread/{result.thread_id}?sent=1")

            with ui.row().classes("items-center gap-2"):
                send_button = ui.button("Send", on_click=lambda: send(), icon="send")
                ui.button("Save draft", on_click=autosave.save_now, icon="save").props("outline")
                autosave.status_label()

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
        except Unavailable:
            with ui.column().classes("q-pa-md"):
                ui.label("This conversation could not be opened just now").classes("text-h5")
                ui.label("The clinic's messaging service is busy. Please try again in a moment.")
                ui.link("Try again", f"/thread/{thread_id}")
            return
        await _conversation(ctx, first, just_sent=sent == "1")


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
        # Installed once the browser is connected (a <script> added after the page was sent would not run).
        ui.timer(0, lambda: ui.run_javascript(_LEAVE_GUARD_JS), once=True)
        ui.timer(1.0, self._tick)

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


async def _conversation(ctx: PageContext, first: ThreadView, *, just_sent: bool = False) -> None:
    system, actor = ctx.system, ctx.actor
    tz = system.settings.timezone
    thread_id = first.id
    preloaded = [first]
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

    @ui.refreshable
    async def view() -> None:
        if preloaded:
            thread = preloaded.pop()
        else:
            try:
                # A redraw reads; it marks read (a write) only when the other side wrote something new.
                thread = await system.messaging.view_thread(actor, thread_id)
                if thread.unseen:
                    await system.messaging.mark_read(actor, thread_id)
            except NotFound:
                ui.label("This conversation is no longer available.")
                return
        ui.label(thread.subject).classes("text-h5").props('role=heading aria-level=1')
        other = thread.patient_name if actor.is_staff else thread.team_name
        ui.label(f"{other} · {thread.category}").classes("text-grey-8")
        if thread.urgent and actor.is_staff:
            with ui.card().classes("w-full bg-red-1").props("flat role=alert"):
                ui.label(f"Urgent, flagged from the patient's words — {thread.urgent_evidence}").classes(
                    "text-red-10 text-bold urgent-flag")
        await _thread_actions(ctx, thread, move)
        last_own = max((i for i, m in enumerate(thread.messages) if m.from_side == own_side), default=None)
        for i, m in enumerate(thread.messages):
            mine = m.from_side == own_side
            with ui.card().classes("w-full message " + ("bg-teal-1" if mine else "bg-grey-2")).props("flat bordered"):
                ui.label(f"{m.sender_name} · {clinic_time(m.sent_at, tz)}").classes("text-caption")
                if m.fields:
                    # Template answers as a table; fixed column keys, values shown as text.
                    ui.table(columns=[{"name": "field", "label": "Field", "field": "field", "align": "left"},
                                      {"name": "answer", "label": "Answer", "field": "answer", "align": "left"}],
                             rows=[{"field": label, "answer": value} for label, value in m.fields],
                             row_key="field").props("flat dense hide-bottom").classes("w-full template-answers")
                # Plain text, never HTML: message text is shown as text.
                if m.body:
                    ui.label(m.body).classes("message-body").style("white-space: pre-wrap")
                for a in m.attachments:
                    with ui.row().classes("items-center gap-1 attachment"):
                        ui.icon("attach_file")
                        # A real download link: the server checks access again and sends it as an attachment.
                        ui.link(f"{a.name} ({max(1, a.size // 1024)} KB)", f"/attachment/{a.id}")
                if i == last_own:
                    if m.read_at:
                        ui.label("Read by patient" if actor.is_staff else "Read by your care team").classes(
                            "text-caption text-green-9 read-receipt")
                    else:
                        ui.label("Not read yet").classes("text-caption text-grey-7 read-receipt")
        if not thread.can_reply:
            with ui.card().classes("w-full bg-orange-1").props("flat role=alert"):
                ui.label(thread.reply_blocked_reason).classes("reply-blocked")
                if thread.offer_new_message:
                    ui.button("Start a new message", icon="edit",
                              on_click=lambda: ui.navigate.to(f"/compose?from_thread={thread_id}"))
        # The reply controls live outside this refreshable (so typed text survives a refresh); show them
        # only when a reply is possible.
        if "reply_button" in controls:
            controls["reply_button"].set_visibility(thread.can_reply)
            if not thread.can_reply:
                controls["reply_box"].set_visibility(False)
        controls["can_reply"] = thread.can_reply

    with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
        if just_sent:
            with ui.card().classes("w-full bg-green-1").props('flat role=status aria-live="polite"'):
                ui.label("Message sent").classes("text-green-10 text-bold sent-confirmation")
        await view()
        with ui.column().classes("w-full") as reply_box:
            if actor.is_staff:
                replies = {q.name: q.text for q in quick_replies()}

                def insert_quick_reply(e) -> None:
                    # Inserted, not sent: the staff member reads and edits it first.
                    if e.value:
                        current = (reply_body.value or "").rstrip()
                        reply_body.set_value((current + "\n\n" if current else "") + replies[e.value])
                        e.sender.set_value(None)
                        reply_body.run_method("focus")

                ui.select(list(replies), label="Quick reply", on_change=insert_quick_reply).classes("w-72")
            reply_body = ui.textarea("Message").props(f"counter maxlength={BODY_MAX} autogrow").classes("w-full")
            reply_picker = AttachmentPicker()
            # one per page, reused for every check
            urgent_check = UrgentCheckDialog(await system.clinic_settings.emergency_notice())

            async def send_reply(urgent_acknowledged: bool = False) -> None:
                clear_errors({"Message": reply_body})
                try:
                    current = await ctx.still_signed_in()  # a write too: it may meet a busy store
                    if current is None:
                        return
                    await system.messaging.reply(current, thread_id, reply_body.value or "",
                                                 urgent_acknowledged=urgent_acknowledged, files=reply_picker.files)
                except ValidationError as exc:
                    show_field_error({"Message": reply_body}, exc)
                    return
                except UrgentCheck as check:
                    urgent_check.ask(check, lambda: send_reply(urgent_acknowledged=True))
                    return
                except NotFound:
                    ui.notify("This conversation is no longer available.", type="negative")
                    return
                except Unavailable:
                    not_sent()
                    return
                reply_body.set_value("")
                reply_picker.clear()
                reply_box.set_visibility(False)
                ui.notify("Reply sent", type="positive")

            async def send_once() -> None:
                # A double click must not send the reply twice: the button is off until this send is done.
                if send_button.enabled:
                    send_button.disable()
                    try:
                        await send_reply()
                    finally:
                        send_button.enable()

            send_button = ui.button("Send", on_click=send_once, icon="send")
        reply_box.set_visibility(False)

        def start_reply() -> None:
            reply_box.set_visibility(True)
            reply_body.run_method("focus")

        reply_button = ui.button("Reply", on_click=start_reply, icon="reply")
        reply_button.set_visibility(controls.get("can_reply", True))
        controls.update(reply_button=reply_button, reply_box=reply_box)
        if actor.is_staff:
            await triage_panel(ctx, thread_id)

    page = context.client

    async def on_change(event) -> None:
        # Re-reading marks the other side's messages read. Only do that while someone is looking: a page
        # the person just left lingers a few seconds (NiceGUI's reconnect window) and must not read for them.
        if event.thread_id == thread_id and page.has_socket_connection:
            await view.refresh()

    follow(ctx, on_change)


async def _thread_actions(ctx: PageContext, thread: ThreadView, move) -> None:
    """Move to a folder or Trash, print, and (staff) close or reopen."""
    system, actor = ctx.system, ctx.actor
    folders = await system.folders.list_folders(actor)
    with ui.row().classes("items-center gap-2 no-print thread-actions"):
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
                with ui.dialog() as dialog, ui.card().classes("w-96"):
                    ui.label("Close this conversation?").classes("text-h6")
                    ui.label("The patient will no longer be able to reply and will see your reason.")
                    reason = ui.input("Reason").props("counter maxlength=200").classes("w-full")

                    async def confirm_close() -> None:
                        if await ctx.still_signed_in() is None:
                            return
                        try:
                            await system.messaging.close_thread(actor, thread.id, reason.value or "")
                        except ValidationError as exc:
                            show_field_error({"Reason": reason}, exc)
                            return
                        dialog.close()
                        ui.notify("Conversation closed", type="positive")

                    with ui.row():
                        ui.button("Confirm close", on_click=confirm_close)
                        ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Close conversation", on_click=dialog.open).props("flat")
