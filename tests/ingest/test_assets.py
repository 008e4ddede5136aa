"""The Dagster ingest assets: keys, groups, pool, materialisation and the file check."""

from __future__ import annotations

import logging

import dagster as dg
import duckdb
import pytest
from ingest_helpers import person

from orchestration.defs.ingest import (
    FILE_VALIDATION_CHECK,
    WAREHOUSE_POOL,
    ingest_assets,
    ingest_checks,
    raw_asset_key,
)
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.config import CONFIG_ENV_VAR, DEFAULT_CONFIG_PATH
from orchestration.lib.contract import table_contracts
from orchestration.lib.publication import working_path
from orchestration.lib.ssda903_input import ssda903_contracts

REFERENCE_TABLES = ("source_systems", "pipeline_settings", "la_population")


def _asset(table: str) -> dg.AssetsDefinition:
    key = raw_asset_key(table)
    return next(asset for asset in ingest_assets if key in asset.keys)


def _resources(landing) -> dict[str, object]:
    return {"scorecard_config": ScorecardConfigResource(config_path=str(landing.config_path))}


def test_one_asset_per_contract_table_plus_reference_tables():
    keys = [key for asset in ingest_assets for key in asset.keys]

    ssda903_tables = [contract.name for contract in ssda903_contracts().values()]
    expected = [
        raw_asset_key(table) for table in (*table_contracts(), *ssda903_tables, *REFERENCE_TABLES)
    ]
    assert keys == expected
    assert raw_asset_key("ssd_person").to_user_string() == "raw/ssd_person"
    for asset in ingest_assets:
        assert set(asset.group_names_by_key.values()) == {"raw"}
        assert asset.op.pool == WAREHOUSE_POOL


def test_table_assets_carry_file_validation_check():
    for table in table_contracts():
        assert _asset(table).check_keys == {
            dg.AssetCheckKey(raw_asset_key(table), FILE_VALIDATION_CHECK)
        }
    assert ingest_checks == []
    definitions = dg.Definitions(
        assets=ingest_assets,
        asset_checks=ingest_checks,
        resources={"scorecard_config": ScorecardConfigResource()},
    )
    assert definitions.resolve_asset_graph().get_all_asset_keys()


def test_materialize_one_table(landing):
    landing.write_persons("carefirst", "2021-06-30", [person(pers_person_id="C1")])
    landing.write_persons(
        "liquid_logic", "2026-10-31", [person(pers_person_id="L1"), person(pers_person_id="L2")]
    )

    result = dg.materialize([_asset("ssd_person")], resources=_resources(landing))

    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw__ssd_person")
    metadata = {key: value.value for key, value in materialization.metadata.items()}
    assert metadata["files_loaded"] == 2
    assert metadata["files_skipped"] == 0
    assert metadata["files_quarantined"] == 0
    assert metadata["rows_loaded"] == 3
    assert metadata["dagster/row_count"] == 3
    assert metadata["latest_extract_by_system"] == {
        "carefirst": "2021-06-30",
        "liquid_logic": "2026-10-31",
    }
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed
    assert evaluation.check_name == FILE_VALIDATION_CHECK

    again = dg.materialize([_asset("ssd_person")], resources=_resources(landing))
    (materialization,) = again.asset_materializations_for_node("raw__ssd_person")
    assert materialization.metadata["files_skipped"].value == 2
    assert materialization.metadata["rows_loaded"].value == 0


def test_quarantine_warns_without_failing_the_run(landing):
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_dob="1987-02-30")])
    instance = dg.DagsterInstance.ephemeral()

    result = dg.materialize(
        [_asset("ssd_person")], resources=_resources(landing), instance=instance
    )

    assert result.success
    (materialization,) = result.asset_materializations_for_node("raw__ssd_person")
    assert materialization.metadata["files_quarantined"].value == 1
    assert materialization.metadata["quarantined_files"].value == [
        "liquid_logic/2026-10-31/ssd_person.csv"
    ]
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.WARN
    assert "pers_dob" in evaluation.metadata["reasons"].value
    warnings = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if entry.level == logging.WARNING
    ]
    assert any(
        "Quarantined liquid_logic/2026-10-31/ssd_person.csv" in message
        and "row 1" in message
        and "pers_dob" in message
        for message in warnings
    )
    assert not any("1987-02-30" in message for message in warnings)


def test_reference_assets_materialize(landing):
    result = dg.materialize(
        [_asset(table) for table in REFERENCE_TABLES], resources=_resources(landing)
    )

    assert result.success
    population = result.asset_materializations_for_node("raw__la_population")[0]
    assert population.metadata["dagster/row_count"].value == 13
    settings = result.asset_materializations_for_node("raw__pipeline_settings")[0]
    assert settings.metadata["history_start"].value == "2016-04-01"


def test_resource_falls_back_to_env_then_demo(landing, monkeypatch):
    monkeypatch.setenv(CONFIG_ENV_VAR, str(landing.config_path))
    assert ScorecardConfigResource().load().la_name == "Test Authority"

    monkeypatch.delenv(CONFIG_ENV_VAR)
    assert ScorecardConfigResource().load().source_path == DEFAULT_CONFIG_PATH.resolve()


@pytest.mark.parametrize("table", ["ssd_person", "ssd_cla_pep"])
def test_asset_creates_table_without_files(landing, table):
    assert dg.materialize([_asset(table)], resources=_resources(landing)).success
    # A run writes the working copy; only publish/warehouse replaces the published file.
    working = working_path(landing.config.warehouse_path)
    with duckdb.connect(str(working), read_only=True) as con:
        assert con.execute(f"select count(*) from raw.{table}").fetchall() == [(0,)]
    assert not landing.config.warehouse_path.exists()
