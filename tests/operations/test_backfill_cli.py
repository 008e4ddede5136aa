"""Backfilling month-end partitions from the command line, the way the runbook says:

    dagster asset materialize -m orchestration.definitions \\
        --select marts/fct_scorecard_month_end --partition-range 2026-08...2026-10

runs one run in the calling process (no daemon) that replaces those months and publishes.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from tests.operations.conftest import SCORECARD_ROWS, write_scorecard

DAGSTER = Path(sys.executable).with_name("dagster")


def _materialize(config: Path, dagster_home: Path, *partition_args: str) -> str:
    from orchestration.evaluation.authority_runs import ensure_dbt_manifest

    ensure_dbt_manifest()  # the code location loads the dbt manifest
    env = {**os.environ, "SCORECARD_CONFIG": str(config), "DAGSTER_HOME": str(dagster_home)}
    completed = subprocess.run(
        [
            str(DAGSTER),
            "asset",
            "materialize",
            "-m",
            "orchestration.definitions",
            "--select",
            "marts/fct_scorecard_month_end",
            *partition_args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stderr


def test_partition_range_backfill_runs_once_and_publishes(
    tmp_path: Path, config_writer: Callable[..., Path]
) -> None:
    warehouse = write_scorecard(tmp_path / "warehouse.duckdb", SCORECARD_ROWS)
    config = config_writer()
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()

    log = _materialize(config, dagster_home, "--partition-range", "2026-08...2026-10")
    assert log.count("RUN_SUCCESS") == 1  # the whole range in one run
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        months = connection.execute(
            "select period_end, count(*) from marts.fct_scorecard_month_end "
            "group by period_end order by period_end"
        ).fetchall()
    assert months == [
        (dt.date(2026, 8, 31), 2),
        (dt.date(2026, 9, 30), 2),
        (dt.date(2026, 10, 31), 2),
    ]

    _materialize(config, dagster_home, "--partition", "2026-10")  # one month on its own
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        total = connection.execute("select count(*) from marts.fct_scorecard_month_end").fetchone()
    assert total == (6,)
