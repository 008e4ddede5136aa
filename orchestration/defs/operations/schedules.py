"""Schedules: the nightly ingest and the monthly scorecard, in Europe/London time.

- ``nightly_ingest_schedule``: 02:00 every day, job ``nightly_ingest`` (the ``raw`` group).
- ``monthly_scorecard_schedule``: 07:00 on the 5th working day of each month (England and
  Wales: no weekends, no bank holidays; ``orchestration.lib.working_days``). Cron cannot
  say "5th working day", so it fires at 07:00 on days 5-11 (the 5th working day always
  falls in that window: at most two weekends plus Good Friday and Easter Monday come first)
  and skips every day but the right one. On that day it requests a ``scorecard`` run tagged
  with the month just closed (``MONTH_END_PARTITION_TAG``); when that run succeeds,
  the ``month_end_after_scorecard`` sensor materialises that month's partition of
  ``marts/fct_scorecard_month_end``. Two runs one after the other, not one: a run holding
  the partitioned asset needs a partition key, the scorecard job must run without one, and
  the month-end copy must read the scorecard that run has just rebuilt and published.

Both start STOPPED: a code location loaded for the demo or ``make dev`` should not start
writing the warehouse on its own. Turn them on once per deployment in the UI
(Automation) or with ``dagster schedule start``; the instance remembers.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.jobs import nightly_ingest_job, scorecard_job
from orchestration.defs.operations.partitions import TIMEZONE, previous_month_key
from orchestration.lib.working_days import nth_working_day

MONTHLY_WORKING_DAY = 5
MONTH_END_PARTITION_TAG = "scorecard/month_end_partition"
TRIGGER_TAG = "scorecard/trigger"

nightly_ingest_schedule = dg.ScheduleDefinition(
    name="nightly_ingest_schedule",
    job=nightly_ingest_job,
    cron_schedule="0 2 * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Load new complete extracts into raw at 02:00 Europe/London every night.",
    tags={TRIGGER_TAG: "nightly_ingest_schedule"},
)


def local_day(scheduled: dt.datetime | None) -> dt.date:
    """The Europe/London date of a tick (now when the tick has no scheduled time)."""
    moment = scheduled or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(TIMEZONE)).date()


def monthly_run_request(day: dt.date) -> dg.RunRequest | dg.SkipReason:
    """The scorecard run for the month just closed on its 5th working day, else a skip."""
    due = nth_working_day(day.year, day.month, MONTHLY_WORKING_DAY)
    if day != due:
        return dg.SkipReason(
            f"{day} is not working day {MONTHLY_WORKING_DAY} of {day:%Y-%m} (that is {due})"
        )
    closed = previous_month_key(day)
    return dg.RunRequest(
        run_key=f"monthly_scorecard:{closed}",
        tags={MONTH_END_PARTITION_TAG: closed, TRIGGER_TAG: "monthly_scorecard_schedule"},
    )


@dg.schedule(
    name="monthly_scorecard_schedule",
    job=scorecard_job,
    cron_schedule="0 7 5-11 * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description=(
        "07:00 Europe/London on the 5th working day: the scorecard run, then (sensor "
        "month_end_after_scorecard) the month-end partition of the month just closed."
    ),
)
def monthly_scorecard_schedule(
    context: dg.ScheduleEvaluationContext,
) -> dg.RunRequest | dg.SkipReason:
    """Fire on the 5th working day only; the other days of the cron window skip."""
    return monthly_run_request(local_day(context.scheduled_execution_time))


operations_schedules = [nightly_ingest_schedule, monthly_scorecard_schedule]
