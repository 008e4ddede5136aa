"""The run-failure sensor: a failed run of any job reaches the alert channels with its job,
run, link, failed steps and error class, and never a child's identifier."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.operations.failure_alerts import run_failure_alerts
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib import alerts as alert_lib
from orchestration.lib.alerts import REDACTED, build_run_failure_alert, find_identifiers
from tests.alert_receivers import SmtpServer, WebhookReceiver

DAGSTER_URL = "http://dagster.example.org"
PERSON_ID = "P12345678901"
DATE_OF_BIRTH = "2014-03-02"
CHILD_NAME = "Amelia Testchild"
IDENTIFYING_VALUES = (PERSON_ID, DATE_OF_BIRTH, CHILD_NAME, "Amelia")


def _alerts_block(smtp_port: int) -> dict:
    return {
        "dagster_url": DAGSTER_URL,
        "timeout_seconds": 5,
        "email": {
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "use_starttls": False,
            "sender": "scorecard@example.org",
            "recipients": ["analyst@example.org"],
        },
        "teams": {"webhook_url_env": "OPS_TEST_TEAMS_URL"},
        "slack": {"webhook_url_env": "OPS_TEST_SLACK_URL"},
    }


def _failed_run(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    @dg.asset(key=dg.AssetKey(["raw", "ssd_person"]))
    def raw_person() -> None:
        raise ValueError(
            f"could not convert '{CHILD_NAME}' for {PERSON_ID} born {DATE_OF_BIRTH} to a date"
        )

    job = dg.define_asset_job("nightly_ingest", selection=dg.AssetSelection.all())
    definitions = dg.Definitions(assets=[raw_person], jobs=[job])
    return definitions.resolve_job_def("nightly_ingest").execute_in_process(
        instance=instance, raise_on_error=False
    )


def _evaluate(result: dg.ExecuteInProcessResult, instance: dg.DagsterInstance, config: Path):
    with dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config))},
    ) as context:
        return run_failure_alerts(context.for_run_failure())


def test_a_failed_run_reaches_every_channel_without_identifiers(
    config_writer: Callable[..., Path],
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPS_TEST_TEAMS_URL", f"{webhooks.base_url}/teams")
    monkeypatch.setenv("OPS_TEST_SLACK_URL", f"{webhooks.base_url}/slack")
    config = config_writer(_alerts_block(smtp_server.port))
    instance = dg.DagsterInstance.ephemeral()
    result = _failed_run(instance)
    assert not result.success

    assert _evaluate(result, instance, config) is None

    run_id = result.run_id
    [message] = smtp_server.messages
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert "run of nightly_ingest failed (ValueError)" in str(message["Subject"])
    for expected in (
        "Job:",
        "nightly_ingest",
        run_id,
        f"{DAGSTER_URL}/runs/{run_id}",
        "raw__ssd_person",
        "ValueError",
        f"could not convert {REDACTED} for {REDACTED} born {REDACTED} to a date",
    ):
        assert expected in plain, expected
    teams = webhooks.posts["/teams"]
    slack = webhooks.posts["/slack"]
    assert len(teams) == len(slack) == 1
    assert f"{DAGSTER_URL}/runs/{run_id}" in json.dumps(teams[0])
    assert "raw__ssd_person" in json.dumps(slack[0])
    sent = [message.as_string(), plain, json.dumps(teams[0]), json.dumps(slack[0])]
    for text in sent:
        for value in IDENTIFYING_VALUES:
            assert value not in text


def test_without_an_alerts_block_nothing_is_sent(
    config_writer: Callable[..., Path], smtp_server: SmtpServer
) -> None:
    config = config_writer()
    instance = dg.DagsterInstance.ephemeral()
    result = _failed_run(instance)
    skip = _evaluate(result, instance, config)
    assert isinstance(skip, dg.SkipReason)
    assert "no alerts" in (skip.skip_message or "")
    assert smtp_server.messages == []


def test_a_message_redaction_cannot_clear_is_withheld(monkeypatch: pytest.MonkeyPatch) -> None:
    # Stand-in for a token the redaction misses: the final scan still finds it.
    monkeypatch.setattr(alert_lib, "redact", lambda text, trusted=(): (text, 0))
    alert = build_run_failure_alert(
        run_id="r1",
        job_name="scorecard",
        error_classes=["ValueError"],
        error_message=f"bad row {PERSON_ID}",
    )
    assert alert.error_message is None and alert.message_withheld
    text = alert_lib.render_run_failure_text(alert)
    assert PERSON_ID not in text and "withheld" in text


def test_error_messages_are_cut_and_cleaned() -> None:
    alert = build_run_failure_alert(
        run_id="0123abcd-0000-4000-8000-000000000000",
        job_name="month_end_scorecard",
        failed_steps=["marts__fct_scorecard_month_end"],
        error_classes=["MonthEndError", "not a class!"],
        error_message="month 2026-11 ends after as_of_date 2026-10-31\nline 2\nline 3\nstack",
        partition_key="2026-11",
        trusted=["2026-10-31"],
    )
    assert alert.error_classes == ("MonthEndError",)
    assert alert.error_message == "month 2026-11 ends after as_of_date 2026-10-31 line 2 line 3"
    assert find_identifiers(alert_lib.render_run_failure_text(alert), alert.trusted_strings()) == []


def test_the_sensor_is_on_by_default() -> None:
    # No monitored_jobs: Dagster then watches every job of the code location.
    assert run_failure_alerts.default_status == dg.DefaultSensorStatus.RUNNING
