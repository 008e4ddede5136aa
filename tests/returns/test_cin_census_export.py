"""The CIN census writer on a small hand-made warehouse (returns models as plain tables)."""

from __future__ import annotations

import datetime as dt
import logging
import stat
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import xmlschema
import yaml

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.returns.cin_census import cin_census
from orchestration.lib.returns import cin_census_export
from orchestration.lib.returns.cin_census_export import (
    SCHEMA_PATH,
    CinCensusExportError,
    write_cin_census,
)
from orchestration.lib.returns.ssda903_files import CollectionYear
from tests.unit.minimal_config import MINIMAL_CONFIG

YEAR = CollectionYear.parse("2025-26")

TABLES = {
    "ret_cin_children": """
        create table returns.ret_cin_children as
        select * from (values
            ('2025-26', 'k1', 'LA0001', 'A823400025001', null,
             date '2012-05-01', null, 'F', null, 'WBRI'),
            ('2025-26', 'k2', 'LA0002', null, 'UN1',
             date '2024-01-10', null, 'M', null, 'NOBT'),
            ('2024-25', 'k1', 'LA0001', 'A823400025001', null,
             date '2012-05-01', null, 'F', null, 'WBRI')
        ) as t(collection_year, child_key, la_child_id, upn, upn_unknown, date_of_birth,
               expected_date_of_birth, sex, death_date, ethnicity)
    """,
    "ret_cin_details": """
        create table returns.ret_cin_details as
        select * from (values
            ('2025-26', 'k1#2025-05-02', 'k1', date '2025-05-02', '2A', 'N1',
             date '2026-01-15', 'RC7', null, false),
            ('2025-26', 'k1#2026-02-01', 'k1', date '2026-02-01', '6', 'N4',
             null, null, null, false),
            ('2025-26', 'k2#2025-09-09', 'k2', date '2025-09-09', '1A', 'N5',
             date '2025-09-10', 'RC7', null, true),
            ('2024-25', 'k1#2024-05-02', 'k1', date '2024-05-02', '2A', 'N1',
             null, null, null, false)
        ) as t(collection_year, cin_episode_key, child_key, referral_date, referral_source,
               primary_need, closure_date, reason_for_closure, date_of_initial_cpc,
               is_referral_nfa)
    """,
    "ret_cin_assessments": """
        create table returns.ret_cin_assessments as
        select * from (values
            ('2025-26', 'k1#2025-05-02', 'k1', 'll#a1', date '2025-05-03', date '2025-06-20')
        ) as t(collection_year, cin_episode_key, child_key, assessment_key,
               assessment_start_date, assessment_authorisation_date)
    """,
    "ret_cin_plan_dates": """
        create table returns.ret_cin_plan_dates as
        select * from (values
            ('2025-26', 'k1#2025-05-02', 'k1', date '2025-06-21', date '2025-11-30')
        ) as t(collection_year, cin_episode_key, child_key, cin_plan_start_date,
               cin_plan_end_date)
    """,
    "ret_cin_section47": """
        create table returns.ret_cin_section47 as
        select * from (values
            ('2025-26', 'k1#2025-05-02', 'k1', 'll#s1', date '2025-05-04', date '2025-05-23',
             date '2025-05-20', false)
        ) as t(collection_year, cin_episode_key, child_key, s47_key, s47_start_date,
               initial_cpc_target_date, date_of_initial_cpc, is_icpc_not_required)
    """,
    "ret_cin_cp_plans": """
        create table returns.ret_cin_cp_plans as
        select * from (values
            ('2025-26', 'k1#2025-05-02', 'k1', 'k1#2025-05-20', date '2025-05-20',
             date '2026-01-10', 'NEG', 'EMO', 2)
        ) as t(collection_year, cin_episode_key, child_key, cp_plan_key, cp_plan_start_date,
               cp_plan_end_date, initial_category, latest_category, number_of_previous_cpp)
    """,
    "ret_cin_cp_reviews": """
        create table returns.ret_cin_cp_reviews as
        select * from (values
            ('2025-26', 'k1#2025-05-20', 'k1', date '2025-08-10'),
            ('2025-26', 'k1#2025-05-20', 'k1', date '2025-11-10')
        ) as t(collection_year, cp_plan_key, child_key, cp_review_date)
    """,
}


def make_warehouse(path: Path, skip: tuple[str, ...] = ()) -> Path:
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema returns")
        for name, sql in TABLES.items():
            if name not in skip:
                connection.execute(sql)
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return make_warehouse(tmp_path / "warehouse.duckdb")


def children_of(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("Children/Child")


def test_the_file_is_schema_valid_and_counts_the_year_s_children(
    warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "returns" / "2025-26" / "cin_census_2026.xml"
    assert write_cin_census(warehouse, YEAR, out, "823") == 2
    xmlschema.XMLSchema(str(SCHEMA_PATH)).validate(str(out))
    root = ET.parse(out).getroot()
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert root.findtext("Header/Source/LEA") == "823"
    assert [child.findtext("ChildIdentifiers/LAchildID") for child in children_of(out)] == [
        "LA0001",
        "LA0002",
    ]


def test_elements_follow_the_schema_sequence(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "cin.xml"
    write_cin_census(warehouse, YEAR, out, "823")
    first, second = children_of(out)
    assert [element.tag for element in first] == [
        "ChildIdentifiers",
        "ChildCharacteristics",
        "CINdetails",
        "CINdetails",
    ]
    assert [element.tag for element in first.find("ChildIdentifiers")] == [
        "LAchildID",
        "UPN",
        "PersonBirthDate",
        "Sex",
    ]
    assert [element.tag for element in second.find("ChildIdentifiers")] == [
        "LAchildID",
        "UPNunknown",
        "PersonBirthDate",
        "Sex",
    ]
    details = first.find("CINdetails")
    assert [element.tag for element in details] == [
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "Assessments",
        "CINPlanDates",
        "Section47",
        "ReferralNFA",
        "ChildProtectionPlans",
    ]
    plan = details.find("ChildProtectionPlans")
    assert [element.tag for element in plan] == [
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
        "Reviews",
    ]
    assert [review.text for review in plan.find("Reviews")] == ["2025-08-10", "2025-11-10"]


def test_dates_flags_and_empty_values(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "cin.xml"
    write_cin_census(warehouse, YEAR, out, "823")
    first, second = children_of(out)
    closed, still_open = first.findall("CINdetails")
    assert closed.findtext("CINreferralDate") == "2025-05-02"
    assert closed.findtext("CINclosureDate") == "2026-01-15"
    assert closed.findtext("ReferralNFA") == "0"
    assert closed.findtext("Section47/ICPCnotRequired") == "0"
    assert closed.findtext("Section47/DateOfInitialCPC") == "2025-05-20"
    assert closed.findtext("ChildProtectionPlans/NumberOfPreviousCPP") == "2"
    # an open episode writes no closure elements and no empty ones
    assert still_open.find("CINclosureDate") is None
    assert still_open.find("ReasonForClosure") is None
    assert still_open.find("DateOfInitialCPC") is None
    assert second.findtext("CINdetails/ReferralNFA") == "1"
    assert second.find("ChildCharacteristics/Disabilities") is None


def test_the_file_is_private_and_nothing_child_level_is_logged(
    warehouse: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "cin.xml"
    with caplog.at_level(logging.DEBUG):
        write_cin_census(warehouse, YEAR, out, "823")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    for value in ("LA0001", "LA0002", "A823400025001", "2012-05-01"):
        assert value not in caplog.text
    assert "2 children" in caplog.text


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary_file(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cin.xml"
    write_cin_census(warehouse, YEAR, out, "823")
    before = out.read_bytes()

    def broken_write(self: ET.ElementTree, *args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cin_census_export.ET.ElementTree, "write", broken_write)
    with pytest.raises(OSError, match="disk full"):
        write_cin_census(warehouse, YEAR, out, "823")
    assert out.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cin.xml", "warehouse.duckdb"]


def test_a_missing_model_is_named(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "w.duckdb", skip=("ret_cin_section47",))
    with pytest.raises(CinCensusExportError, match=r"returns\.ret_cin_section47 is missing"):
        write_cin_census(warehouse, YEAR, tmp_path / "cin.xml", "823")
    assert not (tmp_path / "cin.xml").exists()


def test_a_year_without_children_is_refused(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(CinCensusExportError, match="2023-24"):
        write_cin_census(warehouse, CollectionYear.parse("2023-24"), tmp_path / "c.xml", "823")


def test_a_required_value_that_is_empty_is_refused(tmp_path: Path) -> None:
    warehouse = make_warehouse(tmp_path / "w.duckdb")
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute("update returns.ret_cin_children set ethnicity = null")
    with pytest.raises(CinCensusExportError, match="Ethnicity"):
        write_cin_census(warehouse, YEAR, tmp_path / "cin.xml", "823")


def test_the_la_code_must_be_a_dfe_la_number(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(CinCensusExportError, match="three-digit"):
        write_cin_census(warehouse, YEAR, tmp_path / "cin.xml", "E09000033")


def test_the_header_time_is_the_write_time(warehouse: Path) -> None:
    with closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        tree, counts = cin_census_export.build_cin_census(
            connection, YEAR, "823", now=dt.datetime(2026, 4, 2, 9, 30, 5, 123)
        )
    assert tree.getroot().findtext("Header/Source/DateTime") == "2026-04-02T09:30:05"
    assert counts.cin_details == 3 and counts.cp_reviews == 2


def test_the_cli_command_writes_the_default_path_or_explains_why_not(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchestration.lib.config import ScorecardConfig

    config = ScorecardConfig(
        la_code="823",
        la_name="Test",
        landing_dir=tmp_path / "landing",
        warehouse_path=warehouse,
        output_dir=tmp_path / "output",
        as_of_date=dt.date(2026, 10, 31),
        systems=(),
    )
    assert cin_census_export.export_command(config, "2025-26", None) == 0
    written = tmp_path / "output" / "returns" / "2025-26" / "cin_census_2026.xml"
    assert capsys.readouterr().out.strip() == str(written)
    assert len(children_of(written)) == 2
    assert cin_census_export.export_command(config, "2025-2026", None) == 2
    assert cin_census_export.export_command(config, "2019-20", tmp_path / "x.xml") == 2
    assert not (tmp_path / "x.xml").exists()


def test_the_asset_writes_nothing_and_succeeds_for_a_year_without_children(
    warehouse: Path, tmp_path: Path
) -> None:
    # An authority loaded from SSDA903 files only has no children in need: the run must
    # not fail on the census, and no file is written.
    published = tmp_path / "wh" / "warehouse.duckdb"
    published.parent.mkdir()
    published.write_bytes(warehouse.read_bytes())
    config_path = tmp_path / "scorecard.yaml"
    # as of June 2024 the latest complete collection year is 2023-24, which has no child
    config_path.write_text(
        yaml.safe_dump({**MINIMAL_CONFIG, "as_of_date": "2024-06-01"}), encoding="utf-8"
    )
    result = dg.materialize(
        [cin_census],
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_path))},
    )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["collection_year"].value == "2023-24"
    assert metadata["children"].value == 0
    assert not (tmp_path / "out" / "returns").exists()
