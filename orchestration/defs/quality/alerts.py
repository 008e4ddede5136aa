"""Alert sensors: after each ``scorecard`` run, a digest of failed checks goes to analysts.

Two run-status sensors (the run succeeded, the run failed) read the run's asset check
evaluations from the instance's event log, the migration findings from ``marts.dq_findings``
(read-only, skipped when the table is not there) and deliver the digest
(``orchestration.lib.alerts``) to the channels in the config's ``alerts:`` block. Without
that block the sensors skip. ``python -m orchestration.cli alert --run-id latest`` sends
the same digest for a headless run (``dagster job execute`` runs no sensors).
"""

# No ``from __future__ import annotations``: Dagster inspects the sensor function's
# parameter annotations (the resource) at definition time and needs the real classes.
import os
from collections.abc import Mapping, Sequence

import dagster as dg

from orchestration.defs.jobs import scorecard_job
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.alerts import (
    CheckEvaluation,
    DeliveryResult,
    Digest,
    build_digest,
    deliver,
    read_findings,
    should_send,
)
from orchestration.lib.config import ScorecardConfig

_PAGE_SIZE = 1_000
# Written by ``publish/migration_reconciliation_report``; linked when no URL is configured.
RECONCILIATION_REPORT_NAME = "migration_reconciliation.html"


def _records_of_type(
    instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType
) -> list[dg.EventLogRecord]:
    """Every event log record of one type in a run (paged)."""
    records: list[dg.EventLogRecord] = []
    cursor = None
    while True:
        connection = instance.get_records_for_run(
            run_id, cursor=cursor, of_type=event_type, limit=_PAGE_SIZE
        )
        records.extend(connection.records)
        if not connection.has_more:
            return records
        cursor = connection.cursor


def _plain_metadata(metadata: Mapping[str, object]) -> dict[str, object]:
    """Metadata values unwrapped from ``MetadataValue`` (the digest allow-lists the keys)."""
    return {key: getattr(value, "value", value) for key, value in metadata.items()}


def run_check_evaluations(instance: dg.DagsterInstance, run_id: str) -> list[CheckEvaluation]:
    """The asset check evaluations a run recorded, in event order."""
    evaluations = []
    for record in _records_of_type(instance, run_id, dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = record.event_log_entry.asset_check_evaluation
        if evaluation is None:
            continue
        evaluations.append(
            CheckEvaluation(
                asset_key=evaluation.asset_key.to_user_string(),
                check_name=evaluation.check_name,
                passed=evaluation.passed,
                severity=evaluation.severity.value,
                description=evaluation.description,
                metadata=_plain_metadata(evaluation.metadata),
            )
        )
    return evaluations


def run_failed_steps(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The keys of the steps that failed in a run (never their error messages)."""
    records = _records_of_type(instance, run_id, dg.DagsterEventType.STEP_FAILURE)
    return sorted({r.event_log_entry.step_key for r in records if r.event_log_entry.step_key})


def digest_for_run(
    instance: dg.DagsterInstance, run: dg.DagsterRun, config: ScorecardConfig
) -> Digest:
    """The digest of one run: its checks, failed steps, the findings mart and the links."""
    alerts = config.alerts
    report = alerts.reconciliation_report if alerts else None
    local_report = config.output_dir / RECONCILIATION_REPORT_NAME
    if report is None and local_report.exists():
        report = str(local_report)
    return build_digest(
        run_id=run.run_id,
        job_name=run.job_name,
        run_status=run.status.value,
        evaluations=run_check_evaluations(instance, run.run_id),
        findings=read_findings(config.warehouse_path),
        failed_steps=run_failed_steps(instance, run.run_id),
        la_label=config.la_name or f"LA {config.la_code}",
        dagster_url=alerts.dagster_url if alerts else None,
        data_docs_dir=config.data_docs_dir,
        data_docs_url=alerts.data_docs_url if alerts else None,
        reconciliation_report=report,
    )


def send_run_digest(
    instance: dg.DagsterInstance,
    run: dg.DagsterRun,
    config: ScorecardConfig,
    environ: Mapping[str, str],
    force: bool = False,
) -> tuple[Digest | None, list[DeliveryResult]]:
    """Build and deliver the digest of ``run``; ``([], ...)`` when it is not due.

    Returns the digest (None when alerts are not configured) and one result per channel
    (empty when ``send_when: failures`` and nothing failed, unless ``force``).
    """
    if config.alerts is None:
        return None, []
    digest = digest_for_run(instance, run, config)
    if not (force or should_send(digest, config.alerts)):
        return digest, []
    return digest, deliver(digest, config.alerts, environ)


def _outcome(results: Sequence[DeliveryResult]) -> str:
    return "; ".join(f"{r.channel}: {'ok' if r.ok else 'FAILED'} ({r.detail})" for r in results)


def _alert_on_run(
    context: dg.RunStatusSensorContext, scorecard_config: ScorecardConfigResource
) -> dg.SkipReason | None:
    config = scorecard_config.load()
    run = context.dagster_run
    digest, results = send_run_digest(context.instance, run, config, os.environ)
    if digest is None:
        return dg.SkipReason("no alerts: block in the configuration")
    if not results:
        return dg.SkipReason(f"run {run.run_id}: nothing failed (send_when: failures)")
    if all(result.ok for result in results):
        context.log.info("alert digest for run %s: %s", run.run_id, _outcome(results))
    else:
        # Not raised: a raise would re-run the tick and resend to the channels that worked.
        context.log.error("alert digest for run %s: %s", run.run_id, _outcome(results))
    return None


def build_alert_sensors() -> list[dg.RunStatusSensorDefinition]:
    """One sensor for the scorecard job's successful runs and one for its failed runs."""
    job = scorecard_job

    @dg.run_status_sensor(
        name=f"{job.name}_alerts_on_success",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Send the digest of failed checks after each successful {job.name} run.",
    )
    def _on_success(
        context: dg.RunStatusSensorContext, scorecard_config: ScorecardConfigResource
    ) -> dg.SkipReason | None:
        return _alert_on_run(context, scorecard_config)

    @dg.run_status_sensor(
        name=f"{job.name}_alerts_on_failure",
        run_status=dg.DagsterRunStatus.FAILURE,
        monitored_jobs=[job],
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Send the digest of failed checks and steps after each failed {job.name} run.",
    )
    def _on_failure(
        context: dg.RunStatusSensorContext, scorecard_config: ScorecardConfigResource
    ) -> dg.SkipReason | None:
        return _alert_on_run(context, scorecard_config)

    return [_on_success, _on_failure]
