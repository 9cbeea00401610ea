"""A print-friendly view of one conversation: no navigation, plain text, dates, names — and everything the record
needs: template answers (which drug a renewal was for), the outcome, attachment names."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.formatting import clinic_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.shared.errors import NotFound

PRINT_CSS = """
<style>
  @media print { .no-print { display: none !important; } body { background: white; } }
  .print-message { border-top: 1px solid #999; padding-top: 6px; margin-top: 10px; }
</style>
"""
STATUSES = {"new": "New", "in_progress": "In progress", "waiting_on_patient": "Waiting on patient",
            "completed": "Completed"}


def register(system: System) -> None:
    @ui.page("/thread/{thread_id}/print", response_timeout=PAGE_BUILD_SECONDS)
    async def print_view(thread_id: str) -> None:
        # The same gate as every page (session, terms), without the navigation header.
        ctx = await open_page(system, f"/thread/{thread_id}/print", title="Conversation", frame=False)
        if ctx is None:
            return
        ui.add_head_html(PRINT_CSS)
        try:
            thread = await system.mailbox.open_thread(ctx.actor, thread_id)
        except NotFound:
            ui.label("Conversation not found").classes("text-h5")
            return
        tz = system.settings.timezone
        with ui.column().classes("q-pa-lg max-w-3xl gap-1"):
            ui.button("Print", icon="print", on_click=lambda: ui.run_javascript("window.print()")).classes(
                "no-print")
            ui.label(system.settings.clinic_name).classes("text-caption")
            ui.label(thread.subject).classes("text-h5").props("role=heading aria-level=1")
            ui.label(f"Patient: {thread.patient_name} · Care team: {thread.team_name} · {thread.category}")
            ui.label(f"Status: {STATUSES.get(thread.status, thread.status)}").classes("print-status")
            if thread.outcome:
                ui.label(f"Outcome: {thread.outcome}").classes("text-bold print-outcome")
            for m in thread.messages:
                with ui.column().classes("print-message w-full gap-0"):
                    ui.label(f"{m.sender_name} — {clinic_time(m.sent_at, tz)}").classes("text-bold")
                    # Template answers as "label: answer" lines, as text (a renewal says which drug).
                    for label, answer in m.fields:
                        ui.label(f"{label}: {answer}").classes("print-answer")
                    if m.body:
                        ui.label(m.body).style("white-space: pre-wrap")
                    if m.attachments:
                        ui.label("Attached: " + ", ".join(a.name for a in m.attachments)).classes(
                            "text-caption print-attachments")
