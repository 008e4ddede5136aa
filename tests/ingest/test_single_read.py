"""A good file is read once: loaded, then checked where its rows stand, in one transaction.

A file failing a check there is rolled back and validated in full: quarantined with exactly
the problems the validator reports, raw and the manifest as before. A good file is loaded
exactly as when it is validated first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from ingest_helpers import Landing, csv_text, person

from orchestration.lib import ssd_csv, ssda903_input, warehouse
from orchestration.lib.config import load_config
from orchestration.lib.contract import TableContract, table_contract
from orchestration.lib.raw_ingest import LOADED, QUARANTINED, ingest_table
from orchestration.lib.returns.ssda903_files import FILES
from orchestration.lib.ssd_csv import CsvValidationError, open_ssd_csv, validate_ssd_csv
from orchestration.lib.ssda903_input import (
    ingest_ssda903_file,
    ssda903_contracts,
    validate_ssda903_csv,
)
from orchestration.lib.warehouse import LINEAGE_COLUMN_NAMES

PERSON = table_contract("ssd_person")
COLUMNS = PERSON.column_names
SYSTEM = "liquid_logic"
EXTRACT = "2026-10-31"
NAME = f"{SYSTEM}/{EXTRACT}/ssd_person.csv"
SECRET_DOB = "1987-02-30"


def data_lines(rows) -> str:
    """CSV lines of ``rows`` without the header."""
    return csv_text(COLUMNS, rows).split("\r\n", 1)[1]


BAD_PERSON_FILES = {
    "ragged row": (
        csv_text(COLUMNS, [person(pers_person_id="L1")])
        + "L2,too,few\r\n"
        + data_lines([person(pers_person_id="L3")])
    ),
    "invalid date": csv_text(
        COLUMNS,
        [
            person(pers_person_id="L1", pers_dob="2010-05-01"),
            person(pers_person_id="L2", pers_dob=SECRET_DOB),
            person(pers_person_id="L3", pers_dob="31/02/2020"),
        ],
    ),
    "ragged row and invalid date": (
        csv_text(COLUMNS, [person(pers_person_id="L1", pers_dob=SECRET_DOB)]) + "L2,too,few\r\n"
    ),
    "unterminated quote": csv_text(COLUMNS, [person(pers_person_id="L1")]) + 'L2,"open\r\n',
}
# Where each bad file's first problem is, as the reason words it.
FIRST_PROBLEM = {
    "ragged row": f"- {NAME}, row 2, line 3, column ",
    "invalid date": f"- {NAME}, row 2, line 3, column pers_dob: not a valid date",
    "ragged row and invalid date": f"- {NAME}, row 2, line 3, column ",
    "unterminated quote": f"- {NAME}, row 2, line 3: badly quoted value",
}


def full_validation_reason(
    landing: Landing,
    path: Path,
    name: str,
    contract: TableContract = PERSON,
    validator: Callable[..., object] = validate_ssd_csv,
) -> str:
    """The reason the validator alone gives for ``path`` (today's quarantine reason)."""
    with (
        open_ssd_csv(path, name, work_dir=landing.config.output_dir / "work") as source,
        pytest.raises(CsvValidationError) as caught,
    ):
        validator(source, contract, reserved_columns=LINEAGE_COLUMN_NAMES)
    return caught.value.reason


def raw_state(fetch, table: str = "ssd_person") -> tuple[list[tuple], list[tuple]]:
    """Every row of ``raw.<table>`` and of the manifest."""
    return (
        fetch(f"select * from raw.{table} order by all"),
        fetch("select * from raw._load_manifest order by all"),
    )


def forbid_separate_validation(monkeypatch) -> None:
    """Make the validators' own file scans fail: a file read once never reaches them."""

    def scanned(*args, **kwargs):
        raise AssertionError("the file was scanned a second time")

    monkeypatch.setattr(ssd_csv, "_scan_file", scanned)
    monkeypatch.setattr(ssda903_input, "_rule_problems", scanned)


@pytest.mark.parametrize("redelivered", [False, True], ids=["first delivery", "re-delivery"])
@pytest.mark.parametrize("kind", list(BAD_PERSON_FILES))
def test_bad_file_quarantined_with_full_validation_problems_raw_as_before(
    landing, fetch, kind, redelivered
):
    landing.write_persons("carefirst", "2021-06-30", [person(pers_person_id="C1")])
    if redelivered:
        landing.write_persons(
            SYSTEM, EXTRACT, [person(pers_person_id="OLD1"), person(pers_person_id="OLD2")]
        )
    ingest_table(landing.config, PERSON)
    rows_before, manifest_before = raw_state(fetch)
    path = landing.write_text(SYSTEM, EXTRACT, "ssd_person.csv", BAD_PERSON_FILES[kind])

    report = ingest_table(landing.config, PERSON)

    (outcome,) = report.quarantined
    assert outcome.reason == full_validation_reason(landing, path, NAME)
    assert FIRST_PROBLEM[kind] in outcome.reason
    assert SECRET_DOB not in outcome.reason
    rows_after, manifest_after = raw_state(fetch)
    assert rows_after == rows_before
    assert report.table_row_count == len(rows_before) == (3 if redelivered else 1)
    assert [row for row in manifest_after if row[7] != QUARANTINED] == manifest_before
    quarantined = fetch(
        "select file_name, row_count, reason from raw._load_manifest where status = ?",
        [QUARANTINED],
    )
    assert quarantined == [(NAME, None, outcome.reason)]
    reason_file = landing.config.quarantine_dir / SYSTEM / EXTRACT / "ssd_person.csv.reason.txt"
    assert reason_file.read_text(encoding="utf-8").endswith(f"\n{outcome.reason}\n")


def test_ragged_file_does_not_stop_the_next_good_file(landing, fetch):
    landing.write_text("carefirst", "2021-06-30", "ssd_person.csv", BAD_PERSON_FILES["ragged row"])
    landing.write_persons(SYSTEM, EXTRACT, [person(pers_person_id="L1")])

    report = ingest_table(landing.config, PERSON)

    assert [o.status for o in report.outcomes] == [QUARANTINED, LOADED]
    assert fetch("select pers_person_id, _row_number from raw.ssd_person") == [("L1", 1)]


def test_good_file_is_not_scanned_by_the_validator(landing, fetch, monkeypatch):
    forbid_separate_validation(monkeypatch)
    landing.write_persons(SYSTEM, EXTRACT, [person(pers_person_id="L1", pers_dob="01/02/2012")])

    report = ingest_table(landing.config, PERSON)

    assert [o.status for o in report.outcomes] == [LOADED]
    assert fetch("select pers_person_id, pers_dob from raw.ssd_person") == [("L1", "01/02/2012")]


def deliver_good_files(landing: Landing) -> None:
    """Files exercising trimming, encodings, extra columns and a re-delivery."""
    landing.write_persons(
        "carefirst",
        "2021-06-30",
        [
            {
                **person(pers_person_id=" C1 ", pers_forename="Zoë £", pers_dob="2010-05-01"),
                "x": "",
            },
            {**person(pers_person_id="C2", pers_dob="01/02/2012 "), "x": " kept "},
        ],
        header=[name.upper() for name in reversed(COLUMNS)] + ["X"],
        encoding="cp1252",
    )
    landing.write_persons(SYSTEM, "2026-09-30", [person(pers_person_id="L0", pers_dob="")])
    landing.write_persons(SYSTEM, EXTRACT, [person(pers_person_id="OLD")])


def redeliver_good_file(landing: Landing) -> None:
    landing.write_persons(
        SYSTEM,
        EXTRACT,
        [person(pers_person_id=f"L{n}", pers_dob="2015-01-01 10:00:00.5") for n in range(1, 4)],
        encoding="utf-8-sig",
    )


def comparable_state(config) -> tuple[list[tuple], list[tuple]]:
    """Raw rows and manifest without load times (nor the times inside a replaced reason)."""
    with duckdb.connect(str(config.warehouse_path), read_only=True) as con:
        rows = con.execute(
            "select * exclude (_loaded_at) from raw.ssd_person order by all"
        ).fetchall()
        manifest = con.execute(
            "select * exclude (loaded_at) from raw._load_manifest order by all"
        ).fetchall()
    return rows, [
        tuple(re.sub(r" at \d{4}-\d\d-\d\d .*$", "", v) if isinstance(v, str) else v for v in row)
        for row in manifest
    ]


def test_good_files_load_as_when_validated_first(landing, tmp_path):
    validated_first = dataclasses.replace(
        landing.config,
        warehouse_path=tmp_path / "validated_first" / "warehouse.duckdb",
        output_dir=tmp_path / "validated_first" / "output",
    )
    calls = []

    def same_checks_another_validator(source, contract, **options):
        calls.append(source.display_name)
        return validate_ssd_csv(source, contract, **options)

    deliver_good_files(landing)
    ingest_table(landing.config, PERSON)
    ingest_table(validated_first, PERSON, validator=same_checks_another_validator)
    assert len(calls) == 3  # that validator has no row checks: validated, then loaded
    calls.clear()
    redeliver_good_file(landing)

    read_once = ingest_table(landing.config, PERSON)
    validated = ingest_table(validated_first, PERSON, validator=same_checks_another_validator)

    assert calls == [NAME]
    assert [dataclasses.replace(o, file_sha256="") for o in read_once.outcomes] == [
        dataclasses.replace(o, file_sha256="") for o in validated.outcomes
    ]
    assert read_once.table_row_count == validated.table_row_count == 6
    assert comparable_state(landing.config) == comparable_state(validated_first)


def test_good_files_read_once_from_the_start(landing, tmp_path, monkeypatch):
    validated_first = dataclasses.replace(
        landing.config,
        warehouse_path=tmp_path / "validated_first" / "warehouse.duckdb",
        output_dir=tmp_path / "validated_first" / "output",
    )
    deliver_good_files(landing)
    ingest_table(validated_first, PERSON, validator=lambda *a, **k: validate_ssd_csv(*a, **k))
    redeliver_good_file(landing)
    ingest_table(validated_first, PERSON, validator=lambda *a, **k: validate_ssd_csv(*a, **k))
    forbid_separate_validation(monkeypatch)
    deliver_good_files(landing)
    ingest_table(landing.config, PERSON)
    redeliver_good_file(landing)

    ingest_table(landing.config, PERSON)

    assert comparable_state(landing.config) == comparable_state(validated_first)


# --- the 903 validator's rules as row checks -----------------------------------------------


@pytest.fixture
def landing_903(tmp_path: Path) -> Landing:
    config_path = tmp_path / "scorecard_903.yaml"
    config_path.write_text(
        'la_code: "823"\nlanding_dir: landing903\nwarehouse_path: var903/warehouse.duckdb\n'
        "output_dir: output903\nas_of_date: 2026-10-31\nsystems:\n"
        "  - name: return903\n    live_from: 2016-04-01\n    format: ssda903\n",
        encoding="utf-8",
    )
    config = load_config(config_path)
    config.landing_dir.mkdir(parents=True)
    return Landing(config, config_path)


EPISODES = [
    {"CHILD": "C1", "DECOM": "03/04/2024", "RNE": "S", "LS": "C2", "PLACE": "U1", "DEC": ""},
    {"CHILD": "C2", "DECOM": "10/10/2024", "RNE": "S", "LS": "V2", "PLACE": "P1"},
]
BAD_903_FILES = {
    "iso date": ("episodes", [EPISODES[0], {**EPISODES[1], "DECOM": "2024-10-10"}]),
    "empty child": ("episodes", [EPISODES[0], {**EPISODES[1], "CHILD": " "}]),
    "impossible date and bad score": (
        "oc2",
        [{"CHILD": "C1", "DOB": "31/02/2012", "SDQ_SCORE": "x"}, {"CHILD": ""}],
    ),
}


def write_903(landing: Landing, stem: str, rows) -> Path:
    return landing.write_text("return903", "2025-05-01", f"{stem}.csv", csv_text(FILES[stem], rows))


def fetch_903(landing: Landing, sql: str) -> list[tuple]:
    with duckdb.connect(str(landing.config.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_good_903_file_is_read_once(landing_903, monkeypatch):
    forbid_separate_validation(monkeypatch)
    write_903(landing_903, "episodes", EPISODES)

    report = ingest_ssda903_file(landing_903.config, "episodes")

    assert [o.status for o in report.outcomes] == [LOADED]
    assert fetch_903(
        landing_903, "select child, decom, dec, _row_number from raw.ssda903_episodes order by 4"
    ) == [("C1", "03/04/2024", None, 1), ("C2", "10/10/2024", None, 2)]


@pytest.mark.parametrize("kind", list(BAD_903_FILES))
def test_bad_903_file_quarantined_with_full_validation_problems(landing_903, kind):
    stem, rows = BAD_903_FILES[kind]
    table = f"ssda903_{stem}"
    write_903(landing_903, stem, EPISODES if stem == "episodes" else [{"CHILD": "C9"}])
    ingest_ssda903_file(landing_903.config, stem)
    before = fetch_903(landing_903, f"select * from raw.{table} order by all")
    path = write_903(landing_903, stem, rows)

    report = ingest_ssda903_file(landing_903.config, stem)

    (outcome,) = report.quarantined
    name = f"return903/2025-05-01/{stem}.csv"
    expected = full_validation_reason(
        landing_903, path, name, ssda903_contracts()[stem], validate_ssda903_csv
    )
    assert outcome.reason == expected
    assert fetch_903(landing_903, f"select * from raw.{table} order by all") == before
    assert fetch_903(
        landing_903, "select status, count(*) from raw._load_manifest group by 1 order by 1"
    ) == [("loaded", 1), ("quarantined", 1)]


def test_rows_not_found_to_check_fall_back_to_full_validation(landing, fetch, monkeypatch):
    monkeypatch.setattr(warehouse, "_check_loaded_rows", lambda *args: (0, 0))
    landing.write_persons(SYSTEM, EXTRACT, [person(pers_person_id="L1")])

    report = ingest_table(landing.config, PERSON)

    assert [o.status for o in report.outcomes] == [LOADED]
    assert fetch("select pers_person_id, _row_number from raw.ssd_person") == [("L1", 1)]
    assert fetch("select status, row_count from raw._load_manifest") == [("loaded", 1)]
