"""dbt transformation: staging, intermediate and marts."""

from orchestration.defs.transform.assets import dbt_resource, scorecard_dbt_models

transform_assets = [scorecard_dbt_models]

__all__ = ["dbt_resource", "transform_assets"]
