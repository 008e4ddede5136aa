"""The last step of every run that builds the warehouse: publish the working copy.

Runs write ``warehouse.work.duckdb``; readers open the configured ``warehouse_path``. This
asset depends on every other unpartitioned asset that writes or reads the warehouse, so it
runs once they have all succeeded, and replaces the published file with the working copy in
one atomic rename (orchestration/lib/publication.py, docs/decisions/0008). If any of them
fails, this step is skipped and readers keep the last published warehouse.
"""

from collections.abc import Sequence

import dagster as dg

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.publication import publish_run_warehouse

PUBLISH_WAREHOUSE_KEY = dg.AssetKey(["publish", "warehouse"])


def build_publish_warehouse_asset(upstream: Sequence[dg.AssetKey]) -> dg.AssetsDefinition:
    """The ``publish/warehouse`` asset, after every key in ``upstream``."""

    @dg.asset(
        key=PUBLISH_WAREHOUSE_KEY,
        group_name="publish",
        deps=sorted(set(upstream), key=lambda key: key.to_user_string()),
        pool="duckdb_warehouse",
        kinds={"duckdb"},
        description=(
            "The warehouse readers open, replaced whole by this run's working copy once every "
            "step that builds it has succeeded (one atomic rename; the replaced file is kept "
            "as warehouse.previous.duckdb)."
        ),
    )
    def publish_warehouse(
        context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
    ) -> dg.MaterializeResult:
        with retry_transient_failures(context):
            report = publish_run_warehouse(scorecard_config.load(), context.log)
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(report.published)),
                "previous": dg.MetadataValue.path(str(report.previous))
                if report.previous
                else "none",
                "tables": dg.MetadataValue.int(report.table_count),
                "size_mb": dg.MetadataValue.float(round(report.size_bytes / 1e6, 1)),
                "seconds": dg.MetadataValue.float(round(report.seconds, 2)),
            }
        )

    return publish_warehouse
