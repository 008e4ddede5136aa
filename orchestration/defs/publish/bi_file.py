"""``publish/bi_file``: the aggregate-only file set BI tools open (docs/bi_file.md).

Runs after ``publish/warehouse`` and reads the **published** warehouse, so the BI file always
matches what readers of the warehouse see, and a failed run changes neither
(docs/decisions/0009). The build and its guard are in ``orchestration/lib/bi_file.py``: it
copies the ``marts`` schema to ``<output_dir>/bi/current/`` (a DuckDB file and one Parquet
file per table), refusing any table that is not a declared mart or carries a child-level
column, and swaps the new build in by one atomic rename.
"""

# No ``from __future__ import annotations``: Dagster inspects the asset function's parameter
# annotations (the resource) at definition time and needs the real classes.
import dagster as dg

from orchestration.defs.operations.month_end import MONTH_END_KEY
from orchestration.defs.publish.warehouse import PUBLISH_WAREHOUSE_KEY
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.defs.transform import transform_assets
from orchestration.lib.bi_file import MARTS_SCHEMA, build_bi_file

BI_FILE_KEY = dg.AssetKey(["publish", "bi_file"])


def declared_marts() -> frozenset[str]:
    """The tables of ``marts`` this project builds: the dbt marts models and the month-end
    snapshot. Only these may reach the BI file."""
    keys = [key for assets_def in transform_assets for key in assets_def.keys]
    keys.append(MONTH_END_KEY)
    return frozenset(key.path[-1] for key in keys if key.path[0] == MARTS_SCHEMA)


@dg.asset(
    key=BI_FILE_KEY,
    group_name="publish",
    deps=[PUBLISH_WAREHOUSE_KEY],
    kinds={"duckdb", "parquet"},
    description=(
        "The aggregate-only copy of the published warehouse's marts schema for BI tools: "
        "<output_dir>/bi/current/scorecard_bi.duckdb and parquet/<table>.parquet, with a "
        "manifest.json. Refuses any table that is not a declared mart or has a child-level "
        "column; swapped in whole by one atomic rename (docs/bi_file.md)."
    ),
)
def bi_file(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    """Rebuild the BI file set from the published warehouse."""
    config = scorecard_config.load()
    with retry_transient_failures(context):
        report = build_bi_file(
            config.published_path,
            config.output_dir,
            allowed_tables=declared_marts(),
            logger=context.log,  # type: ignore[arg-type]
        )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(report.duckdb_path)),
            "build": dg.MetadataValue.path(str(report.build_dir)),
            "tables": dg.MetadataValue.text(", ".join(table.name for table in report.tables)),
            "rows": dg.MetadataValue.json(report.rows),
            "dagster/row_count": dg.MetadataValue.int(sum(report.rows.values())),
            "seconds": dg.MetadataValue.float(round(report.seconds, 2)),
        }
    )
