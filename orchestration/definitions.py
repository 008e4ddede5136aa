"""The one place that assembles the Dagster code location."""

from __future__ import annotations

from dagster import Definitions

from orchestration.defs.ingest import ingest_assets, ingest_checks
from orchestration.defs.jobs import month_end_scorecard_job, nightly_ingest_job, scorecard_job
from orchestration.defs.operations import (
    operations_assets,
    operations_schedules,
    operations_sensors,
)
from orchestration.defs.publish import publish_assets
from orchestration.defs.quality import quality_checks, quality_sensors
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.returns import returns_assets
from orchestration.defs.transform import dbt_resource, transform_assets

defs = Definitions(
    assets=[
        *ingest_assets,
        *transform_assets,
        *publish_assets,
        *returns_assets,
        *operations_assets,
    ],
    asset_checks=[*ingest_checks, *quality_checks],
    jobs=[scorecard_job, nightly_ingest_job, month_end_scorecard_job],
    schedules=[*operations_schedules],
    sensors=[*quality_sensors, *operations_sensors],
    resources={
        "scorecard_config": ScorecardConfigResource(),
        "dbt": dbt_resource(),
    },
)
