"""dbt models, seeds and tests as Dagster assets and asset checks.

dbt runs ``build`` (seeds, models and their tests in dependency order), so every dbt test
becomes a Dagster asset check on the model it tests. The warehouse path reaches dbt's
``profiles.yml`` through ``SCORECARD_DUCKDB_PATH``, set from the scorecard configuration.
"""

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.config import PROJECT_ROOT
from orchestration.lib.dbt_translator import ScorecardDbtTranslator

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
WAREHOUSE_ENV_VAR = "SCORECARD_DUCKDB_PATH"

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


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's virtualenv), else dbt on PATH."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=dbt_executable(),
    )
