"""Clinic-wide settings an admin can change: routing rules by category and the response clock's calendar.

Stored as JSON rows in `clinic_settings` (not health information) and read from the database each time, so every
process of a multi-process site sees a change at once. A missing row means the default from PRODUCT.md §3.

Pages and reports read in a transaction of their own (`routing()`, `business_hours()`, `clock()`); the response
clock's in-transaction handlers read inside the sending service's unit of work (`routing_in(work)`,
`clock_in(work)`), so a thread is routed and timed by the settings its own transaction sees.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import time

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import ClinicSetting
from sm_app.care_team.response_clock import BusinessHours, ResponseClock
from sm_app.identity.accounts import Actor
from sm_app.identity.passwords import STAFF_ROLES
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, ValidationError
from sm_app.shared.events import Work

ROUTING_KEY = "routing_rules"
HOURS_KEY = "business_hours"
# A care team's own opening days and hours (the rest of the calendar is the clinic's): "business_hours:team:<id>".
TEAM_HOURS_PREFIX = "business_hours:team:"
_TWO_SETTINGS = select(ClinicSetting.key, ClinicSetting.value_json).where(
    ClinicSetting.key.in_([bindparam("first"), bindparam("second")]))

EMERGENCY_KEY = "emergency_notice"
# The wording shown before composing and again when a message sounds urgent (PRODUCT.md §2). A clinic may reword it,
# but it must keep sending people to 911 and to the crisis line.
DEFAULT_EMERGENCY_NOTICE = (
    "Secure messaging is not for emergencies. If you think you have a medical emergency, call 911. "
    "If you are in crisis, call or text 988 and press 1."
)
EMERGENCY_NOTICE_MAX = 600
# Category -> the role pool a new thread waits in; a category not listed goes to the whole team.
DEFAULT_ROUTING: dict[str, str] = {
    "Medication": "pharmacist",
    "Appointment": "clerk",
    "Administrative": "clerk",
    "Test results": "nurse",
}


def _hours_to_json(hours: BusinessHours) -> str:
    return json.dumps({
        "timezone": hours.timezone,
        "workdays": list(hours.workdays),
        "opens": hours.opens.strftime("%H:%M"),
        "closes": hours.closes.strftime("%H:%M"),
        "holiday_country": hours.holiday_country,
        "target_business_days": hours.target_business_days,
        "reminder_share": hours.reminder_share,
        "second_escalation_business_days": hours.second_escalation_business_days,
        "urgent_target_business_hours": hours.urgent_target_business_hours,
    })


def _hours_from_json(raw: str) -> BusinessHours:
    data = json.loads(raw)
    return BusinessHours(
        timezone=data["timezone"],
        workdays=tuple(data["workdays"]),
        opens=time.fromisoformat(data["opens"]),
        closes=time.fromisoformat(data["closes"]),
        holiday_country=data["holiday_country"],
        target_business_days=int(data["target_business_days"]),
        reminder_share=float(data["reminder_share"]),
        second_escalation_business_days=int(data["second_escalation_business_days"]),
        # Settings saved before the urgent clock existed get its default.
        urgent_target_business_hours=int(data.get("urgent_target_business_hours", 1)),
    )


def _team_hours(clinic: BusinessHours, raw: str) -> BusinessHours:
    data = json.loads(raw)
    return dataclasses.replace(clinic, workdays=tuple(data["workdays"]),
                               opens=time.fromisoformat(data["opens"]) if data["opens"] else clinic.opens,
                               closes=time.fromisoformat(data["closes"]) if data["closes"] else clinic.closes)


class ClinicSettings:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock, *, categories: tuple[str, ...],
                 default_hours: BusinessHours):
        self._db = db
        self._audit = audit
        self._clock = clock
        self._categories = categories
        self._default_hours = default_hours
        # Building a ResponseClock loads holiday tables; keep one per distinct calendar.
        self._clocks: dict[BusinessHours, ResponseClock] = {}

    # -- reading on their own ---------------------------------------------------------------------------
    async def emergency_notice(self) -> str:
        async with self._db.read() as s:
            row = await s.get(ClinicSetting, EMERGENCY_KEY)
            return json.loads(row.value_json) if row else DEFAULT_EMERGENCY_NOTICE

    async def routing(self) -> dict[str, str | None]:
        """Category -> role pool (None: the whole team), for every category."""
        async with self._db.read() as s:
            return await self._routing(s)

    async def business_hours(self) -> BusinessHours:
        async with self._db.read() as s:
            return await self._hours(s)

    async def reply_target_business_days(self) -> int:
        """The response target the clinic promises patients (the admin's setting, else the start-up default)."""
        return (await self.business_hours()).target_business_days

    async def clock(self, team_id: str | None = None) -> ResponseClock:
        """The response clock of the clinic's current business hours, or of a team's own hours when it has them."""
        async with self._db.read() as s:
            return self._clock_for(await self._hours(s, team_id))

    async def team_business_hours(self, team_id: str) -> BusinessHours | None:
        """The team's own hours (the clinic's calendar with the team's days and times), or None: it keeps the
        clinic's."""
        async with self._db.read() as s:
            row = await s.get(ClinicSetting, TEAM_HOURS_PREFIX + team_id)
            return _team_hours(await self._hours(s), row.value_json) if row else None

    # -- reading inside another service's unit of work (the response clock's handlers) ----------------
    async def routing_in(self, work: Work) -> dict[str, str | None]:
        return await self._routing(work.session)

    async def clock_in(self, work: Work, team_id: str | None = None) -> ResponseClock:
        """The clock a team's thread runs on: the team's own hours when it has them, else the clinic's."""
        return self._clock_for(await self._hours(work.session, team_id))

    async def _routing(self, s: AsyncSession) -> dict[str, str | None]:
        row = await s.get(ClinicSetting, ROUTING_KEY)
        rules = json.loads(row.value_json) if row else DEFAULT_ROUTING
        return {category: rules.get(category) or None for category in self._categories}

    async def _hours(self, s: AsyncSession, team_id: str | None = None) -> BusinessHours:
        # One read of both settings, as columns: every patient's message asks (its response clock), and a setting
        # left at its default has no row, which the session's identity map cannot remember.
        team_key = TEAM_HOURS_PREFIX + team_id if team_id is not None else HOURS_KEY
        rows = dict((await s.execute(_TWO_SETTINGS, {"first": HOURS_KEY, "second": team_key})).all())
        clinic = _hours_from_json(rows[HOURS_KEY]) if HOURS_KEY in rows else self._default_hours
        if team_id is None:
            return clinic
        return _team_hours(clinic, rows[team_key]) if team_key in rows else clinic

    def _clock_for(self, hours: BusinessHours) -> ResponseClock:
        clock = self._clocks.get(hours)
        if clock is None:
            clock = self._clocks[hours] = ResponseClock(hours)
        return clock

    # -- changing (clinic admin) ------------------------------------------------------------------------
    async def set_routing(self, actor: Actor, rules: dict[str, str | None]) -> None:
        """Replace the routing rules. Each category maps to a staff role pool or None (the whole team)."""
        self._require_admin(actor)
        clean: dict[str, str | None] = {}
        for category, role in rules.items():
            if category not in self._categories:
                raise ValidationError("Category", f"Unknown category: {category[:40]}.")
            if role not in (None, "", *STAFF_ROLES):
                raise ValidationError(category, f"Route {category} to one of: {', '.join(STAFF_ROLES)}, or the team.")
            clean[category] = role or None
        await self._store(actor, ROUTING_KEY, json.dumps(clean))

    async def set_business_hours(self, actor: Actor, hours: BusinessHours) -> None:
        """Replace the response-clock calendar (BusinessHours validates itself when built)."""
        self._require_admin(actor)
        await self._store(actor, HOURS_KEY, _hours_to_json(hours))

    async def set_team_business_hours(self, actor: Actor, team_id: str, *, workdays: tuple[int, ...] | None,
                                      opens: time | None = None, closes: time | None = None) -> None:
        """Give a team its own days and hours (time zone, holidays and targets stay the clinic's); `workdays` None
        puts the team back on the clinic's hours. Applies to requests received from now on."""
        self._require_admin(actor)
        key = TEAM_HOURS_PREFIX + team_id
        if workdays is None:
            async with self._db.write() as s:
                row = await s.get(ClinicSetting, key)
                if row is not None:
                    await s.delete(row)
                    await self._audit.record(s, actor_id=actor.user_id, action="settings.change",
                                             object_type="setting", object_id=key, detail="clinic hours")
            return
        value = json.dumps({"workdays": sorted(set(workdays)), "opens": opens.strftime("%H:%M") if opens else "",
                            "closes": closes.strftime("%H:%M") if closes else ""})
        _team_hours(await self.business_hours(), value)  # refuses what the calendar would refuse
        await self._store(actor, key, value)

    async def set_emergency_notice(self, actor: Actor, text: str | None) -> str:
        """Reword the emergency notice; empty puts back the default. Returns the wording now in force."""
        self._require_admin(actor)
        clean = " ".join((text or "").split())
        if not clean:
            clean = DEFAULT_EMERGENCY_NOTICE
        if len(clean) > EMERGENCY_NOTICE_MAX:
            raise ValidationError("Emergency notice", f"Keep the notice under {EMERGENCY_NOTICE_MAX} characters.")
        missing = [n for n in ("911", "988") if n not in clean]
        if missing:
            raise ValidationError("Emergency notice",
                                  f"The notice must still tell patients to call {' and '.join(missing)}.")
        await self._store(actor, EMERGENCY_KEY, json.dumps(clean))
        return clean

    def _require_admin(self, actor: Actor) -> None:
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can change clinic settings.")

    async def _store(self, actor: Actor, key: str, value: str) -> None:
        now = self._clock.now()
        async with self._db.write() as s:
            row = await s.get(ClinicSetting, key)
            if row is None:
                s.add(ClinicSetting(key=key, value_json=value, updated_at=now, updated_by_id=actor.user_id))
            else:
                row.value_json, row.updated_at, row.updated_by_id = value, now, actor.user_id
            await self._audit.record(s, actor_id=actor.user_id, action="settings.change", object_type="setting",
                                     object_id=key)
