"""Reading and validating one SSD extract file at the door."""

from __future__ import annotations

import pytest
from ingest_helpers import csv_text, person

from orchestration.lib.contract import table_contract
from orchestration.lib.ssd_csv import (
    CP1252,
    UTF8,
    UTF8_BOM,
    CsvValidationError,
    fingerprint_file,
    open_ssd_csv,
    validate_ssd_csv,
)

PERSON = table_contract("ssd_person")
PERSON_COLUMNS = PERSON.column_names
SECRET_DOB = "1987-02-30"


def validate(path, name="carefirst/2021-06-30/ssd_person.csv", contract=PERSON, **options):
    with open_ssd_csv(path, name) as source:
        return validate_ssd_csv(source, contract, **options)


def problems_of(path, **options) -> CsvValidationError:
    with pytest.raises(CsvValidationError) as raised:
        validate(path, **options)
    return raised.value


def write(tmp_path, text: str, *, encoding: str = "utf-8", name: str = "ssd_person.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", UTF8), ("utf-8-sig", UTF8_BOM), ("cp1252", CP1252)],
)
def test_encoding_detected_and_decoded(tmp_path, encoding, expected):
    name = "Zoë O\u2019Brien £5"  # the apostrophe is 0x92 in Windows-1252
    path = write(
        tmp_path, csv_text(PERSON_COLUMNS, [person(pers_forename=name)]), encoding=encoding
    )
    if encoding == "cp1252":
        assert b"\x92" in path.read_bytes() and b"\xeb" in path.read_bytes()

    assert fingerprint_file(path).encoding == expected
    with open_ssd_csv(path, "x/ssd_person.csv") as source:
        assert source.columns == PERSON_COLUMNS
        text = source.read_path.read_text(encoding="utf-8-sig")
        assert name in text
        assert validate_ssd_csv(source, PERSON).row_count == 1


def test_transcoded_copy_is_removed_afterwards(tmp_path):
    path = write(
        tmp_path, csv_text(PERSON_COLUMNS, [person(pers_forename="Zoë")]), encoding="cp1252"
    )
    work = tmp_path / "work"
    with open_ssd_csv(path, "x/ssd_person.csv", work_dir=work) as source:
        assert source.read_path != path
        assert source.read_path.is_relative_to(work)
    assert list(work.iterdir()) == []


def test_bytes_undefined_in_cp1252_are_refused_with_offset_and_line(tmp_path):
    text = csv_text(PERSON_COLUMNS, [person(pers_person_id="1"), person(pers_forename="Zoë")])
    data = text.encode("cp1252")
    data = data.replace("Zoë".encode("cp1252"), b"Zo\x81")
    path = tmp_path / "ssd_person.csv"
    path.write_bytes(data)

    error = problems_of(path)

    (problem,) = error.problems
    assert problem.byte_offset == data.index(b"\x81")
    assert problem.line_number == 3
    assert "carefirst/2021-06-30/ssd_person.csv" in error.reason
    assert f"byte offset {problem.byte_offset}" in error.reason
    assert "line 3" in error.reason


def test_bom_file_with_invalid_utf8_is_refused(tmp_path):
    path = tmp_path / "ssd_person.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + csv_text(PERSON_COLUMNS, [person(pers_forename="Zoë")]).encode("cp1252")
    )

    error = problems_of(path)

    assert "byte order mark" in error.reason
    assert error.problems[0].line_number == 2


def test_utf16_is_refused(tmp_path):
    path = write(tmp_path, csv_text(PERSON_COLUMNS, [person()]), encoding="utf-16")

    assert "UTF-16" in problems_of(path).reason


def test_headers_case_insensitive_reordered_and_extra_columns_kept(tmp_path):
    header = [f"  {name.upper()} " for name in reversed(PERSON_COLUMNS)] + ["Local_Flag"]
    path = write(tmp_path, csv_text(header, [{**person(pers_person_id="7"), "local_flag": "Y"}]))

    validated = validate(path)

    assert validated.row_count == 1
    assert validated.extra_columns == ("local_flag",)
    assert validated.source.columns[0] == PERSON_COLUMNS[-1]


def test_missing_required_column_named(tmp_path):
    header = [name for name in PERSON_COLUMNS if name != "pers_dob"]
    path = write(tmp_path, csv_text(header, [person()]))

    error = problems_of(path)

    assert [(p.column, p.message) for p in error.problems] == [
        ("pers_dob", "required column of ssd_person missing from header")
    ]
    assert "carefirst/2021-06-30/ssd_person.csv" in error.reason
    assert "pers_dob" in error.reason


def test_duplicate_blank_and_reserved_header_names_refused(tmp_path):
    header = [*PERSON_COLUMNS, "PERS_DOB", "", "_row_number"]
    path = write(tmp_path, csv_text(header, [person()]))

    error = problems_of(path, reserved_columns=("_row_number",))

    messages = {(p.column, p.message.split(" ")[0]) for p in error.problems}
    assert ("pers_dob", "column") in messages
    assert (None, "header") in messages
    assert ("_row_number", "column") in messages


def test_empty_file_refused(tmp_path):
    path = write(tmp_path, "")

    assert "no header row" in problems_of(path).reason


def test_header_only_file_is_valid_and_empty(tmp_path):
    path = write(tmp_path, csv_text(PERSON_COLUMNS, []))

    assert validate(path).row_count == 0


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-29",
        "2024-02-29 23:59:59",
        "2024-02-29 00:00:00.000",
        "2024-02-29 13:45:10.5",
        "29/02/2024",
        "  2021-06-30  ",
        "",
        "   ",
    ],
)
def test_valid_dates_accepted(tmp_path, value):
    path = write(tmp_path, csv_text(PERSON_COLUMNS, [person(pers_dob=value)]))

    assert validate(path).row_count == 1


@pytest.mark.parametrize(
    "value",
    [
        SECRET_DOB,
        "2023-02-29",
        "31/04/2020",
        "2020-13-01",
        "2020-1-01",
        "1/2/2020",
        "2020-01-01T10:00:00",
        "2020-01-01 24:00:00",
        "2020-01-01 10:00",
        "2020-01-01 10:00:00.1234",
        "0000-01-01",
        "01-02-2020",
        "yesterday",
    ],
)
def test_invalid_dates_refused(tmp_path, value):
    path = write(tmp_path, csv_text(PERSON_COLUMNS, [person(pers_dob=value)]))

    error = problems_of(path)

    assert [(p.row_number, p.column) for p in error.problems] == [(1, "pers_dob")]


def test_bad_date_reason_names_file_row_and_column_but_not_value(tmp_path):
    rows = [
        person(pers_person_id="P1", pers_surname="Line one\nline two"),
        person(pers_person_id="P2"),
        person(pers_person_id="P3", pers_dob=SECRET_DOB),
    ]
    path = write(tmp_path, csv_text(PERSON_COLUMNS, rows))

    error = problems_of(path)

    (problem,) = error.problems
    assert (problem.row_number, problem.line_number, problem.column) == (3, 5, "pers_dob")
    assert "carefirst/2021-06-30/ssd_person.csv" in error.reason
    assert "row 3" in error.reason and "line 5" in error.reason and "pers_dob" in error.reason
    assert SECRET_DOB not in error.reason
    assert SECRET_DOB not in str(error)
    assert "P3" not in error.reason


def test_problems_are_listed_in_row_order_and_capped(tmp_path):
    rows = [person(pers_person_id=str(n), pers_dob="bad", pers_death_date="bad") for n in range(30)]
    path = write(tmp_path, csv_text(PERSON_COLUMNS, rows))

    error = problems_of(path, max_problems=5)

    assert error.total == 60
    assert [(p.row_number, p.column) for p in error.problems] == [
        (1, "pers_dob"),
        (1, "pers_death_date"),
        (2, "pers_dob"),
        (2, "pers_death_date"),
        (3, "pers_dob"),
    ]
    assert "60 problem(s), the first 5 listed" in error.reason


@pytest.mark.parametrize(
    ("table", "column", "good", "bad"),
    [
        ("ssd_professionals", "prof_professional_caseload", "-12", "12.5"),
        ("ssd_professionals", "prof_full_time_equivalency", "0.75", "three quarters"),
        ("ssd_professionals", "prof_full_time_equivalency", "1e-3", "NaN"),
    ],
)
def test_numeric_columns(tmp_path, table, column, good, bad):
    contract = table_contract(table)
    good_path = write(tmp_path, csv_text(contract.column_names, [{column: good}]), name="good.csv")
    bad_path = write(tmp_path, csv_text(contract.column_names, [{column: bad}]), name="bad.csv")

    assert validate(good_path, contract=contract).row_count == 1
    error = problems_of(bad_path, contract=contract)
    assert [(p.row_number, p.column) for p in error.problems] == [(1, column)]
    assert bad not in error.reason


def test_ragged_rows_refused_with_row_and_line(tmp_path):
    good = csv_text(PERSON_COLUMNS, [person(pers_person_id="1", pers_surname="two\nlines")])
    short_row = ",".join(["2"] * (len(PERSON_COLUMNS) - 2))
    long_row = ",".join(["3"] * (len(PERSON_COLUMNS) + 1))
    path = write(tmp_path, good + short_row + "\r\n" + long_row + "\r\n")

    error = problems_of(path)

    assert [(p.row_number, p.line_number) for p in error.problems] == [(2, 4), (3, 5)]
    assert "fewer fields" in error.problems[0].message
    assert "more fields" in error.problems[1].message
    assert "ragged" in error.reason


def test_row_numbers_follow_file_order_in_a_large_file(tmp_path):
    rows = [person(pers_person_id=str(n)) for n in range(1, 200_001)]
    rows[149_999] = person(pers_person_id="150000", pers_dob="not a date")
    path = write(tmp_path, csv_text(PERSON_COLUMNS, rows))

    error = problems_of(path)

    assert [(p.row_number, p.line_number) for p in error.problems] == [(150_000, 150_001)]
