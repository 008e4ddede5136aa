"""The optional ``alerts:`` block of the configuration and the errors a user sees."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from orchestration.lib.config import (
    DEFAULT_CONFIG_PATH,
    AlertSettings,
    ConfigError,
    EmailAlerts,
    WebhookAlerts,
    load_config,
)

BASE = {
    "la_code": "823",
    "landing_dir": "landing",
    "warehouse_path": "wh/warehouse.duckdb",
    "output_dir": "out",
    "as_of_date": "2026-10-31",
    "systems": [{"name": "liquid_logic", "live_from": "2021-07-01"}],
}

ALERTS = {
    "dagster_url": "http://localhost:3000/",
    "reconciliation_report": "out/reconciliation.html",
    "send_when": "always",
    "email": {
        "smtp_host": "smtp.example.org",
        "smtp_port": 2525,
        "use_starttls": False,
        "username_env": "SCORECARD_SMTP_USER",
        "password_env": "SCORECARD_SMTP_PASSWORD",
        "sender": "scorecard@example.org",
        "recipients": ["analyst@example.org", "lead@example.org"],
    },
    "teams": {"webhook_url_env": "SCORECARD_TEAMS_WEBHOOK_URL"},
    "slack": {"webhook_url_env": "SCORECARD_SLACK_WEBHOOK_URL"},
}


def _load(tmp_path: Path, alerts: object) -> AlertSettings | None:
    raw = {**copy.deepcopy(BASE), "alerts": alerts}
    path = tmp_path / "scorecard.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return load_config(path).alerts


def test_full_block_parses_into_frozen_settings(tmp_path: Path) -> None:
    alerts = _load(tmp_path, ALERTS)
    assert alerts == AlertSettings(
        dagster_url="http://localhost:3000",
        reconciliation_report=str(tmp_path / "out" / "reconciliation.html"),
        send_when="always",
        email=EmailAlerts(
            smtp_host="smtp.example.org",
            smtp_port=2525,
            use_starttls=False,
            username_env="SCORECARD_SMTP_USER",
            password_env="SCORECARD_SMTP_PASSWORD",
            sender="scorecard@example.org",
            recipients=("analyst@example.org", "lead@example.org"),
        ),
        teams=WebhookAlerts("SCORECARD_TEAMS_WEBHOOK_URL"),
        slack=WebhookAlerts("SCORECARD_SLACK_WEBHOOK_URL"),
    )
    assert alerts.channels == ("email", "teams", "slack")
    with pytest.raises(AttributeError):
        alerts.send_when = "failures"  # type: ignore[misc]


def test_defaults_one_channel(tmp_path: Path) -> None:
    alerts = _load(tmp_path, {"slack": {"webhook_url_env": "SLACK_URL"}})
    assert alerts is not None
    assert alerts.channels == ("slack",)
    assert alerts.send_when == "failures"
    assert alerts.dagster_url is None
    assert alerts.timeout_seconds == 20


def test_email_defaults_to_starttls_on_587(tmp_path: Path) -> None:
    alerts = _load(
        tmp_path,
        {"email": {"smtp_host": "smtp", "sender": "a@b.org", "recipients": "c@d.org"}},
    )
    assert alerts is not None and alerts.email is not None
    assert (alerts.email.smtp_port, alerts.email.use_starttls) == (587, True)
    assert alerts.email.recipients == ("c@d.org",)
    assert alerts.email.username_env is None


def test_absent_or_disabled_block_means_no_alerts(tmp_path: Path) -> None:
    assert _load(tmp_path, None) is None
    assert _load(tmp_path, {**ALERTS, "enabled": False}) is None


def test_demo_config_has_no_alerts_and_its_commented_example_parses(tmp_path: Path) -> None:
    assert load_config(DEFAULT_CONFIG_PATH).alerts is None
    lines = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8").splitlines()
    start = lines.index("# alerts:")
    example = ["alerts:"]
    for line in lines[start + 1 :]:
        if not re.match(r"#   ", line):
            break
        example.append(line[1:])
    alerts = _load(tmp_path, yaml.safe_load("\n".join(example))["alerts"])
    assert alerts is not None
    assert alerts.channels == ("email", "teams", "slack")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, r"alerts: unknown keys \['colour'\]"),
        ({"send_when": "sometimes"}, r"alerts.send_when: expected one of"),
        ({"timeout_seconds": 0}, r"alerts.timeout_seconds must be positive"),
        ({"timeout_seconds": "soon"}, r"alerts.timeout_seconds: expected a number"),
        ({"enabled": "yes"}, r"alerts.enabled: expected true or false"),
        ({"dagster_url": "localhost:3000"}, r"alerts.dagster_url: 'localhost:3000' is not"),
        ({"email": None, "teams": None, "slack": None}, r"configure at least one of email"),
        ({"email": ["smtp"]}, r"alerts.email must be a mapping"),
        ({"email": {"smtp_port": 25}}, r"alerts.email.smtp_host: missing"),
        ({"email": {**ALERTS["email"], "smtp_host": ""}}, r"alerts.email.smtp_host: missing"),
        ({"email": {**ALERTS["email"], "smtp_port": "25"}}, r"alerts.email.smtp_port"),
        ({"email": {**ALERTS["email"], "smtp_port": 70000}}, r"alerts.email.smtp_port"),
        ({"email": {**ALERTS["email"], "use_starttls": "no"}}, r"alerts.email.use_starttls"),
        ({"email": {**ALERTS["email"], "sender": "scorecard"}}, r"alerts.email.sender"),
        ({"email": {**ALERTS["email"], "recipients": []}}, r"alerts.email.recipients: expected"),
        (
            {"email": {**ALERTS["email"], "recipients": ["a@b.org", "nobody"]}},
            r"alerts.email.recipients\[1\]: 'nobody' is not an email address",
        ),
        (
            {"email": {**ALERTS["email"], "password_env": None}},
            r"alerts.email: set both username_env and password_env",
        ),
        (
            {"email": {**ALERTS["email"], "password_env": "hunter2!"}},
            r"alerts.email.password_env: 'hunter2!' is not an environment variable name",
        ),
        (
            {"teams": {"webhook_url_env": "https://example.webhook.office.com/abc"}},
            r"alerts.teams.webhook_url_env: .* is not an environment variable name",
        ),
        ({"slack": {}}, r"alerts.slack.webhook_url_env: missing"),
        ({"slack": {"url": "x"}}, r"alerts.slack: unknown keys \['url'\]"),
        ({"slack": {"webhook_url_env": ""}}, r"alerts.slack.webhook_url_env: missing"),
        ({"reconciliation_report": 3}, r"alerts.reconciliation_report: expected a URL"),
    ],
)
def test_invalid_alerts_name_the_field(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, {**copy.deepcopy(ALERTS), **change})


def test_block_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"alerts must be a mapping"):
        _load(tmp_path, ["email"])
