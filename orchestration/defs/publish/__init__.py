"""Published outputs written after dbt: record-level tables with pseudonymised keys."""

from orchestration.defs.publish.assets import fct_child_compliance

publish_assets = [fct_child_compliance]

__all__ = ["publish_assets"]
