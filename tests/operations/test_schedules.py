"""The schedules: nightly ingest at 02:00 and the scorecard on the 5th working day at 07:00,
both in Europe/London (BST in summer, GMT in winter)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration.defs.operations.schedules import (
    MONTH_END_PARTITION_TAG,
    monthly_scorecard_schedule,
    nightly_ingest_schedule,
)

LONDON = ZoneInfo("Europe/London")


def _tick(moment: dt.datetime) -> dg.RunRequest | dg.SkipReason:
    context = dg.build_schedule_context(scheduled_execution_time=moment)
    return monthly_scorecard_schedule(context)


def _london(day: dt.date, hour: int = 7) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_the_schedules_fire_in_london_time() -> None:
    assert monthly_scorecard_schedule.cron_schedule == "0 7 5-11 * *"
    assert monthly_scorecard_schedule.execution_timezone == "Europe/London"
    assert monthly_scorecard_schedule.job_name == "scorecard"
    assert nightly_ingest_schedule.cron_schedule == "0 2 * * *"
    assert nightly_ingest_schedule.execution_timezone == "Europe/London"
    assert nightly_ingest_schedule.job_name == "nightly_ingest"
    for schedule in (monthly_scorecard_schedule, nightly_ingest_schedule):
        assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED


@pytest.mark.parametrize(
    ("fifth_working_day", "closed_month"),
    [
        (dt.date(2026, 5, 8), "2026-04"),  # bank holiday Monday 4 May moves it to the 8th
        (dt.date(2027, 1, 8), "2026-12"),  # New Year's Day moves it to the 8th
        (dt.date(2026, 4, 9), "2026-03"),  # Good Friday and Easter Monday
        (dt.date(2026, 6, 5), "2026-05"),
        (dt.date(2026, 11, 6), "2026-10"),
    ],
)
def test_monthly_schedule_fires_on_the_fifth_working_day_only(
    fifth_working_day: dt.date, closed_month: str
) -> None:
    request = _tick(_london(fifth_working_day))
    assert isinstance(request, dg.RunRequest)
    assert request.tags[MONTH_END_PARTITION_TAG] == closed_month
    assert request.run_key == f"monthly_scorecard:{closed_month}"
    for day in range(5, 12):
        other = fifth_working_day.replace(day=day)
        if other != fifth_working_day:
            skip = _tick(_london(other))
            assert isinstance(skip, dg.SkipReason), other
            assert str(fifth_working_day) in (skip.skip_message or "")


def test_exactly_one_tick_a_month_fires_in_the_cron_window() -> None:
    for year in (2026, 2027):
        for month in range(1, 13):
            fired = [
                day
                for day in range(5, 12)
                if isinstance(_tick(_london(dt.date(year, month, day))), dg.RunRequest)
            ]
            assert len(fired) == 1, (year, month, fired)


def test_the_date_is_taken_in_london_in_summer_and_winter() -> None:
    # 07:00 BST is 06:00 UTC; 07:00 GMT is 07:00 UTC: the same London tick either way.
    summer = dt.datetime(2026, 5, 8, 6, tzinfo=dt.UTC)
    winter = dt.datetime(2027, 1, 8, 7, tzinfo=dt.UTC)
    assert summer.astimezone(LONDON).hour == 7 and winter.astimezone(LONDON).hour == 7
    assert isinstance(_tick(summer), dg.RunRequest)
    assert isinstance(_tick(winter), dg.RunRequest)
    # 23:30 UTC on 7 May is already 8 May in London (BST): the London date decides.
    assert isinstance(_tick(dt.datetime(2026, 5, 7, 23, 30, tzinfo=dt.UTC)), dg.RunRequest)
    # 23:30 UTC on 7 January is still 7 January in London (GMT): not the day.
    assert isinstance(_tick(dt.datetime(2027, 1, 7, 23, 30, tzinfo=dt.UTC)), dg.SkipReason)
