"""Run the ``scorecard`` job as a new process and measure it.

The job is started the way ``make run`` starts it (``dagster job execute``), so the wall
time includes Python and Dagster start-up and loading the definitions. Peak RSS is the
largest sum, over the job's process and every process it starts (dbt), of their resident
memory, sampled every ``SAMPLE_SECONDS``. Step times come from the run's own Dagster
instance (a ``dagster_home`` in the dataset's folder) and are grouped into stages.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from orchestration.evaluation.authority_runs import (
    EVALUATION_PSEUDONYM_KEY,
    SCORECARD_JOB,
    environment,
    job_process,
)
from orchestration.lib.config import PROJECT_ROOT

SAMPLE_SECONDS = 0.2
STAGES = ("ingest", "dbt", "checks", "publish", "other")


class PipelineRunError(RuntimeError):
    """The benchmarked run did not succeed: its figures would measure a failure."""


@dataclass(frozen=True)
class PipelineRun:
    wall_seconds: float
    peak_rss_bytes: int
    stage_seconds: dict[str, float]
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def startup_seconds(self) -> float:
        """Wall time outside any step: interpreter and Dagster start-up, loading the
        definitions, run bookkeeping."""
        return max(0.0, self.wall_seconds - sum(self.step_seconds.values()))


def stage_of(step_key: str) -> str:
    """The benchmark stage a job step belongs to; ``other`` for a step no rule names (the
    unit tests require every step of the job to have a stage)."""
    if step_key.startswith("raw__"):
        return "ingest"
    # the dbt build: staging, intermediate (the migration-gap models among them), marts and
    # their tests; then the restricted drill-down built from the marts
    if step_key == "scorecard_dbt_models" or step_key.startswith("restricted__"):
        return "dbt"
    if step_key.endswith("_gx_suites"):
        return "checks"
    if step_key.startswith(("publish__", "returns__")):
        return "publish"
    return "other"


def stage_totals(step_seconds: Mapping[str, float]) -> dict[str, float]:
    """Seconds per stage: steps run one at a time (in-process executor), so they add up."""
    totals = dict.fromkeys(STAGES, 0.0)
    for step_key, seconds in step_seconds.items():
        totals[stage_of(step_key)] += seconds
    return totals


class PeakRssSampler:
    """Samples the summed RSS of a process and all its descendants in a thread."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        self._root = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_bytes = 0

    def __enter__(self) -> PeakRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> int:
        total = 0
        try:
            processes = [self._root, *self._root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        self.peak_bytes = max(self.peak_bytes, total)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval)


def run_job(config_path: Path, dagster_home: Path, *, log_path: Path) -> PipelineRun:
    """Run the job on ``config_path`` in a new process; raise when the run fails."""
    command, environment = job_process(
        config_path,
        dagster_home,
        pseudonym_key=os.environ.get("SCORECARD_PSEUDONYM_KEY", EVALUATION_PSEUDONYM_KEY),
    )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log_file:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=environment, stdout=log_file, stderr=subprocess.STDOUT
        )
        with PeakRssSampler(process.pid) as sampler:
            returncode = process.wait()
        wall = time.perf_counter() - started
    if returncode != 0:
        raise PipelineRunError(
            f"the {SCORECARD_JOB} job failed (exit {returncode}); see {log_path}"
        )
    step_seconds = read_step_seconds(dagster_home)
    return PipelineRun(
        wall_seconds=wall,
        peak_rss_bytes=sampler.peak_bytes,
        stage_seconds=stage_totals(step_seconds),
        step_seconds=step_seconds,
    )


def read_step_seconds(dagster_home: Path) -> dict[str, float]:
    """Seconds per step of the latest run in the instance at ``dagster_home``."""
    from dagster import DagsterInstance

    # storages configured without a base_dir (config/dagster.yaml) find it from DAGSTER_HOME,
    # as they do in the job's own process
    with (
        environment({"DAGSTER_HOME": str(dagster_home)}),
        DagsterInstance.from_config(str(dagster_home)) as instance,
    ):
        runs = instance.get_runs(limit=1)
        if not runs:
            raise PipelineRunError(f"no run recorded in {dagster_home}")
        return durations(instance.get_run_step_stats(runs[0].run_id))


def durations(step_stats: Iterable[object]) -> dict[str, float]:
    """``{step_key: seconds}`` from Dagster's step statistics."""
    seconds: dict[str, float] = {}
    for stats in step_stats:
        start = getattr(stats, "start_time", None)
        end = getattr(stats, "end_time", None)
        if start is not None and end is not None:
            seconds[stats.step_key] = float(end) - float(start)
    return seconds
