"""Finding complete extract folders of configured systems in the landing directory."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

import pytest

from orchestration.lib.landing import (
    COMPLETE_MARKER,
    discover_extracts,
    find_table_files,
    is_complete,
    parse_extract_date,
)

SYSTEMS = ("carefirst", "liquid_logic")


def _age(path, seconds: float) -> None:
    """Set the modification time of a file or folder ``seconds`` into the past."""
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


@pytest.fixture
def landing_dir(tmp_path):
    root = tmp_path / "landing"
    for relative in (
        "carefirst/2021-06-30",
        "liquid_logic/2026-10-31",
        "liquid_logic/_staging",
        "liquid_logic/2026-13-01",
        "liquid_logic/latest",
        "_truth",
        "mosaic/2026-10-31",
    ):
        (root / relative).mkdir(parents=True)
        (root / relative / "ssd_person.csv").write_text("pers_person_id\r\n1\r\n")
        (root / relative / COMPLETE_MARKER).touch()
    return root


def test_discovers_only_configured_systems_and_dated_folders(landing_dir, caplog):
    with caplog.at_level(logging.INFO, logger="orchestration.lib.landing"):
        extracts = discover_extracts(landing_dir, SYSTEMS)

    assert [(e.system, e.extract_date) for e in extracts] == [
        ("carefirst", dt.date(2021, 6, 30)),
        ("liquid_logic", dt.date(2026, 10, 31)),
    ]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("2026-13-01" in message for message in warnings)
    assert any("latest" in message for message in warnings)
    assert not any("_staging" in message or "_truth" in message for message in warnings)
    assert any("mosaic" in r.getMessage() for r in caplog.records)


def test_folder_without_marker_is_complete_only_after_quiet_period(tmp_path):
    folder = tmp_path / "2026-10-31"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("x\r\n")

    assert not is_complete(folder, quiet_seconds=60)
    assert is_complete(folder, quiet_seconds=60, now=time.time() + 61)
    assert is_complete(folder, quiet_seconds=0)

    _age(folder / "ssd_person.csv", 120)
    _age(folder, 120)
    assert is_complete(folder, quiet_seconds=60)
    (folder / "ssd_cla_episodes.csv").write_text("x\r\n")
    assert not is_complete(folder, quiet_seconds=60)


def test_marker_makes_folder_complete_at_once(tmp_path):
    folder = tmp_path / "2026-10-31"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("x\r\n")
    (folder / COMPLETE_MARKER).touch()

    assert is_complete(folder, quiet_seconds=3600)


def test_incomplete_folder_is_skipped(landing_dir):
    folder = landing_dir / "liquid_logic" / "2026-11-30"
    folder.mkdir()
    (folder / "ssd_person.csv").write_text("pers_person_id\r\n1\r\n")

    dates = [e.extract_date for e in discover_extracts(landing_dir, ["liquid_logic"])]
    assert dates == [dt.date(2026, 10, 31)]

    later = discover_extracts(landing_dir, ["liquid_logic"], now=time.time() + 3600)
    assert [e.extract_date for e in later] == [dt.date(2026, 10, 31), dt.date(2026, 11, 30)]


def test_missing_landing_dir_gives_no_extracts(tmp_path):
    assert discover_extracts(tmp_path / "nowhere", SYSTEMS) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2023-02-29", None),
        ("20240229", None),
        ("2024-2-29", None),
        ("_2024-02-29", None),
    ],
)
def test_parse_extract_date(name, expected):
    assert parse_extract_date(name) == expected


def test_table_file_name_is_case_insensitive(tmp_path):
    (tmp_path / "SSD_Person.CSV").write_text("x")
    (tmp_path / "ssd_person.csv.bak").write_text("x")
    (tmp_path / "ssd_persons.csv").write_text("x")

    assert [p.name for p in find_table_files(tmp_path, "ssd_person")] == ["SSD_Person.CSV"]
    assert find_table_files(tmp_path, "ssd_cla_episodes") == []
