"""Workload capture for care teams: how many patient requests came in, how many were answered, how fast.

The figures come from the response clock's cycles (`response_cycles`): one row per patient request that
needed an answer, with when it was received, when it fell due, when and by whom it was answered, and when
the clock stopped. A report reads only the cycles of one care team received in the chosen range (the
`team_id, received_at` index) and computes in Python, so its cost follows the team's volume in that range.

Response times are business time (`ResponseClock.business_time_between`) in hours: a request received on
Friday evening and answered on Monday at 09:00 took one business hour, not sixty. Buckets are days or weeks
(Monday to Sunday) of the received time in the clinic's time zone (the business hours' zone).

Staff only, and only for their own care teams: another team's report is "not found", like a thread. Each
report and export is audited with counts only.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import CareTeam, ResponseCycle, TeamMember, User
from sm_app.care_team.clinic_settings import ClinicSettings
from sm_app.care_team.response_clock import ResponseClock
from sm_app.identity.accounts import Actor, TeamInfo
from sm_app.messaging.threads import CATEGORIES
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

PERIODS = {"day": "Day", "week": "Week"}
MAX_SPAN_DAYS = 366
ALL_CATEGORIES = "All categories"
_ONE_DAY = timedelta(days=1)
_HOUR = 3600.0


# -- figures ---------------------------------------------------------------------------------------------
def median(values: list[float]) -> float | None:
    """The middle value; with an even count, the mean of the two middle values. None for no values."""
    return statistics.median(values) if values else None


def nearest_rank(values: list[float], percent: int) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `percent` % of the values at or below it.

    Sorted values v1..vn: the value at rank ceil(percent / 100 * n) (rank 1 at least). Always one of the
    observed values, never an interpolation. With integer arithmetic, so 90 % of 70 values is rank 63 exactly.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-percent * len(ordered) // 100))
    return ordered[rank - 1]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class BucketFigures:
    """One day or week (or the whole range) of received requests, all categories of the selection or one."""

    start: date  # first clinic-local day of the bucket
    end: date  # last clinic-local day of the bucket (inclusive)
    category: str  # "" = every category of the selection
    received: int
    answered: int  # of those received, how many the team answered (so far)
    answered_within_clock: int  # answered at or before the due time
    median_hours: float | None  # business hours from received to answered, over the answered ones
    p90_hours: float | None  # nearest-rank 90th percentile of the same

    @property
    def within_clock_share(self) -> float | None:
        """Answered within the clock over answered (None when nothing was answered)."""
        return _share(self.answered_within_clock, self.answered)


@dataclass(frozen=True)
class StaffFigures:
    """Requests (received in the range) a staff member answered, and how fast."""

    user_id: str
    name: str
    answered: int
    answered_within_clock: int
    median_hours: float | None
    p90_hours: float | None

    @property
    def within_clock_share(self) -> float | None:
        return _share(self.answered_within_clock, self.answered)


@dataclass(frozen=True)
class Workload:
    """A care team's workload report. Dates are clinic-local; `as_of` is aware UTC."""

    team_id: str
    team_name: str
    period: str  # "day" | "week"
    start: date  # the range covered; weeks widen it to whole weeks (Monday to Sunday)
    end: date
    category: str  # "" = all categories
    buckets: tuple[BucketFigures, ...]  # every day/week of the range, in order, empty ones included
    by_category: tuple[BucketFigures, ...]  # bucket x category, for each category with requests in that bucket
    total: BucketFigures  # the whole range
    staff: tuple[StaffFigures, ...]  # everyone who answered a request received in the range, by name
    backlog: int  # requests waiting for an answer now (open cycles), whenever received
    overdue: int  # of those, past their due time now
    as_of: datetime


@dataclass(frozen=True)
class CsvExport:
    filename: str
    text: str


@dataclass
class _Tally:
    received: int = 0
    within: int = 0
    hours: list[float] = field(default_factory=list)

    def add(self, hours: float | None, within: bool) -> None:
        self.received += 1
        if hours is not None:
            self.hours.append(hours)
            self.within += within

    def bucket(self, start: date, end: date, category: str) -> BucketFigures:
        return BucketFigures(start, end, category, self.received, len(self.hours), self.within,
                             median(self.hours), nearest_rank(self.hours, 90))

    def staff(self, user_id: str, name: str) -> StaffFigures:
        return StaffFigures(user_id, name, len(self.hours), self.within, median(self.hours),
                            nearest_rank(self.hours, 90))


def _bucket_start(day: date, period: str) -> date:
    return day - timedelta(days=day.weekday()) if period == "week" else day


def _bucket_end(start: date, period: str) -> date:
    return start + timedelta(days=6) if period == "week" else start


# -- CSV ---------------------------------------------------------------------------------------------------
CSV_HEADER = ("Section", "Care team", "From", "To", "Category", "Staff member", "Received", "Answered",
              "Answered within clock", "Within clock (%)", "Median (business hours)",
              "90th percentile (business hours)", "Open now", "Overdue now")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def workload_csv(w: Workload) -> str:
    """The report as CSV: a header, the whole range, each bucket (and bucket x category), each staff member.

    Every text cell that a spreadsheet would read as a formula is prefixed with a single quote.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    selection = w.category or ALL_CATEGORIES
    period = PERIODS[w.period]

    def bucket_row(section: str, b: BucketFigures, open_now: object = "", overdue_now: object = "") -> list[str]:
        return [_cell(v) for v in (section, w.team_name, b.start.isoformat(), b.end.isoformat(),
                                   b.category or selection, "", b.received, b.answered, b.answered_within_clock,
                                   _percent(b.within_clock_share), b.median_hours, b.p90_hours, open_now,
                                   overdue_now)]

    writer.writerow(bucket_row("Total", w.total, w.backlog, w.overdue))
    per_bucket: dict[date, list[BucketFigures]] = defaultdict(list)
    for b in w.by_category:
        per_bucket[b.start].append(b)
    for b in w.buckets:
        writer.writerow(bucket_row(period, b))
        if not w.category:  # with one category chosen, the bucket row already is that category's
            for c in per_bucket[b.start]:
                writer.writerow(bucket_row(period, c))
    for s in w.staff:
        writer.writerow([_cell(v) for v in ("Staff member", w.team_name, w.start.isoformat(), w.end.isoformat(),
                                            selection, s.name, "", s.answered, s.answered_within_clock,
                                            _percent(s.within_clock_share), s.median_hours, s.p90_hours, "", "")])
    return out.getvalue()


def export_filename(w: Workload) -> str:
    """workload-<team>-<from>-<to>.csv, the team part reduced to [a-z0-9-] (safe in any header or file system)."""
    team = re.sub(r"[^a-z0-9]+", "-", w.team_name.lower()).strip("-")[:40].strip("-") or "team"
    return f"workload-{team}-{w.start.isoformat()}-{w.end.isoformat()}.csv"


# -- the service -------------------------------------------------------------------------------------------
class Reports:
    def __init__(self, db: Database, audit: AuditLog, clock: Clock, clinic_settings: ClinicSettings):
        self._db = db
        self._audit = audit
        self._clock = clock
        self._settings = clinic_settings

    async def teams(self, actor: Actor) -> list[TeamInfo]:
        """The care teams whose reports the actor may see: their own, by name (none for anyone but staff)."""
        if not actor.is_staff:
            return []
        async with self._db.read() as s:
            rows = await s.execute(select(CareTeam.id, CareTeam.name)
                                   .join(TeamMember, TeamMember.team_id == CareTeam.id)
                                   .where(TeamMember.user_id == actor.user_id).order_by(CareTeam.name))
            return [TeamInfo(r.id, r.name) for r in rows]

    async def default_range(self, weeks: int = 8) -> tuple[date, date]:
        """The last `weeks` weeks up to today in the clinic's time zone, starting on a Monday."""
        zone = ZoneInfo((await self._settings.business_hours()).timezone)
        today = self._clock.now().astimezone(zone).date()
        return _bucket_start(today, "week") - timedelta(weeks=weeks - 1), today

    async def workload(self, actor: Actor, *, team_id: str, period: str = "week", start: date, end: date,
                       category: str = "") -> Workload:
        """Received, answered, response times and clock share per bucket, category and staff member; backlog.

        Staff of the team only (another team, or no such team: NotFound); anyone else: NotAllowed. Bad input
        raises ValidationError naming the field ("Period", "From", "To", "Category").
        """
        w = await self._compute(actor, team_id=team_id, period=period, start=start, end=end, category=category,
                                action="report.workload")
        await self._audit.record_alone(actor_id=actor.user_id, action="report.workload", object_type="team",
                                       object_id=team_id, detail=self._counts(w))
        return w

    async def export_workload(self, actor: Actor, *, team_id: str, period: str = "week", start: date, end: date,
                              category: str = "") -> CsvExport:
        """The same report as a CSV download, freshly computed (access checked again) and audited as an export."""
        w = await self._compute(actor, team_id=team_id, period=period, start=start, end=end, category=category,
                                action="report.export")
        rows = 1 + len(w.buckets) + (0 if w.category else len(w.by_category)) + len(w.staff)
        await self._audit.record_alone(actor_id=actor.user_id, action="report.export", object_type="team",
                                       object_id=team_id, detail=f"{self._counts(w)} rows={rows}")
        return CsvExport(export_filename(w), workload_csv(w))

    @staticmethod
    def _counts(w: Workload) -> str:
        return f"received={w.total.received} answered={w.total.answered} open={w.backlog} overdue={w.overdue}"

    def _check(self, actor: Actor, period: str, start: date, end: date, category: str) -> None:
        if not actor.is_staff:
            raise NotAllowed("The workload dashboard is for care teams.")
        if period not in PERIODS:
            raise ValidationError("Period", "Choose Day or Week.")
        if category and category not in CATEGORIES:
            raise ValidationError("Category", "Choose a category.")
        for label, value in (("From", start), ("To", end)):
            if not isinstance(value, date) or isinstance(value, datetime):
                raise ValidationError(label, f"Enter {label} as a date, for example 2026-11-02.")
        if start > end:
            raise ValidationError("To", "To must be on or after From.")
        if (end - start).days + 1 > MAX_SPAN_DAYS:
            raise ValidationError("To", f"Choose at most {MAX_SPAN_DAYS} days from From to To.")

    async def _compute(self, actor: Actor, *, team_id: str, period: str, start: date, end: date, category: str,
                       action: str) -> Workload:
        self._check(actor, period, start, end, category)
        if period == "week":  # whole weeks, so no week is compared on a few days only
            start, end = _bucket_start(start, "week"), _bucket_start(end, "week") + timedelta(days=6)
        now = self._clock.now()
        clock = await self._settings.clock()
        zone = ZoneInfo(clock.hours.timezone)
        async with self._db.read() as s:
            team_name = (await s.execute(
                select(CareTeam.name).join(TeamMember, TeamMember.team_id == CareTeam.id)
                .where(CareTeam.id == team_id, TeamMember.user_id == actor.user_id))).scalar_one_or_none()
            if team_name is not None:
                lo = datetime.combine(start, time.min, tzinfo=zone).astimezone(UTC)
                hi = datetime.combine(end + _ONE_DAY, time.min, tzinfo=zone).astimezone(UTC)
                of_team = [ResponseCycle.team_id == team_id]
                if category:
                    of_team.append(ResponseCycle.category == category)
                cycles = (await s.execute(
                    select(ResponseCycle.category, ResponseCycle.received_at, ResponseCycle.due_at,
                           ResponseCycle.answered_at, ResponseCycle.answered_by_id, User.name)
                    .outerjoin(User, User.id == ResponseCycle.answered_by_id)
                    .where(*of_team, ResponseCycle.received_at >= lo, ResponseCycle.received_at < hi))).all()
                backlog, overdue = (await s.execute(
                    select(func.count(), func.count(case((ResponseCycle.due_at <= now, 1))))
                    .where(and_(*of_team, ResponseCycle.ended_at.is_(None))))).one()
        if team_name is None:
            await self._audit.record_alone(actor_id=actor.user_id, action=action, object_type="team",
                                           object_id=(team_id or "")[:64], outcome="denied")
            raise NotFound("care team")
        return self._figures(cycles, clock, zone, team_id=team_id, team_name=team_name, period=period, start=start,
                             end=end, category=category, backlog=backlog, overdue=overdue, now=now)

    def _figures(self, cycles, clock: ResponseClock, zone: ZoneInfo, *, team_id: str, team_name: str, period: str,
                 start: date, end: date, category: str, backlog: int, overdue: int, now: datetime) -> Workload:
        total = _Tally()
        buckets: dict[date, _Tally] = defaultdict(_Tally)
        by_category: dict[tuple[date, str], _Tally] = defaultdict(_Tally)
        staff: dict[str, _Tally] = defaultdict(_Tally)
        names: dict[str, str] = {}
        for c in cycles:
            received = as_utc(c.received_at)
            hours = within = None
            if c.answered_at is not None:
                answered = as_utc(c.answered_at)
                hours = clock.business_time_between(received, answered).total_seconds() / _HOUR
                within = answered <= as_utc(c.due_at)
            key = _bucket_start(received.astimezone(zone).date(), period)
            for tally in (total, buckets[key], by_category[(key, c.category)]):
                tally.add(hours, within)
            if c.answered_by_id is not None and hours is not None:
                staff[c.answered_by_id].add(hours, within)
                names[c.answered_by_id] = c.name or "Former staff member"
        step = timedelta(days=7) if period == "week" else _ONE_DAY
        keys = []
        day = start
        while day <= end:
            keys.append(day)
            day += step
        return Workload(
            team_id=team_id, team_name=team_name, period=period, start=start, end=end, category=category,
            buckets=tuple(buckets[k].bucket(k, _bucket_end(k, period), "") for k in keys),
            by_category=tuple(t.bucket(k, _bucket_end(k, period), c) for (k, c), t in sorted(by_category.items())),
            total=total.bucket(start, end, ""),
            staff=tuple(sorted((t.staff(uid, names[uid]) for uid, t in staff.items()),
                               key=lambda f: (f.name.lower(), f.user_id))),
            backlog=int(backlog), overdue=int(overdue), as_of=now,
        )
