"""The response clock: when a care team's answer is due, counted in the team's business hours.

A clinic's business time is the real time that passes inside its opening windows: each workday that is not
a holiday opens and closes at local wall-clock times in the clinic's time zone. Windows are computed per
local date with zoneinfo, so 08:00-17:00 stays 08:00-17:00 local across daylight-saving changes (and is
nine real hours on those days too, because the clocks change at night). Everything going in may be naive
UTC (SQLite hands those back) or aware; everything coming out is aware UTC.

Pure and framework-free: no database, no clock of its own. `deadlines()` runs for every new patient
message, so opening windows and holiday years are cached, both in bounded caches.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from sm_app.adapters.clock import as_utc
from sm_app.shared.errors import ValidationError

_ONE_DAY = timedelta(days=1)
# A valid calendar has business time every week; this only stops a broken one from spinning for ever.
_MAX_DAYS_WITHOUT_BUSINESS_TIME = 3 * 366
# Larger clocks are configuration mistakes; the cap keeps add_business_time's walk short and bounded.
_MAX_CLOCK_BUSINESS_DAYS = 365
_MAX_ADDED_BUSINESS_DAYS = 3 * 366
# An urgent clock longer than a working day or two is no longer urgent.
_MAX_URGENT_BUSINESS_HOURS = 24
# A few years cover every message in flight; more would only grow memory in a long-running server.
_HOLIDAY_YEARS_KEPT = 8
_WINDOW_DAYS_KEPT = 2048


def _is_whole_number(value: object) -> bool:
    # bool is an int subclass; True as "1 business day" is a typo we want to hear about.
    return isinstance(value, int) and not isinstance(value, bool)


def _zone(key: str) -> ZoneInfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        # ValueError/TypeError: malformed keys such as "../x", "" or None, not just unknown names.
        raise ValidationError("Time zone", f"Unknown time zone {key!r}; use a name like America/New_York.") from None


@dataclass(frozen=True)
class BusinessHours:
    """A clinic's working week and its response-clock settings. Invalid settings raise ValidationError.

    `workdays` may be given in any order and with repeats (e.g. a list from a settings file); it is kept
    as a sorted tuple of distinct weekday numbers, Monday = 0.
    """

    timezone: str = "America/New_York"
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    opens: time = time(8, 0)
    closes: time = time(17, 0)
    holiday_country: str | None = "US"
    target_business_days: int = 3
    reminder_share: float = 0.75
    second_escalation_business_days: int = 1
    # The urgent clock: a thread the urgent-words check flagged is due this many business hours after it came in.
    urgent_target_business_hours: int = 1

    def __post_init__(self) -> None:
        _zone(self.timezone)
        self._check_workdays()
        self._check_times()
        if self.holiday_country is not None:
            try:
                holidays.country_holidays(self.holiday_country, years=(), expand=False)
            except (NotImplementedError, TypeError):
                # The holidays package signals an unknown country with NotImplementedError.
                raise ValidationError(
                    "Holiday calendar", f"Unknown holiday country {self.holiday_country!r}; use a code like US."
                ) from None
        if not _is_whole_number(self.target_business_days) or not (
            1 <= self.target_business_days <= _MAX_CLOCK_BUSINESS_DAYS
        ):
            raise ValidationError(
                "Response target", f"The response target must be 1 to {_MAX_CLOCK_BUSINESS_DAYS} business days."
            )
        share = self.reminder_share
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share < 1:
            raise ValidationError("Reminder share", "The reminder must come after 0 % and before 100 % of the clock.")
        if not _is_whole_number(self.second_escalation_business_days) or not (
            0 <= self.second_escalation_business_days <= _MAX_CLOCK_BUSINESS_DAYS
        ):
            raise ValidationError(
                "Second escalation",
                f"The second escalation must be 0 to {_MAX_CLOCK_BUSINESS_DAYS} business days after the due time.",
            )
        if not _is_whole_number(self.urgent_target_business_hours) or not (
            1 <= self.urgent_target_business_hours <= _MAX_URGENT_BUSINESS_HOURS
        ):
            raise ValidationError(
                "Urgent response target",
                f"The urgent response target must be 1 to {_MAX_URGENT_BUSINESS_HOURS} business hours.",
            )

    def _check_workdays(self) -> None:
        try:
            days = tuple(self.workdays)
        except TypeError:
            raise ValidationError("Workdays", "Workdays must be a list of weekday numbers (Monday = 0).") from None
        if not days:
            raise ValidationError("Workdays", "Choose at least one workday.")
        if not all(_is_whole_number(d) and 0 <= d <= 6 for d in days):
            raise ValidationError("Workdays", "Workdays are numbered 0 (Monday) to 6 (Sunday).")
        # Frozen dataclass: normalising a field has to go through object.__setattr__.
        object.__setattr__(self, "workdays", tuple(sorted(set(days))))

    def _check_times(self) -> None:
        for label, value in (("Opening time", self.opens), ("Closing time", self.closes)):
            if not isinstance(value, time):
                raise ValidationError(label, f"{label} must be a time of day.")
            if value.tzinfo is not None:
                # The clinic's zone is the only zone; a second one on the time would silently shift the window.
                raise ValidationError(label, f"{label} must not carry its own time zone.")
        if self.opens >= self.closes:
            raise ValidationError("Closing time", "Closing time must be later than opening time.")


@dataclass(frozen=True)
class Deadlines:
    """When a message's reminder, due time and second escalation fall. All aware UTC."""

    received_at: datetime
    remind_at: datetime
    due_at: datetime
    second_escalation_at: datetime


class ResponseClock:
    """Business-time arithmetic for one clinic's BusinessHours. Safe to share; holds only bounded caches."""

    def __init__(self, hours: BusinessHours):
        self._hours = hours
        self._zone = _zone(hours.timezone)
        self._workdays = frozenset(hours.workdays)
        self._day_length = datetime.combine(date.min, hours.closes) - datetime.combine(date.min, hours.opens)
        self._holiday_years: dict[int, frozenset[date]] = {}
        # Per instance (not a module-level cache) so two clinics' calendars never mix.
        self._window = functools.lru_cache(maxsize=_WINDOW_DAYS_KEPT)(self._compute_window)

    @property
    def hours(self) -> BusinessHours:
        """The settings this clock counts with."""
        return self._hours

    def business_day_length(self) -> timedelta:
        """The nominal length of one business day: closing time minus opening time (9 hours by default)."""
        return self._day_length

    def is_holiday(self, day: date) -> bool:
        """Whether a clinic-local calendar date is a holiday (observed dates included); never with no calendar."""
        if isinstance(day, datetime):
            # A datetime never equals a date, so it would silently read as "not a holiday".
            raise TypeError("is_holiday takes a local calendar date, not a datetime")
        return self._is_holiday(day)

    def is_business_time(self, at: datetime) -> bool:
        """Whether the clinic is open at this instant (opening time included, closing time not)."""
        at = as_utc(at)
        day = self._local_date(at)
        # The previous day's window is checked too: in zones that change clocks around midnight a window can
        # run past the local date it belongs to.
        return any(w is not None and w[0] <= at < w[1] for w in (self._window(day - _ONE_DAY), self._window(day)))

    def add_business_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant `amount` of business time after `start`.

        Outside business hours the count starts at the next opening (so a zero amount gives that opening).
        When the amount runs out exactly at a closing time, the result is that closing time.
        """
        if amount < timedelta(0):
            raise ValueError("amount of business time must not be negative")
        if amount > self._day_length * _MAX_ADDED_BUSINESS_DAYS:
            raise ValueError(f"amount of business time must be at most {_MAX_ADDED_BUSINESS_DAYS} business days")
        start = as_utc(start)
        remaining = amount
        for opens, closes in self._windows(self._local_date(start) - _ONE_DAY):
            if closes <= start:
                continue
            begin = max(opens, start)
            available = closes - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable: _windows never ends without raising")  # pragma: no cover

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time from `start` to `end` (zero when end is not after start)."""
        start, end = as_utc(start), as_utc(end)
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self._windows(self._local_date(start) - _ONE_DAY):
            if opens >= end:
                break
            if closes > start:
                total += min(closes, end) - max(opens, start)
        return total

    def deadlines(self, received_at: datetime) -> Deadlines:
        """Reminder, due time and second escalation for a message received at `received_at`."""
        hours = self._hours
        received = as_utc(received_at)
        clock = self._day_length * hours.target_business_days
        due = self.add_business_time(received, clock)
        return Deadlines(
            received_at=received,
            remind_at=self.add_business_time(received, clock * hours.reminder_share),
            due_at=due,
            second_escalation_at=self._second_escalation(due),
        )

    def urgent_deadlines(self, received_at: datetime) -> Deadlines:
        """The urgent clock for a message flagged urgent at `received_at`: due `urgent_target_business_hours` of
        business time later. There is no reminder (the team leads and on call are alerted at once), so `remind_at`
        is the time received; the second escalation follows the due time as on the routine clock."""
        received = as_utc(received_at)
        due = self.add_business_time(received, timedelta(hours=self._hours.urgent_target_business_hours))
        return Deadlines(received_at=received, remind_at=received, due_at=due,
                         second_escalation_at=self._second_escalation(due))

    def _second_escalation(self, due: datetime) -> datetime:
        days = self._hours.second_escalation_business_days
        if not days:
            # Zero means "together with the first escalation"; adding zero to a due time at closing would
            # otherwise move it to the next opening.
            return due
        return self.add_business_time(due, self._day_length * days)

    # -- internals -------------------------------------------------------------------------------------------

    def _local_date(self, at: datetime) -> date:
        return at.astimezone(self._zone).date()

    def _is_holiday(self, day: date) -> bool:
        if self._hours.holiday_country is None:
            return False
        return day in self._holidays_in(day.year)

    def _holidays_in(self, year: int) -> frozenset[date]:
        found = self._holiday_years.get(year)
        if found is None:
            # expand=False: by default a holidays object silently adds every year it is asked about, which
            # would grow without bound. Observed days stay in their own year (New Year's Day 2022 observed on
            # Friday 2021-12-31 belongs to 2021), so one year's set answers for that year's dates.
            found = frozenset(holidays.country_holidays(self._hours.holiday_country, years=year, expand=False).keys())
            if len(self._holiday_years) >= _HOLIDAY_YEARS_KEPT:
                self._holiday_years.pop(next(iter(self._holiday_years)), None)
            self._holiday_years[year] = found
        return found

    def _compute_window(self, day: date) -> tuple[datetime, datetime] | None:
        if day.weekday() not in self._workdays or self._is_holiday(day):
            return None
        hours = self._hours
        opens = datetime.combine(day, hours.opens, tzinfo=self._zone).astimezone(UTC)
        closes = datetime.combine(day, hours.closes, tzinfo=self._zone).astimezone(UTC)
        # Opening inside a spring-forward gap can land after a closing time just past the gap; that day is shut.
        return (opens, closes) if opens < closes else None

    def _windows(self, first_day: date) -> Iterator[tuple[datetime, datetime]]:
        """Opening windows from `first_day` on, in order and never overlapping, as UTC instants."""
        previous_close: datetime | None = None
        day = first_day
        days_without = 0
        while days_without <= _MAX_DAYS_WITHOUT_BUSINESS_TIME:
            window = self._window(day)
            day += _ONE_DAY
            if window is None:
                days_without += 1
                continue
            opens, closes = window
            if previous_close is not None and opens < previous_close:
                # Only around midnight clock changes can a window reach into the next day's; count it once.
                opens = previous_close
            if opens >= closes:
                days_without += 1
                continue
            days_without = 0
            previous_close = closes
            yield opens, closes
        raise ValueError(f"no business time in {_MAX_DAYS_WITHOUT_BUSINESS_TIME} days; check the clinic's calendar")
