"""The 5th working day of a month, from the project's England and Wales calendar seed."""

from __future__ import annotations

import datetime as dt

import pytest

from orchestration.lib.working_days import (
    CalendarCoverageError,
    nth_working_day,
    working_days_in_month,
)


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2026, 6, dt.date(2026, 6, 5)),  # starts on a Monday: no weekend in the way
        (2026, 12, dt.date(2026, 12, 7)),  # a weekend in the way
        (2026, 5, dt.date(2026, 5, 8)),  # early May bank holiday, Monday 4 May
        (2027, 1, dt.date(2027, 1, 8)),  # New Year's Day, Friday 1 January
        (2026, 4, dt.date(2026, 4, 9)),  # Good Friday 3 April and Easter Monday 6 April
    ],
)
def test_fifth_working_day_skips_weekends_and_bank_holidays(
    year: int, month: int, expected: dt.date
) -> None:
    assert nth_working_day(year, month, 5) == expected


def test_first_working_day_and_the_whole_month() -> None:
    assert nth_working_day(2027, 1, 1) == dt.date(2027, 1, 4)
    assert len(working_days_in_month(2026, 12)) == 21  # 23 weekdays less Christmas, Boxing Day


def test_a_month_outside_the_calendar_is_a_clear_error() -> None:
    with pytest.raises(CalendarCoverageError, match=r"does not cover 2036-01"):
        nth_working_day(2036, 1, 5)
    with pytest.raises(ValueError, match="n must be 1 or more"):
        nth_working_day(2026, 1, 0)
    with pytest.raises(ValueError, match="only"):
        nth_working_day(2026, 2, 25)
