"""Raw-layer assets for the SSDA903 input format: one per file of the 903 CSV set.

``raw/ssda903_<file>`` loads every new ``<file>.csv`` of every system configured with
``format: ssda903`` (``orchestration.lib.ssda903_input``), with the same lineage, manifest,
quarantine and ``file_validation`` check (severity WARN) as the SSD table assets. With no
such system configured each asset only makes sure its (empty) table exists.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation.
import dagster as dg

from orchestration.defs.ingest.assets import (
    FILE_VALIDATION_CHECK,
    KINDS,
    RAW_GROUP,
    WAREHOUSE_POOL,
    raw_asset_key,
    table_materialization,
)
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.contract import TableContract
from orchestration.lib.ssda903_input import ingest_ssda903_file, ssda903_contracts


def build_raw_ssda903_asset(file_stem: str, contract: TableContract) -> dg.AssetsDefinition:
    """The ``raw/ssda903_<file>`` asset (with its file_validation check) for one 903 file."""
    key = raw_asset_key(contract.name)
    need = "always present in a 903 set" if contract.required else "present when it has rows"

    @dg.asset(
        key=key,
        group_name=RAW_GROUP,
        pool=WAREHOUSE_POOL,
        kinds=KINDS,
        description=(
            f"SSDA903 file {file_stem}.csv ({need}) as delivered by each system configured "
            "with format: ssda903: every column as text, plus lineage columns."
        ),
        metadata={"contract_required": contract.required, "ssda903_file": f"{file_stem}.csv"},
        check_specs=[
            dg.AssetCheckSpec(
                FILE_VALIDATION_CHECK,
                asset=key,
                description="No file of this table was quarantined in the run.",
            )
        ],
    )
    def raw_ssda903_asset(
        context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
    ) -> dg.MaterializeResult:
        with retry_transient_failures(context):
            report = ingest_ssda903_file(scorecard_config.load(), file_stem, logger=context.log)
        return table_materialization(report)

    return raw_ssda903_asset


def build_raw_ssda903_assets() -> list[dg.AssetsDefinition]:
    """One ``raw/ssda903_<file>`` asset per file of the 903 CSV set."""
    return [
        build_raw_ssda903_asset(stem, contract) for stem, contract in ssda903_contracts().items()
    ]
