"""Jobs: the whole pipeline as one headless job, the nightly ingest and the month-end report.

``scorecard`` is everything except the month-end snapshot: that asset is partitioned by
month, and a run holding it needs a partition key, while ``scorecard`` must run without one
(``make run``, ``dagster job execute -j scorecard``). Assets tagged ``CADENCE_TAG`` =
``MONTH_END_CADENCE`` (``orchestration.defs.operations.month_end``) run in ``month_end_scorecard``.
"""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job, in_process_executor

# The tag that marks month-end snapshot assets (partitioned, outside the scorecard job).
CADENCE_TAG = "scorecard/cadence"
MONTH_END_CADENCE = "month_end"
RAW_GROUP = "raw"

month_end_selection = AssetSelection.tag(CADENCE_TAG, MONTH_END_CADENCE)

# In-process execution runs steps one after another, so the single DuckDB writer is never
# contended within a run.
scorecard_job = define_asset_job(
    name="scorecard",
    selection=AssetSelection.all() - month_end_selection,
    executor_def=in_process_executor,
    description=(
        "Ingest every new extract, rebuild the warehouse with dbt (tests as checks) and "
        "run the data-quality suites."
    ),
)

nightly_ingest_job = define_asset_job(
    name="nightly_ingest",
    selection=AssetSelection.groups(RAW_GROUP),
    executor_def=in_process_executor,
    description=(
        "Load every new complete extract into the raw schema (with the file checks). "
        "Nothing downstream is rebuilt: the next scorecard run does that."
    ),
)

month_end_scorecard_job = define_asset_job(
    name="month_end_scorecard",
    selection=month_end_selection,
    executor_def=in_process_executor,
    description=(
        "Copy one month's (or a range of months') scorecard rows into "
        "marts.fct_scorecard_month_end, the scorecard as reported for each month end."
    ),
)
