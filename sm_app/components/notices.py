"""Fixed safety wording shown before composing (PRODUCT.md §2)."""

from __future__ import annotations

from nicegui import ui

from ..services.clinic_settings import DEFAULT_EMERGENCY_NOTICE


def emergency_notice(text: str = DEFAULT_EMERGENCY_NOTICE) -> None:
    """`text` is the clinic's wording (ClinicSettings.emergency_notice)."""
    with ui.card().classes("w-full bg-red-50 border border-red-300").props("flat role=alert"):
        ui.label("Not for emergencies").classes("text-bold text-red-900")
        ui.label(text).classes("text-red-900 emergency-text")


def reply_target_notice(business_days: int) -> None:
    ui.label(f"Your care team replies within {business_days} business days.").classes("text-grey-8")
