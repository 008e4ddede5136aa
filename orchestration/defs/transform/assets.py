"""dbt models, seeds and tests as Dagster assets and asset checks.

dbt runs ``build`` (seeds, models and their tests in dependency order), so every dbt test
becomes a Dagster asset check on the model it tests. The warehouse path reaches dbt's
``profiles.yml`` through ``SCORECARD_DUCKDB_PATH``, set from the scorecard configuration.

dbt's unit tests (fixed inputs, fixed expected rows) test the SQL, not the data: they run
in ``make test`` (tests/dbt), not in every production run. Each run's dbt artifacts go
beside the warehouse, with the parse cache of the previous run (orchestration/lib/
dbt_artifacts.py).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.dbt_artifacts import keep_parse_cache, run_target_path
from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, WAREHOUSE_ENV_VAR, dbt_executable
from orchestration.lib.dbt_resource import ScorecardDbtCliResource
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


# Production runs build and test the data; the SQL's unit tests run in `make test`.
BUILD_ARGS = ["build", "--exclude", "resource_type:unit_test"]


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
    target = run_target_path(config.warehouse_path, context.run_id, context.op.name)
    with warehouse_env(config.warehouse_path), retry_transient_failures(context):
        yield from dbt.cli(BUILD_ARGS, context=context, target_path=target).stream()
    keep_parse_cache(target)


def dbt_resource() -> DbtCliResource:
    """The dbt CLI resource the definitions bind as ``dbt`` (orchestration/lib/dbt_resource.py)."""
    return ScorecardDbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
    )
