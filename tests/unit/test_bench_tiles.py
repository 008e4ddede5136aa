"""The benchmark's tiled datasets (``tiles.py``, ``tile_check.py``) and its disk checks."""

from __future__ import annotations

import csv
import io
import json
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from orchestration.bench import datasets, disk
from orchestration.bench.__main__ import main
from orchestration.bench.disk import DiskSpaceError, require_free_space, run_disk_need
from orchestration.bench.floor import extract_files
from orchestration.bench.scales import SCALES, Scale
from orchestration.bench.tile_check import mismatches
from orchestration.bench.tiles import UPN_CHECK_LETTERS, tile_landing
from orchestration.lib.contract import table_contract
from orchestration.lib.ssd_csv import CP1252, fingerprint_file, open_ssd_csv, validate_ssd_csv

LEGACY = Path("carefirst") / "2021-06-30"
LIVE = Path("liquid_logic") / "2026-10-31"


def upn_is_valid(upn: str) -> bool:
    digits = upn[1:]
    if len(upn) != 13 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits, range(2, 14), strict=True))
    return upn[0] == UPN_CHECK_LETTERS[total % 23]


def write_landing(root: Path) -> Path:
    """Two systems: a Windows-1252 legacy person, and the live person who names it."""
    landing = root / "landing"
    (landing / LEGACY).mkdir(parents=True)
    (landing / LIVE).mkdir(parents=True)
    (landing / LEGACY / "ssd_person.csv").write_bytes(
        "pers_person_id,pers_forename,pers_surname,pers_common_child_id,pers_dob\n"
        "100000001,Zoë,O\x92Brien,D823629399102,31/10/2013\n".encode("latin-1")
    )
    (landing / LIVE / "ssd_person.csv").write_text(
        "pers_person_id,pers_forename,pers_surname,pers_common_child_id,pers_legacy_id,pers_dob\n"
        "P66282459430,Zoë,O’Brien,D823629399102,100000001,2013-10-31\n"
        'P66282459431,"Smith, Jo",,,,2014-01-02\n',
        encoding="utf-8",
    )
    (landing / LIVE / "ssd_linked_identifiers.csv").write_text(
        "link_table_id,link_person_id,link_identifier_type,link_identifier_value\n"
        "LI66282459430,P66282459430,Former system ID,100000001\n",
        encoding="utf-8",
    )
    (landing / LIVE / "ssd_involvements.csv").write_text(
        "invo_involvements_id,invo_professional_id,invo_professional_role_id,invo_person_id\n"
        "IV1,W7,CW,P66282459430\n"
        "IV2,-1,CW,P66282459430\n",
        encoding="utf-8",
    )
    (landing / LIVE / "_complete").write_text("", encoding="utf-8")
    (landing / "_truth").mkdir()
    (landing / "_truth" / "defects.csv").write_text("kind\n", encoding="utf-8")
    (landing / "_reference").mkdir()
    (landing / "_reference" / "population_0_17.csv").write_text(
        "la_code,year,mid_year_date,population_0_17\n823,2025,2025-06-30,1000\n",
        encoding="utf-8",
    )
    return landing


def rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding))))


def test_each_tile_has_its_own_identifiers_and_keeps_its_links(tmp_path: Path) -> None:
    source = write_landing(tmp_path / "source")
    target = tmp_path / "tiled" / "landing"
    summary = tile_landing(source, target, 3)
    assert (summary.files, summary.rows) == (4, 18)

    live = rows(target / LIVE / "ssd_person.csv")
    legacy = rows(target / LEGACY / "ssd_person.csv", "cp1252")
    links = rows(target / LIVE / "ssd_linked_identifiers.csv")
    involvements = rows(target / LIVE / "ssd_involvements.csv")
    assert len(live) == 6
    assert len(legacy) == len(links) == 3
    assert len(involvements) == 6
    # no identifier repeats across tiles
    assert len({row["pers_person_id"] for row in live}) == 6
    assert {row["pers_person_id"] for row in legacy} == {
        "001100000001",
        "002100000001",
        "003100000001",
    }
    assert "P00366282459430" in {row["pers_person_id"] for row in live}
    # within a tile, the live child still names its legacy record and its links
    named = {row["pers_legacy_id"] for row in live if row["pers_legacy_id"]}
    assert named == {row["pers_person_id"] for row in legacy}
    assert {row["link_identifier_value"] for row in links} == named
    assert {row["link_person_id"] for row in links} <= {row["pers_person_id"] for row in live}
    assert {row["invo_person_id"] for row in involvements} == {
        row["link_person_id"] for row in links
    }
    # codes, dates and empty values are as delivered
    assert {row["invo_professional_role_id"] for row in involvements} == {"CW"}
    # a placeholder key names no record: it stays a placeholder for dq_sentinel_keys
    assert {row["invo_professional_id"] for row in involvements} == {
        "W0017",
        "W0027",
        "W0037",
        "-1",
    }
    assert {row["pers_dob"] for row in legacy} == {"31/10/2013"}
    blank = [row for row in live if row["pers_forename"] == "Smith, Jo"]
    assert len(blank) == 3
    assert {row["pers_surname"] for row in blank} == {""}
    assert {row["pers_common_child_id"] for row in blank} == {""}


def test_the_surname_and_the_upn_differ_by_tile_and_the_upn_stays_valid(tmp_path: Path) -> None:
    source = write_landing(tmp_path / "source")
    target = tmp_path / "tiled" / "landing"
    tile_landing(source, target, 3)
    live = rows(target / LIVE / "ssd_person.csv")
    legacy = rows(target / LEGACY / "ssd_person.csv", "cp1252")
    upns = {row["pers_common_child_id"] for row in live if row["pers_common_child_id"]}
    assert len(upns) == 3
    assert all(upn_is_valid(upn) for upn in upns)
    assert upns == {row["pers_common_child_id"] for row in legacy}
    assert {row["pers_surname"] for row in live if row["pers_surname"]} == {
        "O’Brien-AA",
        "O’Brien-AB",
        "O’Brien-AC",
    }
    # the same child in both systems keeps the same names within a tile
    assert {row["pers_surname"] for row in legacy} == {
        row["pers_surname"] for row in live if row["pers_surname"]
    }


def test_a_windows_1252_extract_stays_windows_1252(tmp_path: Path) -> None:
    source = write_landing(tmp_path / "source")
    target = tmp_path / "tiled" / "landing"
    tile_landing(source, target, 2)
    tiled = target / LEGACY / "ssd_person.csv"
    assert fingerprint_file(tiled).encoding == CP1252
    assert b"Zo\xeb,O\x92Brien-AB" in tiled.read_bytes()
    assert not list(target.rglob("*.utf8"))


def test_markers_and_population_are_kept_and_the_truth_is_not(tmp_path: Path) -> None:
    source = write_landing(tmp_path / "source")
    target = tmp_path / "tiled" / "landing"
    tile_landing(source, target, 4)
    assert (target / LIVE / "_complete").exists()
    assert not (target / "_truth").exists()
    population = rows(target / "_reference" / "population_0_17.csv")
    assert [row["population_0_17"] for row in population] == ["4000"]
    assert len(extract_files(target)) == len(extract_files(source))


def test_tiling_stops_before_writing_when_the_disk_is_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_landing(tmp_path / "source")
    target = tmp_path / "tiled" / "landing"
    monkeypatch.setattr(disk, "free_bytes", lambda path: 10)
    with pytest.raises(DiskSpaceError, match=r"3 tiles of the extracts .* GiB are free"):
        tile_landing(source, target, 3)
    assert not target.exists()


def test_the_tiles_must_be_countable(tmp_path: Path) -> None:
    source = write_landing(tmp_path / "source")
    with pytest.raises(ValueError, match="tiles must be"):
        tile_landing(source, tmp_path / "tiled", 0)


def test_a_generated_authority_tiled_still_meets_the_contract(tmp_path: Path) -> None:
    source = datasets.ensure_dataset(Scale("custom-150", 150, "small"), tmp_path, workers=1)
    tiled_scale = Scale("tiled", 300, "two tiles", tile_of="custom-150", tiles=2)
    tiled = datasets.ensure_dataset(tiled_scale, tmp_path, workers=1)
    assert not tiled.reused
    assert tiled.total_rows == 2 * source.total_rows
    record = json.loads((tiled.folder / datasets.DATASET_FILE).read_text(encoding="utf-8"))
    assert (record["tiles_of"], record["tiles"]) == ("custom-150", 2)
    for path in extract_files(tiled.landing_dir):
        with open_ssd_csv(path, path.name, work_dir=tmp_path / "work") as opened:
            validated = validate_ssd_csv(opened, table_contract(path.stem))
        original = source.landing_dir / path.relative_to(tiled.landing_dir)
        assert fingerprint_file(path).encoding == fingerprint_file(original).encoding
        assert validated.row_count == 2 * len(rows(original, fingerprint_file(original).encoding))
    again = datasets.ensure_dataset(tiled_scale, tmp_path, workers=1)
    assert again.reused


def test_england_is_tiles_of_one_authority() -> None:
    england = SCALES["england"]
    source = SCALES[england.tile_of or ""]
    assert england.population == england.tiles * source.population
    assert abs(england.population - 12_200_000) / 12_200_000 < 0.01


def test_a_run_needs_room_for_three_warehouses() -> None:
    assert run_disk_need(10 * disk.GIB) == 30 * disk.GIB


def test_free_space_is_read_from_the_nearest_folder_that_exists(tmp_path: Path) -> None:
    require_free_space(tmp_path / "not" / "yet", 1, "a small step")
    with pytest.raises(DiskSpaceError, match="an impossible step needs about"):
        require_free_space(tmp_path / "not" / "yet", 1 << 62, "an impossible step")


def test_the_floor_only_run_prints_the_floor_and_records_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("--floor-only must not run the pipeline")

    monkeypatch.setattr("orchestration.bench.__main__.run_job", no_run)
    monkeypatch.setattr("orchestration.bench.__main__.save_results", no_run)
    code = main(["--scales", "custom-150", "--cache-dir", str(tmp_path), "--floor-only"])
    assert code == 0
    assert "custom-150: floor " in capsys.readouterr().out


def test_a_scale_whose_run_does_not_fit_is_skipped_with_both_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run that does not fit must not start")

    datasets.ensure_dataset(Scale("custom-150", 150, "small"), tmp_path, workers=1)
    monkeypatch.setattr("orchestration.bench.__main__.run_job", no_run)
    monkeypatch.setattr(disk, "free_bytes", lambda path: 10)
    code = main(["--scales", "custom-150", "--cache-dir", str(tmp_path), "--no-report"])
    assert code == 1
    error = capsys.readouterr().err
    assert "custom-150: a run and its incremental month on" in error
    assert "the run was not started" in error


def write_marts(path: Path, scorecard: list[tuple], findings: list[tuple]) -> Path:
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.fct_scorecard_monthly (indicator_code varchar, period_end date, "
            "breakdown varchar, breakdown_value varchar, numerator double, denominator double)"
        )
        connection.execute(
            "create table marts.dq_findings (defect_kind varchar, source_system varchar, "
            "table_name varchar, child_count integer, record_count integer)"
        )
        for row in scorecard:
            connection.execute(
                "insert into marts.fct_scorecard_monthly values (?, ?, 'all', 'all', ?, ?)", row
            )
        for row in findings:
            connection.execute("insert into marts.dq_findings values (?, 'legacy', ?, ?, ?)", row)
    return path


def test_the_tile_check_finds_counts_that_are_not_multiples(tmp_path: Path) -> None:
    one = write_marts(
        tmp_path / "one.duckdb",
        [("CLA_COUNT", "2026-10-31", 10, None), ("WF_CASELOAD_AVG", "2026-10-31", 42, 3.4)],
        [("duplicate_person", "ssd_person", 2, 4)],
    )
    good = write_marts(
        tmp_path / "good.duckdb",
        [("CLA_COUNT", "2026-10-31", 30, None), ("WF_CASELOAD_AVG", "2026-10-31", 126, 10.2)],
        [("duplicate_person", "ssd_person", 6, 12)],
    )
    assert mismatches(one, good, 3) == ([], [], 2)
    bad = write_marts(
        tmp_path / "bad.duckdb",
        [("CLA_COUNT", "2026-10-31", 31, None)],
        [("duplicate_person", "ssd_person", 6, 13)],
    )
    scorecard, findings, _ = mismatches(one, bad, 3)
    assert scorecard == [("CLA_COUNT", 1), ("WF_CASELOAD_AVG", 1)]
    assert findings == [("duplicate_person", "ssd_person", 1)]
