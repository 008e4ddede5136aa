"""Jobs: the whole pipeline as one headless job."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job, in_process_executor

# In-process execution runs steps one after another, so the single DuckDB writer is never
# contended within a run.
scorecard_job = define_asset_job(
    name="scorecard",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description=(
        "Ingest every new extract, rebuild the warehouse with dbt (tests as checks) and "
        "run the data-quality suites."
    ),
)
