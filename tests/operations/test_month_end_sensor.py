"""After a successful scorecard run tagged by the monthly schedule, the month-end partition."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.operations.month_end_sensor import (
    month_end_after_scorecard,
    month_end_request,
)
from orchestration.defs.operations.schedules import MONTH_END_PARTITION_TAG


def _run(tags: dict[str, str]) -> dg.DagsterRun:
    return dg.DagsterRun(job_name="scorecard", run_id="0123abcd-run", tags=tags)


def test_a_tagged_run_requests_its_month_end_partition() -> None:
    request = month_end_request(_run({MONTH_END_PARTITION_TAG: "2026-10"}))
    assert isinstance(request, dg.RunRequest)
    assert request.partition_key == "2026-10"
    assert request.run_key == "month_end:2026-10:0123abcd-run"


def test_untagged_or_unknown_months_are_skipped() -> None:
    assert isinstance(month_end_request(_run({})), dg.SkipReason)
    assert isinstance(month_end_request(_run({MONTH_END_PARTITION_TAG: "1999-01"})), dg.SkipReason)


def test_the_sensor_follows_scorecard_successes_into_the_month_end_job() -> None:
    assert month_end_after_scorecard.default_status == dg.DefaultSensorStatus.RUNNING
    assert [job.name for job in month_end_after_scorecard.jobs] == ["month_end_scorecard"]
