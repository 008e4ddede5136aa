"""Calendar rules the generator relies on (England working days, months)."""

from __future__ import annotations

import datetime as dt

from orchestration.synthetic.dates import (
    DayCalendar,
    age_on,
    day,
    england_bank_holidays,
    report_months,
    to_date,
)


def test_england_bank_holidays_with_substitutes_and_one_offs() -> None:
    assert england_bank_holidays(2021) == [
        dt.date(2021, 1, 1), dt.date(2021, 4, 2), dt.date(2021, 4, 5), dt.date(2021, 5, 3),
        dt.date(2021, 5, 31), dt.date(2021, 8, 30), dt.date(2021, 12, 27), dt.date(2021, 12, 28),
    ]  # fmt: skip
    holidays_2022 = england_bank_holidays(2022)
    assert dt.date(2022, 9, 19) in holidays_2022 and dt.date(2022, 6, 3) in holidays_2022
    assert dt.date(2022, 5, 30) not in holidays_2022  # spring holiday moved to 2 June
    assert dt.date(2020, 5, 8) in england_bank_holidays(2020)


def test_working_days_are_counted_from_the_day_after_the_start() -> None:
    calendar = DayCalendar(dt.date(2020, 1, 1), dt.date(2026, 12, 31))
    monday = day(dt.date(2024, 3, 4))
    assert calendar.working_days_between(monday, monday + 7) == 5
    assert to_date(calendar.add_working_days(monday, 5)) == dt.date(2024, 3, 11)
    good_friday_week = day(dt.date(2024, 3, 27))  # Wednesday before Easter 2024
    assert to_date(calendar.add_working_days(good_friday_week, 2)) == dt.date(2024, 4, 2)
    assert to_date(calendar.add_months(day(dt.date(2024, 1, 31)), 1)) == dt.date(2024, 2, 29)


def test_report_months_and_ages() -> None:
    months = report_months(dt.date(2016, 4, 1), dt.date(2026, 10, 31))
    assert len(months) == 127
    assert report_months(dt.date(2016, 4, 2), dt.date(2026, 10, 30))[0] == months[1]
    assert len(report_months(dt.date(2016, 4, 2), dt.date(2026, 10, 30))) == 125
    born = day(dt.date(2006, 7, 1))
    assert age_on(born, day(dt.date(2024, 6, 30))) == 17
    assert age_on(born, day(dt.date(2024, 7, 1))) == 18
