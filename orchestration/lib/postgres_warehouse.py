"""The PostgreSQL server target: raw layer copied from DuckDB, child-level tables published.

On a server, ingest (validation at the door, quarantine, lineage) still runs in Python
against the DuckDB warehouse file; :func:`load_raw_from_duckdb` then copies every table of
its ``raw`` schema into schema ``raw`` of a PostgreSQL database, where dbt builds staging,
intermediate and marts (``dbt build --target postgres``). :func:`publish_child_compliance`
writes the child-level drill-down into schema ``restricted`` with the child key replaced by
its keyed pseudonym (HMAC, computed in Python as for DuckDB).

The connection comes from the same ``SCORECARD_PG_*`` environment variables that the
``postgres`` target of ``dbt_project/profiles.yml`` reads; the password is never logged.
"""

from __future__ import annotations

import csv
import logging
import re
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
from psycopg2 import sql

from orchestration.lib.child_compliance import (
    PUBLISHED_COLUMNS,
    RESTRICTED_SCHEMA,
    SOURCE_MODEL,
    SOURCE_SCHEMA,
    TABLE_NAME,
)
from orchestration.lib.pseudonymise import pseudonymise_all

log = logging.getLogger(__name__)

# The schemas of the server layout (docs/architecture.md, "PostgreSQL (server)").
WAREHOUSE_SCHEMAS = ("raw", "staging", "intermediate", "marts", "restricted")
RAW_SCHEMA = "raw"

# PostgreSQL's own spelling (as ``format_type`` returns it), so an existing table's columns
# can be compared with the ones a load needs.
_SIMPLE_TYPES = {
    "VARCHAR": "text",
    "DATE": "date",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "BOOLEAN": "boolean",
    "DOUBLE": "double precision",
    "FLOAT": "real",
    "TIMESTAMP": "timestamp without time zone",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


@dataclass(frozen=True)
class PostgresSettings:
    """Where the PostgreSQL warehouse is; ``password`` is kept out of ``repr``."""

    host: str
    port: int
    user: str
    dbname: str
    password: str = ""

    def __repr__(self) -> str:
        return f"PostgresSettings(host={self.host!r}, port={self.port}, user={self.user!r}, " + (
            f"dbname={self.dbname!r})"
        )

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> PostgresSettings:
        """Read ``SCORECARD_PG_HOST/PORT/USER/PASSWORD/DBNAME`` with the profile's defaults."""
        return cls(
            host=environ.get("SCORECARD_PG_HOST", "localhost"),
            port=int(environ.get("SCORECARD_PG_PORT", "5432")),
            user=environ.get("SCORECARD_PG_USER", "scorecard"),
            password=environ.get("SCORECARD_PG_PASSWORD", ""),
            dbname=environ.get("SCORECARD_PG_DBNAME", "scorecard"),
        )

    def connect(self) -> psycopg2.extensions.connection:
        """A new psycopg2 connection (a transaction opens with the first statement)."""
        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=self.dbname,
        )


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL column type for a DuckDB ``information_schema`` data type."""
    normalised = duckdb_type.strip().upper()
    if normalised in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[normalised]
    decimal = _DECIMAL.fullmatch(normalised)
    if decimal:
        return f"numeric({decimal.group(1)},{decimal.group(2)})"
    raise ValueError(f"no PostgreSQL type for DuckDB type {duckdb_type!r}")


def create_warehouse_schemas(cursor: Any, schemas: Sequence[str] = WAREHOUSE_SCHEMAS) -> None:
    """Create the server layout's schemas that are missing."""
    for schema in schemas:
        cursor.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))


def _duckdb_tables(connection: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        [schema],
    ).fetchall()
    return [row[0] for row in rows]


def _duckdb_columns(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str
) -> list[tuple[str, str]]:
    rows = connection.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return [(name, postgres_type(data_type)) for name, data_type in rows]


def _postgres_columns(cursor: Any, schema: str, table: str) -> list[tuple[str, str]] | None:
    cursor.execute(
        "select a.attname, format_type(a.atttypid, a.atttypmod) "
        "from pg_attribute as a join pg_class as c on c.oid = a.attrelid "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "where n.nspname = %s and c.relname = %s and c.relkind = 'r' "
        "and a.attnum > 0 and not a.attisdropped order by a.attnum",
        (schema, table),
    )
    rows = cursor.fetchall()
    return [(name, data_type) for name, data_type in rows] or None


def _replace_table(cursor: Any, schema: str, table: str, columns: list[tuple[str, str]]) -> None:
    """Empty the table when its columns are unchanged (the staging views that read it stay);
    otherwise drop it (and the views on it: dbt recreates them) and create it anew."""
    target = sql.Identifier(schema, table)
    existing = _postgres_columns(cursor, schema, table)
    if existing is not None and existing == columns:
        cursor.execute(sql.SQL("truncate table {}").format(target))
        return
    cursor.execute(sql.SQL("drop table if exists {} cascade").format(target))
    cursor.execute(
        sql.SQL("create table {} ({})").format(
            target,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(data_type))
                for name, data_type in columns
            ),
        )
    )


def load_raw_from_duckdb(
    warehouse_path: Path,
    connection: psycopg2.extensions.connection,
    schema: str = RAW_SCHEMA,
) -> dict[str, int]:
    """Copy every table of ``schema`` in the DuckDB file into the same schema in PostgreSQL.

    Creates the server layout's schemas when missing. Each table is replaced (same column
    names, types mapped by :func:`postgres_type`) with ``COPY FROM STDIN`` of a CSV file that
    DuckDB writes; all tables are replaced in one transaction, so a failure leaves the
    previous raw layer. Returns the row count per table.
    """
    row_counts: dict[str, int] = {}
    with (
        closing(duckdb.connect(str(warehouse_path), read_only=True)) as source,
        tempfile.TemporaryDirectory(prefix="scorecard-raw-") as scratch,
    ):
        tables = _duckdb_tables(source, schema)
        if not tables:
            raise ValueError(f"{warehouse_path}: schema {schema!r} has no tables")
        try:
            with connection.cursor() as cursor:
                create_warehouse_schemas(cursor)
                for table in tables:
                    columns = _duckdb_columns(source, schema, table)
                    csv_path = Path(scratch) / f"{table}.csv"
                    # DuckDB writes NULL as an unquoted empty field and '' as "": PostgreSQL's
                    # CSV format reads them back the same way.
                    source.execute(
                        f'copy (select * from "{schema}"."{table}") to ? '
                        "(format csv, header false)",
                        [str(csv_path)],
                    )
                    _replace_table(cursor, schema, table, columns)
                    copy = sql.SQL("copy {} ({}) from stdin with (format csv)").format(
                        sql.Identifier(schema, table),
                        sql.SQL(", ").join(sql.Identifier(name) for name, _ in columns),
                    )
                    with csv_path.open(encoding="utf-8") as csv_file:
                        cursor.copy_expert(copy.as_string(cursor), csv_file)
                    row_counts[table] = cursor.rowcount
                    csv_path.unlink()
            connection.commit()
        except Exception:
            connection.rollback()
            raise
    log.info(
        "raw layer copied to PostgreSQL: %d tables, %d rows",
        len(row_counts),
        sum(row_counts.values()),
    )
    return row_counts


CHILD_COMPLIANCE_SOURCE = (SOURCE_SCHEMA, SOURCE_MODEL)


def publish_child_compliance(connection: psycopg2.extensions.connection, key: bytes) -> int:
    """Replace ``restricted.fct_child_compliance`` from ``intermediate.int_child_compliance``
    with ``child_key`` replaced by its keyed pseudonym ``person_key``; return its row count.

    The pseudonyms are computed in Python (``orchestration.lib.pseudonymise``) so they are
    the same as on DuckDB. One transaction: readers see the old rows or the new ones.
    """
    source = sql.Identifier(*CHILD_COMPLIANCE_SOURCE)
    target = sql.Identifier(RESTRICTED_SCHEMA, TABLE_NAME)
    try:
        with connection.cursor() as cursor:
            create_warehouse_schemas(cursor, (RESTRICTED_SCHEMA,))
            cursor.execute(
                sql.SQL("select distinct child_key from {} where child_key is not null").format(
                    source
                )
            )
            child_keys = [str(row[0]) for row in cursor.fetchall()]
            cursor.execute(
                "create temporary table child_pseudonyms "
                "(child_key text primary key, person_key text not null) on commit drop"
            )
            with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as buffer:
                csv.writer(buffer).writerows(
                    zip(child_keys, pseudonymise_all(child_keys, key), strict=True)
                )
                buffer.seek(0)
                cursor.copy_expert(
                    "copy child_pseudonyms (child_key, person_key) from stdin with (format csv)",
                    buffer,
                )
            select_list = sql.SQL(", ").join(
                sql.SQL("pseudonyms.person_key")
                if column == "person_key"
                else sql.SQL("compliance.{}").format(sql.Identifier(column))
                for column in PUBLISHED_COLUMNS
            )
            cursor.execute(sql.SQL("drop table if exists {}").format(target))
            cursor.execute(
                sql.SQL(
                    "create table {} as select {} from {} as compliance "
                    "inner join child_pseudonyms as pseudonyms "
                    "on compliance.child_key::text = pseudonyms.child_key "
                    "order by compliance.indicator_code, compliance.period_end, "
                    "pseudonyms.person_key, compliance.event_date"
                ).format(target, select_list, source)
            )
            cursor.execute(sql.SQL("select count(*) from {}").format(target))
            row = cursor.fetchone()
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    return int(row[0]) if row else 0
