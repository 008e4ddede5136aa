"""The code location loads, and its asset keys, checks and jobs are what other tools expect.

The snapshot files make any rename of an asset or check visible in review: update them
deliberately (`python -m tests.unit.test_definitions`) when a rename is intended.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from dagster import AssetKey, Definitions

from orchestration.lib.contract import table_contracts

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"


@pytest.fixture(scope="module")
def defs() -> Definitions:
    from orchestration.evaluation.authority_runs import ensure_dbt_manifest

    ensure_dbt_manifest()
    from orchestration.definitions import defs as code_location

    return code_location


def _asset_keys(defs: Definitions) -> list[str]:
    graph = defs.resolve_asset_graph()
    return sorted(key.to_user_string() for key in graph.get_all_asset_keys())


def _check_keys(defs: Definitions) -> list[str]:
    graph = defs.resolve_asset_graph()
    return sorted(f"{key.asset_key.to_user_string()}:{key.name}" for key in graph.asset_check_keys)


def test_every_contract_table_has_a_raw_asset(defs: Definitions) -> None:
    keys = set(_asset_keys(defs))
    for table in table_contracts():
        assert f"raw/{table}" in keys


def test_scorecard_mart_and_job_exist(defs: Definitions) -> None:
    keys = set(_asset_keys(defs))
    assert "marts/fct_scorecard_monthly" in keys
    assert "marts/dim_indicator" in keys
    job = defs.resolve_job_def("scorecard")
    assert job.name == "scorecard"


def test_dbt_tests_and_gx_suites_are_asset_checks(defs: Definitions) -> None:
    checks = _check_keys(defs)
    assert any(check.startswith("marts/fct_scorecard_monthly:") for check in checks)
    assert "raw/ssd_person:gx_raw_person" in checks
    assert "raw/ssd_cla_episodes:gx_raw_cla_episodes" in checks


def test_dbt_sources_are_the_ingest_assets(defs: Definitions) -> None:
    graph = defs.resolve_asset_graph()
    staging_person = AssetKey(["staging", "stg_ssd__person"])
    assert AssetKey(["raw", "ssd_person"]) in graph.get(staging_person).parent_keys


@pytest.mark.parametrize(
    ("snapshot", "collect"), [("asset_keys.txt", _asset_keys), ("check_keys.txt", _check_keys)]
)
def test_keys_match_the_snapshot(defs: Definitions, snapshot: str, collect) -> None:
    expected = (SNAPSHOTS / snapshot).read_text(encoding="utf-8").split()
    assert collect(defs) == expected, f"update tests/snapshots/{snapshot} if the rename is meant"


def _write_snapshots() -> None:
    from orchestration.definitions import defs as code_location

    for snapshot, collect in (("asset_keys.txt", _asset_keys), ("check_keys.txt", _check_keys)):
        (SNAPSHOTS / snapshot).write_text("\n".join(collect(code_location)) + "\n")
        sys.stdout.write(f"wrote {SNAPSHOTS / snapshot}\n")


if __name__ == "__main__":
    _write_snapshots()
