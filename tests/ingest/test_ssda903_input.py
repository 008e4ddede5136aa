"""The SSDA903 input format: config ``format:``, raw ingest of the 903 files, quarantine."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from ingest_helpers import Landing, csv_text

from orchestration.lib.config import ConfigError, load_config
from orchestration.lib.contract import table_contract
from orchestration.lib.raw_ingest import LOADED, QUARANTINED, SKIPPED, ingest_table
from orchestration.lib.returns.ssda903_files import FILES
from orchestration.lib.ssda903_input import (
    DMY_DATE_MESSAGE,
    MISSING_CHILD_MESSAGE,
    ingest_ssda903_file,
    ssda903_contracts,
)

# A 903 system handed over to an SSD system: both formats in one configuration.
CONFIG_YAML = """\
la_code: "823"
la_name: Test Authority
landing_dir: landing
warehouse_path: var/warehouse.duckdb
output_dir: output
as_of_date: 2026-10-31
systems:
  - name: return903
    live_from: 2016-04-01
    live_to: 2025-03-31
    format: ssda903
  - name: liquid_logic
    live_from: 2025-04-01
"""
SYSTEM = "return903"
EXTRACT = "2025-05-01"

HEADER_ROWS = [
    {"CHILD": "C1", "SEX": "1", "DOB": "01/06/2012", "ETHNIC": "WBRI", "UPN": "UN1"},
    {"CHILD": "C2", "SEX": "2", "DOB": "29/02/2008", "ETHNIC": "MWBA", "UPN": "UN2"},
]
EPISODE_ROWS = [
    {"CHILD": "C1", "DECOM": "03/04/2024", "RNE": "S", "LS": "C2", "PLACE": "U1", "DEC": ""},
    {"CHILD": "C2", "DECOM": "10/10/2024", "RNE": "S", "LS": "V2", "PLACE": "P1"},
]


@pytest.fixture
def landing(tmp_path: Path) -> Landing:
    config_path = tmp_path / "scorecard.yaml"
    config_path.write_text(CONFIG_YAML, encoding="utf-8")
    config = load_config(config_path)
    config.landing_dir.mkdir(parents=True)
    return Landing(config, config_path)


def write_903(landing: Landing, stem: str, rows, *, header=None, system=SYSTEM) -> Path:
    return landing.write_text(system, EXTRACT, f"{stem}.csv", csv_text(header or FILES[stem], rows))


def fetch(landing: Landing, sql: str) -> list[tuple]:
    with duckdb.connect(str(landing.config.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def only_reason(report) -> str:
    (outcome,) = report.outcomes
    assert outcome.status == QUARANTINED
    return outcome.reason


# --- configuration -------------------------------------------------------------------------


def test_format_defaults_to_ssd_and_reads_ssda903(landing: Landing) -> None:
    formats = {system.name: system.format for system in landing.config.systems}
    assert formats == {"return903": "ssda903", "liquid_logic": "ssd"}
    assert landing.config.system_names_in_format("ssda903") == ("return903",)
    assert landing.config.system_names_in_format("ssd") == ("liquid_logic",)


def test_unknown_format_is_a_clear_config_error(tmp_path: Path) -> None:
    path = tmp_path / "scorecard.yaml"
    path.write_text(CONFIG_YAML.replace("format: ssda903", "format: ssda-903"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"systems\[0\]\.format: 'ssda-903' is not an extract"):
        load_config(path)


# --- contracts -----------------------------------------------------------------------------


def test_one_contract_per_903_file_with_specification_columns() -> None:
    contracts = ssda903_contracts()
    assert list(contracts) == list(FILES)
    for stem, contract in contracts.items():
        assert contract.name == f"ssda903_{stem}"
        assert contract.column_names == tuple(name.lower() for name in FILES[stem])
    episodes = contracts["episodes"]
    assert episodes.required and contracts["header"].required
    assert not contracts["missing"].required
    assert episodes.column("decom").logical_type == "date"
    assert episodes.column("rne").logical_type == "text"


# --- loading -------------------------------------------------------------------------------


def test_903_files_load_with_lineage(landing: Landing) -> None:
    path = write_903(landing, "header", HEADER_ROWS)
    report = ingest_ssda903_file(landing.config, "header")
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.row_count) == (LOADED, 2)
    assert report.table == "ssda903_header"
    assert report.latest_extracts == {SYSTEM: outcome.extract_date}
    rows = fetch(
        landing,
        "select child, sex, dob, _source_system, cast(_extract_date as varchar), _file_name,"
        " _file_sha256, _row_number from raw.ssda903_header order by _row_number",
    )
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    name = f"{SYSTEM}/{EXTRACT}/header.csv"
    assert rows == [
        ("C1", "1", "01/06/2012", SYSTEM, EXTRACT, name, sha256, 1),
        ("C2", "2", "29/02/2008", SYSTEM, EXTRACT, name, sha256, 2),
    ]
    (manifest,) = fetch(
        landing, "select table_name, status, row_count, file_name from raw._load_manifest"
    )
    assert manifest == ("ssda903_header", "loaded", 2, name)


def test_same_file_again_is_skipped(landing: Landing) -> None:
    write_903(landing, "episodes", EPISODE_ROWS)
    assert ingest_ssda903_file(landing.config, "episodes").outcomes[0].status == LOADED
    again = ingest_ssda903_file(landing.config, "episodes")
    assert [outcome.status for outcome in again.outcomes] == [SKIPPED]
    assert again.table_row_count == 2


def test_every_903_table_exists_without_files(landing: Landing) -> None:
    for stem in FILES:
        report = ingest_ssda903_file(landing.config, stem)
        assert report.outcomes == () and report.table_row_count == 0
    tables = {row[0] for row in fetch(landing, "select table_name from duckdb_tables()")}
    assert {f"ssda903_{stem}" for stem in FILES} <= tables


def test_unknown_column_loaded_and_column_names_case_insensitive(landing: Landing) -> None:
    header = ["child", "Sex", "DOB", "ethnic", "UPN", "MOTHER", "MC_DOB", "LOCAL_FLAG"]
    rows = [{**HEADER_ROWS[0], "LOCAL_FLAG": "x"}]
    write_903(landing, "header", rows, header=header)
    report = ingest_ssda903_file(landing.config, "header")
    assert report.outcomes[0].status == LOADED
    assert fetch(landing, "select child, local_flag from raw.ssda903_header") == [("C1", "x")]


def test_formats_read_only_their_own_systems(landing: Landing) -> None:
    # A header.csv in the SSD system's folder is not a 903 file; an SSD table in the 903
    # system's folder is not an SSD extract.
    write_903(landing, "header", HEADER_ROWS, system="liquid_logic")
    person_header = table_contract("ssd_person").column_names
    landing.write_text(SYSTEM, EXTRACT, "ssd_person.csv", csv_text(person_header, []))
    assert ingest_ssda903_file(landing.config, "header").outcomes == ()
    assert ingest_table(landing.config, table_contract("ssd_person")).outcomes == ()


# --- validation at the door ----------------------------------------------------------------


def test_iso_date_is_quarantined_naming_file_row_and_column(landing: Landing) -> None:
    rows = [EPISODE_ROWS[0], {**EPISODE_ROWS[1], "DECOM": "2024-10-10"}]
    write_903(landing, "episodes", rows)
    reason = only_reason(ingest_ssda903_file(landing.config, "episodes"))
    name = f"{SYSTEM}/{EXTRACT}/episodes.csv"
    assert f"- {name}, row 2, line 3, column decom: {DMY_DATE_MESSAGE}" in reason
    assert "2024-10-10" not in reason
    assert fetch(landing, "select count(*) from raw.ssda903_episodes") == [(0,)]


def test_impossible_date_is_quarantined(landing: Landing) -> None:
    write_903(landing, "header", [{**HEADER_ROWS[0], "DOB": "31/02/2012"}])
    reason = only_reason(ingest_ssda903_file(landing.config, "header"))
    assert f"row 1, line 2, column dob: {DMY_DATE_MESSAGE}" in reason
    assert "31/02/2012" not in reason


def test_empty_child_is_quarantined(landing: Landing) -> None:
    write_903(landing, "header", [HEADER_ROWS[0], {**HEADER_ROWS[1], "CHILD": " "}])
    reason = only_reason(ingest_ssda903_file(landing.config, "header"))
    assert f"row 2, line 3, column child: {MISSING_CHILD_MESSAGE}" in reason


def test_missing_column_is_quarantined_with_reason_file(landing: Landing) -> None:
    header = [column for column in FILES["episodes"] if column != "LS"]
    write_903(landing, "episodes", EPISODE_ROWS, header=header)
    reason = only_reason(ingest_ssda903_file(landing.config, "episodes"))
    assert "column ls: required column of ssda903_episodes missing from header" in reason
    folder = landing.config.quarantine_dir / SYSTEM / EXTRACT
    assert (folder / "episodes.csv").is_file()
    reason_file = (folder / "episodes.csv.reason.txt").read_text(encoding="utf-8")
    assert "table: ssda903_episodes" in reason_file and reason in reason_file
    (manifest,) = fetch(landing, "select table_name, status from raw._load_manifest")
    assert manifest == ("ssda903_episodes", "quarantined")


def test_bad_file_keeps_rows_already_loaded(landing: Landing) -> None:
    write_903(landing, "header", HEADER_ROWS)
    ingest_ssda903_file(landing.config, "header")
    write_903(landing, "header", [{**HEADER_ROWS[0], "DOB": "2012-06-01"}])
    reason = only_reason(ingest_ssda903_file(landing.config, "header"))
    assert "column dob" in reason
    assert fetch(landing, "select count(*) from raw.ssda903_header") == [(2,)]


def test_non_numeric_sdq_score_is_quarantined(landing: Landing) -> None:
    write_903(landing, "oc2", [{"CHILD": "C1", "DOB": "01/06/2012", "SDQ_SCORE": "high"}])
    reason = only_reason(ingest_ssda903_file(landing.config, "oc2"))
    assert "row 1, line 2, column sdq_score: not a whole number" in reason


# --- Dagster assets ------------------------------------------------------------------------


def test_one_raw_asset_per_903_file() -> None:
    import dagster as dg

    from orchestration.defs.ingest import FILE_VALIDATION_CHECK, ingest_assets

    keys = {key for asset in ingest_assets for key in asset.keys}
    expected = {dg.AssetKey(["raw", f"ssda903_{stem}"]) for stem in FILES}
    assert expected <= keys
    for asset in ingest_assets:
        if asset.key in expected:
            assert asset.group_names_by_key[asset.key] == "raw"
            assert {check.name for check in asset.check_specs} == {FILE_VALIDATION_CHECK}
