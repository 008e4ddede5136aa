"""Fixtures for the operations tests: a config writer, a tiny scorecard warehouse and local
alert receivers (an aiosmtpd server and an HTTP server standing in for Teams and Slack)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import yaml

SCORECARD_COLUMNS = (
    "indicator_code varchar, period_end date, breakdown varchar, numerator bigint, "
    "denominator bigint, value double, rag_status varchar"
)


def scorecard_row(code: str, period_end: dt.date, value: float) -> tuple:
    return (code, period_end, "all", 9, 10, value, "green")


SCORECARD_ROWS = [
    scorecard_row(code, period_end, value)
    for period_end in (dt.date(2026, 8, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31))
    for code, value in (("CLA_COUNT", 120.0), ("CLA_VISITS_IN_TIME", 90.0))
]


def write_scorecard(warehouse: Path, rows: list[tuple]) -> Path:
    """(Re)write ``marts.fct_scorecard_monthly`` in ``warehouse`` with ``rows``."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute(
            f"create or replace table marts.fct_scorecard_monthly ({SCORECARD_COLUMNS})"
        )
        connection.executemany(
            "insert into marts.fct_scorecard_monthly values (?, ?, ?, ?, ?, ?, ?)", rows
        )
    return warehouse


def write_config(folder: Path, alerts: dict | None = None, **changes: object) -> Path:
    """A scorecard config in ``folder`` (warehouse ``folder/warehouse.duckdb``)."""
    raw = {
        "la_code": "999",
        "la_name": "Test authority",
        "landing_dir": str(folder / "landing"),
        "warehouse_path": str(folder / "warehouse.duckdb"),
        "output_dir": str(folder / "output"),
        "as_of_date": "2026-10-31",
        "systems": [
            {"name": "carefirst", "live_from": "2016-04-01", "live_to": "2021-06-30"},
            {"name": "liquid_logic", "live_from": "2021-07-01"},
        ],
        **changes,
    }
    if alerts is not None:
        raw["alerts"] = alerts
    path = folder / "scorecard.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.fixture
def config_writer(tmp_path: Path) -> Callable[..., Path]:
    return lambda alerts=None, **changes: write_config(tmp_path, alerts, **changes)
