"""After a successful scheduled ``scorecard`` run, report the month just closed.

The monthly schedule tags its scorecard run with the month to report
(``scorecard/month_end_partition``). When such a run succeeds, and so has rebuilt and
published the scorecard, this sensor requests that partition of
``marts/fct_scorecard_month_end`` (job ``month_end_scorecard``). Untagged runs are ignored;
tag a manual scorecard run the same way to get the same follow-up. On by default: it acts
only on tagged runs, so it does nothing until the monthly schedule is on.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.jobs import month_end_scorecard_job, scorecard_job
from orchestration.defs.operations.month_end import fct_scorecard_month_end
from orchestration.defs.operations.schedules import MONTH_END_PARTITION_TAG, TRIGGER_TAG


def month_end_request(run: dg.DagsterRun) -> dg.RunRequest | dg.SkipReason:
    """The month-end partition run a finished scorecard run asks for, if it asks for one."""
    partition = run.tags.get(MONTH_END_PARTITION_TAG)
    if not partition:
        return dg.SkipReason(f"run {run.run_id} has no {MONTH_END_PARTITION_TAG} tag")
    partitions = fct_scorecard_month_end.partitions_def
    if partitions is None or partition not in partitions.get_partition_keys():
        return dg.SkipReason(f"run {run.run_id}: {partition} is not a month-end partition")
    return dg.RunRequest(
        run_key=f"month_end:{partition}:{run.run_id}",
        partition_key=partition,
        tags={TRIGGER_TAG: "month_end_after_scorecard", "scorecard/after_run": run.run_id},
    )


@dg.run_status_sensor(
    name="month_end_after_scorecard",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[scorecard_job],
    request_job=month_end_scorecard_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "When a scorecard run tagged by the monthly schedule succeeds, materialise the "
        "month-end partition it names."
    ),
)
def month_end_after_scorecard(
    context: dg.RunStatusSensorContext,
) -> dg.RunRequest | dg.SkipReason:
    """Request the month-end partition named by the successful run's tag."""
    return month_end_request(context.dagster_run)
