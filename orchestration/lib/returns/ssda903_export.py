"""Write the SSDA903 CSV set of one collection year from the published warehouse.

The dbt models ``returns.ret_ssda903_<file>`` (dbt_project/models/returns/ssda903/) hold
every collection year, one row per 903 record, with the file's columns in lower case and
a ``collection_year`` column (``2025-26``). This module selects one year, writes each file
with the DfE column names and order of :mod:`orchestration.lib.returns.ssda903_files`,
dates as ``dd/mm/YYYY`` and UTF-8 text, and swaps the whole set into place at once.

The files carry child identifiers, dates of birth and UPNs (the DfE requires them), so
they are written with mode 0600 and nothing child-level is ever logged
(docs/decisions/0009-outputs-for-readers.md). Pure library: no Dagster.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import os
import shutil
import tempfile
from contextlib import closing
from pathlib import Path

import duckdb

from orchestration.lib.config import ScorecardConfig
from orchestration.lib.returns.ssda903_files import DATE_FORMAT, FILES, CollectionYear

logger = logging.getLogger(__name__)

RETURNS_SCHEMA = "returns"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class ReturnExportError(RuntimeError):
    """The warehouse cannot give a valid 903 return (a model is missing or malformed)."""


def ssda903_folder(output_dir: Path, year: CollectionYear) -> Path:
    """Where the 903 CSV set of ``year`` is written: ``<output_dir>/returns/<YYYY-YY>/ssda903``."""
    return output_dir / "returns" / year.label / "ssda903"


def model_name(stem: str) -> str:
    """The dbt model that holds a 903 file, e.g. ``ret_ssda903_header``."""
    return f"ret_ssda903_{stem}"


def _format_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().strftime(DATE_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _model_columns(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = connection.execute(
        "select lower(column_name) from information_schema.columns "
        "where table_schema = ? and table_name = ?",
        [RETURNS_SCHEMA, table],
    ).fetchall()
    return {row[0] for row in rows}


def _read_file_rows(
    connection: duckdb.DuckDBPyConnection, warehouse: Path, stem: str, year: CollectionYear
) -> list[tuple[object, ...]]:
    table = model_name(stem)
    columns = [column.lower() for column in FILES[stem]]
    available = _model_columns(connection, table)
    if not available:
        raise ReturnExportError(
            f"{warehouse}: no table {RETURNS_SCHEMA}.{table}: build the returns models "
            "(dbt build --select path:models/returns/ssda903) and publish the warehouse"
        )
    missing = [column for column in [*columns, "collection_year"] if column not in available]
    if missing:
        raise ReturnExportError(
            f"{warehouse}: {RETURNS_SCHEMA}.{table} lacks column(s) {', '.join(missing)}"
        )
    select_list = ", ".join(f'"{column}"' for column in columns)
    # Sorted by every column so the same warehouse always writes byte-identical files.
    order_list = ", ".join(str(position) for position in range(1, len(columns) + 1))
    return connection.execute(
        f"select {select_list} from {RETURNS_SCHEMA}.{table} "
        f"where collection_year = ? order by {order_list}",
        [year.label],
    ).fetchall()


def _write_csv(path: Path, stem: str, rows: list[tuple[object, ...]]) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FILES[stem])
        for row in rows:
            writer.writerow([_format_value(value) for value in row])
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(FILE_MODE)


def _swap_into_place(built: Path, folder: Path) -> None:
    """Replace ``folder`` by ``built`` so a reader sees the old set or the new one."""
    if not folder.exists():
        built.rename(folder)
        return
    retired = folder.with_name(f".{folder.name}.replaced-{os.getpid()}")
    folder.rename(retired)
    try:
        built.rename(folder)
    except OSError:
        retired.rename(folder)
        raise
    shutil.rmtree(retired)


def write_ssda903(warehouse: Path, year: CollectionYear, folder: Path) -> dict[str, int]:
    """Write the ten 903 CSV files of ``year`` from ``warehouse`` into ``folder``.

    The warehouse is opened read-only. The files are built in a temporary folder beside
    ``folder`` and renamed into place, replacing any earlier set whole. Returns the data
    rows (header line excluded) per file stem.
    """
    warehouse = Path(warehouse)
    folder = Path(folder)
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}: run the pipeline first")
    with closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        file_rows = {stem: _read_file_rows(connection, warehouse, stem, year) for stem in FILES}
    folder.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f".{folder.name}.building-", dir=folder.parent))
    try:
        built.chmod(FOLDER_MODE)
        for stem, rows in file_rows.items():
            _write_csv(built / f"{stem}.csv", stem, rows)
        _swap_into_place(built, folder)
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    counts = {stem: len(rows) for stem, rows in file_rows.items()}
    logger.info(
        "SSDA903 %s: %d files, %d rows, written to %s",
        year.label,
        len(counts),
        sum(counts.values()),
        folder,
    )
    return counts


def export_command(config: ScorecardConfig, year_text: str, out_dir: Path | None) -> int:
    """``python -m orchestration.cli ssda903-export --year YYYY-YY [--out-dir DIR]``.

    Writes the year's set from the published warehouse into ``out_dir`` (default
    :func:`ssda903_folder`); returns 0, or 2 with a one-line reason.
    """
    try:
        year = CollectionYear.parse(year_text)
        folder = out_dir if out_dir is not None else ssda903_folder(config.output_dir, year)
        counts = write_ssda903(config.published_path, year, folder)
    except (ValueError, FileNotFoundError, ReturnExportError, duckdb.Error) as exc:
        logger.error("ssda903-export: %s", exc)
        return 2
    for stem, rows in counts.items():
        logger.info("  %-25s %6d rows", f"{stem}.csv", rows)
    return 0
