"""The child-level drill-down publish step (orchestration/defs/publish) on a tiny DuckDB."""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from orchestration.defs.publish.assets import PUBLISHED_COLUMNS, publish_child_compliance
from orchestration.lib.pseudonymise import pseudonymise

SECRET = b"unit-test-secret-key-0001"
OTHER_SECRET = b"unit-test-secret-key-0002"
RAW_IDS = ("liquid_logic:1001", "carefirst:CF02")


def make_warehouse(path: Path, child_keys: tuple[str, ...] = RAW_IDS) -> None:
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema if not exists intermediate")
        connection.execute("drop table if exists intermediate.int_child_compliance")
        connection.execute(
            "create table intermediate.int_child_compliance (child_key varchar, "
            "indicator_code varchar, period_end date, event_date date, due_date date, "
            "last_event_date date, "
            "is_compliant boolean, days_overdue integer, team varchar, worker varchar)"
        )
        for number, child_key in enumerate(child_keys):
            connection.execute(
                "insert into intermediate.int_child_compliance values "
                "(?, 'CLA_VISITS_IN_TIME', ?, null, ?, ?, ?, ?, 'Team A', 'W1')",
                [
                    child_key,
                    dt.date(2022, 3, 31),
                    dt.date(2022, 3, 28 + number),
                    dt.date(2022, 2, 14),
                    number == 1,
                    3 if number == 0 else 0,
                ],
            )


def published(path: Path) -> tuple[list[str], list[tuple]]:
    with closing(duckdb.connect(str(path), read_only=True)) as connection:
        relation = connection.sql("select * from restricted.fct_child_compliance order by due_date")
        return list(relation.columns), relation.fetchall()


def test_output_has_pseudonyms_and_no_child_key(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    assert publish_child_compliance(warehouse, SECRET) == 2
    columns, rows = published(warehouse)
    assert columns == list(PUBLISHED_COLUMNS)
    assert "child_key" not in columns
    assert [row[0] for row in rows] == [pseudonymise(key, SECRET) for key in RAW_IDS]
    text = " ".join(str(value) for row in rows for value in row)
    for raw_id in (*RAW_IDS, "1001", "CF02"):
        assert raw_id not in text
    assert rows[0][1:] == (
        "CLA_VISITS_IN_TIME",
        dt.date(2022, 3, 31),
        None,
        dt.date(2022, 3, 28),
        dt.date(2022, 2, 14),
        False,
        3,
        "Team A",
        "W1",
    )


def test_pseudonym_is_stable_for_the_same_secret_and_differs_with_another(
    tmp_path: Path,
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    publish_child_compliance(warehouse, SECRET)
    first = [row[0] for row in published(warehouse)[1]]
    publish_child_compliance(warehouse, SECRET)
    second = [row[0] for row in published(warehouse)[1]]
    publish_child_compliance(warehouse, OTHER_SECRET)
    other = [row[0] for row in published(warehouse)[1]]
    assert first == second
    assert all(len(value) == 64 for value in first)
    assert set(first).isdisjoint(other)


def test_replace_is_atomic(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    publish_child_compliance(warehouse, SECRET)

    # A fresh run replaces every row (no leftovers from the earlier table) ...
    make_warehouse(warehouse, child_keys=("liquid_logic:2001",))
    assert publish_child_compliance(warehouse, SECRET) == 1
    assert [row[0] for row in published(warehouse)[1]] == [
        pseudonymise("liquid_logic:2001", SECRET)
    ]

    # ... and a run that fails part-way leaves the previous table as it was.
    publish_child_compliance(warehouse, SECRET)
    before = published(warehouse)
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute("alter table intermediate.int_child_compliance drop column worker")
    with pytest.raises(duckdb.Error):
        publish_child_compliance(warehouse, SECRET)
    assert published(warehouse) == before
    with closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'restricted'"
            ).fetchall()
        }
    assert tables == {"fct_child_compliance"}


def test_the_drill_down_left_in_marts_by_an_older_release_is_dropped(tmp_path: Path) -> None:
    # Before issue 5 the table lived in marts, which BI tools read; dbt never drops it.
    warehouse = tmp_path / "warehouse.duckdb"
    make_warehouse(warehouse)
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_child_compliance (person_key varchar)")
    publish_child_compliance(warehouse, SECRET)
    with closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        tables = connection.execute(
            "select table_schema from information_schema.tables "
            "where table_name = 'fct_child_compliance'"
        ).fetchall()
    assert tables == [("restricted",)]
