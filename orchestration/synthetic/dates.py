"""Day arithmetic for the generator: integer days, England working days, months.

The simulation keeps every date as an ``int`` day number (``date.toordinal()``): cheap to
compare, add and use as an index. ``DayCalendar`` precomputes, for a fixed range of days,
the month of each day, England working days (weekends and England and Wales bank
holidays excluded) and the text forms each source system writes.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from functools import cache

import numpy as np

# One-off bank holidays in England (jubilees, royal occasions), on top of the regular rules.
_SPECIAL_BANK_HOLIDAYS: tuple[dt.date, ...] = (
    dt.date(2011, 4, 29),
    dt.date(2012, 6, 5),
    dt.date(2022, 6, 3),
    dt.date(2022, 9, 19),
    dt.date(2023, 5, 8),
)
# Regular holidays moved to another day in these years: (year, rule) -> replacement date.
_MOVED_BANK_HOLIDAYS: dict[tuple[int, str], dt.date] = {
    (1995, "early_may"): dt.date(1995, 5, 8),
    (2020, "early_may"): dt.date(2020, 5, 8),
    (2002, "spring"): dt.date(2002, 6, 4),
    (2012, "spring"): dt.date(2012, 6, 4),
    (2022, "spring"): dt.date(2022, 6, 2),
}

SENTINEL_1900 = dt.date(1900, 1, 1).toordinal()


def day(value: dt.date) -> int:
    """The day number of a date."""
    return value.toordinal()


def to_date(day_number: int) -> dt.date:
    """The date of a day number."""
    return dt.date.fromordinal(day_number)


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday in the Gregorian calendar (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day_of_month = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day_of_month + 1)


def _first_weekday(year: int, month: int, weekday: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7)


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def england_bank_holidays(year: int) -> list[dt.date]:
    """England and Wales bank holidays of one year, with substitute days."""
    holidays = []
    new_year = dt.date(year, 1, 1)
    holidays.append(new_year + dt.timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0)))
    easter = easter_sunday(year)
    holidays += [easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)]
    holidays.append(
        _MOVED_BANK_HOLIDAYS.get((year, "early_may"), _first_weekday(year, 5, 0)),
    )
    holidays.append(_MOVED_BANK_HOLIDAYS.get((year, "spring"), _last_weekday(year, 5, 0)))
    holidays.append(_last_weekday(year, 8, 0))
    christmas = dt.date(year, 12, 25)
    offsets = {4: (0, 3), 5: (2, 3), 6: (1, 2)}.get(christmas.weekday(), (0, 1))
    holidays += [christmas + dt.timedelta(days=offset) for offset in offsets]
    holidays += [special for special in _SPECIAL_BANK_HOLIDAYS if special.year == year]
    return sorted(holidays)


def month_index(value: dt.date) -> int:
    """Months since year 0: consecutive months differ by one."""
    return value.year * 12 + value.month - 1


def month_first_day(index: int) -> dt.date:
    year, month0 = divmod(index, 12)
    return dt.date(year, month0 + 1, 1)


def month_last_day(index: int) -> dt.date:
    return month_first_day(index + 1) - dt.timedelta(days=1)


def report_months(history_start: dt.date, as_of: dt.date) -> list[int]:
    """Month indexes from the first month starting on or after history start to the last
    month ending on or before the as-of date (docs/architecture.md)."""
    first = month_index(history_start) + (0 if history_start.day == 1 else 1)
    last = month_index(as_of) - (0 if as_of == month_last_day(month_index(as_of)) else 1)
    return list(range(first, last + 1))


class DayCalendar:
    """Precomputed facts about every day in ``[first, last]`` (day numbers)."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = day(first)
        self.last = day(last)
        days = np.arange(self.first, self.last + 1)
        dates = [to_date(int(value)) for value in days]
        self.month = [month_index(value) for value in dates]
        self.dom = [value.day for value in dates]
        self.weekday = [value.weekday() for value in dates]
        holidays = {
            day(holiday)
            for year in range(first.year, last.year + 1)
            for holiday in england_bank_holidays(year)
        }
        self.is_holiday = [int(value) in holidays for value in days]
        working = [
            weekday < 5 and not holiday
            for weekday, holiday in zip(self.weekday, self.is_holiday, strict=True)
        ]
        self.working_days = [int(value) for value, flag in zip(days, working, strict=True) if flag]
        self._working_cum = np.cumsum(working).tolist()
        self._first_of_month: dict[int, int] = {}

    def month_of(self, day_number: int) -> int:
        return self.month[day_number - self.first]

    def working_count(self, day_number: int) -> int:
        """Working days on or before ``day_number`` (within the calendar's range)."""
        return self._working_cum[day_number - self.first]

    def working_days_between(self, start: int, end: int) -> int:
        """Working days after ``start`` up to and including ``end`` (the contract's rule)."""
        return self.working_count(end) - self.working_count(start)

    def add_working_days(self, start: int, count: int) -> int:
        """The day that is ``count`` working days after ``start`` (count >= 1), or the
        first working day on or after ``start`` when count is 0."""
        if count <= 0:
            index = bisect_right(self.working_days, start - 1)
            return self.working_days[index]
        return self.working_days[self.working_count(start) + count - 1]

    def is_working(self, day_number: int) -> bool:
        index = day_number - self.first
        return self.weekday[index] < 5 and not self.is_holiday[index]

    def first_of_month(self, index: int) -> int:
        cached = self._first_of_month.get(index)
        if cached is None:
            cached = day(month_first_day(index))
            self._first_of_month[index] = cached
        return cached

    def add_months(self, day_number: int, months: int) -> int:
        """Same day of month ``months`` later, clipped to the month's last day."""
        target = self.month_of(day_number) + months
        start = self.first_of_month(target)
        length = self.first_of_month(target + 1) - start
        return start + min(self.dom[day_number - self.first], length) - 1


def add_years(birth: int, years: int) -> int:
    """The anniversary ``years`` after ``birth`` (29 February -> 1 March)."""
    born = to_date(birth)
    try:
        return day(born.replace(year=born.year + years))
    except ValueError:
        return day(dt.date(born.year + years, 3, 1))


def age_on(birth: int, on: int) -> int:
    """Completed years of age on day ``on``."""
    born, then = to_date(birth), to_date(on)
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


@cache
def legacy_text(day_number: int) -> str:
    """DD/MM/YYYY, as the legacy system's SQL Server export writes dates."""
    return to_date(day_number).strftime("%d/%m/%Y")


@cache
def iso_text(day_number: int) -> str:
    return to_date(day_number).isoformat()


@cache
def datetime_text(day_number: int) -> str:
    """YYYY-MM-DD 00:00:00.000, as the successor's SSD build writes datetimes."""
    return f"{iso_text(day_number)} 00:00:00.000"
