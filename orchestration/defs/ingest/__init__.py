"""Ingest: SSD extract files (and SSDA903 CSV sets) in the landing directory -> schema ``raw``.

``ingest_assets`` and ``ingest_checks`` are what the root Definitions include (with the
``scorecard_config`` resource, ``orchestration.defs.resources.ScorecardConfigResource``).
The ``file_validation`` check of each ``raw/<table>`` asset is declared with the asset
(``check_specs``) because it reports on the files that very run read, so it travels inside
``ingest_assets``; ``ingest_checks`` holds checks defined apart from the assets (none yet).
"""

from dagster import AssetChecksDefinition

from orchestration.defs.ingest.assets import (
    FILE_VALIDATION_CHECK,
    WAREHOUSE_POOL,
    build_raw_table_assets,
    raw_asset_key,
    raw_la_population,
    raw_pipeline_settings,
    raw_source_systems,
)
from orchestration.defs.ingest.ssda903 import build_raw_ssda903_assets

ingest_assets = [
    *build_raw_table_assets(),
    *build_raw_ssda903_assets(),
    raw_source_systems,
    raw_pipeline_settings,
    raw_la_population,
]
ingest_checks: list[AssetChecksDefinition] = []

__all__ = [
    "FILE_VALIDATION_CHECK",
    "WAREHOUSE_POOL",
    "ingest_assets",
    "ingest_checks",
    "raw_asset_key",
]
