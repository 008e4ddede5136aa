"""Dagster instance storage on PostgreSQL: runs, event logs and materialisations."""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import dagster as dg
import pytest
from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage

from orchestration.lib.config import PROJECT_ROOT
from tests.postgres.pg_server import PostgresServer

EXAMPLE_INSTANCE_FILE = PROJECT_ROOT / "config" / "dagster.postgres.yaml"


@dg.asset
def storage_probe() -> dg.MaterializeResult:
    """A trivial asset: its materialisation must reach PostgreSQL."""
    return dg.MaterializeResult(metadata={"probe": 1})


probe_job = dg.define_asset_job("storage_probe_job", selection=[storage_probe])
probe_definitions = dg.Definitions(assets=[storage_probe], jobs=[probe_job])


@pytest.fixture(scope="module")
def dagster_database(postgres_server: PostgresServer) -> str:
    postgres_server.create_database("dagster")
    return "dagster"


def _run_probe(home: Path) -> tuple[str, int]:
    """Run the probe job on the instance in ``home``; return the run id and its event count."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        result = probe_definitions.resolve_job_def(probe_job.name).execute_in_process(
            instance=instance
        )
        assert result.success
        run = instance.get_run_by_id(result.run_id)
        assert run is not None
        assert run.status == dg.DagsterRunStatus.SUCCESS
        events = instance.all_logs(result.run_id)
        assert any(event.dagster_event_type == dg.DagsterEventType.RUN_SUCCESS for event in events)
        materialisation = instance.get_latest_materialization_event(dg.AssetKey("storage_probe"))
        assert materialisation is not None
        assert materialisation.run_id == result.run_id
    return result.run_id, len(events)


def _stored_counts(server: PostgresServer, database: str, run_id: str) -> tuple[int, int, int]:
    with closing(server.connect(database)) as connection, connection.cursor() as cursor:
        cursor.execute("select count(*) from runs where run_id = %s", (run_id,))
        runs = cursor.fetchone()[0]
        cursor.execute("select count(*) from event_logs where run_id = %s", (run_id,))
        events = cursor.fetchone()[0]
        cursor.execute(
            "select count(*) from event_logs where run_id = %s "
            "and dagster_event_type = 'ASSET_MATERIALIZATION' and asset_key = %s",
            (run_id, dg.AssetKey("storage_probe").to_string()),
        )
        materialisations = cursor.fetchone()[0]
    return runs, events, materialisations


def test_instance_storage_in_postgres(
    postgres_server: PostgresServer,
    dagster_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = (
        f"postgresql+psycopg2://{postgres_server.user}:{postgres_server.password}"
        f"@{postgres_server.host}:{postgres_server.port}/{dagster_database}"
    )
    (tmp_path / "dagster.yaml").write_text(
        f"storage:\n  postgres:\n    postgres_url: {url}\ntelemetry:\n  enabled: false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    run_id, event_count = _run_probe(tmp_path)
    runs, events, materialisations = _stored_counts(postgres_server, dagster_database, run_id)
    assert runs == 1
    assert events == event_count > 0
    assert materialisations == 1


def test_example_instance_file_runs_on_postgres(
    postgres_server: PostgresServer,
    dagster_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """config/dagster.postgres.yaml, with its settings from the environment, works as is."""
    shutil.copy(EXAMPLE_INSTANCE_FILE, tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    for name, value in {
        "HOST": postgres_server.host,
        "PORT": str(postgres_server.port),
        "DBNAME": dagster_database,
        "USER": postgres_server.user,
        "PASSWORD": postgres_server.password,
    }.items():
        monkeypatch.setenv(f"SCORECARD_DAGSTER_PG_{name}", value)
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.run_coordinator is not None
        limit = instance.get_concurrency_config().pool_config.default_pool_limit
        assert limit == 1
    run_id, _ = _run_probe(tmp_path)
    assert _stored_counts(postgres_server, dagster_database, run_id)[0] == 1
