"""New message: the compose form (templates, attachments, the urgent-words question) with its draft kept."""

from __future__ import annotations

import secrets

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, length_limit, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.components.messaging.attachment_picker import AttachmentPicker
from sm_app.components.messaging.draft_keeper import DraftKeeper
from sm_app.components.messaging.urgent_check import UrgentCheckDialog
from sm_app.components.notices import blocked_teams, emergency_notice, not_sent, reply_target_notice
from sm_app.messaging.threads import BODY_MAX, CATEGORIES, SUBJECT_MAX, UrgentCheck
from sm_app.shared.errors import NotFound, Unavailable, ValidationError


def register(system: System) -> None:
    @ui.page("/compose", response_timeout=PAGE_BUILD_SECONDS)
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
            reply_target_notice(await system.clinic_settings.reply_target_business_days())
            if not teams:
                with ui.card().classes("bg-orange-1").props("flat role=alert"):
                    ui.label(offered.alert).classes("no-teams-alert")
                    blocked_teams(offered.blocked)
                return
            if offered.blocked:
                with ui.card().classes("bg-orange-1").props("flat"):
                    blocked_teams(offered.blocked)
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
            # Past the limit the field says so and Send is refused; nothing typed or pasted is ever cut off.
            subject = length_limit(ui.input("Subject", value=prefill_subject), "Subject", SUBJECT_MAX).classes(
                "w-full")
            body = length_limit(ui.textarea("Message", value=saved.body if saved else "").props("autogrow"),
                                "Message", BODY_MAX).classes("w-full")
            fields = {"To": to, "Category": category, "Subject": subject, "Message": body}
            picker = AttachmentPicker(list(saved.files) if saved else None)
            autosave = DraftKeeper(ctx, fields, saved.id if saved else None, picker,
                                   version=saved.version if saved else None)
            urgent_check = UrgentCheckDialog(notice)  # one per page, reused for every check
            # This compose's send key: however often Send is pressed (or a send retried after the connection
            # dropped), the service sends once and answers the rest with the first result. A sent form is left for
            # the conversation, so the key is never reused for another message.
            send_key = secrets.token_urlsafe(16)

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
                        files=picker.files, send_key=send_key,
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
