"""Raw-layer assets: one per SSD contract table, plus the configuration's reference tables.

``raw/<table>`` loads every new file of that table from every configured system and complete
extract (see ``orchestration.lib.raw_ingest``). A file that fails validation is quarantined
without failing the run: the asset succeeds, says so in its metadata, logs a warning with the
reason and fails its ``file_validation`` check (severity WARN).

Every asset here writes to the one DuckDB file, so all sit in the ``duckdb_warehouse`` pool
(give the pool a limit of 1 in the instance, as for the dbt assets) and open the warehouse
only for as long as each write takes.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation of
# asset functions at definition time and does not accept the string "dg.AssetExecutionContext".
from collections.abc import Callable
from typing import Any

import dagster as dg

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.config import ScorecardConfig
from orchestration.lib.contract import TableContract, table_contracts
from orchestration.lib.raw_ingest import (
    TableIngestReport,
    ingest_la_population,
    ingest_pipeline_settings,
    ingest_source_systems,
    ingest_table,
)
from orchestration.lib.warehouse import (
    pipeline_settings,
    warehouse_connection,
    write_boundary_postcodes,
    write_indicator_targets,
)

RAW_GROUP = "raw"
WAREHOUSE_POOL = "duckdb_warehouse"
FILE_VALIDATION_CHECK = "file_validation"
KINDS = {"duckdb"}


def raw_asset_key(table: str) -> dg.AssetKey:
    """The asset key of ``raw.<table>``: ``raw/<table>``."""
    return dg.AssetKey([RAW_GROUP, table])


def table_materialization(report: TableIngestReport) -> dg.MaterializeResult:
    """Metadata (and the file_validation check result) for one table's ingest run."""
    metadata: dict[str, object] = {
        "files_loaded": len(report.loaded),
        "files_skipped": len(report.skipped),
        "files_quarantined": len(report.quarantined),
        "rows_loaded": report.rows_loaded,
        "dagster/row_count": report.table_row_count,
        "latest_extract_by_system": dg.MetadataValue.json(
            {
                system: extract_date.isoformat() if extract_date else None
                for system, extract_date in report.latest_extracts.items()
            }
        ),
    }
    if report.loaded:
        metadata["loaded_files"] = dg.MetadataValue.json(
            [outcome.file_name for outcome in report.loaded]
        )
    if report.quarantined:
        metadata["quarantined_files"] = dg.MetadataValue.json(
            [outcome.file_name for outcome in report.quarantined]
        )
    return dg.MaterializeResult(metadata=metadata, check_results=[file_validation_result(report)])


def file_validation_result(report: TableIngestReport) -> dg.AssetCheckResult:
    """Passes unless a file of the table was quarantined in this run (WARN: never blocks)."""
    quarantined = report.quarantined
    reasons = "\n\n".join(f"```\n{outcome.reason}\n```" for outcome in quarantined)
    return dg.AssetCheckResult(
        check_name=FILE_VALIDATION_CHECK,
        passed=not quarantined,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{len(quarantined)} file(s) quarantined in this run"
            if quarantined
            else "every file read in this run passed validation"
        ),
        metadata={
            "files_quarantined": len(quarantined),
            "reasons": dg.MetadataValue.md(reasons or "none"),
        },
    )


# Loads one table's new files for the run's config; returns the ingest report.
TableIngest = Callable[[ScorecardConfig, Any], TableIngestReport]


def build_raw_file_asset(
    key: dg.AssetKey, description: str, metadata: dict[str, object], ingest: TableIngest
) -> dg.AssetsDefinition:
    """A raw-layer asset that loads one delivered file type, with its file_validation check."""

    @dg.asset(
        key=key,
        group_name=RAW_GROUP,
        pool=WAREHOUSE_POOL,
        kinds=KINDS,
        description=description,
        metadata=metadata,
        check_specs=[
            dg.AssetCheckSpec(
                FILE_VALIDATION_CHECK,
                asset=key,
                description="No file of this table was quarantined in the run.",
            )
        ],
    )
    def raw_file_asset(
        context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
    ) -> dg.MaterializeResult:
        with retry_transient_failures(context):
            report = ingest(scorecard_config.load(), context.log)
        return table_materialization(report)

    return raw_file_asset


def build_raw_table_asset(contract: TableContract) -> dg.AssetsDefinition:
    """The ``raw/<table>`` asset (with its file_validation check) for one contract table."""
    need = "required" if contract.required else "optional"
    return build_raw_file_asset(
        raw_asset_key(contract.name),
        description=(
            f"SSD table {contract.name} ({need}) as delivered by each source system: every "
            "contract column as text, plus lineage columns."
        ),
        metadata={"contract_required": contract.required},
        ingest=lambda config, log: ingest_table(config, contract, logger=log),
    )


def build_raw_table_assets() -> list[dg.AssetsDefinition]:
    """One ``raw/<table>`` asset per contract table, required tables first."""
    return [build_raw_table_asset(contract) for contract in table_contracts().values()]


@dg.asset(
    key=raw_asset_key("source_systems"),
    group_name=RAW_GROUP,
    pool=WAREHOUSE_POOL,
    kinds=KINDS,
    description="The configured source systems with the dates each was live, in go-live order.",
)
def raw_source_systems(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    config = scorecard_config.load()
    with retry_transient_failures(context):
        count = ingest_source_systems(config)
    return dg.MaterializeResult(
        metadata={"dagster/row_count": count, "systems": ", ".join(config.system_names)}
    )


@dg.asset(
    key=raw_asset_key("pipeline_settings"),
    group_name=RAW_GROUP,
    pool=WAREHOUSE_POOL,
    kinds=KINDS,
    description=(
        "One row: the LA, the as-of date and the history start of this run; with the "
        "config's target overrides and the postcode districts inside the LA boundary."
    ),
)
def raw_pipeline_settings(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    config = scorecard_config.load()
    with retry_transient_failures(context):
        ingest_pipeline_settings(config)
        # The config's targets: overrides and LA boundary travel with the run settings
        # (raw.indicator_target_overrides, raw.la_boundary_postcodes).
        with warehouse_connection(config.warehouse_path) as connection:
            target_overrides = write_indicator_targets(connection, config)
            boundary_postcodes = write_boundary_postcodes(connection, config)
    if not boundary_postcodes:
        context.log.warning(
            "boundary_postcodes is not configured: CLA_OUT_OF_AREA_20MI cannot be computed"
        )
    metadata = {name: str(value) for name, value in pipeline_settings(config).items()}
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "target_overrides": target_overrides,
            "boundary_postcodes": boundary_postcodes,
        }
    )


@dg.asset(
    key=raw_asset_key("la_population"),
    group_name=RAW_GROUP,
    pool=WAREHOUSE_POOL,
    kinds=KINDS,
    description=(
        "Mid-year population aged 0-17 of the configured LA, from population_file or the "
        "project's copy of the ONS estimates."
    ),
)
def raw_la_population(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    config = scorecard_config.load()
    with retry_transient_failures(context):
        loaded = ingest_la_population(config)
    if not loaded.rows:
        context.log.warning(
            "%s has no rows for LA %s: rates per 10,000 cannot be computed",
            loaded.source,
            config.la_code,
        )
    latest = loaded.latest_mid_year_date
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": loaded.rows,
            "source": str(loaded.source),
            "la_code": config.la_code,
            "latest_mid_year_date": latest.isoformat() if latest else "none",
        }
    )
