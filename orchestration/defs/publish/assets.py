"""Published record-level outputs: the child-level compliance drill-down.

``restricted.fct_child_compliance`` (the ``restricted`` schema holds child-level tables;
BI readers get ``marts`` only) is ``intermediate.int_child_compliance`` with the internal
``child_key`` replaced by its keyed pseudonym (docs/decisions/0005-pseudonymisation.md):
DuckDB has no HMAC, so the pseudonyms are computed here in Python. The table is written
as a new table and swapped in inside one transaction, so readers see the old rows or the
new ones, never a half-written table.
"""

from contextlib import closing
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.child_compliance import (
    PUBLISHED_COLUMNS,
    RESTRICTED_SCHEMA,
    RETIRED_MARTS_TABLE,
    SOURCE_MODEL,
    SOURCE_SCHEMA,
    TABLE_NAME,
)
from orchestration.lib.pseudonymise import pseudonym_key, pseudonymise_all

SOURCE_TABLE = f"{SOURCE_SCHEMA}.{SOURCE_MODEL}"
TARGET_SCHEMA = RESTRICTED_SCHEMA
TARGET_TABLE = TABLE_NAME
STAGING_TABLE = f"{TARGET_TABLE}__publishing"


def publish_child_compliance(warehouse_path: Path, key: bytes) -> int:
    """Replace ``restricted.fct_child_compliance`` from the intermediate model; return its rows.

    Every step runs in one transaction: if anything fails, the previous table stays.
    """
    with closing(duckdb.connect(str(warehouse_path))) as connection:
        child_keys = [
            row[0]
            for row in connection.execute(
                f"select distinct child_key from {SOURCE_TABLE} where child_key is not null"
            ).fetchall()
        ]
        pseudonyms = pd.DataFrame(
            {"child_key": child_keys, "person_key": pseudonymise_all(child_keys, key)},
            dtype="string",
        )
        connection.register("child_pseudonyms", pseudonyms)
        select_list = ", ".join(
            "cast(pseudonyms.person_key as varchar) as person_key"
            if column == "person_key"
            else f"compliance.{column}"
            for column in PUBLISHED_COLUMNS
        )
        connection.execute("begin transaction")
        try:
            connection.execute(f"create schema if not exists {TARGET_SCHEMA}")
            connection.execute(f"drop table if exists {TARGET_SCHEMA}.{STAGING_TABLE}")
            connection.execute(
                f"create table {TARGET_SCHEMA}.{STAGING_TABLE} as "
                f"select {select_list} from {SOURCE_TABLE} as compliance "
                "inner join child_pseudonyms as pseudonyms "
                "on compliance.child_key = pseudonyms.child_key "
                "order by compliance.indicator_code, compliance.period_end, person_key, "
                "compliance.event_date"
            )
            connection.execute(f"drop table if exists {TARGET_SCHEMA}.{TARGET_TABLE}")
            connection.execute(
                f"alter table {TARGET_SCHEMA}.{STAGING_TABLE} rename to {TARGET_TABLE}"
            )
            connection.execute(f"drop table if exists {RETIRED_MARTS_TABLE}")
            connection.execute("commit")
        except Exception:
            connection.execute("rollback")
            raise
        finally:
            connection.unregister("child_pseudonyms")
        row = connection.execute(f"select count(*) from {TARGET_SCHEMA}.{TARGET_TABLE}").fetchone()
    return int(row[0]) if row else 0


@dg.asset(
    key=dg.AssetKey([TARGET_SCHEMA, TARGET_TABLE]),
    group_name="restricted",
    deps=[dg.AssetKey(["intermediate", "int_child_compliance"])],
    pool="duckdb_warehouse",
)
def fct_child_compliance(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    """Who is overdue: one row per child (or event), timeliness indicator and month,
    pseudonymised."""
    config = scorecard_config.load()
    with retry_transient_failures(context):
        row_count = publish_child_compliance(config.warehouse_path, pseudonym_key(config))
    return dg.MaterializeResult(metadata={"dagster/row_count": dg.MetadataValue.int(row_count)})
