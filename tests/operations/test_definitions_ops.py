"""The code location lists the operations: partitions, jobs, schedules and sensors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.operations.partitions import (
    FALLBACK_HISTORY_START,
    build_month_end_partitions,
    history_start,
)

MONTH_END = dg.AssetKey(["marts", "fct_scorecard_month_end"])


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from orchestration.evaluation.authority_runs import ensure_dbt_manifest

    ensure_dbt_manifest()
    from orchestration.definitions import defs as code_location

    return code_location


def test_schedules_and_sensors_are_registered(defs: dg.Definitions) -> None:
    schedules = {schedule.name: schedule for schedule in defs.schedules or []}
    assert set(schedules) == {"nightly_ingest_schedule", "monthly_scorecard_schedule"}
    sensors = {sensor.name for sensor in defs.sensors or []}
    assert {
        "landing_extracts_sensor",
        "month_end_after_scorecard",
        "run_failure_alerts",
        "scorecard_alerts_on_success",
        "scorecard_alerts_on_failure",
    } <= sensors
    repository = defs.get_repository_def()
    assert repository.has_schedule_def("monthly_scorecard_schedule")
    assert repository.has_sensor_def("landing_extracts_sensor")


def test_the_scorecard_job_runs_without_a_partition(defs: dg.Definitions) -> None:
    scorecard = defs.resolve_job_def("scorecard")
    assert scorecard.partitions_def is None
    keys = scorecard.asset_layer.executable_asset_keys
    assert MONTH_END not in keys
    assert dg.AssetKey(["marts", "fct_scorecard_monthly"]) in keys


def test_the_month_end_job_is_partitioned_by_month(defs: dg.Definitions) -> None:
    job = defs.resolve_job_def("month_end_scorecard")
    assert job.asset_layer.executable_asset_keys == {MONTH_END}
    partitions = job.partitions_def
    assert isinstance(partitions, dg.TimeWindowPartitionsDefinition)
    assert partitions.fmt == "%Y-%m" and partitions.timezone == "Europe/London"
    month_end = defs.resolve_assets_def(MONTH_END)
    assert month_end.group_names_by_key[MONTH_END] == "marts"
    assert dg.AssetKey(["marts", "fct_scorecard_monthly"]) in month_end.dependency_keys


def test_the_nightly_ingest_job_is_the_raw_group(defs: dg.Definitions) -> None:
    keys = defs.resolve_job_def("nightly_ingest").asset_layer.executable_asset_keys
    assert keys and all(key.path[0] == "raw" for key in keys)
    assert dg.AssetKey(["raw", "ssd_person"]) in keys


def test_partitions_start_at_the_history_start_or_a_safe_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "scorecard.yaml"
    config.write_text(
        "la_code: '999'\nlanding_dir: l\nwarehouse_path: w.duckdb\noutput_dir: o\n"
        "as_of_date: 2026-10-31\nsystems: [{name: s, live_from: 2019-02-14}]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SCORECARD_CONFIG", str(config))
    assert history_start() == dt.date(2019, 2, 1)
    keys = build_month_end_partitions().get_partition_keys(
        current_time=dt.datetime(2019, 5, 2, tzinfo=dt.UTC)
    )
    assert keys == ["2019-02", "2019-03", "2019-04"]

    config.write_text("la_code: [unclosed\n", encoding="utf-8")
    assert history_start() == FALLBACK_HISTORY_START
    monkeypatch.setenv("SCORECARD_CONFIG", str(tmp_path / "missing.yaml"))
    assert history_start() == FALLBACK_HISTORY_START
