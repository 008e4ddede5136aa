"""The config resource holds the run lock for a run's steps only (defs/resources.py)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.publication import WarehouseBusyError


def _config_file(folder: Path) -> Path:
    path = folder / "scorecard.yaml"
    path.write_text(
        textwrap.dedent(
            """
            la_code: "823"
            landing_dir: landing
            warehouse_path: warehouse.duckdb
            output_dir: output
            as_of_date: 2026-10-31
            systems: [{name: mosaic, live_from: 2020-04-01}]
            run_lock_timeout_seconds: 1
            """
        ),
        encoding="utf-8",
    )
    return path


def _init_context(*, finished: bool) -> SimpleNamespace:
    """What ``yield_for_execution`` reads of Dagster's InitResourceContext."""
    run = SimpleNamespace(run_id="run-0002", is_finished=finished)
    return SimpleNamespace(run=run, log=logging.getLogger("test_config_resource"))


@pytest.fixture
def lock_held_elsewhere(tmp_path: Path) -> Iterator[None]:
    """Another process holds the warehouse's run lock for the test."""
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from orchestration.lib.publication import hold_run_lock
        with hold_run_lock(Path({str(tmp_path / "warehouse.duckdb")!r}), "run-0001",
                           timeout_seconds=0):
            print("held", flush=True)
            time.sleep(30)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    yield
    process.kill()
    process.wait(timeout=30)


@pytest.mark.usefixtures("lock_held_elsewhere")
def test_a_running_run_waits_for_the_lock(tmp_path: Path) -> None:
    resource = ScorecardConfigResource(config_path=str(_config_file(tmp_path)))
    with (
        pytest.raises(WarehouseBusyError, match="run-0001"),
        resource.yield_for_execution(_init_context(finished=False)),  # type: ignore[arg-type]
    ):
        pass


@pytest.mark.usefixtures("lock_held_elsewhere")
def test_a_finished_run_takes_no_lock_and_reads_the_published_warehouse(tmp_path: Path) -> None:
    """Dagster initialises the resources again once a run has ended (JobExecutionResult);
    waiting for the lock then held a finished run until the next run ended."""
    resource = ScorecardConfigResource(config_path=str(_config_file(tmp_path)))
    started = time.monotonic()
    with resource.yield_for_execution(_init_context(finished=True)) as ready:  # type: ignore[arg-type]
        assert time.monotonic() - started < 1.0
        assert ready.load().warehouse_path == tmp_path / "warehouse.duckdb"
    assert not (tmp_path / "warehouse.work.duckdb").exists()
