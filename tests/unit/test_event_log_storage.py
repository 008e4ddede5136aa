"""The project's SQLite run event log (orchestration/lib/event_log_storage.py).

It must behave as Dagster's own for everything Dagster reads back: runs, asset
materializations, asset-check evaluations, a live run's watcher.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.lib.config import PROJECT_ROOT
from orchestration.lib.event_log_storage import (
    ENGINES_KEPT,
    PooledSqliteEventLogStorage,
    default_base_dir,
)


@dg.asset
def placements() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=placements)
def placements_have_rows() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def project_instance(home: Path) -> dg.DagsterInstance:
    """An instance configured by the project's own config/dagster.yaml."""
    shutil.copyfile(PROJECT_ROOT / "config" / "dagster.yaml", home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def test_the_project_instance_uses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with project_instance(tmp_path) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        assert default_base_dir() == str(tmp_path / "history" / "runs")


def test_a_run_reads_back_as_with_dagsters_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with project_instance(tmp_path) as instance:
        result = dg.materialize([placements], instance=instance, selection=[placements.key])
        assert result.success
        materialization = instance.get_latest_materialization_event(placements.key)
        assert materialization is not None
        assert materialization.asset_materialization.metadata["rows"].value == 3
        run_db = tmp_path / "history" / "runs" / f"{result.run_id}.db"
        with sqlite3.connect(run_db) as connection:
            assert connection.execute("pragma journal_mode").fetchone() == ("wal",)
        events = instance.all_logs(result.run_id)
        assert any(event.dagster_event_type == dg.DagsterEventType.RUN_SUCCESS for event in events)


def test_asset_checks_are_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with project_instance(tmp_path) as instance:
        result = dg.materialize([placements, placements_have_rows], instance=instance)
        assert result.success
        key = dg.AssetCheckKey(placements.key, "placements_have_rows")
        records = instance.event_log_storage.get_asset_check_execution_history(key, limit=5)
        assert [record.run_id for record in records] == [result.run_id]


def test_few_databases_are_held_open(tmp_path: Path) -> None:
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    try:
        for number in range(ENGINES_KEPT + 4):
            with storage.run_connection(f"run-{number}") as connection:
                connection.exec_driver_sql("select 1")
        assert len(storage._engines) == ENGINES_KEPT
    finally:
        storage.dispose()
    assert not storage._engines


def test_a_live_run_is_watched_through_the_wal(tmp_path: Path) -> None:
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    seen: list[str] = []
    arrived = threading.Event()

    def callback(event: dg.EventLogEntry, _cursor: str) -> None:
        seen.append(event.user_message)
        arrived.set()

    def entry(message: str) -> dg.EventLogEntry:
        return dg.EventLogEntry(
            error_info=None,
            level="INFO",
            user_message=message,
            run_id="live-run",
            timestamp=time.time(),
        )

    try:
        storage.store_event(entry("before watching"))
        storage.watch("live-run", None, callback)
        time.sleep(0.5)
        storage.store_event(entry("while watching"))
        assert arrived.wait(timeout=10), "the watcher never saw the new event"
        assert "while watching" in seen
    finally:
        storage.end_watch("live-run", callback)
        storage.dispose()
