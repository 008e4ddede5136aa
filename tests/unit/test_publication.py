"""The published warehouse, its working copy and the run lock (orchestration/lib/publication.py)."""

from __future__ import annotations

import contextlib
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.config import load_config
from orchestration.lib.publication import (
    PublishError,
    WarehouseBusyError,
    discard_working_copy,
    ensure_working_copy,
    hold_run_lock,
    previous_path,
    publish_run_warehouse,
    publish_warehouse,
    restore_previous,
    working_path,
)
from tests.unit.run_lock_holder import hold_lock_in_another_process


def write_mart(path: Path, value: int, *, table: str = "fct_scorecard_monthly") -> None:
    with contextlib.closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute(f"create or replace table marts.{table} as select {value} as value")


def mart_value(path: Path, table: str = "fct_scorecard_monthly") -> int:
    with contextlib.closing(duckdb.connect(str(path), read_only=True)) as connection:
        return connection.execute(f"select value from marts.{table}").fetchone()[0]


def test_paths_sit_beside_the_published_file(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    assert working_path(published) == tmp_path / "warehouse.work.duckdb"
    assert previous_path(published) == tmp_path / "warehouse.previous.duckdb"


def test_the_first_run_copies_the_published_file_and_later_runs_keep_their_copy(
    tmp_path: Path,
) -> None:
    published = tmp_path / "warehouse.duckdb"
    write_mart(published, 1)
    working = ensure_working_copy(published)
    assert mart_value(working) == 1
    write_mart(working, 2)
    assert ensure_working_copy(published) == working
    assert mart_value(working) == 2
    assert mart_value(published) == 1


def test_nothing_to_copy_on_a_first_ever_run(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    assert not ensure_working_copy(published).exists()


def test_publishing_replaces_the_file_whole_and_keeps_the_previous_one(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    write_mart(published, 1)
    working = ensure_working_copy(published)
    write_mart(working, 2)
    # A reader that has the published file open keeps reading the file it opened.
    with contextlib.closing(duckdb.connect(str(published), read_only=True)) as reader:
        report = publish_warehouse(working, published)
        assert reader.execute("select value from marts.fct_scorecard_monthly").fetchone() == (1,)
    assert mart_value(published) == 2
    assert mart_value(previous_path(published)) == 1
    assert report.previous == previous_path(published)
    assert report.table_count == 1
    assert not list(tmp_path.glob("*.publishing*"))


def test_a_working_copy_missing_a_published_mart_is_not_published(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    write_mart(published, 1)
    write_mart(published, 1, table="dq_findings")
    working = working_path(published)
    write_mart(working, 2)
    with pytest.raises(PublishError, match=r"marts\.dq_findings"):
        publish_warehouse(working, published)
    assert mart_value(published) == 1
    assert not list(tmp_path.glob("*.publishing*"))


def test_the_retired_drill_down_in_marts_may_go(tmp_path: Path) -> None:
    # Releases before issue 5 kept the child-level drill-down in marts; this one drops it.
    published = tmp_path / "warehouse.duckdb"
    write_mart(published, 1)
    write_mart(published, 1, table="fct_child_compliance")
    working = working_path(published)
    write_mart(working, 2)
    publish_warehouse(working, published)
    assert mart_value(published) == 2


def test_a_file_left_by_a_killed_publication_is_cleared(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    write_mart(published, 1)
    stale = tmp_path / "warehouse.publishing-12345.duckdb"
    stale.write_bytes(b"half a file")
    working = ensure_working_copy(published)
    publish_warehouse(working, published)
    assert not stale.exists()


def test_restore_previous_puts_the_replaced_file_back_and_drops_the_working_copy(
    tmp_path: Path,
) -> None:
    published = tmp_path / "warehouse.duckdb"
    write_mart(published, 1)
    working = ensure_working_copy(published)
    write_mart(working, 2)
    publish_warehouse(working, published)
    restore_previous(published)
    assert mart_value(published) == 1
    assert not working.exists()
    discard_working_copy(published)  # nothing left to discard: no error


def test_restore_without_a_previous_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no previous warehouse"):
        restore_previous(tmp_path / "warehouse.duckdb")


def test_a_pipeline_run_view_writes_the_working_copy_and_publishes_to_the_configured_path(
    tmp_path: Path,
) -> None:
    config_file = tmp_path / "scorecard.yaml"
    config_file.write_text(
        textwrap.dedent(
            """
            la_code: "823"
            landing_dir: landing
            warehouse_path: warehouse.duckdb
            output_dir: output
            as_of_date: 2026-10-31
            systems: [{name: mosaic, live_from: 2020-04-01}]
            run_lock_timeout_seconds: 5
            """
        ),
        encoding="utf-8",
    )
    config = load_config(config_file)
    assert config.run_lock_timeout_seconds == 5
    run_view = config.for_pipeline_run()
    assert run_view.warehouse_path == tmp_path / "warehouse.work.duckdb"
    assert run_view.published_path == tmp_path / "warehouse.duckdb"
    assert run_view.for_pipeline_run() == run_view
    write_mart(run_view.warehouse_path, 3)
    publish_run_warehouse(run_view)
    assert mart_value(config.warehouse_path) == 3
    with pytest.raises(PublishError, match="not a pipeline run"):
        publish_run_warehouse(config)


def test_the_run_lock_reenters_in_one_process(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    with (
        hold_run_lock(published, "a", timeout_seconds=0),
        hold_run_lock(published, "a", timeout_seconds=0),
    ):
        pass
    with hold_run_lock(published, "b", timeout_seconds=0):
        pass


def test_a_second_run_waits_for_the_first_then_goes_ahead(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    holder = hold_lock_in_another_process(published)
    started = time.monotonic()
    with hold_run_lock(published, "run-0002", timeout_seconds=60):
        waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert waited > 1.0


def test_a_run_that_waits_too_long_stops_naming_the_run_it_waited_for(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    holder = hold_lock_in_another_process(published)
    try:
        with (
            pytest.raises(WarehouseBusyError, match=r"run run-0001 \(process \d+"),
            hold_run_lock(published, "run-0002", timeout_seconds=0.5),
        ):
            pass
    finally:
        holder.wait(timeout=30)


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    published = tmp_path / "warehouse.duckdb"
    holder = hold_lock_in_another_process(published)
    holder.kill()
    holder.wait(timeout=30)
    with hold_run_lock(published, "next", timeout_seconds=5):
        pass
