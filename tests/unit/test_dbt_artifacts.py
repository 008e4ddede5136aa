"""Each run's dbt target folder beside the warehouse, the parse cache, and pruning."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.lib.dbt_artifacts import (
    PARTIAL_PARSE_FILE,
    RUNS_KEPT,
    dbt_runs_dir,
    keep_parse_cache,
    prune_runs,
    run_target_path,
)


def test_a_run_gets_its_own_folder_beside_the_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "state" / "warehouse.work.duckdb"
    target = run_target_path(warehouse, "run-1", "scorecard_dbt_models")
    assert target == tmp_path / "state" / "dbt_runs" / "run-1-scorecard_dbt_models"
    assert target.is_dir() and not any(target.iterdir())


def test_the_next_run_starts_from_the_last_runs_parse(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    first = run_target_path(warehouse, "run-1", "dbt")
    (first / PARTIAL_PARSE_FILE).write_bytes(b"parse of run 1")
    keep_parse_cache(first)
    assert (dbt_runs_dir(warehouse) / PARTIAL_PARSE_FILE).read_bytes() == b"parse of run 1"

    second = run_target_path(warehouse, "run-2", "dbt")
    assert (second / PARTIAL_PARSE_FILE).read_bytes() == b"parse of run 1"
    (second / PARTIAL_PARSE_FILE).write_bytes(b"parse of run 2")
    keep_parse_cache(second)
    assert (dbt_runs_dir(warehouse) / PARTIAL_PARSE_FILE).read_bytes() == b"parse of run 2"


def test_a_retried_step_keeps_what_dbt_already_wrote(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    first = run_target_path(warehouse, "run-1", "dbt")
    (first / PARTIAL_PARSE_FILE).write_bytes(b"run 1")
    keep_parse_cache(first)
    retry = run_target_path(warehouse, "run-1", "dbt")
    (retry / PARTIAL_PARSE_FILE).write_bytes(b"run 1, attempt 2")
    assert run_target_path(warehouse, "run-1", "dbt") == retry
    assert (retry / PARTIAL_PARSE_FILE).read_bytes() == b"run 1, attempt 2"


def test_a_run_without_a_parse_leaves_the_cache_alone(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    runs = dbt_runs_dir(warehouse)
    runs.mkdir()
    (runs / PARTIAL_PARSE_FILE).write_bytes(b"good")
    keep_parse_cache(run_target_path(warehouse, "run-1", "dbt"))
    assert (runs / PARTIAL_PARSE_FILE).read_bytes() == b"good"


def test_only_the_newest_runs_are_kept(tmp_path: Path) -> None:
    runs = tmp_path / "dbt_runs"
    for number in range(RUNS_KEPT + 3):
        folder = runs / f"run-{number}"
        folder.mkdir(parents=True)
        (folder / "dbt.log").write_text("log")
        os.utime(folder, (1_000_000 + number, 1_000_000 + number))
    (runs / PARTIAL_PARSE_FILE).write_bytes(b"cache")
    removed = prune_runs(runs, keep=RUNS_KEPT)
    assert sorted(path.name for path in removed) == ["run-0", "run-1", "run-2"]
    kept = sorted(path.name for path in runs.iterdir() if path.is_dir())
    assert kept == [f"run-{number}" for number in range(3, RUNS_KEPT + 3)]
    assert (runs / PARTIAL_PARSE_FILE).exists()
