"""The SSDA903 CSV writer on a small hand-made warehouse: the DfE columns in order, one
collection year's rows, dd/mm/YYYY dates, UTF-8 text, mode 0600, and a whole-set swap."""

from __future__ import annotations

import csv
import datetime as dt
import stat
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.returns.ssda903_export import (
    ReturnExportError,
    model_name,
    ssda903_folder,
    write_ssda903,
)
from orchestration.lib.returns.ssda903_files import FILES, CollectionYear

YEAR = CollectionYear.parse("2025-26")
DATE_COLUMNS = {
    "DOB",
    "MC_DOB",
    "DECOM",
    "DEC",
    "REVIEW",
    "DUC",
    "DATE_INT",
    "DATE_MATCH",
    "DATE_PLACED",
    "DATE_PLACED_CEASED",
    "DATE_PERM",
    "MIS_START",
    "MIS_END",
}


def _value(column: str, row: int) -> object:
    if column in DATE_COLUMNS:
        return dt.date(2025, 4, 1) + dt.timedelta(days=row * 40)
    if column == "CHILD":
        return f"C{row:03d}"
    return f"{column[:3]}{row}"


def _make_warehouse(path: Path, rows_per_year: dict[str, int], skip: str | None = None) -> None:
    """Every returns model with its columns (lower case, as dbt builds them)."""
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema returns")
        for stem, columns in FILES.items():
            if stem == skip:
                continue
            types = ", ".join(
                f'"{column.lower()}" {"date" if column in DATE_COLUMNS else "varchar"}'
                for column in columns
            )
            table = f"returns.{model_name(stem)}"
            # child_key and the columns in a different order: the writer picks by name
            connection.execute(
                f"create table {table} (child_key varchar, {types}, collection_year varchar)"
            )
            for year_label, count in rows_per_year.items():
                for row in range(count):
                    values = [_value(column, row) for column in columns]
                    connection.execute(
                        f"insert into {table} values (?, {', '.join('?' for _ in columns)}, ?)",
                        [f"key{row}", *values, year_label],
                    )


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    _make_warehouse(path, {"2024-25": 2, "2025-26": 3})
    return path


def test_every_file_has_the_dfe_columns_and_only_the_years_rows(
    warehouse: Path, tmp_path: Path
) -> None:
    folder = ssda903_folder(tmp_path / "out", YEAR)
    counts = write_ssda903(warehouse, YEAR, folder)
    assert folder == tmp_path / "out" / "returns" / "2025-26" / "ssda903"
    assert counts == {stem: 3 for stem in FILES}
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{s}.csv" for s in FILES)
    for stem, columns in FILES.items():
        rows = _read(folder / f"{stem}.csv")
        assert tuple(rows[0]) == columns
        assert len(rows) == 4
        assert [row[0] for row in rows[1:]] == ["C000", "C001", "C002"]


def test_dates_are_written_day_month_year_and_nulls_as_empty(
    warehouse: Path, tmp_path: Path
) -> None:
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute(
            "update returns.ret_ssda903_episodes set dec = null, rec = null where child = 'C002'"
        )
    folder = tmp_path / "out"
    write_ssda903(warehouse, YEAR, folder)
    rows = _read(folder / "episodes.csv")
    header = rows[0]
    first, last = rows[1], rows[3]
    assert first[header.index("DECOM")] == "01/04/2025"
    assert rows[2][header.index("DECOM")] == "11/05/2025"
    assert last[header.index("DEC")] == ""
    assert last[header.index("REC")] == ""
    assert _read(folder / "header.csv")[1][FILES["header"].index("DOB")] == "01/04/2025"


def test_text_is_utf8_without_a_byte_order_mark(warehouse: Path, tmp_path: Path) -> None:
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute(
            "update returns.ret_ssda903_header set ethnic = 'Zoë' where child = 'C000'"
        )
    folder = tmp_path / "out"
    write_ssda903(warehouse, YEAR, folder)
    raw = (folder / "header.csv").read_bytes()
    assert raw.startswith(b"CHILD,SEX,DOB,")
    assert "Zoë".encode() in raw
    assert b"\r\n" not in raw


def test_files_are_private(warehouse: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_ssda903(warehouse, YEAR, folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_new_set_replaces_the_old_one_whole(warehouse: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_ssda903(warehouse, CollectionYear.parse("2024-25"), folder)
    (folder / "stray.csv").write_text("left over\n", encoding="utf-8")
    write_ssda903(warehouse, YEAR, folder)
    assert not (folder / "stray.csv").exists()
    assert len(_read(folder / "header.csv")) == 4
    # nothing left beside it: no build or replaced folder
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out", "warehouse.duckdb"]


def test_a_failed_export_leaves_the_previous_set(tmp_path: Path) -> None:
    good = tmp_path / "good.duckdb"
    _make_warehouse(good, {"2025-26": 2})
    folder = tmp_path / "out"
    write_ssda903(good, YEAR, folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    broken = tmp_path / "broken.duckdb"
    _make_warehouse(broken, {"2025-26": 5}, skip="oc3")
    with pytest.raises(ReturnExportError, match="ret_ssda903_oc3"):
        write_ssda903(broken, YEAR, folder)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "broken.duckdb",
        "good.duckdb",
        "out",
    ]


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _make_warehouse(path, {"2025-26": 1})
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("alter table returns.ret_ssda903_missing drop column mis_end")
    with pytest.raises(ReturnExportError, match=r"ret_ssda903_missing lacks column\(s\) mis_end"):
        write_ssda903(path, YEAR, tmp_path / "out")


def test_the_warehouse_is_opened_read_only(warehouse: Path, tmp_path: Path) -> None:
    # a read-only connection elsewhere does not block the export, and the export changes
    # nothing in the warehouse
    before = warehouse.read_bytes()
    with closing(duckdb.connect(str(warehouse), read_only=True)):
        write_ssda903(warehouse, YEAR, tmp_path / "out")
    assert warehouse.read_bytes() == before


def test_a_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no warehouse at"):
        write_ssda903(tmp_path / "absent.duckdb", YEAR, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_no_child_value_is_logged(
    warehouse: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    write_ssda903(warehouse, YEAR, tmp_path / "out")
    assert caplog.text
    assert "C00" not in caplog.text
