"""England and Wales working days, from the project's own calendar seed.

The seed ``dbt_project/seeds/calendar/england_calendar.csv`` (built by
``scripts/build_calendar_seed.py`` from the ``holidays`` library) has one row per day with
``is_working_day``: not a Saturday or Sunday and not an England and Wales bank holiday
(substitute days included). It covers a fixed range of years; a month outside it is an
error, never a guess, so a schedule stops loudly the year the seed needs extending.

Pure library: no Dagster, no database.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

from orchestration.lib.config import PROJECT_ROOT

CALENDAR_SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "calendar" / "england_calendar.csv"


class CalendarCoverageError(ValueError):
    """The calendar seed does not cover the month asked about."""


@cache
def load_working_days(path: Path = CALENDAR_SEED) -> dict[dt.date, bool]:
    """Every day in the seed mapped to whether it is a working day (read once per path)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            dt.date.fromisoformat(row["calendar_date"]): row["is_working_day"].strip() == "true"
            for row in csv.DictReader(handle)
        }


def month_days(year: int, month: int) -> list[dt.date]:
    """Every day of one month, first to last."""
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return [first + dt.timedelta(days=offset) for offset in range((following - first).days)]


def working_days_in_month(
    year: int, month: int, calendar: dict[dt.date, bool] | None = None
) -> list[dt.date]:
    """The working days of one month in order; raises when the calendar lacks any of its days."""
    days = calendar if calendar is not None else load_working_days()
    whole_month = month_days(year, month)
    missing = [day for day in whole_month if day not in days]
    if missing:
        covered = f"{min(days)} to {max(days)}" if days else "no days"
        raise CalendarCoverageError(
            f"the working-day calendar ({CALENDAR_SEED.name}, covering {covered}) does not "
            f"cover {whole_month[0]:%Y-%m}: extend it with scripts/build_calendar_seed.py"
        )
    return [day for day in whole_month if days[day]]


def nth_working_day(
    year: int, month: int, n: int, calendar: dict[dt.date, bool] | None = None
) -> dt.date:
    """The ``n``-th working day (1-based) of a month in England and Wales."""
    if n < 1:
        raise ValueError(f"n must be 1 or more, got {n}")
    working = working_days_in_month(year, month, calendar)
    if n > len(working):
        raise ValueError(f"{year:04d}-{month:02d} has only {len(working)} working days, not {n}")
    return working[n - 1]
