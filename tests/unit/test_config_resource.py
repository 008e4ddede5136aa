"""The config resource holds the run lock for a run's steps only (defs/resources.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.publication import WarehouseBusyError
from tests.unit.minimal_config import load_minimal_config
from tests.unit.run_lock_holder import hold_lock_in_another_process


def _config_path(folder: Path) -> Path:
    load_minimal_config(folder, run_lock_timeout_seconds=1)
    return folder / "scorecard.yaml"


def _init_context(*, finished: bool) -> SimpleNamespace:
    """What ``yield_for_execution`` reads of Dagster's InitResourceContext."""
    run = SimpleNamespace(run_id="run-0002", is_finished=finished)
    return SimpleNamespace(run=run, log=logging.getLogger("test_config_resource"))


@pytest.fixture
def lock_held_elsewhere(tmp_path: Path) -> Iterator[None]:
    """Another process holds the warehouse's run lock for the test."""
    published = load_minimal_config(tmp_path).warehouse_path
    process = hold_lock_in_another_process(published, seconds=30)
    yield
    process.kill()
    process.wait(timeout=30)


@pytest.mark.usefixtures("lock_held_elsewhere")
def test_a_running_run_waits_for_the_lock(tmp_path: Path) -> None:
    resource = ScorecardConfigResource(config_path=str(_config_path(tmp_path)))
    with (
        pytest.raises(WarehouseBusyError, match="run-0001"),
        resource.yield_for_execution(_init_context(finished=False)),  # type: ignore[arg-type]
    ):
        pass


@pytest.mark.usefixtures("lock_held_elsewhere")
def test_a_finished_run_takes_no_lock_and_reads_the_published_warehouse(tmp_path: Path) -> None:
    """Dagster initialises the resources again once a run has ended (JobExecutionResult);
    waiting for the lock then held a finished run until the next run ended."""
    resource = ScorecardConfigResource(config_path=str(_config_path(tmp_path)))
    started = time.monotonic()
    with resource.yield_for_execution(_init_context(finished=True)) as ready:  # type: ignore[arg-type]
        assert time.monotonic() - started < 1.0
        assert ready.load().warehouse_path == tmp_path / "wh" / "warehouse.duckdb"
    assert not (tmp_path / "wh" / "warehouse.work.duckdb").exists()
