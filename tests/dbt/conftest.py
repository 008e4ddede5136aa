"""Fixture warehouses, each built once per session with one ``dbt build``.

``built_warehouse`` holds the hand-worked children; ``random_authority`` a seeded random
authority with a clean migration (a second build, a few seconds); ``cp_cin_build`` the
child protection and children in need children (``dbt_fixture_cp_cin``) and
``cla_outcomes_warehouse`` the looked-after outcome children, each shared by their own
tests and the drill-down's.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

# The fixture builds raw tables from orchestration.lib.contract; make the repository
# importable when the package is not installed (or installed before it had modules).
if importlib.util.find_spec("orchestration") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import subprocess

from dbt_fixture_cla_outcomes import build_raw as build_cla_outcomes_raw
from dbt_fixture_cp_cin import build_raw as build_cp_cin_raw
from dbt_fixture_random_authority import RandomAuthority
from dbt_fixture_scenario import build_raw
from dbt_fixture_warehouse import RawWarehouse, run_dbt


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    """The scenario's raw layer after a successful ``dbt build`` (seeds, models, tests)."""
    work_dir: Path = tmp_path_factory.mktemp("dbt_fixture")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    build_raw(warehouse)
    _build(warehouse, work_dir)
    return warehouse


def _build(warehouse: RawWarehouse, work_dir: Path) -> None:
    result = run_dbt(warehouse.path, work_dir, "build")
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")
    warehouse.build_log = result.stdout


@pytest.fixture(scope="session")
def random_authority(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[RandomAuthority, RawWarehouse]:
    """A random clean-migration authority (fixed seed) and its built warehouse."""
    work_dir: Path = tmp_path_factory.mktemp("dbt_random_authority")
    authority = RandomAuthority(seed=20161101, children=800)
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    authority.build_raw(warehouse)
    _build(warehouse, work_dir)
    return authority, warehouse


@pytest.fixture(scope="session")
def cp_cin_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[RawWarehouse, Path, subprocess.CompletedProcess]:
    """The CP/CIN fixture after one ``dbt build``: warehouse, work dir and the dbt result
    (each test module decides which failed nodes it tolerates)."""
    work_dir: Path = tmp_path_factory.mktemp("dbt_cp_cin")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    build_cp_cin_raw(warehouse)
    return warehouse, work_dir, run_dbt(warehouse.path, work_dir, "build")


@pytest.fixture(scope="session")
def cla_outcomes_warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    """The looked-after outcome children (``dbt_fixture_cla_outcomes``) built once for
    their indicator tests and the drill-down's: the outcome rows and the drill-down."""
    work_dir: Path = tmp_path_factory.mktemp("dbt_cla_outcomes")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    build_cla_outcomes_raw(warehouse)
    result = run_dbt(
        warehouse.path,
        work_dir,
        "build",
        "--select",
        "+int_child_compliance",
        "+int_scorecard_rows__cla_outcomes",
        "--indirect-selection",
        "cautious",
    )
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")
    return warehouse
