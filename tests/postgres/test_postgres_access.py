"""bi_reader reads the aggregate marts and nothing else (issue 5, part 6)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import closing

import psycopg2
import psycopg2.errors
import pytest

from orchestration.evaluation.authority_runs import EVALUATION_PSEUDONYM_KEY
from orchestration.lib.pseudonymise import pseudonymise
from tests.postgres.conftest import DATABASE
from tests.postgres.pg_server import PostgresServer

ANALYST = "bi_analyst"


@pytest.fixture(scope="module")
def analyst(built_database: PostgresServer) -> Iterator[psycopg2.extensions.connection]:
    """A connection as a LOGIN user whose only rights come from membership of bi_reader."""
    password = secrets.token_urlsafe(12)
    with closing(built_database.connect(DATABASE)) as admin, admin.cursor() as cursor:
        cursor.execute(f"create role {ANALYST} login password %s in role bi_reader", (password,))
        admin.commit()
    connection = built_database.connect(DATABASE, user=ANALYST, password=password)
    connection.autocommit = True
    yield connection
    connection.close()


def _select_one(connection: psycopg2.extensions.connection, table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"select * from {table} limit 1")
        cursor.fetchall()


def test_bi_reader_reads_the_scorecard(analyst: psycopg2.extensions.connection) -> None:
    with analyst.cursor() as cursor:
        cursor.execute("select count(*) from marts.fct_scorecard_monthly")
        assert cursor.fetchone()[0] > 0


@pytest.mark.parametrize(
    "table",
    [
        "raw.ssd_person",
        "staging.stg_ssd__person",
        "intermediate.int_child_compliance",
        "reference.indicator_catalogue",
        "restricted.fct_child_compliance",
    ],
)
def test_bi_reader_cannot_read_other_schemas(
    analyst: psycopg2.extensions.connection, table: str
) -> None:
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
        _select_one(analyst, table)


def test_bi_reader_cannot_create_tables_in_marts(analyst: psycopg2.extensions.connection) -> None:
    with (
        pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"),
        analyst.cursor() as cursor,
    ):
        cursor.execute("create table marts.analyst_scratch (value integer)")


def test_future_marts_tables_are_readable(
    built_database: PostgresServer, analyst: psycopg2.extensions.connection
) -> None:
    """Default privileges: a table the dbt user creates in marts later is readable at once."""
    with closing(built_database.connect(DATABASE)) as admin, admin.cursor() as cursor:
        cursor.execute("create table marts.later_aggregate as select 1 as value")
        admin.commit()
    try:
        _select_one(analyst, "marts.later_aggregate")
    finally:
        with closing(built_database.connect(DATABASE)) as admin, admin.cursor() as cursor:
            cursor.execute("drop table marts.later_aggregate")
            admin.commit()


def test_restricted_table_holds_pseudonyms_only(built_database: PostgresServer) -> None:
    with closing(built_database.connect(DATABASE)) as admin, admin.cursor() as cursor:
        cursor.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'restricted' and table_name = 'fct_child_compliance'"
        )
        columns = {row[0] for row in cursor.fetchall()}
        cursor.execute("select count(*) from intermediate.int_child_compliance")
        source_rows = cursor.fetchone()[0]
        cursor.execute("select count(*) from restricted.fct_child_compliance")
        published_rows = cursor.fetchone()[0]
        cursor.execute(
            "select child_key from intermediate.int_child_compliance "
            "where child_key is not null order by child_key limit 1"
        )
        child_key = cursor.fetchone()[0]
        cursor.execute("select distinct person_key from restricted.fct_child_compliance")
        person_keys = {row[0] for row in cursor.fetchall()}
    assert "child_key" not in columns
    assert "person_key" in columns
    assert published_rows == source_rows > 0
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in person_keys)
    assert pseudonymise(child_key, EVALUATION_PSEUDONYM_KEY.encode("utf-8")) in person_keys
