"""The response clock: business hours, weekends, US federal holidays and daylight-saving changes.

Expected times are written as clinic-local wall-clock times (with the weekday in a comment) so they can be
checked against a calendar; the clock answers in UTC, and aware datetimes compare by instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sm_app.care_team.response_clock import BusinessHours, Deadlines, ResponseClock
from sm_app.shared.errors import ValidationError

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
H = timedelta(hours=1)

CLOCK = ResponseClock(BusinessHours())


def ny(*args: int) -> datetime:
    """A New York wall-clock time as an aware datetime (zoneinfo picks EST or EDT)."""
    return datetime(*args, tzinfo=NY)


def la(*args: int) -> datetime:
    return datetime(*args, tzinfo=LA)


def assert_utc(value: datetime, expected: datetime) -> None:
    assert value.utcoffset() == timedelta(0)
    assert value == expected


# -- settings and basics ---------------------------------------------------------------------------------------


def test_defaults_follow_the_product_rule():
    hours = CLOCK.hours
    assert hours == BusinessHours()
    assert (hours.timezone, hours.workdays, hours.opens, hours.closes) == (
        "America/New_York",
        (0, 1, 2, 3, 4),
        time(8),
        time(17),
    )
    assert (hours.holiday_country, hours.target_business_days, hours.reminder_share) == ("US", 3, 0.75)
    assert hours.second_escalation_business_days == 1
    assert CLOCK.business_day_length() == 9 * H


def test_workdays_are_normalised_to_a_sorted_tuple():
    hours = BusinessHours(workdays=[4, 0, 2, 2])  # type: ignore[arg-type]  # a list, as from a settings file
    assert hours.workdays == (0, 2, 4)
    hash(hours)  # still usable as a key


def test_is_business_time_includes_opening_and_excludes_closing():
    assert CLOCK.is_business_time(ny(2026, 11, 2, 8, 0))  # Monday opening
    assert CLOCK.is_business_time(ny(2026, 11, 2, 16, 59, 59))
    assert not CLOCK.is_business_time(ny(2026, 11, 2, 17, 0))
    assert not CLOCK.is_business_time(ny(2026, 11, 2, 7, 59))
    assert not CLOCK.is_business_time(ny(2026, 11, 7, 12, 0))  # Saturday
    assert not CLOCK.is_business_time(ny(2026, 11, 26, 12, 0))  # Thanksgiving


def test_naive_datetimes_are_read_as_utc():
    # Monday 2026-11-02 10:00 EST is 15:00 UTC; SQLite would hand it back as naive 15:00.
    naive = datetime(2026, 11, 2, 15, 0)
    assert CLOCK.is_business_time(naive)
    assert CLOCK.deadlines(naive) == CLOCK.deadlines(ny(2026, 11, 2, 10, 0))
    assert_utc(CLOCK.add_business_time(naive, 0 * H), ny(2026, 11, 2, 10, 0))
    assert CLOCK.business_time_between(naive, datetime(2026, 11, 2, 17, 0)) == 2 * H


def test_negative_amount_is_refused():
    with pytest.raises(ValueError):
        CLOCK.add_business_time(ny(2026, 11, 2, 10), -H)


# -- deadlines -------------------------------------------------------------------------------------------------


def test_weekday_within_hours():
    received = ny(2026, 11, 2, 10, 0)  # Monday 10:00 EST
    d = CLOCK.deadlines(received)
    assert isinstance(d, Deadlines)
    assert_utc(d.received_at, received)
    # 27 business hours: Mon 7 h + Tue 9 h + Wed 9 h + Thu 2 h.
    assert_utc(d.due_at, ny(2026, 11, 5, 10, 0))  # Thursday 10:00
    # 75 % = 20 h 15 min: Mon 7 h + Tue 9 h + Wed 4 h 15 min.
    assert_utc(d.remind_at, ny(2026, 11, 4, 12, 15))  # Wednesday 12:15
    # One business day (9 h) after due: Thu 7 h + Fri 2 h.
    assert_utc(d.second_escalation_at, ny(2026, 11, 6, 10, 0))  # Friday 10:00
    assert d.due_at == datetime(2026, 11, 5, 15, 0, tzinfo=UTC)


def test_after_hours_arrival_starts_the_clock_at_the_next_opening():
    received = ny(2026, 11, 3, 18, 30)  # Tuesday 18:30 EST
    assert_utc(CLOCK.add_business_time(received, timedelta(0)), ny(2026, 11, 4, 8, 0))  # Wednesday 08:00
    d = CLOCK.deadlines(received)
    assert_utc(d.received_at, received)  # the message keeps its real arrival time
    # Wed, Thu, Fri full days: the clock runs out exactly at Friday's closing, which is the due time.
    assert_utc(d.due_at, ny(2026, 11, 6, 17, 0))
    assert_utc(d.remind_at, ny(2026, 11, 6, 10, 15))  # Wed 9 h + Thu 9 h + Fri 2 h 15 min
    assert_utc(d.second_escalation_at, ny(2026, 11, 9, 17, 0))  # all of Monday


def test_before_opening_arrival_starts_the_clock_that_morning():
    assert_utc(CLOCK.add_business_time(ny(2026, 11, 3, 6, 0), 2 * H), ny(2026, 11, 3, 10, 0))


def test_amount_ending_exactly_at_closing_gives_the_closing_time():
    assert_utc(CLOCK.add_business_time(ny(2026, 11, 2, 8, 0), 9 * H), ny(2026, 11, 2, 17, 0))
    # One microsecond more spills into the next morning rather than stopping at closing.
    one_more = 9 * H + timedelta(microseconds=1)
    assert_utc(CLOCK.add_business_time(ny(2026, 11, 2, 8, 0), one_more), ny(2026, 11, 3, 8, 0, 0, 1))


def test_friday_afternoon_arrival_runs_over_the_weekend():
    d = CLOCK.deadlines(ny(2026, 10, 16, 14, 0))  # Friday 14:00 EDT
    # Fri 3 h + Mon 9 h + Tue 9 h + Wed 6 h.
    assert_utc(d.due_at, ny(2026, 10, 21, 14, 0))  # Wednesday 14:00
    assert_utc(d.remind_at, ny(2026, 10, 20, 16, 15))  # Fri 3 h + Mon 9 h + Tue 8 h 15 min
    assert_utc(d.second_escalation_at, ny(2026, 10, 22, 14, 0))  # Thursday 14:00


def test_weekend_arrival_starts_monday_morning():
    d = CLOCK.deadlines(ny(2026, 10, 17, 11, 0))  # Saturday
    assert_utc(d.due_at, ny(2026, 10, 21, 17, 0))  # Mon, Tue, Wed full days


def test_thanksgiving_is_skipped():
    d = CLOCK.deadlines(ny(2026, 11, 24, 10, 0))  # Tuesday before Thanksgiving, 10:00 EST
    # Tue 7 h + Wed 9 h + (Thanksgiving Thu 2026-11-26 closed) + Fri 9 h + Mon 2 h.
    assert_utc(d.due_at, ny(2026, 11, 30, 10, 0))  # Monday 10:00
    assert CLOCK.is_holiday(date(2026, 11, 26))
    assert not CLOCK.is_holiday(date(2026, 11, 27))  # the day after is not a federal holiday


def test_message_on_the_holiday_eve():
    d = CLOCK.deadlines(ny(2026, 11, 25, 16, 0))  # Wednesday before Thanksgiving, 16:00 EST
    # Wed 1 h + (Thu closed) + Fri 9 h + Mon 9 h + Tue 8 h.
    assert_utc(d.due_at, ny(2026, 12, 1, 16, 0))  # Tuesday 16:00
    assert_utc(d.remind_at, ny(2026, 12, 1, 9, 15))  # Wed 1 h + Fri 9 h + Mon 9 h + Tue 1 h 15 min
    assert_utc(d.second_escalation_at, ny(2026, 12, 2, 16, 0))  # Tue 1 h + Wed 8 h


def test_christmas_on_a_friday_is_skipped():
    d = CLOCK.deadlines(ny(2026, 12, 23, 10, 0))  # Wednesday 10:00 EST
    # Wed 7 h + Thu (Christmas Eve is a working day) 9 h + (Fri 2026-12-25 closed) + Mon 9 h + Tue 2 h.
    assert_utc(d.due_at, ny(2026, 12, 29, 10, 0))  # Tuesday 10:00
    assert CLOCK.is_holiday(date(2026, 12, 25))
    assert not CLOCK.is_holiday(date(2026, 12, 24))


def test_observed_independence_day_is_skipped():
    # July 4 2026 is a Saturday; the federal holiday is observed on Friday July 3.
    assert CLOCK.is_holiday(date(2026, 7, 3))
    assert CLOCK.is_holiday(date(2026, 7, 4))
    d = CLOCK.deadlines(ny(2026, 7, 1, 10, 0))  # Wednesday 10:00 EDT
    # Wed 7 h + Thu 9 h + (Fri closed) + Mon 9 h + Tue 2 h.
    assert_utc(d.due_at, ny(2026, 7, 7, 10, 0))


def test_observed_day_in_the_previous_year_counts():
    # New Year's Day 2022 was a Saturday, observed on Friday 2021-12-31: a holiday of the year before.
    assert CLOCK.is_holiday(date(2021, 12, 31))
    assert_utc(CLOCK.add_business_time(ny(2021, 12, 30, 16, 0), 2 * H), ny(2022, 1, 3, 9, 0))  # Thu -> Mon


def test_is_holiday_takes_a_date_not_a_datetime():
    with pytest.raises(TypeError):
        CLOCK.is_holiday(datetime(2026, 11, 26, 12, 0))  # type: ignore[arg-type]


def test_no_holiday_calendar_in_another_time_zone():
    clock = ResponseClock(BusinessHours(timezone="America/Los_Angeles", holiday_country=None))
    assert not clock.is_holiday(date(2026, 11, 26))
    d = clock.deadlines(la(2026, 11, 25, 16, 0))  # Wednesday 16:00 PST
    # Wed 1 h + Thanksgiving worked 9 h + Fri 9 h + Mon 8 h.
    assert_utc(d.due_at, la(2026, 11, 30, 16, 0))  # Monday 16:00 PST ...
    assert d.due_at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # ... already Tuesday in UTC
    # The same message under New York hours and holidays: 08:00-17:00 Eastern, Thanksgiving closed.
    assert_utc(CLOCK.deadlines(la(2026, 11, 25, 16, 0)).due_at, ny(2026, 12, 1, 17, 0))


def test_another_countrys_holidays():
    clock = ResponseClock(BusinessHours(timezone="Europe/Berlin", holiday_country="DE"))
    assert clock.is_holiday(date(2026, 10, 3))  # Tag der Deutschen Einheit
    assert not clock.is_holiday(date(2026, 7, 3))


def test_custom_hours_target_share_and_second_escalation():
    hours = BusinessHours(
        workdays=(0, 2, 4),  # Mon, Wed, Fri
        opens=time(9, 30),
        closes=time(13, 0),
        target_business_days=2,
        reminder_share=0.5,
        second_escalation_business_days=2,
    )
    clock = ResponseClock(hours)
    assert clock.business_day_length() == timedelta(hours=3, minutes=30)
    d = clock.deadlines(ny(2026, 11, 2, 12, 0))  # Monday 12:00; 7 business hours
    assert_utc(d.remind_at, ny(2026, 11, 4, 12, 0))  # 3 h 30 min: Mon 1 h + Wed 2 h 30 min
    assert_utc(d.due_at, ny(2026, 11, 6, 12, 0))  # Mon 1 h + Wed 3 h 30 min + Fri 2 h 30 min
    # 7 h more: Fri 1 h + Mon 3 h 30 min + Wed 2 h 30 min (Veterans Day Wed 2026-11-11 is closed) -> Fri.
    assert_utc(d.second_escalation_at, ny(2026, 11, 13, 12, 0))


def test_second_escalation_of_zero_days_is_the_due_time():
    clock = ResponseClock(BusinessHours(second_escalation_business_days=0))
    d = clock.deadlines(ny(2026, 11, 3, 18, 30))  # due exactly at Friday's closing
    assert d.second_escalation_at == d.due_at == ny(2026, 11, 6, 17, 0)


# -- daylight saving -------------------------------------------------------------------------------------------


def test_fall_back_keeps_local_hours():
    received = ny(2026, 10, 30, 15, 0)  # Friday 15:00 EDT (19:00 UTC); clocks go back Sunday 2026-11-01
    d = CLOCK.deadlines(received)
    # Fri 2 h + Mon 9 h + Tue 9 h + Wed 7 h: Wednesday 15:00 EST, which is 20:00 UTC, not 19:00.
    assert_utc(d.due_at, ny(2026, 11, 4, 15, 0))
    assert d.due_at == datetime(2026, 11, 4, 20, 0, tzinfo=UTC)
    assert_utc(d.remind_at, ny(2026, 11, 4, 8, 15))  # Fri 2 h + Mon 9 h + Tue 9 h + Wed 15 min
    assert_utc(d.second_escalation_at, ny(2026, 11, 5, 15, 0))
    assert CLOCK.business_time_between(received, d.due_at) == 27 * H


def test_spring_forward_keeps_local_hours():
    received = ny(2026, 3, 6, 15, 0)  # Friday 15:00 EST (20:00 UTC); clocks go forward Sunday 2026-03-08
    d = CLOCK.deadlines(received)
    assert_utc(d.due_at, ny(2026, 3, 11, 15, 0))  # Wednesday 15:00 EDT
    assert d.due_at == datetime(2026, 3, 11, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize("change_day", [date(2026, 3, 8), date(2026, 11, 1)])
def test_a_business_day_on_a_clock_change_is_nine_hours(change_day):
    every_day = ResponseClock(BusinessHours(workdays=(0, 1, 2, 3, 4, 5, 6), holiday_country=None))
    midnight = datetime.combine(change_day, time(0), tzinfo=NY)
    next_midnight = datetime.combine(change_day + timedelta(days=1), time(0), tzinfo=NY)
    assert every_day.business_time_between(midnight, next_midnight) == 9 * H
    assert every_day.is_business_time(datetime.combine(change_day, time(8, 0), tzinfo=NY))
    assert not every_day.is_business_time(datetime.combine(change_day, time(17, 0), tzinfo=NY))
    assert_utc(every_day.add_business_time(midnight, 9 * H), datetime.combine(change_day, time(17, 0), tzinfo=NY))


# -- business time between -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (ny(2026, 11, 3, 16, 0), ny(2026, 11, 4, 9, 0), 2 * H),  # over a night
        (ny(2026, 10, 16, 16, 0), ny(2026, 10, 19, 9, 0), 2 * H),  # Friday to Monday
        (ny(2026, 11, 25, 12, 0), ny(2026, 11, 30, 12, 0), 18 * H),  # Wed 5 + Thanksgiving 0 + Fri 9 + Mon 4
        (ny(2026, 12, 24, 12, 0), ny(2026, 12, 28, 8, 30), timedelta(hours=5, minutes=30)),  # Christmas Friday
        (ny(2026, 11, 7, 9, 0), ny(2026, 11, 8, 16, 0), timedelta(0)),  # a weekend only
        (ny(2026, 11, 2, 10, 0), ny(2026, 11, 2, 10, 0), timedelta(0)),  # empty span
        (ny(2026, 11, 2, 12, 0), ny(2026, 11, 2, 10, 0), timedelta(0)),  # end before start
        (ny(2026, 11, 2, 10, 0), ny(2026, 11, 2, 10, 0, 0, 1), timedelta(microseconds=1)),
    ],
)
def test_business_time_between(start, end, expected):
    assert CLOCK.business_time_between(start, end) == expected


# -- validation ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings_", "field"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "Time zone"),
        ({"timezone": "../etc/passwd"}, "Time zone"),
        ({"timezone": ""}, "Time zone"),
        ({"holiday_country": "XX"}, "Holiday calendar"),
        ({"holiday_country": ""}, "Holiday calendar"),
        ({"workdays": ()}, "Workdays"),
        ({"workdays": (0, 7)}, "Workdays"),
        ({"workdays": (-1,)}, "Workdays"),
        ({"workdays": (True,)}, "Workdays"),
        ({"workdays": 5}, "Workdays"),
        ({"opens": time(17), "closes": time(8)}, "Closing time"),
        ({"opens": time(9), "closes": time(9)}, "Closing time"),
        ({"opens": "08:00"}, "Opening time"),
        ({"closes": time(17, tzinfo=UTC)}, "Closing time"),
        ({"target_business_days": 0}, "Response target"),
        ({"target_business_days": -3}, "Response target"),
        ({"target_business_days": 1.5}, "Response target"),
        ({"target_business_days": 366}, "Response target"),
        ({"reminder_share": 0}, "Reminder share"),
        ({"reminder_share": 1}, "Reminder share"),
        ({"reminder_share": 1.2}, "Reminder share"),
        ({"reminder_share": float("nan")}, "Reminder share"),
        ({"reminder_share": "0.75"}, "Reminder share"),
        ({"second_escalation_business_days": -1}, "Second escalation"),
        ({"second_escalation_business_days": 366}, "Second escalation"),
    ],
)
def test_bad_settings_are_refused_with_the_field(settings_, field):
    with pytest.raises(ValidationError) as caught:
        BusinessHours(**settings_)
    assert caught.value.field == field
    assert caught.value.message


def test_extreme_but_valid_settings_are_accepted():
    hours = BusinessHours(
        timezone="UTC",
        workdays=(6,),
        opens=time(0, 0),
        closes=time(23, 59, 59),
        holiday_country=None,
        target_business_days=365,
        reminder_share=0.01,
        second_escalation_business_days=0,
    )
    ResponseClock(hours).deadlines(datetime(2026, 1, 1, tzinfo=UTC))


# -- properties ------------------------------------------------------------------------------------------------

PROPERTY_CLOCKS = [
    CLOCK,
    ResponseClock(BusinessHours(timezone="America/Los_Angeles", holiday_country=None)),
    ResponseClock(BusinessHours(timezone="Europe/London", holiday_country="GB", workdays=(0, 1, 2, 3, 5))),
    # Open across the 01:00-03:00 clock changes: windows that lose or gain an hour must still add up.
    ResponseClock(BusinessHours(opens=time(0, 30), closes=time(3, 30), workdays=tuple(range(7)))),
    # Havana moves its clocks at midnight, so a window's local date and its instants can disagree.
    ResponseClock(BusinessHours(timezone="America/Havana", opens=time(0), closes=time(23, 59), holiday_country=None)),
]

instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC))
amounts = st.integers(min_value=0, max_value=20 * 9 * 3600).map(lambda s: timedelta(seconds=s))


@settings(max_examples=300, deadline=None)
@given(clock=st.sampled_from(PROPERTY_CLOCKS), start=instants, amount=amounts)
def test_adding_then_measuring_gives_the_amount_back(clock, start, amount):
    start = clock.add_business_time(start, timedelta(0))  # a start in business time (the next opening)
    assert clock.is_business_time(start)
    end = clock.add_business_time(start, amount)
    assert end.utcoffset() == timedelta(0)
    assert clock.business_time_between(start, end) == amount
    if amount:
        # The result is inside business time or exactly at a closing time, never in the middle of a night.
        assert clock.is_business_time(end - timedelta(microseconds=1))


@settings(max_examples=300, deadline=None)
@given(clock=st.sampled_from(PROPERTY_CLOCKS), a=instants, b=instants, x=amounts, y=amounts)
def test_adding_business_time_is_monotonic(clock, a, b, x, y):
    (a, b), (x, y) = sorted((a, b)), sorted((x, y))
    assert clock.add_business_time(a, x) <= clock.add_business_time(a, y)
    assert clock.add_business_time(a, x) <= clock.add_business_time(b, x)
    assert clock.add_business_time(a, x) >= a
