"""The landing sensor: one scorecard run per new or re-delivered complete extract folder."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg

from orchestration.defs.operations.landing_sensor import (
    EXTRACTS_TAG,
    SENSOR_INTERVAL_SECONDS,
    landing_extracts_sensor,
)
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.landing import COMPLETE_MARKER


def _tick(config: Path, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    with dg.build_sensor_context(
        cursor=cursor,
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config))},
    ) as context:
        return landing_extracts_sensor(context)


def _deliver(folder: Path, *, age_seconds: float = 0.0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ssd_person.csv").write_text("pers_person_id\n1\n", encoding="utf-8")
    if age_seconds:
        past = time.time() - age_seconds
        for path in (*folder.iterdir(), folder):
            os.utime(path, (past, past))
    return folder


def test_a_folder_being_written_is_skipped_until_its_marker_arrives(
    tmp_path: Path, config_writer: Callable[..., Path]
) -> None:
    config = config_writer()
    extract = _deliver(tmp_path / "landing" / "liquid_logic" / "2026-10-31")

    first = _tick(config, None)
    assert isinstance(first, dg.SkipReason)  # fresh files and no marker: still being written

    (extract / COMPLETE_MARKER).touch()
    second = _tick(config, None)
    assert isinstance(second, dg.SensorResult)
    [request] = second.run_requests
    assert request.run_key.startswith("landing:")
    assert request.tags[EXTRACTS_TAG] == "liquid_logic/2026-10-31"

    again = _tick(config, second.cursor)  # unchanged: never a second run
    assert isinstance(again, dg.SkipReason)


def test_a_quiet_folder_counts_as_complete_and_the_marker_is_no_new_delivery(
    tmp_path: Path, config_writer: Callable[..., Path]
) -> None:
    config = config_writer()
    extract = _deliver(tmp_path / "landing" / "carefirst" / "2021-06-30", age_seconds=120)
    result = _tick(config, None)
    assert isinstance(result, dg.SensorResult)
    (extract / COMPLETE_MARKER).touch()  # the delivery tool writes its marker late
    assert isinstance(_tick(config, result.cursor), dg.SkipReason)


def test_a_redelivered_folder_triggers_again_with_a_new_run_key(
    tmp_path: Path, config_writer: Callable[..., Path]
) -> None:
    config = config_writer()
    extract = _deliver(tmp_path / "landing" / "liquid_logic" / "2026-10-31", age_seconds=120)
    first = _tick(config, None)
    assert isinstance(first, dg.SensorResult)

    _deliver(extract, age_seconds=90)  # the same files written again: new mtimes
    second = _tick(config, first.cursor)
    assert isinstance(second, dg.SensorResult)
    assert second.run_requests[0].run_key != first.run_requests[0].run_key

    # A second folder next to the first: one run for the new one only.
    _deliver(tmp_path / "landing" / "liquid_logic" / "2026-11-30", age_seconds=120)
    third = _tick(config, second.cursor)
    assert isinstance(third, dg.SensorResult)
    assert third.run_requests[0].tags[EXTRACTS_TAG] == "liquid_logic/2026-11-30"


def test_sensor_settings() -> None:
    assert landing_extracts_sensor.job_name == "scorecard"
    assert landing_extracts_sensor.minimum_interval_seconds == SENSOR_INTERVAL_SECONDS == 60
    assert landing_extracts_sensor.default_status == dg.DefaultSensorStatus.STOPPED
