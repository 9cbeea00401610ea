"""Fixed safety wording shown before composing (PRODUCT.md §2)."""

from __future__ import annotations

from nicegui import ui

EMERGENCY_TEXT = (
    "Secure messaging is not for emergencies. If you think you have a medical emergency, call 911. "
    "If you are in crisis, call or text 988 and press 1."
)


def emergency_notice() -> None:
    with ui.card().classes("w-full bg-red-50 border border-red-300").props("flat role=alert"):
        ui.label("Not for emergencies").classes("text-bold text-red-900")
        ui.label(EMERGENCY_TEXT).classes("text-red-900")


def reply_target_notice(business_days: int) -> None:
    ui.label(f"Your care team replies within {business_days} business days.").classes("text-grey-8")
