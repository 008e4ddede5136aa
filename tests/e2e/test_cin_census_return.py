"""The CIN census written by a whole scorecard run on the clean authority: schema-valid,
accepted by the sector's validator (csc-validator-be-cin) with no error, and counting the
children the warehouse says were in need during the year."""

from __future__ import annotations

import json
import stat
import subprocess
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import duckdb
import pytest
import xmlschema

from orchestration.lib.config import PROJECT_ROOT
from orchestration.lib.returns.cin_census_export import SCHEMA_PATH, cin_census_path
from orchestration.lib.returns.ssda903_files import CollectionYear
from tests.e2e.conftest import PipelineRun

VALIDATORS_PYTHON = PROJECT_ROOT / ".venv-validators" / "bin" / "python"
RUNNER = PROJECT_ROOT / "scripts" / "validators" / "run_cin_census.py"


@pytest.fixture(scope="module")
def census(clean_run: PipelineRun) -> tuple[CollectionYear, Path]:
    assert clean_run.success
    year = CollectionYear.latest_complete(clean_run.config.as_of_date)
    path = cin_census_path(clean_run.config.output_dir, year)
    assert path.is_file(), "the returns/cin_census asset wrote no file"
    return year, path


def test_the_census_is_private_and_schema_valid(census: tuple[CollectionYear, Path]) -> None:
    year, path = census
    assert path.name == f"cin_census_{year.census_year}.xml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    xmlschema.XMLSchema(str(SCHEMA_PATH)).validate(str(path))


def test_the_sector_validator_finds_no_error(census: tuple[CollectionYear, Path]) -> None:
    year, path = census
    assert VALIDATORS_PYTHON.is_file(), (
        f"{VALIDATORS_PYTHON} is missing: run `make validators` (make test creates it)"
    )
    result = subprocess.run(
        [str(VALIDATORS_PYTHON), str(RUNNER), str(path)],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["ruleset"] == f"cin{year.start_year}_{year.census_year % 100:02d}"
    assert summary["rules_crashed"] == []
    assert summary["errors_by_rule"] == {}, summary
    assert summary["error_count"] == 0
    assert result.returncode == 0


def test_the_census_counts_the_children_in_need_during_the_year(
    clean_run: PipelineRun, census: tuple[CollectionYear, Path]
) -> None:
    year, path = census
    children = ET.parse(path).getroot().findall("Children/Child")
    ids = [child.findtext("ChildIdentifiers/LAchildID") for child in children]
    assert len(ids) == len(set(ids))
    with closing(
        duckdb.connect(str(clean_run.config.published_path), read_only=True)
    ) as connection:
        # children with a CIN episode piece open at any time in the year, from the stitched
        # episodes (not the returns models)
        (in_need_during_year,) = connection.execute(
            "select count(distinct child_key) from intermediate.int_cin_episodes_unified "
            "where referral_date <= ? "
            "and (episode_piece_end_date is null or episode_piece_end_date >= ?) "
            "and episode_piece_start_date <= ?",
            [year.end, year.start, year.end],
        ).fetchone()
        (in_need_at_a_month_end,) = connection.execute(
            "select count(distinct child_key) from intermediate.int_cin_monthly_snapshot "
            "where period_end between ? and ?",
            [year.start, year.end],
        ).fetchone()
        holder_ids = {
            row[0]
            for row in connection.execute(
                "select holder_person_id from intermediate.int_children_resolved"
            ).fetchall()
        }
    assert len(ids) == in_need_during_year
    assert in_need_at_a_month_end <= len(ids)
    assert len(ids) > 100
    # LAchildID is the authority's current id for the child
    assert set(ids) <= holder_ids
