"""The raw copy: type mapping, no password in repr, and a reload that keeps the views."""

from __future__ import annotations

from contextlib import closing

import pytest

from orchestration.lib.postgres_warehouse import (
    PostgresSettings,
    load_raw_from_duckdb,
    postgres_type,
)
from tests.postgres.conftest import DATABASE, PipelineWarehouse
from tests.postgres.pg_server import PostgresServer


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("VARCHAR", "text"),
        ("DATE", "date"),
        ("BIGINT", "bigint"),
        ("TIMESTAMP", "timestamp without time zone"),
        ("DOUBLE", "double precision"),
        ("DECIMAL(18,3)", "numeric(18,3)"),
    ],
)
def test_postgres_type(duckdb_type: str, expected: str) -> None:
    assert postgres_type(duckdb_type) == expected


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="no PostgreSQL type"):
        postgres_type("STRUCT(a INTEGER)")


def test_settings_repr_hides_the_password() -> None:
    settings = PostgresSettings.from_environment({"SCORECARD_PG_PASSWORD": "s3cret-value"})
    assert "s3cret-value" not in repr(settings)
    assert settings.port == 5432
    assert settings.dbname == "scorecard"


def test_reload_keeps_staging_views(
    built_database: PostgresServer, pipeline_warehouse: PipelineWarehouse
) -> None:
    """A second load of an unchanged raw layer truncates and refills: the views dbt built on
    it stay, and the row counts are the same."""
    with closing(built_database.connect(DATABASE)) as connection:
        first = load_raw_from_duckdb(pipeline_warehouse.config.warehouse_path, connection)
        with connection.cursor() as cursor:
            cursor.execute("select count(*) from pg_views where schemaname = 'staging'")
            views_before = cursor.fetchone()[0]
        second = load_raw_from_duckdb(pipeline_warehouse.config.warehouse_path, connection)
        with connection.cursor() as cursor:
            cursor.execute("select count(*) from staging.stg_ssd__person")
            staged = cursor.fetchone()[0]
            cursor.execute("select count(*) from pg_views where schemaname = 'staging'")
            views = cursor.fetchone()[0]
    dropped_views = views_before - views
    assert first == second
    assert dropped_views == 0
    assert staged > 0
    assert views > 30
