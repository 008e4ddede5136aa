"""``marts/fct_scorecard_month_end``: one partition per month, a copy of that month's
scorecard rows as reported, replaced only when the month is materialised again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.operations.month_end import fct_scorecard_month_end
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.publication import discard_working_copy, working_path
from tests.operations.conftest import SCORECARD_ROWS, scorecard_row, write_scorecard

MONTH_END_SQL = "select * from marts.fct_scorecard_month_end order by all"


def _materialize(config_path: Path, partition: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [fct_scorecard_month_end],
        partition_key=partition,
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_path))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def _published(warehouse: Path, sql: str = MONTH_END_SQL) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _rebuild_scorecard(warehouse: Path, rows: list[tuple]) -> None:
    """What a scorecard run leaves: the published file with the new rows, no working copy."""
    discard_working_copy(warehouse)
    write_scorecard(warehouse, rows)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return write_scorecard(tmp_path / "warehouse.duckdb", SCORECARD_ROWS)


def test_a_partition_copies_its_month_and_is_published(
    warehouse: Path, config_writer: Callable[..., Path]
) -> None:
    result = _materialize(config_writer(), "2026-10")
    assert result.success
    rows = _published(warehouse)
    assert rows == sorted(row for row in SCORECARD_ROWS if row[1] == dt.date(2026, 10, 31))
    columns = _published(
        warehouse,
        "select table_name, list(column_name order by ordinal_position) "
        "from information_schema.columns where table_schema = 'marts' group by table_name "
        "order by table_name",
    )
    assert columns[0][1] == columns[1][1]  # the same columns in the same order, nothing added
    materialization = result.asset_materializations_for_node("marts__fct_scorecard_month_end")[0]
    assert materialization.partition == "2026-10"
    assert materialization.metadata["dagster/row_count"].value == 2


def test_a_restated_month_keeps_what_was_reported_until_it_is_backfilled(
    warehouse: Path, config_writer: Callable[..., Path]
) -> None:
    config = config_writer()
    assert _materialize(config, "2026-09").success
    assert _materialize(config, "2026-10").success
    reported = _published(warehouse)

    # A later extract corrects September: the full rebuild restates it in fct_scorecard_monthly.
    restated = [
        scorecard_row(row[0], row[1], 50.0) if row[1] == dt.date(2026, 9, 30) else row
        for row in SCORECARD_ROWS
    ]
    _rebuild_scorecard(warehouse, restated)
    assert _materialize(config, "2026-10").success
    assert _published(warehouse) == reported  # September as reported, October identical

    assert _materialize(config, "2026-09").success  # the backfill takes the restatement
    september = [row for row in _published(warehouse) if row[1] == dt.date(2026, 9, 30)]
    assert {row[5] for row in september} == {50.0}


def test_rerunning_a_month_gives_an_identical_table(
    warehouse: Path, config_writer: Callable[..., Path]
) -> None:
    config = config_writer()
    assert _materialize(config, "2026-10").success
    first = _published(warehouse)
    assert _materialize(config, "2026-10").success
    assert _published(warehouse) == first


def test_a_month_after_as_of_date_fails_clearly_and_writes_nothing(
    warehouse: Path, config_writer: Callable[..., Path]
) -> None:
    result = _materialize(config_writer(), "2026-11")
    assert not result.success
    message = _failure_message(result)
    assert "2026-11" in message and "as_of_date 2026-10-31" in message
    assert _published(
        warehouse,
        "select count(*) from information_schema.tables "
        "where table_name = 'fct_scorecard_month_end'",
    ) == [(0,)]


def test_a_month_without_rows_fails_clearly(
    warehouse: Path, config_writer: Callable[..., Path]
) -> None:
    result = _materialize(config_writer(), "2026-07")
    assert not result.success
    message = _failure_message(result)
    assert "no rows for month 2026-07" in message and "as_of_date 2026-10-31" in message


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    failures = [event for event in result.all_events if event.is_step_failure]
    assert failures
    error = failures[0].step_failure_data.error
    while error.cause is not None:
        error = error.cause
    return error.message


def test_partitions_are_months_from_the_history_start_to_the_last_full_month() -> None:
    partitions = fct_scorecard_month_end.partitions_def
    assert isinstance(partitions, dg.TimeWindowPartitionsDefinition)
    assert partitions.fmt == "%Y-%m"
    assert partitions.timezone == "Europe/London"
    current = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    keys = partitions.get_partition_keys(current_time=current)
    assert keys[0] == "2016-04"  # the demo's carefirst live_from, 2016-04-01
    assert keys[-1] == "2026-11"  # December 2026 is not finished: not a partition


def test_an_unpublished_rebuild_in_the_working_copy_is_not_published(
    warehouse: Path, config_writer: Callable[..., Path]
) -> None:
    config = config_writer()
    assert _materialize(config, "2026-10").success
    reported = _published(warehouse)
    # A scorecard run rebuilt the working copy, then stopped before publishing.
    restated = [scorecard_row(row[0], row[1], 1.0) for row in SCORECARD_ROWS]
    write_scorecard(working_path(warehouse), restated)

    result = _materialize(config, "2026-10")
    assert not result.success
    assert "marts.fct_scorecard_monthly" in _failure_message(result)
    assert "no run has published" in _failure_message(result)
    assert _published(warehouse) == reported
