"""A minimal valid config file, for tests of one optional setting at a time."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration.lib.config import ScorecardConfig, load_config

MINIMAL_CONFIG = {
    "la_code": "823",
    "landing_dir": "landing",
    "warehouse_path": "wh/warehouse.duckdb",
    "output_dir": "out",
    "as_of_date": "2026-10-31",
    "systems": [{"name": "liquid_logic", "live_from": "2021-07-01"}],
}


def load_minimal_config(folder: Path, **changes: object) -> ScorecardConfig:
    """Write the minimal config with ``changes`` into ``folder`` and load it."""
    path = folder / "scorecard.yaml"
    path.write_text(yaml.safe_dump({**MINIMAL_CONFIG, **changes}), encoding="utf-8")
    return load_config(path)
