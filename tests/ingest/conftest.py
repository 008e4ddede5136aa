"""Fixtures for the ingest tests: a throwaway configuration, landing folder and warehouse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pytest
from ingest_helpers import Landing

from orchestration.lib.config import load_config

CONFIG_YAML = """\
la_code: "823"
la_name: Test Authority
landing_dir: landing
warehouse_path: var/warehouse.duckdb
output_dir: output
as_of_date: 2026-10-31
systems:
  - name: carefirst
    live_from: 2016-04-01
    live_to: 2021-06-30
  - name: liquid_logic
    live_from: 2021-07-01
"""


@pytest.fixture
def landing(tmp_path: Path) -> Landing:
    config_path = tmp_path / "scorecard.yaml"
    config_path.write_text(CONFIG_YAML, encoding="utf-8")
    config = load_config(config_path)
    config.landing_dir.mkdir(parents=True)
    return Landing(config, config_path)


@pytest.fixture
def fetch(landing: Landing) -> Callable[..., list[tuple]]:
    """Run a query against the test warehouse (read-only) and return all rows."""

    def run(sql: str, parameters: Sequence[object] = ()) -> list[tuple]:
        with duckdb.connect(str(landing.config.warehouse_path), read_only=True) as con:
            return con.execute(sql, list(parameters)).fetchall()

    return run
