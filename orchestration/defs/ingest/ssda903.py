"""Raw-layer assets for the SSDA903 input format: one per file of the 903 CSV set.

``raw/ssda903_<file>`` loads every new ``<file>.csv`` of every system configured with
``format: ssda903`` (``orchestration.lib.ssda903_input``), with the same lineage, manifest,
quarantine and ``file_validation`` check (severity WARN) as the SSD table assets. With no
such system configured each asset only makes sure its (empty) table exists.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.ingest.assets import build_raw_file_asset, raw_asset_key
from orchestration.lib.contract import TableContract
from orchestration.lib.ssda903_input import ingest_ssda903_file, ssda903_contracts


def build_raw_ssda903_asset(file_stem: str, contract: TableContract) -> dg.AssetsDefinition:
    """The ``raw/ssda903_<file>`` asset (with its file_validation check) for one 903 file."""
    need = "always present in a 903 set" if contract.required else "present when it has rows"
    return build_raw_file_asset(
        raw_asset_key(contract.name),
        description=(
            f"SSDA903 file {file_stem}.csv ({need}) as delivered by each system configured "
            "with format: ssda903: every column as text, plus lineage columns."
        ),
        metadata={"contract_required": contract.required, "ssda903_file": f"{file_stem}.csv"},
        ingest=lambda config, log: ingest_ssda903_file(config, file_stem, logger=log),
    )


def build_raw_ssda903_assets() -> list[dg.AssetsDefinition]:
    """One ``raw/ssda903_<file>`` asset per file of the 903 CSV set."""
    return [
        build_raw_ssda903_asset(stem, contract) for stem, contract in ssda903_contracts().items()
    ]
