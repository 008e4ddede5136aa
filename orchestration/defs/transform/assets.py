"""dbt models, seeds and tests as Dagster assets and asset checks.

dbt runs ``build`` (seeds, models and their tests in dependency order), so every dbt test
becomes a Dagster asset check on the model it tests. The warehouse path reaches dbt's
``profiles.yml`` through ``SCORECARD_DUCKDB_PATH``, set from the scorecard configuration.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, WAREHOUSE_ENV_VAR, dbt_executable
from orchestration.lib.dbt_translator import ScorecardDbtTranslator

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


@contextmanager
def warehouse_env(warehouse_path: Path) -> Iterator[None]:
    """Point dbt's profile at the configured warehouse for the duration of a dbt command."""
    previous = os.environ.get(WAREHOUSE_ENV_VAR)
    os.environ[WAREHOUSE_ENV_VAR] = str(warehouse_path)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(WAREHOUSE_ENV_VAR, None)
        else:
            os.environ[WAREHOUSE_ENV_VAR] = previous


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=ScorecardDbtTranslator(),
    pool="duckdb_warehouse",
)
def scorecard_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    scorecard_config: ScorecardConfigResource,
) -> Iterator[object]:
    """Build every selected dbt seed and model and run their tests."""
    config = scorecard_config.load()
    with warehouse_env(config.warehouse_path), retry_transient_failures(context):
        yield from dbt.cli(["build"], context=context).stream()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
    )
