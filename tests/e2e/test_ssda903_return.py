"""The SSDA903 set written by a whole scorecard run on the clean authority: the ten DfE
files, private, accepted by the sector's validator (csc-validator-be-903) with no error
(the previous year's set loaded as last year's, so the continuity rules run too), and
counting the children the warehouse says were looked after during the year."""

from __future__ import annotations

import csv
import datetime as dt
import json
import stat
import subprocess
from collections import defaultdict
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.config import PROJECT_ROOT
from orchestration.lib.returns.ssda903_export import ssda903_folder, write_ssda903
from orchestration.lib.returns.ssda903_files import DATE_FORMAT, FILES, CollectionYear
from orchestration.synthetic import postcodes
from tests.e2e.conftest import PipelineRun

pytestmark = pytest.mark.e2e

VALIDATORS_PYTHON = PROJECT_ROOT / ".venv-validators" / "bin" / "python"
RUNNER = PROJECT_ROOT / "scripts" / "validators" / "run_ssda903.py"
# The validator needs the authority's ONS code (localAuthority) to tell placements in its
# own LA from the rest; it has no mapping from the config's DfE number (823: its
# qlacref_authorities list holds ONS codes and names only). The synthetic authority's
# home postcodes are real units of Central Bedfordshire, so the one place it is fixed is
# the generator's postcode reference: its home units' LA code (E06000056).
(LOCAL_AUTHORITY,) = {unit.la_code for unit in postcodes.book().home}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, DATE_FORMAT).date() if text else None


@pytest.fixture(scope="module")
def return_set(clean_run: PipelineRun) -> tuple[CollectionYear, Path]:
    assert clean_run.success
    year = CollectionYear.latest_complete(clean_run.config.as_of_date)
    folder = ssda903_folder(clean_run.config.output_dir, year)
    assert folder.is_dir(), "the returns/ssda903 asset wrote no folder"
    return year, folder


@pytest.fixture(scope="module")
def previous_set(clean_run: PipelineRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    year = CollectionYear.latest_complete(clean_run.config.as_of_date)
    folder = tmp_path_factory.mktemp("ssda903_previous") / "ssda903"
    write_ssda903(clean_run.config.published_path, CollectionYear(year.start_year - 1), folder)
    return folder


def test_the_set_has_the_ten_files_and_is_private(
    return_set: tuple[CollectionYear, Path],
) -> None:
    _, folder = return_set
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{s}.csv" for s in FILES)
    for stem, columns in FILES.items():
        path = folder / f"{stem}.csv"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with path.open(encoding="utf-8", newline="") as handle:
            assert tuple(next(csv.reader(handle))) == columns


def test_the_sector_validator_finds_no_error(
    return_set: tuple[CollectionYear, Path], previous_set: Path
) -> None:
    year, folder = return_set
    assert VALIDATORS_PYTHON.is_file(), (
        f"{VALIDATORS_PYTHON} is missing: run `make validators` (make test creates it)"
    )
    result = subprocess.run(
        [
            str(VALIDATORS_PYTHON),
            str(RUNNER),
            "--year",
            year.label,
            "--folder",
            str(folder),
            "--previous-folder",
            str(previous_set),
            "--local-authority",
            LOCAL_AUTHORITY,
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["ruleset"] == year.validator_ruleset
    assert summary["with_previous_year"] is True
    assert summary["rules_run"] > 250
    failing = {error["code"]: error["rows"] for error in summary["errors"]}
    assert failing == {}, json.dumps(summary["errors"], indent=1)
    assert result.returncode == 0


def test_the_header_counts_the_children_looked_after_during_the_year(
    clean_run: PipelineRun, return_set: tuple[CollectionYear, Path]
) -> None:
    year, folder = return_set
    header = _rows(folder / "header.csv")
    episodes = _rows(folder / "episodes.csv")
    children = [row["CHILD"] for row in header]
    assert len(children) == len(set(children))
    looked_after = {row["CHILD"] for row in episodes}
    assert looked_after <= set(children)
    with closing(
        duckdb.connect(str(clean_run.config.published_path), read_only=True)
    ) as connection:
        # children in a period of care at any time in the year, from the stitched periods
        # (not the returns models)
        (during_year,) = connection.execute(
            "select count(distinct child_key) from intermediate.int_cla_periods_of_care "
            "where period_start_date <= ? and (period_end_date is null or period_end_date >= ?)",
            [year.end, year.start],
        ).fetchone()
    assert during_year > 0
    assert len(looked_after) == during_year
    # the rest of the header are the care leavers of OC3
    care_leavers = {row["CHILD"] for row in _rows(folder / "oc3.csv")}
    assert set(children) == looked_after | care_leavers


def test_the_episodes_are_consistent(return_set: tuple[CollectionYear, Path]) -> None:
    year, folder = return_set
    by_child: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _rows(folder / "episodes.csv"):
        by_child[row["CHILD"]].append(row)
    assert by_child
    for episodes in by_child.values():
        episodes.sort(key=lambda row: _date(row["DECOM"]))
        for row, following in zip(episodes, [*episodes[1:], None], strict=True):
            start, end = _date(row["DECOM"]), _date(row["DEC"])
            assert start is not None and start <= year.end
            assert (end is None) == (row["REC"] == "")
            if end is None:
                # only the last episode may be open at 31 March
                assert following is None
                continue
            assert start <= end and year.start <= end <= year.end
            if row["REC"] == "X1":
                # the next episode of the period starts the day this one ends
                assert following is not None and _date(following["DECOM"]) == end
                assert following["RNE"] != "S"
            elif following is not None:
                assert following["RNE"] == "S" and _date(following["DECOM"]) >= end
