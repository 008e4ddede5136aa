"""Published outputs written after dbt: record-level tables with pseudonymised keys, the
reconciliation report and the published warehouse itself; then, read from the published
warehouse, the BI file and the committee scorecard (docs/decisions/0009)."""

from orchestration.defs.ingest import ingest_assets
from orchestration.defs.publish.assets import fct_child_compliance
from orchestration.defs.publish.bi_file import bi_file
from orchestration.defs.publish.committee import committee_scorecard
from orchestration.defs.publish.reconciliation import migration_reconciliation_report
from orchestration.defs.publish.warehouse import (
    PUBLISH_WAREHOUSE_KEY,
    build_publish_warehouse_asset,
)
from orchestration.defs.transform import transform_assets

_built_before_publishing = [
    *ingest_assets,
    *transform_assets,
    fct_child_compliance,
    migration_reconciliation_report,
]
publish_warehouse = build_publish_warehouse_asset(
    [key for assets_def in _built_before_publishing for key in assets_def.keys]
)

publish_assets = [
    fct_child_compliance,
    migration_reconciliation_report,
    publish_warehouse,
    bi_file,
    committee_scorecard,
]

__all__ = ["PUBLISH_WAREHOUSE_KEY", "publish_assets"]
