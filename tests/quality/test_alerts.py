"""Alert digests: built from a real in-process Dagster run, delivered over loopback only.

A local SMTP server (aiosmtpd) and a local HTTP receiver (standing in for Teams and Slack
webhooks) catch what is sent. The run's checks and the findings mart are seeded with
identifier-like values (person ids, dates of birth, an NHS-number-like value, a name) that
must never reach any channel.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from orchestration import cli
from orchestration.defs.quality import quality_sensors
from orchestration.defs.quality.alerts import digest_for_run, run_check_evaluations
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.alerts import (
    REDACTED,
    CheckEvaluation,
    Digest,
    FailedCheck,
    Link,
    build_digest,
    deliver,
    find_identifiers,
    read_findings,
    redact,
    render_slack,
    render_teams,
    render_text,
    should_send,
)
from orchestration.lib.config import AlertSettings, ScorecardConfig, load_config
from tests.alert_receivers import SmtpServer, WebhookReceiver, free_port

RAW_PERSON = dg.AssetKey(["raw", "ssd_person"])
SCORECARD = dg.AssetKey(["marts", "fct_scorecard_monthly"])
REPORT = dg.AssetKey(["publish", "scorecard_report"])
DAGSTER_URL = "http://dagster.test:3000"
TEAMS_ENV = "TEST_TEAMS_WEBHOOK_URL"
SLACK_ENV = "TEST_SLACK_WEBHOOK_URL"

# Values that identify a child: seeded into the inputs, never allowed in any message.
PERSON_ID = "P12345678901"
OTHER_PERSON_ID = "P00000000042"
DATE_OF_BIRTH = "2014-03-02"
NHS_LIKE = "943 476 5919"
CHILD_NAME = "Amelia Testchild"
CHILD_KEY = "3f2a9c0e1b7d4a6f8e9c0d1b2a3f4e5d"
IDENTIFYING_VALUES = (PERSON_ID, OTHER_PERSON_ID, DATE_OF_BIRTH, NHS_LIKE, CHILD_NAME, CHILD_KEY)


# --- local receivers: tests/alert_receivers.py (fixtures smtp_server, webhooks) ---


@pytest.fixture
def environ(webhooks: WebhookReceiver) -> dict[str, str]:
    return {TEAMS_ENV: webhooks.url("/teams"), SLACK_ENV: webhooks.url("/slack")}


# --- a warehouse, a config and a run ----------------------------------------------------

FINDINGS_COLUMNS = (
    "finding_id varchar, defect_kind varchar, source_system varchar, table_name varchar, "
    "severity varchar, title varchar, what_it_means varchar, what_to_do varchar, "
    "child_count bigint, record_count bigint, first_affected_month date, "
    "last_affected_month date, affected_month_count integer, affected_indicators varchar, "
    "example_person_ids varchar"
)
FINDINGS = [
    (
        "missing_open_children:carefirst:ssd_person",
        "missing_open_children",
        "carefirst",
        "ssd_person",
        "ERROR",
        "Children open at cutover missing from the new system",
        f"e.g. {CHILD_NAME}",
        "Ask the migration team",
        12,
        12,
        dt.date(2021, 7, 31),
        None,
        64,
        "CLA_COUNT; CLA_RATE_10K",
        f"{PERSON_ID}, {OTHER_PERSON_ID}",
    ),
    (
        "recording_cliff:liquid_logic:ssd_cla_visits",
        "recording_cliff",
        "liquid_logic",
        "ssd_cla_visits",
        "WARN",
        "Recording fell after go-live",
        "",
        "",
        None,
        3,
        dt.date(2021, 7, 31),
        dt.date(2021, 9, 30),
        3,
        "CLA_VISITS_IN_TIME",
        None,
    ),
    (
        "test_records:liquid_logic:ssd_person",
        "test_records",
        "liquid_logic",
        "ssd_person",
        "ERROR",
        # A title polluted with identifiers: the safety net must redact it.
        f"Test records such as {OTHER_PERSON_ID} born {DATE_OF_BIRTH}",
        "",
        "",
        2,
        2,
        dt.date(2021, 7, 31),
        None,
        64,
        "",
        CHILD_KEY,
    ),
]


def _build_warehouse(path: Path, findings: list[tuple] | None = FINDINGS) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema intermediate")
        connection.execute(
            "create table intermediate.int_dq_finding_records as "
            f"select '{PERSON_ID}' as person_id, '{CHILD_KEY}' as child_key"
        )
        if findings is not None:
            connection.execute("create schema marts")
            connection.execute(f"create table marts.dq_findings ({FINDINGS_COLUMNS})")
            if findings:
                connection.executemany(
                    f"insert into marts.dq_findings values ({', '.join(['?'] * 15)})", findings
                )
    return path


def _alerts_block(smtp_port: int, **changes: object) -> dict:
    block = {
        "dagster_url": DAGSTER_URL,
        "send_when": "failures",
        "timeout_seconds": 5,
        "email": {
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "use_starttls": False,
            "sender": "scorecard@example.org",
            "recipients": ["analyst@example.org", "lead@example.org"],
        },
        "teams": {"webhook_url_env": TEAMS_ENV},
        "slack": {"webhook_url_env": SLACK_ENV},
    }
    block.update(changes)
    return block


def _write_config(
    tmp_path: Path, warehouse: Path, alerts: dict | None, name: str = "scorecard.yaml"
) -> Path:
    raw = {
        "la_code": "999",
        "la_name": "Test authority",
        "landing_dir": str(tmp_path / "landing"),
        "warehouse_path": str(warehouse),
        "output_dir": str(tmp_path / "output"),
        "as_of_date": "2026-10-31",
        "systems": [
            {"name": "carefirst", "live_from": "2016-04-01", "live_to": "2021-06-30"},
            {"name": "liquid_logic", "live_from": "2021-07-01"},
        ],
    }
    if alerts is not None:
        raw["alerts"] = alerts
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.fixture
def scorecard(tmp_path: Path, smtp_server: SmtpServer) -> Path:
    """A config with every channel, a warehouse with findings and Data Docs on disk."""
    data_docs = tmp_path / "output" / "data_docs"
    (data_docs / "validations").mkdir(parents=True)
    (data_docs / "index.html").write_text("<html></html>", encoding="utf-8")
    report = tmp_path / "output" / "migration_reconciliation.html"
    report.write_text("<html></html>", encoding="utf-8")
    warehouse = _build_warehouse(tmp_path / "warehouse.duckdb")
    return _write_config(tmp_path, warehouse, _alerts_block(smtp_server.port))


def _definitions(
    data_docs_page: Path, clean: bool = False, fail_step: bool = False
) -> dg.Definitions:
    """Tiny assets and checks shaped like the pipeline's GX and dbt checks, in a job named
    ``scorecard`` like the real one."""

    @dg.asset(key=RAW_PERSON)
    def raw_person() -> None:
        return None

    @dg.asset(key=SCORECARD, deps=[RAW_PERSON])
    def scorecard_monthly() -> None:
        return None

    @dg.asset(key=REPORT, deps=[SCORECARD])
    def scorecard_report() -> None:
        if fail_step:
            raise ValueError(f"cannot publish {PERSON_ID} born {DATE_OF_BIRTH}")

    @dg.asset_check(asset=RAW_PERSON, name="gx_raw_person")
    def gx_raw_person() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            passed=clean,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"3 of 9 expectations failed (2 ERROR, 1 WARN): pers_person_id {PERSON_ID}, "
                f"pers_dob {DATE_OF_BIRTH}, {CHILD_NAME} NHS {NHS_LIKE}"
            ),
            metadata={
                "expectations_evaluated": 9,
                "expectations_failed": 0 if clean else 3,
                "observed": dg.MetadataValue.json(
                    {PERSON_ID: {"dob": DATE_OF_BIRTH, "name": CHILD_NAME}}
                ),
                "data_docs_page": dg.MetadataValue.path(str(data_docs_page)),
            },
        )

    @dg.asset_check(asset=SCORECARD, name="not_null_fct_scorecard_monthly_value")
    def not_null_value() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            passed=clean,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "dagster_dbt/failed_row_count": 1_234_567,
                "indicator_code": "CLA_VISITS_IN_TIME",
                "failing_rows": dg.MetadataValue.md(f"| {OTHER_PERSON_ID} | {NHS_LIKE} |"),
            },
        )

    @dg.asset_check(asset=SCORECARD, name="unique_fct_scorecard_monthly_key")
    def unique_key() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True, metadata={"dagster_dbt/failed_row_count": 0})

    return dg.Definitions(
        assets=[raw_person, scorecard_monthly, scorecard_report],
        asset_checks=[gx_raw_person, not_null_value, unique_key],
        jobs=[dg.define_asset_job("scorecard", selection=dg.AssetSelection.all())],
    )


def _run(
    instance: dg.DagsterInstance, tmp_path: Path, clean: bool = False, fail_step: bool = False
) -> dg.ExecuteInProcessResult:
    page = tmp_path / "output" / "data_docs" / "validations" / "raw_person.html"
    job = _definitions(page, clean=clean, fail_step=fail_step).resolve_job_def("scorecard")
    return job.execute_in_process(instance=instance, raise_on_error=False)


def _sensor(name: str) -> dg.RunStatusSensorDefinition:
    return next(sensor for sensor in quality_sensors if sensor.name == name)


def _evaluate_sensor(
    sensor_name: str,
    result: dg.ExecuteInProcessResult,
    instance: dg.DagsterInstance,
    config_path: Path,
) -> object:
    event = result.get_run_success_event() if result.success else result.get_run_failure_event()
    # The config resource manages a run lock (a generator resource): open it as a context.
    with dg.build_run_status_sensor_context(
        sensor_name=sensor_name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_path))},
    ) as context:
        return _sensor(sensor_name)(context)


# --- reading what arrived ---------------------------------------------------------------


def _email_texts(message: EmailMessage) -> tuple[str, str, str]:
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    assert plain is not None and rich is not None
    return (
        str(message["Subject"]),
        plain.get_content().replace("\r\n", "\n"),
        rich.get_content().replace("\r\n", "\n"),
    )


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _everything_sent(smtp_server: SmtpServer, webhooks: WebhookReceiver) -> list[str]:
    texts = [text for message in smtp_server.messages for text in _email_texts(message)]
    texts += [message.as_string() for message in smtp_server.messages]
    for bodies in webhooks.posts.values():
        for body in bodies:
            texts.append(json.dumps(body, ensure_ascii=False))
            texts += list(_json_strings(body))
    return texts


def _assert_no_identifier(texts: list[str]) -> None:
    for text in texts:
        for value in IDENTIFYING_VALUES:
            assert value not in text
        assert "cannot publish" not in text  # a step's error message is never sent


def _trusted(instance: dg.DagsterInstance, run_id: str, config_path: Path) -> tuple[str, ...]:
    run = instance.get_run_by_id(run_id)
    assert run is not None
    return digest_for_run(instance, run, load_config(config_path)).trusted_strings()


# --- the sensor, end to end -------------------------------------------------------------


def test_success_sensor_delivers_the_digest_to_every_channel(
    tmp_path: Path,
    scorecard: Path,
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    environ: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    instance = dg.DagsterInstance.ephemeral()
    result = _run(instance, tmp_path)
    assert result.success
    run_id = result.run_id

    assert _evaluate_sensor("scorecard_alerts_on_success", result, instance, scorecard) is None

    run_url = f"{DAGSTER_URL}/runs/{run_id}"
    data_docs_index = str(tmp_path / "output" / "data_docs" / "index.html")
    assert len(smtp_server.messages) == 1
    assert smtp_server.recipients == [["analyst@example.org", "lead@example.org"]]
    subject, plain, rich = _email_texts(smtp_server.messages[0])
    assert "2 failed checks (1 ERROR, 1 WARN)" in subject
    assert "3 migration findings" in subject
    assert run_id[:8] in subject
    for expected in (
        "raw/ssd_person · gx_raw_person — 3 expectations failed",
        "marts/fct_scorecard_monthly · not_null_fct_scorecard_monthly_value — 1,234,567 "
        "failing rows",
        "ERROR missing_open_children in carefirst.ssd_person (12 children, 12 records)",
        "WARN recording_cliff in liquid_logic.ssd_cla_visits (3 records)",
        "CLA_COUNT, CLA_RATE_10K, CLA_VISITS_IN_TIME",
        run_url,
        data_docs_index,
        f"Reconciliation report: {tmp_path / 'output' / 'migration_reconciliation.html'}",
        "raw_person.html",
        f"Test records such as {REDACTED} born {REDACTED}",
    ):
        assert expected in plain, expected
    assert re.search(r"Checks evaluated:\s+3\n", plain)
    assert re.search(r"Checks passed:\s+1\n", plain)
    assert f"{REDACTED} NHS {REDACTED}" in plain  # the name and the NHS-like number
    assert f'href="{run_url}"' in rich
    assert "missing_open_children" in rich

    teams = webhooks.posts["/teams"]
    assert len(teams) == 1
    card = teams[0]["attachments"][0]
    assert teams[0]["type"] == "message"
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert {"type": "Action.OpenUrl", "title": "Dagster run", "url": run_url} in card["content"][
        "actions"
    ]
    teams_text = json.dumps(teams[0])
    assert "gx_raw_person" in teams_text and "CLA_VISITS_IN_TIME" in teams_text

    slack = webhooks.posts["/slack"]
    assert len(slack) == 1
    assert slack[0]["text"].startswith("Scorecard Test authority: 2 failed checks")
    slack_text = json.dumps(slack[0])
    assert f"<{run_url}|Dagster run>" in slack_text
    assert "recording_cliff" in slack_text and "1,234,567 failing rows" in slack_text

    _assert_no_identifier(_everything_sent(smtp_server, webhooks))
    trusted = _trusted(instance, run_id, scorecard)
    scanned = list(_email_texts(smtp_server.messages[0]))
    scanned += [text for body in teams + slack for text in _json_strings(body)]
    for text in scanned:
        assert find_identifiers(text, trusted) == []


def test_failure_sensor_names_the_failed_step_not_its_error(
    tmp_path: Path,
    scorecard: Path,
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    environ: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    instance = dg.DagsterInstance.ephemeral()
    result = _run(instance, tmp_path, fail_step=True)
    assert not result.success

    _evaluate_sensor("scorecard_alerts_on_failure", result, instance, scorecard)

    subject, plain, _ = _email_texts(smtp_server.messages[0])
    assert "run failed" in subject
    assert re.search(r"Run status:\s+FAILURE\n", plain)
    assert re.search(r"Failed steps:\s+publish__scorecard_report\n", plain)
    assert len(webhooks.posts["/teams"]) == len(webhooks.posts["/slack"]) == 1
    _assert_no_identifier(_everything_sent(smtp_server, webhooks))


def test_nothing_failed_sends_nothing_unless_send_when_always(
    tmp_path: Path,
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    environ: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    warehouse = _build_warehouse(tmp_path / "clean.duckdb", findings=[])
    quiet = _write_config(tmp_path, warehouse, _alerts_block(smtp_server.port), "quiet.yaml")
    instance = dg.DagsterInstance.ephemeral()
    result = _run(instance, tmp_path, clean=True)

    skipped = _evaluate_sensor("scorecard_alerts_on_success", result, instance, quiet)
    assert isinstance(skipped, dg.SkipReason)
    assert smtp_server.messages == [] and webhooks.posts == {}

    always = _write_config(
        tmp_path,
        warehouse,
        _alerts_block(smtp_server.port, send_when="always"),
        "always.yaml",
    )
    _evaluate_sensor("scorecard_alerts_on_success", result, instance, always)
    subject, plain, _ = _email_texts(smtp_server.messages[0])
    assert "0 failed checks (0 ERROR, 0 WARN); run succeeded" in subject
    assert re.search(r"Migration findings:\s+0\n", plain)
    assert set(webhooks.posts) == {"/teams", "/slack"}


def test_sensor_skips_without_an_alerts_block(tmp_path: Path) -> None:
    config = _write_config(tmp_path, tmp_path / "absent.duckdb", alerts=None)
    instance = dg.DagsterInstance.ephemeral()
    result = _run(instance, tmp_path)
    skipped = _evaluate_sensor("scorecard_alerts_on_success", result, instance, config)
    assert isinstance(skipped, dg.SkipReason)


def test_run_check_evaluations_are_read_from_the_event_log(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = _run(instance, tmp_path)
    evaluations = {e.check_name: e for e in run_check_evaluations(instance, result.run_id)}
    assert set(evaluations) == {
        "gx_raw_person",
        "not_null_fct_scorecard_monthly_value",
        "unique_fct_scorecard_monthly_key",
    }
    gx = evaluations["gx_raw_person"]
    assert (gx.asset_key, gx.passed, gx.severity) == ("raw/ssd_person", False, "ERROR")
    assert gx.metadata["expectations_failed"] == 3
    assert evaluations["not_null_fct_scorecard_monthly_value"].severity == "WARN"


# --- one channel failing ----------------------------------------------------------------


def _run_digest(tmp_path: Path, config: ScorecardConfig) -> Digest:
    instance = dg.DagsterInstance.ephemeral()
    result = _run(instance, tmp_path)
    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    return digest_for_run(instance, run, config)


def _settings(config: ScorecardConfig) -> AlertSettings:
    assert config.alerts is not None
    return config.alerts


def test_a_failing_webhook_is_reported_and_the_others_deliver(
    tmp_path: Path,
    scorecard: Path,
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    environ: dict[str, str],
) -> None:
    config = load_config(scorecard)
    webhooks.status["/slack"] = 500
    results = deliver(_run_digest(tmp_path, config), _settings(config), environ)
    by_channel = {result.channel: result for result in results}
    assert [result.channel for result in results] == ["email", "teams", "slack"]
    assert by_channel["email"].ok and by_channel["teams"].ok
    assert not by_channel["slack"].ok
    assert "HTTP 500" in by_channel["slack"].detail
    assert environ[SLACK_ENV] not in by_channel["slack"].detail  # the secret URL stays secret
    assert len(smtp_server.messages) == 1
    assert len(webhooks.posts["/teams"]) == 1 and "/slack" not in webhooks.posts


def test_an_smtp_refusal_is_reported_and_the_webhooks_deliver(
    tmp_path: Path,
    scorecard: Path,
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    environ: dict[str, str],
) -> None:
    config = load_config(scorecard)
    smtp_server.refuse = True
    results = deliver(_run_digest(tmp_path, config), _settings(config), environ)
    email_result, teams_result, slack_result = results
    assert not email_result.ok
    assert "SMTPDataError" in email_result.detail and "554" in email_result.detail
    assert teams_result.ok and slack_result.ok
    assert smtp_server.messages == []
    assert len(webhooks.posts["/teams"]) == len(webhooks.posts["/slack"]) == 1


def test_missing_secrets_and_dead_endpoints_fail_clearly(
    tmp_path: Path, scorecard: Path, smtp_server: SmtpServer, webhooks: WebhookReceiver
) -> None:
    config = load_config(scorecard)
    closed = f"http://127.0.0.1:{free_port()}/hook"
    results = deliver(_run_digest(tmp_path, config), _settings(config), {TEAMS_ENV: closed})
    email_result, teams_result, slack_result = results
    assert email_result.ok
    assert not teams_result.ok and "webhook unreachable" in teams_result.detail
    assert not slack_result.ok
    assert slack_result.detail == f"environment variable {SLACK_ENV} (slack webhook URL) is not set"


def test_smtp_login_reads_the_password_from_the_environment(
    tmp_path: Path, smtp_server: SmtpServer, webhooks: WebhookReceiver
) -> None:
    block = _alerts_block(smtp_server.port, teams=None, slack=None)
    block["email"].update(username_env="TEST_SMTP_USER", password_env="TEST_SMTP_PASSWORD")
    config = load_config(_write_config(tmp_path, _build_warehouse(tmp_path / "w.duckdb"), block))
    digest = _run_digest(tmp_path, config)

    results = deliver(digest, _settings(config), {"TEST_SMTP_USER": "scorecard"})
    assert not results[0].ok and "TEST_SMTP_PASSWORD" in results[0].detail

    env = {"TEST_SMTP_USER": "scorecard", "TEST_SMTP_PASSWORD": "s3cret-pass"}
    assert deliver(digest, _settings(config), env)[0].ok
    assert smtp_server.logins == [("scorecard", "s3cret-pass")]
    assert all("s3cret-pass" not in text for text in _everything_sent(smtp_server, webhooks))


def test_starttls_on_a_server_without_it_is_a_clear_failure(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    block = _alerts_block(smtp_server.port, teams=None, slack=None)
    block["email"]["use_starttls"] = True
    config = load_config(_write_config(tmp_path, tmp_path / "none.duckdb", block))
    (result,) = deliver(_run_digest(tmp_path, config), _settings(config), {})
    assert not result.ok
    assert "STARTTLS" in result.detail
    assert smtp_server.messages == []


# --- the safety net ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (f"person {PERSON_ID}", {"prefixed_id", "digit_run"}),
        ("id P00042", {"prefixed_id"}),
        (f"born {DATE_OF_BIRTH}", {"date"}),
        ("dob_2014-03-02", {"date"}),
        ("born 2/3/14", {"date"}),
        ("born 2 March 2014", {"date"}),
        ("born March 2, 2014", {"date"}),
        (f"NHS {NHS_LIKE}", {"nhs_number"}),
        ("NHS 9434765919", {"digit_run"}),
        (f"key {CHILD_KEY}", {"hex_string"}),
        ("run 0f8b2a4e-9c3d-4b1a-8e7f-6a5b4c3d2e1f", {"uuid"}),
        ("lives at LU5 4AB", {"postcode"}),
    ],
)
def test_identifier_like_tokens_are_found(text: str, kinds: set[str]) -> None:
    assert set(find_identifiers(text)) == kinds
    redacted, count = redact(text)
    assert REDACTED in redacted and count >= 1
    assert find_identifiers(redacted) == []


@pytest.mark.parametrize(
    "text",
    [
        "1,234,567 failing rows",
        "12 children, 12 records",
        "CLA_RATE_10K, CLA_VISITS_IN_TIME",
        "gx_raw_person failed: pers_dob, pers_person_id",
        "boundary districts LU5 and SG15",
        "Adaptive Card version 1.4",
        "http://localhost:3000",
    ],
)
def test_ordinary_digest_text_is_not_flagged(text: str) -> None:
    assert find_identifiers(text) == []


def test_trusted_strings_are_exempt_from_the_net() -> None:
    run_id = "12345678-1234-4234-8234-123456789012"
    text = f"run {run_id} at http://dagster.test:3000/runs/{run_id}, child {PERSON_ID}"
    assert find_identifiers(text, [run_id, f"http://dagster.test:3000/runs/{run_id}"]) == [
        "prefixed_id",
        "digit_run",
    ]


def test_a_rendered_message_that_still_holds_an_identifier_is_refused(
    tmp_path: Path,
    scorecard: Path,
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    environ: dict[str, str],
) -> None:
    """A digest built around ``build_digest`` (no redaction) is stopped before sending."""
    leaky = Digest(
        run_id="abc",
        job_name="scorecard",
        run_status="SUCCESS",
        la_label="Test authority",
        checks_evaluated=1,
        checks_passed=0,
        failed_checks=(
            FailedCheck("raw/ssd_person", "gx_raw_person", "ERROR", f"{PERSON_ID} failed"),
        ),
    )
    results = deliver(leaky, _settings(load_config(scorecard)), environ)
    assert [result.ok for result in results] == [False, False, False]
    assert all("refused to send" in result.detail for result in results)
    assert smtp_server.messages == [] and webhooks.posts == {}


def test_build_digest_redacts_free_text_and_reads_only_allow_listed_metadata() -> None:
    digest = build_digest(
        run_id="run-1",
        job_name="scorecard",
        run_status="SUCCESS",
        evaluations=[
            CheckEvaluation(
                "raw/ssd_person",
                "gx_raw_person",
                passed=False,
                severity="ERROR",
                description=f"{CHILD_NAME} {PERSON_ID} {DATE_OF_BIRTH}",
                metadata={"observed": {PERSON_ID: CHILD_NAME}, "expectations_failed": 1},
            )
        ],
        findings=[],
    )
    text = render_text(digest)
    # Identifiers and dates by pattern; in descriptions, capitalised word runs as names.
    assert f"{REDACTED} {REDACTED} {REDACTED}" in text
    assert CHILD_NAME not in text and PERSON_ID not in text and DATE_OF_BIRTH not in text
    assert digest.redactions == 3
    assert "Redacted tokens:" in text


# --- renderings, findings and links -----------------------------------------------------


def test_chat_payloads_stay_within_the_platform_limits() -> None:
    checks = [
        CheckEvaluation(f"marts/m{i}", f"check_{i}", False, "WARN", "x " * 400, {})
        for i in range(80)
    ]
    digest = build_digest(
        run_id="run-1",
        job_name="scorecard",
        run_status="FAILURE",
        evaluations=checks,
        findings=None,
        dagster_url=DAGSTER_URL,
    )
    slack = render_slack(digest)
    assert len(slack["blocks"]) <= 50
    assert len(slack["blocks"][0]["text"]["text"]) <= 150
    assert all(len(b["text"]["text"]) <= 3000 for b in slack["blocks"] if b["type"] == "section")
    teams = render_teams(digest)
    assert len(json.dumps(teams).encode()) < 28_000
    assert "and 65 more" in json.dumps(teams)
    assert "Migration findings: not available (skipped)" in render_text(digest)


def test_data_docs_url_turns_local_pages_into_links(tmp_path: Path) -> None:
    data_docs = tmp_path / "data_docs"
    page = data_docs / "validations" / "raw_person" / "page.html"
    digest = build_digest(
        run_id="run-1",
        job_name="scorecard",
        run_status="SUCCESS",
        evaluations=[
            CheckEvaluation(
                "raw/ssd_person", "gx_raw_person", False, "ERROR", "", {"data_docs_page": page}
            )
        ],
        data_docs_dir=data_docs,
        data_docs_url="https://intranet.example/docs/",
        reconciliation_report="https://intranet.example/reconciliation.html",
    )
    assert digest.failed_checks[0].link == (
        "https://intranet.example/docs/validations/raw_person/page.html"
    )
    assert Link("Data Docs", "https://intranet.example/docs/index.html") in digest.links
    assert Link("Reconciliation report", "https://intranet.example/reconciliation.html") in (
        digest.links
    )


def test_findings_are_read_read_only_and_skipped_when_absent(tmp_path: Path) -> None:
    assert read_findings(tmp_path / "missing.duckdb") is None
    assert read_findings(_build_warehouse(tmp_path / "no_mart.duckdb", findings=None)) is None
    rows = read_findings(_build_warehouse(tmp_path / "w.duckdb"))
    assert rows is not None
    assert [row.defect_kind for row in rows] == [
        "missing_open_children",
        "recording_cliff",
        "test_records",
    ]
    assert rows[0].affected_indicators == ("CLA_COUNT", "CLA_RATE_10K")
    assert rows[1].child_count is None
    assert not hasattr(rows[0], "example_person_ids")


def test_should_send_follows_send_when() -> None:
    clean = build_digest(
        run_id="r", job_name="scorecard", run_status="SUCCESS", evaluations=[], findings=[]
    )
    failures = AlertSettings(slack=None, email=None, teams=None)
    assert not should_send(clean, failures)
    assert should_send(clean, AlertSettings(send_when="always"))
    failed_run = build_digest(
        run_id="r", job_name="scorecard", run_status="FAILURE", evaluations=[], findings=[]
    )
    assert should_send(failed_run, failures)


# --- the command line -------------------------------------------------------------------


def test_cli_alert_sends_the_latest_run(
    tmp_path: Path,
    scorecard: Path,
    smtp_server: SmtpServer,
    webhooks: WebhookReceiver,
    environ: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with dg.DagsterInstance.get() as instance:
        run_id = _run(instance, tmp_path).run_id

    assert cli.main(["--config", str(scorecard), "alert", "--run-id", run_id, "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert "gx_raw_person" in printed and f"{DAGSTER_URL}/runs/{run_id}" in printed
    assert smtp_server.messages == []

    assert cli.main(["--config", str(scorecard), "alert"]) == 0
    assert len(smtp_server.messages) == 1
    assert len(webhooks.posts["/teams"]) == len(webhooks.posts["/slack"]) == 1
    _assert_no_identifier(_everything_sent(smtp_server, webhooks))

    webhooks.status["/teams"] = 500
    assert cli.main(["--config", str(scorecard), "alert", "--run-id", run_id]) == 1
    assert cli.main(["--config", str(scorecard), "alert", "--run-id", "no-such-run"]) == 2


def test_cli_alert_needs_dagster_home(
    scorecard: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert cli.main(["--config", str(scorecard), "alert"]) == 2
    assert "DAGSTER_HOME is not set" in caplog.text


def test_cli_alert_without_an_alerts_block_has_nothing_to_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`make run` calls the command after every run: a config without alerts is not an error."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    caplog.set_level("INFO")
    demo = Path(__file__).resolve().parents[2] / "config" / "demo.yaml"
    assert cli.main(["--config", str(demo), "alert", "--run-id", "latest"]) == 0
    assert "no alerts: block" in caplog.text
