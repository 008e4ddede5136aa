"""Loading extracts into raw.<table> with lineage, idempotently, with quarantine."""

from __future__ import annotations

import datetime as dt

import pytest
from ingest_helpers import csv_text, person

from orchestration.lib import warehouse
from orchestration.lib.contract import table_contract, table_contracts
from orchestration.lib.raw_ingest import ingest_table
from orchestration.lib.warehouse import LINEAGE_COLUMN_NAMES

PERSON = table_contract("ssd_person")
COLUMNS = PERSON.column_names
SECRET_DOB = "1987-02-30"


def ingest(landing, table=PERSON, **options):
    return ingest_table(landing.config, table, **options)


def persons(fetch):
    return fetch(
        "select pers_person_id, pers_forename, pers_dob, _source_system, _extract_date, "
        "_file_name, _row_number from raw.ssd_person order by _source_system, _extract_date, "
        "_row_number"
    )


def manifest(fetch):
    return fetch(
        "select source_system, extract_date, table_name, file_name, status, row_count, encoding, "
        "reason from raw._load_manifest order by loaded_at, file_name"
    )


def test_good_load_with_lineage(landing, fetch):
    path = landing.write_persons(
        "carefirst",
        "2021-06-30",
        [
            person(pers_person_id=" C1 ", pers_forename="Zoë", pers_dob="2010-05-01"),
            person(pers_person_id="C2", pers_forename="", pers_dob="01/02/2012"),
        ],
    )

    report = ingest(landing)

    assert [o.status for o in report.outcomes] == ["loaded"]
    assert report.rows_loaded == 2
    assert report.latest_extracts == {"carefirst": dt.date(2021, 6, 30), "liquid_logic": None}
    name = "carefirst/2021-06-30/ssd_person.csv"
    assert persons(fetch) == [
        ("C1", "Zoë", "2010-05-01", "carefirst", dt.date(2021, 6, 30), name, 1),
        ("C2", None, "01/02/2012", "carefirst", dt.date(2021, 6, 30), name, 2),
    ]
    ((sha, loaded_at, count),) = fetch(
        "select any_value(_file_sha256), any_value(_loaded_at), count(distinct _loaded_at) "
        "from raw.ssd_person"
    )
    assert sha == report.outcomes[0].file_sha256 and len(sha) == 64
    assert isinstance(loaded_at, dt.datetime) and count == 1
    assert manifest(fetch) == [
        ("carefirst", dt.date(2021, 6, 30), "ssd_person", name, "loaded", 2, "utf-8", None)
    ]
    assert path.exists()


def test_raw_columns_are_text_then_lineage(landing, fetch):
    ingest(landing)

    columns = fetch(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'raw' and table_name = 'ssd_person' order by column_index"
    )
    assert [name for name, _ in columns] == [*COLUMNS, *LINEAGE_COLUMN_NAMES]
    types = dict(columns)
    assert {types[name] for name in COLUMNS} == {"VARCHAR"}
    assert [types[name] for name in LINEAGE_COLUMN_NAMES] == [
        "VARCHAR",
        "DATE",
        "VARCHAR",
        "VARCHAR",
        "BIGINT",
        "TIMESTAMP",
    ]


def test_table_created_empty_without_files(landing, fetch):
    report = ingest(landing, table_contract("ssd_cla_pep"))

    assert report.outcomes == ()
    assert fetch("select count(*) from raw.ssd_cla_pep") == [(0,)]


def test_reload_is_idempotent(landing, fetch):
    landing.write_persons("carefirst", "2021-06-30", [person(pers_person_id="C1")])
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="L1")])
    ingest(landing)
    before = fetch("select * from raw.ssd_person order by all")
    manifest_before = fetch("select * from raw._load_manifest order by all")

    report = ingest(landing)

    assert [o.status for o in report.outcomes] == ["skipped", "skipped"]
    assert report.rows_loaded == 0
    assert fetch("select * from raw.ssd_person order by all") == before
    assert fetch("select * from raw._load_manifest order by all") == manifest_before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_load_decoded(landing, fetch, encoding):
    name = "Zoë O\u2019Brien £5"
    landing.write_persons(
        "carefirst", "2021-06-30", [person(pers_forename=name)], encoding=encoding
    )

    ingest(landing)

    assert fetch("select pers_forename from raw.ssd_person") == [(name,)]
    assert fetch("select encoding from raw._load_manifest") == [(encoding,)]


def test_case_insensitive_reordered_headers_and_extra_column(landing, fetch):
    header = [name.upper() for name in reversed(COLUMNS)] + ["Local_Notes"]
    landing.write_persons(
        "carefirst",
        "2021-06-30",
        [{**person(pers_person_id="C1"), "local_notes": " kept "}],
        header=header,
        file_name="SSD_PERSON.CSV",
    )

    ingest(landing)

    assert fetch("select pers_person_id, local_notes from raw.ssd_person") == [("C1", "kept")]
    assert fetch("select _file_name from raw.ssd_person") == [
        ("carefirst/2021-06-30/SSD_PERSON.CSV",)
    ]


def test_extra_column_added_later_keeps_earlier_rows(landing, fetch):
    landing.write_persons("carefirst", "2021-06-30", [person(pers_person_id="C1")])
    ingest(landing)
    landing.write_persons(
        "liquid_logic",
        "2026-10-31",
        [{**person(pers_person_id="L1"), "ll_flag": "Y"}],
        header=[*COLUMNS, "ll_flag"],
    )

    ingest(landing)

    assert fetch("select pers_person_id, ll_flag from raw.ssd_person order by 1") == [
        ("C1", None),
        ("L1", "Y"),
    ]


def test_missing_column_quarantined_with_reason(landing, fetch):
    header = [name for name in COLUMNS if name != "pers_dob"]
    path = landing.write_persons(
        "liquid_logic", "2026-10-31", [person(pers_person_id="L1")], header=header
    )

    report = ingest(landing)

    (outcome,) = report.quarantined
    assert "liquid_logic/2026-10-31/ssd_person.csv" in outcome.reason
    assert "pers_dob" in outcome.reason
    copy = landing.config.quarantine_dir / "liquid_logic" / "2026-10-31" / "ssd_person.csv"
    assert copy.read_bytes() == path.read_bytes()
    reason_file = copy.with_name("ssd_person.csv.reason.txt")
    assert "pers_dob" in reason_file.read_text(encoding="utf-8")
    assert fetch("select count(*) from raw.ssd_person") == [(0,)]
    ((status, reason),) = fetch("select status, reason from raw._load_manifest")
    assert status == "quarantined"
    assert "liquid_logic/2026-10-31/ssd_person.csv" in reason and "pers_dob" in reason


def test_bad_date_reason_names_row_and_column_never_the_value(landing, fetch):
    landing.write_persons(
        "liquid_logic",
        "2026-10-31",
        [person(pers_person_id="L1"), person(pers_person_id="L2", pers_dob=SECRET_DOB)],
    )

    report = ingest(landing)

    (outcome,) = report.quarantined
    for text in (
        outcome.reason,
        fetch("select reason from raw._load_manifest")[0][0],
        (
            landing.config.quarantine_dir / "liquid_logic/2026-10-31/ssd_person.csv.reason.txt"
        ).read_text(encoding="utf-8"),
    ):
        assert "liquid_logic/2026-10-31/ssd_person.csv" in text
        assert "row 2" in text and "pers_dob" in text
        assert SECRET_DOB not in text


def test_ragged_row_quarantined(landing, fetch):
    text = csv_text(COLUMNS, [person(pers_person_id="L1")]) + "L2,too,few\r\n"
    landing.write_text("liquid_logic", "2026-10-31", "ssd_person.csv", text)

    report = ingest(landing)

    (outcome,) = report.quarantined
    assert "row 2" in outcome.reason and "ragged" in outcome.reason
    assert fetch("select count(*) from raw.ssd_person") == [(0,)]


def test_invalid_encoding_quarantined(landing, fetch):
    data = (
        csv_text(COLUMNS, [person(pers_forename="Zoë")]).encode("cp1252").replace(b"\xeb", b"\x9d")
    )
    landing.write_bytes("liquid_logic", "2026-10-31", "ssd_person.csv", data)

    report = ingest(landing)

    (outcome,) = report.quarantined
    offset = data.index(b"\x9d")
    assert f"byte offset {offset}" in outcome.reason
    assert "line 2" in outcome.reason


def test_bad_newer_extract_keeps_older_rows(landing, fetch):
    landing.write_persons("liquid_logic", "2026-09-30", [person(pers_person_id="L1")])
    ingest(landing)
    landing.write_persons(
        "liquid_logic", "2026-10-31", [person(pers_person_id="L1", pers_dob="31/02/2020")]
    )

    report = ingest(landing)

    assert [o.status for o in report.outcomes] == ["skipped", "quarantined"]
    assert fetch("select pers_person_id, _extract_date from raw.ssd_person") == [
        ("L1", dt.date(2026, 9, 30))
    ]
    assert report.latest_extracts["liquid_logic"] == dt.date(2026, 9, 30)


def test_bad_file_does_not_stop_other_files(landing, fetch):
    landing.write_persons("carefirst", "2021-06-30", [person(pers_dob="nope")])
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="L1")])

    report = ingest(landing)

    assert [o.status for o in report.outcomes] == ["quarantined", "loaded"]
    assert fetch("select pers_person_id from raw.ssd_person") == [("L1",)]


def test_unchanged_bad_file_reported_again_without_new_manifest_rows(landing, fetch):
    landing.write_persons("carefirst", "2021-06-30", [person(pers_dob="nope")])
    ingest(landing)

    report = ingest(landing)

    assert [o.status for o in report.outcomes] == ["quarantined"]
    assert fetch("select count(*) from raw._load_manifest") == [(1,)]


def test_redelivery_replaces_rows_atomically(landing, fetch):
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="OLD")])
    first = ingest(landing).outcomes[0]
    landing.write_persons(
        "liquid_logic", "2026-10-31", [person(pers_person_id="NEW1"), person(pers_person_id="NEW2")]
    )

    report = ingest(landing)

    (outcome,) = report.loaded
    assert outcome.replaced_sha256 == first.file_sha256
    assert fetch("select pers_person_id from raw.ssd_person order by 1") == [("NEW1",), ("NEW2",)]
    assert fetch("select status, row_count from raw._load_manifest order by loaded_at") == [
        ("replaced", 1),
        ("loaded", 2),
    ]

    # The original file delivered again is a new delivery, not an already-loaded one.
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="OLD")])
    assert [o.status for o in ingest(landing).outcomes] == ["loaded"]
    assert fetch("select pers_person_id from raw.ssd_person") == [("OLD",)]


def test_bad_redelivery_keeps_loaded_rows(landing, fetch):
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="L1")])
    ingest(landing)
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_dob="bad")])

    report = ingest(landing)

    assert [o.status for o in report.outcomes] == ["quarantined"]
    assert fetch("select pers_person_id from raw.ssd_person") == [("L1",)]


def test_incomplete_folder_skipped_until_quiet(landing, fetch):
    landing.write_persons(
        "liquid_logic", "2026-10-31", [person(pers_person_id="L1")], complete=False
    )

    assert ingest(landing).outcomes == ()
    assert fetch("select count(*) from raw.ssd_person") == [(0,)]

    report = ingest(landing, quiet_seconds=0)
    assert [o.status for o in report.outcomes] == ["loaded"]


def test_truth_and_unknown_system_folders_ignored(landing, fetch):
    landing.write_persons("_truth", "2026-10-31", [person(pers_person_id="T1")])
    landing.write_persons("mosaic", "2026-10-31", [person(pers_person_id="M1")])
    landing.write_persons("liquid_logic", "_old", [person(pers_person_id="X1")])
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="L1")])

    report = ingest(landing)

    assert [o.file_name for o in report.outcomes] == ["liquid_logic/2026-10-31/ssd_person.csv"]
    assert fetch("select pers_person_id from raw.ssd_person") == [("L1",)]


def test_two_files_for_one_table_are_both_quarantined(landing, fetch):
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="L1")])
    landing.write_persons(
        "liquid_logic", "2026-10-31", [person(pers_person_id="L2")], file_name="SSD_PERSON.csv"
    )

    report = ingest(landing)

    assert [o.status for o in report.outcomes] == ["quarantined", "quarantined"]
    assert "more than one file" in report.outcomes[0].reason
    assert fetch("select count(*) from raw.ssd_person") == [(0,)]


def test_every_contract_table_loads_an_empty_file(landing, fetch):
    for contract in table_contracts().values():
        landing.write_text(
            "liquid_logic",
            "2026-10-31",
            f"{contract.name}.csv",
            csv_text(contract.column_names, []),
        )
        report = ingest(landing, contract)
        assert [o.status for o in report.outcomes] == ["loaded"], contract.name
    assert fetch(
        "select count(*) from raw._load_manifest where status = 'loaded' and row_count = 0"
    ) == [(len(table_contracts()),)]


def test_failed_load_changes_nothing(landing, fetch, monkeypatch):
    landing.write_persons("liquid_logic", "2026-10-31", [person(pers_person_id="OLD")])
    ingest(landing)
    before = fetch("select * from raw.ssd_person order by all")
    manifest_before = fetch("select * from raw._load_manifest order by all")
    landing.write_persons(
        "liquid_logic", "2026-10-31", [person(pers_person_id="NEW")], header=[*COLUMNS, "added"]
    )
    original_insert = warehouse._insert_rows

    def insert_then_fail(*args, **kwargs):
        original_insert(*args, **kwargs)
        raise OSError("disk full")

    monkeypatch.setattr(warehouse, "_insert_rows", insert_then_fail)

    with pytest.raises(OSError, match="disk full"):
        ingest(landing)

    assert fetch("select * from raw.ssd_person order by all") == before
    assert fetch("select * from raw._load_manifest order by all") == manifest_before
