"""Safe reruns (issue 5, part 7): kill -9 at any point, and two runs at once.

One small authority is built once; each test works on its own copy of the folder. Runs are
started the way an operator starts them, ``dagster job execute`` in a child process, so a
``kill -9`` kills the run and everything it started (dbt included: its own process group).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.evaluation.authority_runs import (
    AuthorityRun,
    build_authority,
    job_process,
)
from orchestration.lib.config import PROJECT_ROOT
from orchestration.lib.publication import hold_run_lock, lock_path, working_path

pytestmark = pytest.mark.e2e

POPULATION = 1_000
# A change of input between the first run and the next: a local target moves RAG in marts.
CHANGED_TARGETS = {"CLA_VISITS_IN_TIME": {"target": 99.5, "tolerance": 0.1}}


def marts_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every published table (marts and restricted), in a stable order."""
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        tables = [
            f"{schema}.{name}"
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('marts', 'restricted') order by 1, 2"
            ).fetchall()
        ]
        return {
            table: connection.execute(f"select * from {table} order by all").fetchall()
            for table in tables
        }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_authority(source: AuthorityRun, target: Path) -> Path:
    """A copy of the authority's folder whose config points at the copy, with the targets
    changed; returns the config path."""
    # symlinks=True: the BI file's `current` is a symlink, and a copy that followed it would
    # turn it into a folder, which the BI build refuses to replace (docs/bi_file.md)
    shutil.copytree(source.config_path.parent, target, symlinks=True)
    config_path = target / "scorecard.yaml"
    raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    old_root = str(source.config_path.parent)
    for key in ("landing_dir", "warehouse_path", "output_dir", "population_file"):
        raw[key] = raw[key].replace(old_root, str(target))
    raw["targets"] = CHANGED_TARGETS
    config_path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return config_path


class PipelineProcess:
    """``dagster job execute -j scorecard`` in its own process group, its log collected."""

    def __init__(self, config_path: Path, dagster_home: Path) -> None:
        command, env = job_process(config_path, dagster_home)
        self.lines: list[str] = []
        self._process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self.lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log:
            if self._process.poll() is not None and not self._reader.is_alive():
                raise AssertionError(f"run ended before '{text}':\n{self.log[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no '{text}' within {timeout} s:\n{self.log[-3000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """kill -9 the run and every process it started."""
        os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait(timeout=60)
        self._reader.join(timeout=10)

    def finish(self, timeout: float = 900.0) -> int:
        code = self._process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthorityRun]:
    run = build_authority(tmp_path_factory.mktemp("safe_reruns"), population=POPULATION, defects={})
    assert run.success
    yield run


@pytest.fixture(scope="module")
def concurrent_runs(
    first_run: AuthorityRun, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[PipelineProcess], list[int]]:
    """Two runs started at once on one copy; both after the same change of input."""
    folder = tmp_path_factory.mktemp("concurrent") / "authority"
    config_path = copy_authority(first_run, folder)
    runs = [PipelineProcess(config_path, folder / f"dagster_home_{index}") for index in (1, 2)]
    codes = [run.finish() for run in runs]
    return folder / "warehouse.duckdb", runs, codes


def test_two_runs_at_once_queue_on_the_lock_and_leave_a_sound_warehouse(
    first_run: AuthorityRun, concurrent_runs: tuple[Path, list[PipelineProcess], list[int]]
) -> None:
    warehouse, runs, codes = concurrent_runs
    assert codes == [0, 0], "\n\n".join(run.log[-3000:] for run in runs)
    waited = [run for run in runs if "this run waits its turn" in run.log]
    lock_lines = [
        [line.strip() for line in run.lines if "waits its turn" in line or "goes ahead" in line]
        for run in runs
    ]
    assert len(waited) == 1, f"exactly one run should have waited for the other: {lock_lines}"
    snapshot = marts_snapshot(warehouse)
    assert snapshot["marts.fct_scorecard_monthly"]
    assert snapshot != marts_snapshot(first_run.config.warehouse_path), "the change shows"
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        assert connection.execute("select count(*) from raw.ssd_person").fetchone()[0] > 0


def test_a_run_that_cannot_get_the_lock_stops_with_a_clear_message_and_changes_nothing(
    first_run: AuthorityRun, tmp_path: Path
) -> None:
    config_path = copy_authority(first_run, tmp_path / "authority")
    raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    raw["run_lock_timeout_seconds"] = 2
    config_path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    published = tmp_path / "authority" / "warehouse.duckdb"
    before = sha256(published)
    with hold_run_lock(published, "held-by-the-test", timeout_seconds=0):
        run = PipelineProcess(config_path, tmp_path / "dagster_home")
        code = run.finish()
    assert code != 0
    assert "is being written by run held-by-the-test" in run.log
    assert "stopped without changing anything" in run.log
    assert sha256(published) == before


def test_kill_9_leaves_the_published_marts_unchanged_and_a_rerun_gives_identical_marts(
    first_run: AuthorityRun,
    concurrent_runs: tuple[Path, list[PipelineProcess], list[int]],
    tmp_path: Path,
) -> None:
    config_path = copy_authority(first_run, tmp_path / "authority")
    published = tmp_path / "authority" / "warehouse.duckdb"
    before_hash = sha256(published)
    before = marts_snapshot(published)

    # 1. Killed while dbt is rebuilding the working copy.
    run = PipelineProcess(config_path, tmp_path / "home_1")
    run.wait_for('Started execution of step "scorecard_dbt_models"')
    run.wait_for("Materialized value intermediate")
    run.kill()
    assert sha256(published) == before_hash
    assert marts_snapshot(published) == before
    assert working_path(published).exists()
    # The lock died with the process: it can be taken at once.
    with hold_run_lock(published, "check", timeout_seconds=0):
        pass
    assert lock_path(published).exists()

    # 2. Killed as the working copy is being published: the old file or the new, whole.
    run = PipelineProcess(config_path, tmp_path / "home_2")
    run.wait_for('Started execution of step "publish__warehouse"')
    run.kill()
    snapshot = marts_snapshot(published)
    expected_after = marts_snapshot(concurrent_runs[0])
    assert snapshot in (before, expected_after)

    # 3. A rerun to the end publishes marts identical to uninterrupted runs of the same input.
    run = PipelineProcess(config_path, tmp_path / "home_3")
    assert run.finish() == 0, run.log[-3000:]
    assert marts_snapshot(published) == expected_after
