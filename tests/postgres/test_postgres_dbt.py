"""dbt builds the whole project on PostgreSQL and gets the same marts as DuckDB."""

from __future__ import annotations

from contextlib import closing

import duckdb
import pytest

from orchestration.lib.postgres_warehouse import postgres_type
from tests.postgres.conftest import DATABASE, DbtBuild, PipelineWarehouse
from tests.postgres.pg_server import PostgresServer
from tests.postgres.table_compare import (
    duckdb_columns,
    ordered_select,
    read_duckdb,
    read_postgres,
    row_differences,
)

RAW_TABLES_SQL = (
    "select table_name from information_schema.tables "
    "where table_schema = 'raw' and table_type = 'BASE TABLE' order by table_name"
)


def test_dbt_build_on_postgres_passes(dbt_build: DbtBuild) -> None:
    assert dbt_build.returncode == 0, dbt_build.output[-6000:]
    assert " ERROR=0 " in dbt_build.output
    assert "bi_reader may read marts only" in dbt_build.output


def test_raw_layer_copied_with_counts_and_types(
    raw_loaded: str, pipeline_warehouse: PipelineWarehouse, postgres_server: PostgresServer
) -> None:
    """Every raw table arrives with its rows and its columns, in order, types mapped."""
    columns_sql = (
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'raw' order by table_name, ordinal_position"
    )
    with closing(duckdb.connect(str(pipeline_warehouse.config.warehouse_path), True)) as source:
        tables = [row[0] for row in source.execute(RAW_TABLES_SQL).fetchall()]
        expected_counts = {
            table: source.execute(f'select count(*) from raw."{table}"').fetchone()[0]
            for table in tables
        }
        expected_columns = [
            (table, column, postgres_type(data_type))
            for table, column, data_type in source.execute(columns_sql).fetchall()
        ]
    with closing(postgres_server.connect(DATABASE)) as connection:
        counts = {
            table: read_postgres(connection, f'select count(*) from raw."{table}"')[0][0]
            for table in tables
        }
        columns = read_postgres(
            connection,
            "select table_name, column_name, "
            "format_type(atttypid, atttypmod) from information_schema.columns as c "
            "join pg_attribute as a on a.attrelid = format('raw.%I', c.table_name)::regclass "
            "and a.attname = c.column_name "
            "where table_schema = 'raw' order by table_name, ordinal_position",
        )
    assert len(tables) > 30
    assert counts == expected_counts
    assert sum(counts.values()) > 0
    assert sorted(columns) == sorted(expected_columns)
    assert ("ssd_person", "_loaded_at", "timestamp without time zone") in columns
    assert ("ssd_person", "_extract_date", "date") in columns
    assert ("ssd_person", "pers_person_id", "text") in columns
    assert "password" not in raw_loaded.lower()


def test_models_land_in_the_project_schemas(built_database: PostgresServer) -> None:
    with closing(built_database.connect(DATABASE)) as connection:
        schemas = dict(
            read_postgres(
                connection,
                "select table_name, table_schema from information_schema.tables "
                "where table_name in ('stg_ssd__person', 'int_person_crosswalk', "
                "'fct_scorecard_monthly', 'indicator_catalogue', 'fct_child_compliance')",
            )
        )
        prefixed = read_postgres(
            connection,
            "select nspname from pg_namespace where nspname like 'public\\_%'",
        )
    assert schemas == {
        "stg_ssd__person": "staging",
        "int_person_crosswalk": "intermediate",
        "fct_scorecard_monthly": "marts",
        "indicator_catalogue": "reference",
        "fct_child_compliance": "restricted",
    }
    assert prefixed == []


@pytest.mark.parametrize("table", ["fct_scorecard_monthly", "dq_findings"])
def test_marts_equal_duckdb(
    table: str, built_database: PostgresServer, pipeline_warehouse: PipelineWarehouse
) -> None:
    warehouse = pipeline_warehouse.config.warehouse_path
    columns = duckdb_columns(warehouse, "marts", table)
    query = ordered_select("marts", table, columns)
    expected = read_duckdb(warehouse, query)
    with closing(built_database.connect(DATABASE)) as connection:
        actual = read_postgres(connection, query)
        postgres_columns = [
            row[0]
            for row in read_postgres(
                connection,
                "select column_name from information_schema.columns where table_schema = "
                f"'marts' and table_name = '{table}' order by ordinal_position",
            )
        ]
    assert postgres_columns == columns
    assert expected, f"marts.{table} is empty in DuckDB: the comparison would prove nothing"
    assert row_differences(columns, expected, actual) == []
