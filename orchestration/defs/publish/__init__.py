"""Published outputs written after dbt: record-level tables with pseudonymised keys."""

from orchestration.defs.publish.assets import fct_child_compliance
from orchestration.defs.publish.reconciliation import migration_reconciliation_report

publish_assets = [fct_child_compliance, migration_reconciliation_report]

__all__ = ["publish_assets"]
