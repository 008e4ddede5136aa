"""The GX suites as Dagster asset checks, run through ``dagster.materialize``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pytest
from quality_fixtures import IDENTIFYING_VALUES, WarehouseBuilder

from orchestration.defs.quality import quality_checks
from orchestration.defs.quality.checks import (
    RAW_CLA_EPISODES,
    RAW_PERSON,
    RAW_SUITE_CHECKS,
    SUITE_CHECKS,
)
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.gx_runner import EXPECTATIONS_DIR, load_suite

PERSON_CHECK = dg.AssetCheckKey(RAW_PERSON, "gx_raw_person")
EPISODES_CHECK = dg.AssetCheckKey(RAW_CLA_EPISODES, "gx_raw_cla_episodes")

# The assets belong to ingest and dbt; the checks only need their keys to exist.
CHECKED_ASSETS = [
    dg.AssetSpec(key)
    for key in sorted(
        {c.asset_key for c in SUITE_CHECKS} | {d for c in SUITE_CHECKS for d in c.additional_deps},
        key=lambda key: key.to_user_string(),
    )
]
# The tiny warehouse of these tests holds the two raw tables only.
FIXTURE_CHECKS = dg.AssetSelection.checks(PERSON_CHECK, EPISODES_CHECK)


def _evaluate(
    config_path: Path, selection: dg.AssetSelection | None = None
) -> dict[dg.AssetCheckKey, dg.AssetCheckEvaluation]:
    result = dg.materialize(
        [*CHECKED_ASSETS, *quality_checks],
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_path))},
        selection=selection or FIXTURE_CHECKS,
    )
    assert result.success
    return {
        dg.AssetCheckKey(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()
    }


def _warehouse_config(
    make_warehouse: WarehouseBuilder,
    config_file: Callable[[Path], Path],
    persons: list[dict],
    episodes: list[dict],
) -> Path:
    return config_file(make_warehouse(persons, episodes))


def _latest(rows: list[dict], column: str, value: str) -> dict:
    return next(r for r in rows if r.get(column) == value and r["_extract_date"] >= "2021")


def test_checks_pass_on_clean_data_and_link_data_docs(
    tmp_path: Path,
    make_warehouse: WarehouseBuilder,
    config_file: Callable[[Path], Path],
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    evaluations = _evaluate(
        _warehouse_config(make_warehouse, config_file, clean_persons, clean_episodes)
    )

    assert set(evaluations) == {PERSON_CHECK, EPISODES_CHECK}
    assert all(evaluation.passed for evaluation in evaluations.values())
    person = evaluations[PERSON_CHECK].metadata
    assert person["expectations_evaluated"].value == 8
    assert person["expectations_failed"].value == 0
    assert person["latest_extracts"].value == {
        "carefirst": {"extract_date": "2021-06-30", "rows": 2},
        "liquid_logic": {"extract_date": "2026-10-31", "rows": 3},
    }
    index = Path(person["data_docs_index"].value)
    assert index == tmp_path / "output" / "data_docs" / "index.html"
    assert index.is_file()
    assert Path(person["data_docs_page"].value).is_file()


def test_raw_suites_measure_only_systems_that_deliver_ssd_tables(
    make_warehouse: WarehouseBuilder,
    config_file: Callable[[Path], Path],
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    # carefirst sends SSDA903 files (decision 0010): its raw SSD tables are empty by design
    warehouse = make_warehouse(
        [r for r in clean_persons if r["_source_system"] != "carefirst"],
        [r for r in clean_episodes if r["_source_system"] != "carefirst"],
    )
    systems = [
        {
            "name": "carefirst",
            "live_from": "2016-04-01",
            "live_to": "2021-06-30",
            "format": "ssda903",
        },
        {"name": "liquid_logic", "live_from": "2021-07-01"},
    ]
    evaluations = _evaluate(config_file(warehouse, systems))
    assert all(evaluation.passed for evaluation in evaluations.values())
    assert set(evaluations[PERSON_CHECK].metadata["latest_extracts"].value) == {"liquid_logic"}

    only_903 = [{"name": "carefirst", "live_from": "2016-04-01", "format": "ssda903"}]
    evaluations = _evaluate(config_file(make_warehouse([], []), only_903))
    assert all(evaluation.passed for evaluation in evaluations.values())
    assert "no configured system delivers ssd" in evaluations[PERSON_CHECK].description


def test_a_failing_error_expectation_fails_the_check_with_error_severity(
    make_warehouse: WarehouseBuilder,
    config_file: Callable[[Path], Path],
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    _latest(clean_episodes, "clae_cla_episode_id", "LLE-603")["clae_person_id"] = "LL-89999"
    _latest(clean_episodes, "clae_cla_episode_id", "LLE-601")["clae_cla_primary_need_code"] = "N0"

    evaluations = _evaluate(
        _warehouse_config(make_warehouse, config_file, clean_persons, clean_episodes)
    )

    assert evaluations[PERSON_CHECK].passed
    episodes = evaluations[EPISODES_CHECK]
    assert not episodes.passed
    assert episodes.severity == dg.AssetCheckSeverity.ERROR
    assert episodes.metadata["failed_error"].value == 1
    assert episodes.metadata["failed_warn"].value == 1
    table = episodes.metadata["failing_expectations"].value
    assert "| ERROR | `person_not_in_person_table` | 1 | carefirst: 0, liquid_logic: 1 |" in table
    assert "`primary_need_not_in_code_set`" in table
    observed = episodes.metadata["observed"].value
    assert observed["person_not_in_person_table"]["by_system"] == {
        "carefirst": 0,
        "liquid_logic": 1,
    }
    assert "person_not_in_person_table" in episodes.description


def test_only_warn_failures_give_warn_severity(
    make_warehouse: WarehouseBuilder,
    config_file: Callable[[Path], Path],
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    _latest(clean_persons, "pers_person_id", "CF-70002")["pers_sex"] = "Female"

    evaluations = _evaluate(
        _warehouse_config(make_warehouse, config_file, clean_persons, clean_episodes)
    )

    person = evaluations[PERSON_CHECK]
    assert not person.passed
    assert person.severity == dg.AssetCheckSeverity.WARN
    assert person.metadata["failed_warn"].value == 1
    assert evaluations[EPISODES_CHECK].passed


def test_check_metadata_holds_no_identifying_values(
    make_warehouse: WarehouseBuilder,
    config_file: Callable[[Path], Path],
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    clean_persons.append(dict(_latest(clean_persons, "pers_person_id", "LL-80002")))
    _latest(clean_persons, "pers_person_id", "LL-80003")["pers_dob"] = "2013-19-11"
    _latest(clean_episodes, "clae_cla_episode_id", "LLE-603")["clae_person_id"] = "LL-89999"

    evaluations = _evaluate(
        _warehouse_config(make_warehouse, config_file, clean_persons, clean_episodes)
    )

    assert not any(evaluation.passed for evaluation in evaluations.values())
    shown = " ".join(
        f"{e.description} {key} {value.value}"
        for e in evaluations.values()
        for key, value in e.metadata.items()
    )
    assert "duplicate_person_id" in shown
    assert [
        value for value in (*IDENTIFYING_VALUES, "LL-89999", "2013-19-11") if value in shown
    ] == []


def test_one_check_can_run_on_its_own(
    make_warehouse: WarehouseBuilder,
    config_file: Callable[[Path], Path],
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    evaluations = _evaluate(
        _warehouse_config(make_warehouse, config_file, clean_persons, clean_episodes),
        dg.AssetSelection.checks(PERSON_CHECK),
    )

    assert set(evaluations) == {PERSON_CHECK}


def test_quality_checks_are_wired_to_the_assets() -> None:
    specs = {spec.key: spec for checks in quality_checks for spec in checks.check_specs}

    assert set(specs) == {check.check_key for check in SUITE_CHECKS}
    assert {PERSON_CHECK, EPISODES_CHECK} <= set(specs)
    assert {dep.asset_key for dep in specs[EPISODES_CHECK].additional_deps} == {RAW_PERSON}
    assert [checks.node_def.name for checks in quality_checks] == [
        "raw_gx_suites",
        "staging_gx_suites",
        "marts_gx_suites",
    ]
    by_layer = {checks.node_def.name: checks for checks in quality_checks}
    assert {s.asset_key.path[0] for s in by_layer["raw_gx_suites"].check_specs} == {"raw"}
    assert {s.asset_key.path[0] for s in by_layer["staging_gx_suites"].check_specs} == {"staging"}
    assert {s.asset_key.path[0] for s in by_layer["marts_gx_suites"].check_specs} == {"marts"}
    assert {check.suite_name for check in RAW_SUITE_CHECKS} >= {"raw_person", "raw_cla_episodes"}
    defs = dg.Definitions(
        assets=CHECKED_ASSETS,
        asset_checks=quality_checks,
        resources={"scorecard_config": ScorecardConfigResource()},
    )
    dg.Definitions.validate_loadable(defs)


@pytest.mark.parametrize(
    "suite_file", sorted(EXPECTATIONS_DIR.glob("*.json")), ids=lambda p: p.stem
)
def test_every_suite_file_has_a_check_on_its_asset(suite_file: Path) -> None:
    suite = load_suite(suite_file)
    wired = {check.suite_name: check for check in SUITE_CHECKS}

    assert suite.name == suite_file.stem
    assert suite.name in wired
    assert wired[suite.name].asset_key == dg.AssetKey(list(suite.asset_key))
    expected_deps = {dg.AssetKey(list(key)) for key in suite.read_asset_keys}
    assert set(wired[suite.name].additional_deps) == expected_deps
