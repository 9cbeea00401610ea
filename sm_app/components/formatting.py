"""Small display helpers shared by pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def clinic_time(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%b %d, %Y %I:%M %p")


def short_time(value: datetime, tz: str, now: datetime) -> str:
    """Clinic time as people say it: "Dec 5, 2:14 PM" (the year only when it is not the year of `now`)."""
    local = value.astimezone(ZoneInfo(tz))
    year = "" if local.year == now.astimezone(ZoneInfo(tz)).year else f", {local.year}"
    return f"{local:%b} {local.day}{year}, {local.hour % 12 or 12}:{local:%M} {local:%p}"
