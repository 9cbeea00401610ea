"""Small display helpers shared by pages."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def clinic_time(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%b %d, %Y %I:%M %p")
