"""Build the England working-day calendar seed from the maintained `holidays` library.

Writes ``dbt_project/seeds/calendar/england_calendar.csv``: one row per day with England
bank holidays (including substitute days), weekends and a running working-day number, so
that the working days from the day after a start date up to and including an end date
are ``working_day_number(end) - working_day_number(start)``.

Run with ``.venv/bin/python scripts/build_calendar_seed.py``; commit the result.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
from pathlib import Path

import holidays

SEED_PATH = Path(__file__).resolve().parents[1] / "dbt_project/seeds/calendar/england_calendar.csv"
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2035, 12, 31)

logger = logging.getLogger(__name__)


def calendar_rows(first_day: dt.date, last_day: dt.date) -> list[tuple]:
    """Every day from first_day to last_day with its England working-day attributes."""
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(first_day.year, last_day.year + 1)
    )
    rows = []
    working_day_number = 0
    day = first_day
    while day <= last_day:
        holiday_name = bank_holidays.get(day)
        is_weekend = day.weekday() >= 5
        is_working_day = not is_weekend and holiday_name is None
        working_day_number += int(is_working_day)
        rows.append(
            (
                day.isoformat(),
                str(is_weekend).lower(),
                str(holiday_name is not None).lower(),
                holiday_name or "",
                str(is_working_day).lower(),
                working_day_number,
            )
        )
        day += dt.timedelta(days=1)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=SEED_PATH)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows = calendar_rows(FIRST_DAY, LAST_DAY)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "calendar_date",
                "is_weekend",
                "is_bank_holiday",
                "bank_holiday_name",
                "is_working_day",
                "working_day_number",
            ]
        )
        writer.writerows(rows)
    logger.info("wrote %s days to %s (holidays %s)", len(rows), args.output, holidays.__version__)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
