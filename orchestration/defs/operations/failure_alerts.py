"""The run-failure sensor: any failed run of this code location is announced to analysts.

It uses the channels of the configuration's ``alerts:`` block (email, Teams, Slack), the
same as the data-quality digest, and sends ``orchestration.lib.alerts.RunFailureAlert``:
job, run id, the run's link in Dagster (``dagster_url``), the failed step keys, the error
classes and the error message only once cleaned of anything identifier-like (else it is
withheld). Without an ``alerts:`` block nothing is sent and the tick says so once per
failed run. A ``scorecard`` run that fails also gets the digest of failed checks
(``scorecard_alerts_on_failure``); this alert is the one every job gets.
"""

# No ``from __future__ import annotations``: Dagster inspects the sensor function's
# parameter annotations (the resource) at definition time and needs the real classes.
import os
from collections.abc import Sequence

import dagster as dg

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.alerts import (
    DeliveryResult,
    RunFailureAlert,
    build_run_failure_alert,
    deliver_run_failure,
)
from orchestration.lib.config import ScorecardConfig

PARTITION_TAG = "dagster/partition"


def _root_cause(error: object) -> object:
    """The innermost cause: the user code's exception rather than Dagster's wrapper."""
    while getattr(error, "cause", None) is not None:
        error = error.cause  # type: ignore[attr-defined]
    return error


def _error_of(event: dg.DagsterEvent) -> object | None:
    data = event.event_specific_data
    return getattr(data, "error", None) if data is not None else None


def _message_of(error: object) -> str:
    """The error's message without its leading ``ClassName:``."""
    message = str(getattr(error, "message", "") or "")
    prefix = f"{getattr(error, 'cls_name', '')}:"
    return message[len(prefix) :].strip() if message.startswith(prefix) else message.strip()


def failure_alert(context: dg.RunFailureSensorContext, config: ScorecardConfig) -> RunFailureAlert:
    """The alert for the failed run in ``context``."""
    run = context.dagster_run
    steps: list[str] = []
    errors: list[object] = []
    for event in context.get_step_failure_events():
        if event.step_key:
            steps.append(event.step_key)
        error = _error_of(event)
        if error is not None:
            errors.append(_root_cause(error))
    if not errors and (run_error := _error_of(context.failure_event)) is not None:
        errors.append(_root_cause(run_error))
    alerts = config.alerts
    return build_run_failure_alert(
        run_id=run.run_id,
        job_name=run.job_name,
        failed_steps=steps,
        error_classes=[str(getattr(error, "cls_name", "") or "") for error in errors],
        error_message=_message_of(errors[0]) if errors else None,
        partition_key=run.tags.get(PARTITION_TAG),
        la_label=config.la_name or f"LA {config.la_code}",
        dagster_url=alerts.dagster_url if alerts else None,
        trusted=[config.as_of_date.isoformat()],
    )


def _outcome(results: Sequence[DeliveryResult]) -> str:
    return "; ".join(f"{r.channel}: {'ok' if r.ok else 'FAILED'} ({r.detail})" for r in results)


@dg.run_failure_sensor(
    name="run_failure_alerts",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Send job, run, link, failed steps and error class of every failed run of this code "
        "location to the alerts: channels."
    ),
)
def run_failure_alerts(
    context: dg.RunFailureSensorContext, scorecard_config: ScorecardConfigResource
) -> dg.SkipReason | None:
    """Deliver the run-failure alert (no ``monitored_jobs``: every job of the location)."""
    config = scorecard_config.load()
    run = context.dagster_run
    if config.alerts is None:
        context.log.info("run %s failed; no alerts: block in the configuration", run.run_id)
        return dg.SkipReason("no alerts: block in the configuration")
    results = deliver_run_failure(failure_alert(context, config), config.alerts, os.environ)
    if all(result.ok for result in results):
        context.log.info("run-failure alert for run %s: %s", run.run_id, _outcome(results))
    else:
        # Not raised: a raise would re-run the tick and resend to the channels that worked.
        context.log.error("run-failure alert for run %s: %s", run.run_id, _outcome(results))
    return None
