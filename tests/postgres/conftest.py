"""The PostgreSQL suite: one throwaway server per session, one pipeline run on DuckDB, its
raw layer copied to PostgreSQL and the dbt project built there with ``--target postgres``.

The server binaries are the Debian ``postgresql`` package that ``make setup`` installs; when
they are missing the tests fail (they are part of ``make test``), they do not skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.evaluation.authority_runs import EVALUATION_PSEUDONYM_KEY
from orchestration.lib.config import PROJECT_ROOT, ScorecardConfig, load_config
from orchestration.lib.postgres_warehouse import publish_child_compliance
from tests.postgres.pg_server import PostgresServer, PostgresUnavailableError, running_server

POPULATION = 1_500
# Migration defects whose findings are WARN only, so the run still publishes its warehouse
# and marts.dq_findings has rows to compare.
DEFECTS = {
    "shifted_dates": 0.05,
    "split_period_at_cutover": 0.05,
    "truncated_history": 0.05,
    "merged_duplicates": 0.05,
}
DATABASE = "scorecard"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


@dataclass(frozen=True)
class PipelineWarehouse:
    """A DuckDB warehouse published by a real run of the ``scorecard`` job."""

    config: ScorecardConfig
    config_path: Path


@dataclass(frozen=True)
class DbtBuild:
    """The outcome of ``dbt build --target postgres`` on the test server."""

    returncode: int
    output: str
    seconds: float


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder carries the ``postgres`` marker."""
    folder = Path(__file__).parent
    for item in items:
        if folder in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        with running_server() as server:
            server.create_database(DATABASE)
            yield server
    except PostgresUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)


def _command_environment(extra: dict[str, str]) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SCORECARD_", "DBT_"))
    }
    return {**environment, "SCORECARD_PSEUDONYM_KEY": EVALUATION_PSEUDONYM_KEY, **extra}


@pytest.fixture(scope="session")
def pipeline_warehouse(tmp_path_factory: pytest.TempPathFactory) -> PipelineWarehouse:
    """Generate a small authority and run the whole pipeline on it, in a child process with
    its own Dagster instance (the pipeline is slow to import and holds a DuckDB lock)."""
    folder = tmp_path_factory.mktemp("pg_authority")
    dagster_home = tmp_path_factory.mktemp("pg_authority_dagster_home")
    command = [
        sys.executable,
        "-m",
        "orchestration.evaluation.authority_runs",
        str(folder),
        "--population",
        str(POPULATION),
    ]
    for kind, rate in DEFECTS.items():
        command += ["--defect", f"{kind}={rate}"]
    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=_command_environment({"DAGSTER_HOME": str(dagster_home)}),
        capture_output=True,
        text=True,
        check=False,
    )
    config_path = folder / "scorecard.yaml"
    config = load_config(config_path)
    if result.returncode != 0 or not config.warehouse_path.exists():
        pytest.fail(
            f"the pipeline run for the PostgreSQL suite failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}",
            pytrace=False,
        )
    return PipelineWarehouse(config=config, config_path=config_path)


@pytest.fixture(scope="session")
def postgres_env(postgres_server: PostgresServer) -> dict[str, str]:
    """The ``SCORECARD_PG_*`` variables of the test database (superuser)."""
    return postgres_server.environment(DATABASE)


@pytest.fixture(scope="session")
def raw_loaded(pipeline_warehouse: PipelineWarehouse, postgres_env: dict[str, str]) -> str:
    """The raw layer copied with the CLI (``postgres-load-raw``); returns its output."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "--config",
            str(pipeline_warehouse.config_path),
            "postgres-load-raw",
        ],
        cwd=PROJECT_ROOT,
        env=_command_environment(postgres_env),
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


@pytest.fixture(scope="session")
def dbt_build(
    raw_loaded: str,
    postgres_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> DbtBuild:
    """``dbt build --target postgres`` of the whole project (own target and log paths, so
    dbt_project/target, which Dagster reads, is untouched)."""
    scratch = tmp_path_factory.mktemp("pg_dbt")
    dbt = Path(sys.executable).parent / "dbt"
    started = time.monotonic()
    result = subprocess.run(
        [
            str(dbt),
            "--no-use-colors",
            "build",
            "--target",
            "postgres",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(scratch / "target"),
            "--log-path",
            str(scratch / "logs"),
        ],
        cwd=DBT_PROJECT_DIR,
        env=_command_environment(postgres_env),
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtBuild(result.returncode, result.stdout + result.stderr, time.monotonic() - started)


@pytest.fixture(scope="session")
def built_database(
    dbt_build: DbtBuild,
    postgres_server: PostgresServer,
    pipeline_warehouse: PipelineWarehouse,
) -> PostgresServer:
    """The database after a successful dbt build, with ``restricted.fct_child_compliance``
    published (pseudonymised in Python, as for DuckDB)."""
    if dbt_build.returncode != 0:
        pytest.fail(f"dbt build --target postgres failed:\n{dbt_build.output[-6000:]}")
    with closing(postgres_server.connect(DATABASE)) as connection:
        publish_child_compliance(connection, EVALUATION_PSEUDONYM_KEY.encode("utf-8"))
    return postgres_server
