"""The published shape of the child-level drill-down, ``restricted.fct_child_compliance``.

Written from ``intermediate.int_child_compliance`` with ``child_key`` replaced by its keyed
pseudonym ``person_key`` (decision 0005): on DuckDB by the Dagster asset
(``orchestration/defs/publish/assets.py``), on PostgreSQL by
``orchestration.lib.postgres_warehouse.publish_child_compliance``. Both use these names.
"""

from __future__ import annotations

RESTRICTED_SCHEMA = "restricted"
# Where releases before issue 5 kept the drill-down: in marts, which BI tools read. dbt never
# drops a table it no longer builds, so a warehouse upgraded from then still holds it.
RETIRED_MARTS_TABLE = "marts.fct_child_compliance"
SOURCE_SCHEMA = "intermediate"
SOURCE_MODEL = "int_child_compliance"
TABLE_NAME = "fct_child_compliance"
PUBLISHED_COLUMNS = (
    "person_key",
    "indicator_code",
    "period_end",
    "event_date",
    "due_date",
    "last_event_date",
    "is_compliant",
    "days_overdue",
    "team",
    "worker",
)
