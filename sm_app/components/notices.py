"""Fixed safety wording shown before composing (PRODUCT.md §2)."""

from __future__ import annotations

from nicegui import ui

from sm_app.care_team.clinic_settings import DEFAULT_EMERGENCY_NOTICE
from sm_app.shared.wording import plural


def emergency_notice(text: str = DEFAULT_EMERGENCY_NOTICE) -> tuple[ui.label, ui.label]:
    """`text` is the clinic's wording (ClinicSettings.emergency_notice). Returns the heading and the text, for a
    caller that changes their language."""
    with ui.card().classes("w-full bg-red-50 border border-red-300").props("flat role=alert"):
        heading = ui.label("Not for emergencies").classes("text-bold text-red-900")
        wording = ui.label(text).classes("text-red-900 emergency-text")
    return heading, wording


NOT_SENT = "Not sent — your text is kept; try again."
DID_NOT_GO_THROUGH = "That did not go through — nothing you typed is lost. Please try again in a moment."


def not_sent() -> None:
    """A send the store could not take (`Unavailable`): say so plainly; the form still holds every word."""
    ui.notify(NOT_SENT, type="negative", close_button="OK", timeout=15000)


def reply_target(business_days: int) -> str:
    """The clinic's promise in words ("1 business day"); `business_days` is ClinicSettings.reply_target_business_days,
    never the start-up default, so what patients read is what the response clock counts."""
    return plural(business_days, "business day")


def reply_target_notice(business_days: int) -> None:
    ui.label(f"Your care team replies within {reply_target(business_days)}.").classes("text-grey-8 reply-target")


def blocked_teams(entries) -> None:
    """The care teams the clinic has stopped this patient writing to, each with the clinic's reason, as text."""
    for entry in entries:
        ui.label(f"You cannot send messages to {entry.name}."
                 + (f" Reason: {entry.block_reason}" if entry.block_reason else "")
                 + " Please call your clinic.").classes("blocked-team")
