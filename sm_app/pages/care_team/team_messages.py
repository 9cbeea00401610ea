"""Staff start conversations: a message to one patient (or "result available"), and targeted broadcasts with
their delivery reports."""

from __future__ import annotations

import secrets

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.care_team.broadcast import CONDITION_MAX, SEXES, Cohort
from sm_app.components.field_errors import clear_errors, length_limit, show_field_error
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, PageContext, open_page
from sm_app.components.live import follow, page_gone
from sm_app.components.notices import not_sent
from sm_app.messaging.threads import BODY_MAX, CATEGORIES, SUBJECT_MAX
from sm_app.shared.errors import NotAllowed, NotFound, Unavailable, ValidationError
from sm_app.shared.wording import plural

KINDS = {"message": "A message", "result": "Result available (test results template)"}


def _age(value) -> int | None:
    return None if value in (None, "") else int(value)


async def _run(ctx: PageContext, fields: dict, action):
    """Call a service action; show a validation error on its field. Returns the result, or None on failure."""
    clear_errors(fields)
    try:
        if await ctx.still_signed_in() is None:  # a write too: it may meet a busy store
            return None
        return await action()
    except ValidationError as exc:
        show_field_error(fields, exc)
    except (NotAllowed, NotFound) as exc:
        ui.notify(str(exc), type="negative")
    except Unavailable:
        not_sent()
    return None


def register(system: System) -> None:
    tz = system.settings.timezone
    broadcasts = system.broadcasts

    @ui.page("/team-messages", response_timeout=PAGE_BUILD_SECONDS)
    async def team_messages_page() -> None:
        ctx = await open_page(system, "/team-messages", title="Team messages")
        if ctx is None:
            return
        actor = ctx.actor
        if not actor.is_staff:
            ui.label("Team messages are for care teams.").classes("q-pa-md")
            return
        teams = await broadcasts.teams(actor)
        team_names = {t.id: t.name for t in teams}
        broadcast_teams = {t.id: t.name for t in teams if t.may_broadcast}

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-4"):
            ui.label("Team messages").classes("text-h5").props("role=heading aria-level=1")
            if not teams:
                ui.label("You are not a member of any care team.")
                return
            await _one_patient(ctx, team_names)
            if broadcast_teams:
                _broadcast_form(ctx, broadcast_teams)
            else:
                ui.label("Broadcasts are sent by team leads and providers.").classes("text-grey-8")

            def report_rows(rows) -> list[dict]:
                return [{"id": r.id, "subject": r.subject, "team": r.team_name, "cohort": r.cohort,
                         "sent_at": clinic_time(r.sent_at, tz), "recipients": r.recipients, "read": r.read,
                         "replies": "On" if r.replies_allowed else "Off"} for r in rows]

            ui.label("Delivery reports").classes("text-h6").props("role=heading aria-level=2")
            first = report_rows(await broadcasts.reports(actor))
            no_reports = ui.label("No broadcasts yet.").classes("text-grey-7")
            report = ui.table(columns=[
                {"name": "subject", "label": "Subject", "field": "subject", "align": "left"},
                {"name": "team", "label": "Care team", "field": "team", "align": "left"},
                {"name": "cohort", "label": "Cohort", "field": "cohort", "align": "left"},
                {"name": "sent_at", "label": "Sent", "field": "sent_at", "align": "left"},
                {"name": "recipients", "label": "Sent to", "field": "recipients"},
                {"name": "read", "label": "Read", "field": "read"},
                {"name": "replies", "label": "Replies", "field": "replies"},
            ], rows=first, row_key="id").props("flat bordered wrap-cells").classes("w-full delivery-report")
            # On a phone each report is a card of "label: value" lines: seven columns would need sideways scrolling.
            report.props(":grid=\"Quasar.Screen.lt.sm\"")

            def show(rows: list[dict]) -> None:
                if rows != report.rows:
                    report.update_rows(rows)
                no_reports.set_visibility(not rows)
                report.set_visibility(bool(rows))

            show(first)

        async def on_change(event) -> None:
            # The delivery reports change by value (new rows, read counts), never by redrawing the page; only a
            # patient's read moves a read count.
            if event.kind == "read" and event.side != "patient":
                return
            rows = report_rows(await broadcasts.reports(actor))
            if not page_gone():
                show(rows)

        follow(ctx, on_change)

    async def _one_patient(ctx: PageContext, team_names: dict[str, str]) -> None:
        actor = ctx.actor
        with ui.card().classes("w-full").props("flat bordered"):
            ui.label("Message a patient").classes("text-h6").props("role=heading aria-level=2")
            with ui.row().classes("items-end gap-4"):
                team = ui.select(team_names, label="Care team", value=next(iter(team_names))).classes("w-full sm:w-56")
                patient = ui.select({}, label="Patient", with_input=True).classes("w-full sm:w-64")
                kind = ui.select(KINDS, label="Kind", value="message").classes("w-full sm:w-72")

            async def load_patients() -> None:
                choices = await broadcasts.patients(actor, team.value)
                patient.set_options({p.id: p.name for p in choices}, value=None)

            team.on_value_change(load_patients)
            await load_patients()
            with ui.column().classes("w-full") as free_text:
                category = ui.select(list(CATEGORIES), label="Category", value="General").classes("w-56")
                subject = length_limit(ui.input("Subject"), "Subject", SUBJECT_MAX).classes("w-full")
                body = length_limit(ui.textarea("Message").props("autogrow"), "Message", BODY_MAX).classes("w-full")
                replies = ui.switch("Patient may reply", value=True)
            with ui.row().classes("items-end gap-4") as result_form:
                test = ui.input("Test").props("maxlength=100").classes("w-full sm:w-64")
                test_date = ui.input("Date of test").props("type=date").classes("w-44")
            free_text.bind_visibility_from(kind, "value", backward=lambda v: v == "message")
            result_form.bind_visibility_from(kind, "value", backward=lambda v: v == "result")
            fields = {"Patient": patient, "Category": category, "Subject": subject, "Message": body, "Test": test,
                      "Date of test": test_date}

            # This form's send key: one message however often Send is pressed (a sent form is left for the thread).
            send_key = secrets.token_urlsafe(16)

            async def send() -> None:
                def action():
                    if kind.value == "result":
                        return broadcasts.result_available(actor, team_id=team.value, patient_id=patient.value or "",
                                                           test=test.value or "", test_date=test_date.value or "",
                                                           send_key=send_key)
                    return broadcasts.message_patient(actor, team_id=team.value, patient_id=patient.value or "",
                                                      category=category.value, subject=subject.value or "",
                                                      body=body.value or "", replies_allowed=replies.value,
                                                      send_key=send_key)

                thread_id = await _run(ctx, fields, action)
                if thread_id:
                    ui.navigate.to(f"/thread/{thread_id}?sent=1")

            ui.button("Send to patient", icon="send", on_click=send)

    def _broadcast_form(ctx: PageContext, team_names: dict[str, str]) -> None:
        actor = ctx.actor
        with ui.card().classes("w-full").props("flat bordered"):
            ui.label("Broadcast to a cohort").classes("text-h6").props("role=heading aria-level=2")
            with ui.row().classes("items-end gap-4"):
                team = ui.select(team_names, label="Broadcast team", value=next(iter(team_names))).classes("w-56")
                sex = ui.select(SEXES, label="Sex", value="").classes("w-32")
                min_age = ui.number("From age", min=0, max=120, precision=0).classes("w-28")
                max_age = ui.number("To age", min=0, max=120, precision=0).classes("w-28")
                condition = length_limit(ui.input("Condition (optional)"), "Condition", CONDITION_MAX).classes("w-64")
                condition.props["hint"] = "Only patients who share their health record with this team"
            category = ui.select(list(CATEGORIES), label="Broadcast category", value="Education").classes("w-56")
            subject = length_limit(ui.input("Broadcast subject"), "Subject", SUBJECT_MAX).classes("w-full")
            body = length_limit(ui.textarea("Broadcast message").props("autogrow"), "Message", BODY_MAX).classes(
                "w-full")
            replies = ui.switch("Patients may reply", value=True)
            count_label = ui.label("").classes("text-bold cohort-count").props('role=status aria-live="polite"')
            fields = {"Sex": sex, "From age": min_age, "To age": max_age, "Condition": condition, "Category": category,
                      "Subject": subject, "Message": body, "Cohort": count_label}
            counted: dict[str, object] = {}

            def cohort() -> Cohort:
                return Cohort(sex.value or "", _age(min_age.value), _age(max_age.value),
                              (condition.value or "").strip())

            async def count() -> None:
                n = await _run(ctx, fields, lambda: broadcasts.count(actor, team.value, cohort()))
                if n is not None:
                    counted.update(n=n, cohort=cohort(), team=team.value)
                    count_label.set_text(f"{plural(n, 'patient')} {'matches' if n == 1 else 'match'}.")
                    send_button.enable()

            def forget_count() -> None:
                counted.clear()
                count_label.set_text("")
                send_button.disable()

            for control in (team, sex, min_age, max_age, condition):
                control.on_value_change(forget_count)

            # The last step before sending: the final count, counted again now, and what goes to them. Sending
            # passes that count back, so if the cohort changes after this nothing is sent.
            with ui.dialog() as confirm, ui.card().classes("broadcast-confirm"):
                confirm_question = ui.label("").classes("text-h6").props("role=heading aria-level=2")
                confirm_subject = ui.label("").classes("text-grey-9")
                confirm_details = ui.label("").classes("text-caption")
                with ui.row().classes("gap-2"):
                    confirm_send = ui.button("", icon="campaign", on_click=lambda: send())
                    ui.button("Go back", on_click=confirm.close).props("flat")

            async def review() -> None:
                if counted.get("cohort") != cohort() or counted.get("team") != team.value:
                    forget_count()
                    return
                n = await _run(ctx, fields, lambda: broadcasts.count(actor, team.value, cohort()))
                if n is None:
                    return
                counted.update(n=n)
                count_label.set_text(f"{plural(n, 'patient')} {'matches' if n == 1 else 'match'}.")
                if n == 0:
                    show_field_error(fields, ValidationError("Cohort", "No patient of this team matches the cohort."))
                    return
                confirm_question.set_text(f"Send this broadcast to {plural(n, 'patient')}?")
                confirm_subject.set_text(subject.value or "(no subject)")
                confirm_details.set_text(f"{team_names[team.value]} · {cohort().describe()} · "
                                         f"{'patients may reply' if replies.value else 'replies off'}")
                confirm_send.set_text(f"Send to {plural(n, 'patient')}")
                confirm.open()

            # The form's send key: one broadcast however often Send is pressed; drawn again after one is sent.
            broadcast_key = {"value": secrets.token_urlsafe(16)}

            async def send() -> None:
                confirm.close()
                key = broadcast_key["value"]
                if counted.get("cohort") != cohort() or counted.get("team") != team.value:
                    forget_count()
                    return
                report = await _run(ctx, fields, lambda: broadcasts.send(
                    actor, team_id=team.value, cohort=cohort(), category=category.value, subject=subject.value or "",
                    body=body.value or "", replies_allowed=replies.value, expected_count=counted["n"],
                    send_key=key))
                if report is not None:
                    broadcast_key["value"] = secrets.token_urlsafe(16)
                    ui.notify(f"Broadcast sent to {plural(report.recipients, 'patient')}", type="positive")
                    subject.set_value("")
                    body.set_value("")
                    forget_count()

            with ui.row().classes("gap-2"):
                ui.button("Count recipients", icon="groups", on_click=count).props("outline")
                send_button = ui.button("Send broadcast", icon="campaign", on_click=review)
            send_button.disable()
