"""Read a table from DuckDB and PostgreSQL in the same deterministic order and compare."""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg2

TOLERANCE = 1e-9


def duckdb_columns(warehouse_path: Path, schema: str, table: str) -> list[str]:
    """Column names in table order (DuckDB decides the order both sides are read in)."""
    with closing(duckdb.connect(str(warehouse_path), read_only=True)) as connection:
        rows = connection.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
    return [row[0] for row in rows]


def ordered_select(schema: str, table: str, columns: Sequence[str]) -> str:
    """Every column, ordered by every column (nulls first on both engines)."""
    quoted = [f'"{column}"' for column in columns]
    order = ", ".join(f"{column} nulls first" for column in quoted)
    return f'select {", ".join(quoted)} from "{schema}"."{table}" order by {order}'


def read_duckdb(warehouse_path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(duckdb.connect(str(warehouse_path), read_only=True)) as connection:
        return connection.execute(query).fetchall()


def read_postgres(connection: psycopg2.extensions.connection, query: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchall()


def _equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    numeric = (float, Decimal)
    if isinstance(left, numeric) or isinstance(right, numeric):
        return math.isclose(float(left), float(right), rel_tol=0.0, abs_tol=TOLERANCE)
    return bool(left == right)


def row_differences(
    columns: Sequence[str],
    expected: Sequence[tuple[Any, ...]],
    actual: Sequence[tuple[Any, ...]],
    limit: int = 10,
) -> list[str]:
    """Up to ``limit`` descriptions of cells that differ (positions compared in order)."""
    differences: list[str] = []
    if len(expected) != len(actual):
        differences.append(f"row counts differ: DuckDB {len(expected)}, PostgreSQL {len(actual)}")
    for position, (left_row, right_row) in enumerate(zip(expected, actual, strict=False)):
        for column, left, right in zip(columns, left_row, right_row, strict=True):
            if not _equal(left, right):
                differences.append(
                    f"row {position} {column}: DuckDB {left!r}, PostgreSQL {right!r}"
                )
                if len(differences) >= limit:
                    return differences
    return differences
