"""Fixtures for the quality tests: a tiny raw warehouse, a scorecard config and a synthetic
authority with every changeover defect."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from quality_fixtures import (
    CAREFIRST_EXTRACT,
    CF,
    CLEAN_EPISODES,
    CLEAN_PERSONS,
    LIQUID_LOGIC_EXTRACT,
    LL,
    WarehouseBuilder,
    build_warehouse,
)

from orchestration.evaluation.authority_runs import AuthorityRun, build_authority
from orchestration.synthetic.settings import DEFECT_KINDS

# 15,000 children: about 60 on a CP plan, enough CP reviews for a recording cliff in them to
# be beyond chance (at 5,000 a quarter holds some 13, and half of them lost is not).
DEFECT_AUTHORITY_POPULATION = 15_000
# Every kind at 5% of its eligible records; a recording cliff is a large fall by nature.
DEFECT_AUTHORITY_RATES = {**dict.fromkeys(DEFECT_KINDS, 0.05), "recording_cliff": 0.5}


@pytest.fixture
def clean_persons() -> list[dict]:
    return copy.deepcopy(CLEAN_PERSONS)


@pytest.fixture
def clean_episodes() -> list[dict]:
    return copy.deepcopy(CLEAN_EPISODES)


@pytest.fixture
def make_warehouse(tmp_path: Path) -> WarehouseBuilder:
    """Build a warehouse in tmp_path from person and episode rows; returns its path."""
    counter = iter(range(1000))

    def _make(persons: list[dict], episodes: list[dict], manifest: list[dict] | None = None):
        return build_warehouse(
            tmp_path / f"warehouse_{next(counter)}.duckdb", persons, episodes, manifest
        )

    return _make


@pytest.fixture
def config_file(tmp_path: Path) -> Callable[[Path], Path]:
    """Write a scorecard config pointing at a warehouse, with output in tmp_path/output."""

    def _write(warehouse: Path, systems: list[dict] | None = None) -> Path:
        raw = {
            "la_code": "999",
            "la_name": "Test authority",
            "landing_dir": str(tmp_path / "landing"),
            "warehouse_path": str(warehouse),
            "output_dir": str(tmp_path / "output"),
            "as_of_date": LIQUID_LOGIC_EXTRACT,
            "systems": systems
            or [
                {"name": CF, "live_from": "2016-04-01", "live_to": CAREFIRST_EXTRACT},
                {"name": LL, "live_from": "2021-07-01"},
            ],
        }
        path = tmp_path / "scorecard.yaml"
        path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def defect_authority(tmp_path_factory: pytest.TempPathFactory) -> AuthorityRun:
    """A small synthetic authority with every changeover defect at once (the evaluation
    rates of ``make dq-eval``), run through the whole pipeline once per session."""
    folder = tmp_path_factory.mktemp("defect_authority")
    return build_authority(
        folder, population=DEFECT_AUTHORITY_POPULATION, defects=DEFECT_AUTHORITY_RATES
    )
