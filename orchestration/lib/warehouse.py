"""The DuckDB warehouse's raw layer: connections, raw tables, the load manifest, reference tables.

Shapes follow docs/architecture.md, "Raw layer". DuckDB allows one writing process per file,
so callers open a connection with :func:`warehouse_connection`, write, and close it again
straight away; a connection that finds the file locked waits and retries.

A delivered file is loaded in one transaction, either after validation (:func:`load_file`)
or reading it only once (:func:`load_file_if_valid`: the rows are inserted, then checked
where they now stand, and the transaction rolled back when a check fails).

Pure library: no Dagster.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.config import ScorecardConfig, SourceSystem
from orchestration.lib.contract import TableContract
from orchestration.lib.ssd_csv import (
    CsvSource,
    ValidatedCsv,
    clean_value_sql,
    extra_columns,
    normalise_column_name,
    read_csv_sql,
    sql_identifier,
    sql_string,
)

RAW_SCHEMA = "raw"
MANIFEST_TABLE = "_load_manifest"
ONS_POPULATION_CSV = Path(__file__).with_name("reference") / "ons_population_0_17.csv"

STATUS_LOADED = "loaded"
STATUS_QUARANTINED = "quarantined"
# A loaded file whose rows were replaced by a re-delivery of the same extract and table.
STATUS_REPLACED = "replaced"

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_source_system", "VARCHAR"),
    ("_extract_date", "DATE"),
    ("_file_name", "VARCHAR"),
    ("_file_sha256", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)
LINEAGE_COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in LINEAGE_COLUMNS)

MANIFEST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source_system", "VARCHAR"),
    ("extract_date", "DATE"),
    ("table_name", "VARCHAR"),
    ("file_name", "VARCHAR"),
    ("file_sha256", "VARCHAR"),
    ("encoding", "VARCHAR"),
    ("row_count", "BIGINT"),
    ("status", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("loaded_at", "TIMESTAMP"),
)

POPULATION_COLUMNS = ("la_code", "year", "mid_year_date", "population_0_17")

_LOCK_RETRY_SECONDS = 0.5
_log = logging.getLogger(__name__)


class WarehouseError(RuntimeError):
    """A write to the warehouse failed; nothing of that write was kept."""


@dataclass(frozen=True)
class FileLineage:
    """Where the rows of one loaded file came from, written on every row and the manifest."""

    source_system: str
    extract_date: dt.date
    file_name: str
    file_sha256: str
    encoding: str
    loaded_at: dt.datetime


@dataclass(frozen=True)
class ManifestEntry:
    """One row of ``raw._load_manifest``."""

    source_system: str
    extract_date: dt.date
    table_name: str
    file_name: str
    file_sha256: str
    encoding: str | None
    row_count: int | None
    status: str
    reason: str | None
    loaded_at: dt.datetime


def utc_now() -> dt.datetime:
    """The current time in UTC without a zone, as stored in ``TIMESTAMP`` columns."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@contextmanager
def warehouse_connection(
    path: Path, *, lock_timeout_seconds: float = 600.0
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to the warehouse file, closed on exit.

    If another process holds the file, retry until ``lock_timeout_seconds`` have passed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + lock_timeout_seconds
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() >= deadline:
                raise
            _log.info("Warehouse %s is in use by another process; waiting", path)
            time.sleep(_LOCK_RETRY_SECONDS)
    try:
        yield con
    finally:
        con.close()


def raw_table(table: str) -> str:
    """The qualified SQL name of ``raw.<table>``."""
    return f"{RAW_SCHEMA}.{sql_identifier(table)}"


def _column_definitions(columns: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"{sql_identifier(name)} {sql_type}" for name, sql_type in columns)


def ensure_manifest(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema ``raw`` and ``raw._load_manifest`` if missing."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(
        f"create table if not exists {raw_table(MANIFEST_TABLE)} "
        f"({_column_definitions(MANIFEST_COLUMNS)})"
    )


def ensure_raw_table(con: duckdb.DuckDBPyConnection, contract: TableContract) -> None:
    """Create ``raw.<table>`` (every contract column VARCHAR, then lineage) and the manifest.

    Creates the table empty when no file has been loaded yet, so downstream SQL compiles.
    """
    ensure_manifest(con)
    columns = [(name, "VARCHAR") for name in contract.column_names] + list(LINEAGE_COLUMNS)
    con.execute(
        f"create table if not exists {raw_table(contract.name)} ({_column_definitions(columns)})"
    )


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of ``raw.<table>`` in table order."""
    description = con.execute(f"select * from {raw_table(table)} limit 0").description or []
    return [column[0] for column in description]


def add_extra_columns(con: duckdb.DuckDBPyConnection, table: str, columns: Collection[str]) -> None:
    """Add unknown columns of a delivered file to ``raw.<table>`` as VARCHAR."""
    existing = set(table_columns(con, table))
    for column in columns:
        if column not in existing:
            con.execute(
                f"alter table {raw_table(table)} add column {sql_identifier(column)} VARCHAR"
            )


def loaded_files(con: duckdb.DuckDBPyConnection, table: str) -> dict[tuple[str, dt.date], str]:
    """SHA-256 of the file whose rows ``raw.<table>`` holds, per (source system, extract date)."""
    rows = con.execute(
        f"select source_system, extract_date, file_sha256 from {raw_table(MANIFEST_TABLE)} "
        "where table_name = ? and status = ?",
        [table, STATUS_LOADED],
    ).fetchall()
    return {(system, extract_date): sha256 for system, extract_date, sha256 in rows}


def record_manifest_entry(con: duckdb.DuckDBPyConnection, entry: ManifestEntry) -> None:
    """Append one row to ``raw._load_manifest``."""
    con.execute(
        f"insert into {raw_table(MANIFEST_TABLE)} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            entry.source_system,
            entry.extract_date,
            entry.table_name,
            entry.file_name,
            entry.file_sha256,
            entry.encoding,
            entry.row_count,
            entry.status,
            entry.reason,
            entry.loaded_at,
        ],
    )


def record_quarantine(con: duckdb.DuckDBPyConnection, entry: ManifestEntry) -> bool:
    """Record a quarantined file unless the same file is already recorded as quarantined.

    Returns whether a manifest row was written (re-running on an unchanged bad file adds
    nothing, so runs stay idempotent).
    """
    ((already,),) = con.execute(
        f"select count(*) from {raw_table(MANIFEST_TABLE)} where source_system = ? "
        "and extract_date = ? and table_name = ? and file_sha256 = ? and status = ?",
        [
            entry.source_system,
            entry.extract_date,
            entry.table_name,
            entry.file_sha256,
            STATUS_QUARANTINED,
        ],
    ).fetchall()
    if already:
        return False
    record_manifest_entry(con, entry)
    return True


def load_file(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    validated: ValidatedCsv,
    lineage: FileLineage,
    *,
    replaces_sha256: str | None = None,
) -> int:
    """Load a validated file into ``raw.<table>`` in one transaction; return rows loaded.

    ``raw.<table>`` must exist (:func:`ensure_raw_table`). Adds unknown columns, removes the
    rows of ``replaces_sha256`` (an earlier delivery of the same system, extract and table,
    marked ``replaced`` in the manifest), inserts every row with lineage, and writes the
    manifest row. On any failure nothing of it is kept.
    """
    table = contract.name
    con.begin()
    try:
        _prepare_table(con, table, validated.extra_columns, lineage, replaces_sha256)
        row_count = _insert_rows(con, table, validated.source, lineage)
        if row_count != validated.row_count:
            raise WarehouseError(
                f"{lineage.file_name}: {row_count} rows read at load but {validated.row_count} "
                "at validation (did the file change?); nothing loaded"
            )
        _record_loaded_file(con, table, lineage, row_count)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return row_count


class _RowsFailedCheck(Exception):
    """The rows just inserted broke a check: the load is to be rolled back."""


def load_file_if_valid(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    source: CsvSource,
    lineage: FileLineage,
    *,
    row_conditions: Sequence[str],
    replaces_sha256: str | None = None,
) -> int | None:
    """Load a file whose header passed, reading it once; return rows loaded, None if refused.

    As :func:`load_file`, but the file is read with rejects stored and checked where its
    rows now stand: refused (the transaction rolled back, raw as before) when DuckDB
    could not read it or rejected a row, or when one of ``row_conditions`` (SQL over the
    loaded columns, true where valid) is false on one of its rows. Who gets None runs the
    full validation to learn why. Other failures roll back and raise, as for load_file.
    """
    table = contract.name
    con.begin()
    try:
        _prepare_table(con, table, extra_columns(source, contract), lineage, replaces_sha256)
        row_count = _insert_checked_rows(con, table, source, lineage, row_conditions)
        _record_loaded_file(con, table, lineage, row_count)
        con.commit()
    except _RowsFailedCheck:
        con.rollback()
        return None
    except BaseException:
        con.rollback()
        raise
    return row_count


# DuckDB records the rows a load rejected here (temporary tables of the connection).
_LOAD_REJECTS_TABLE = "_raw_load_rejects"


def _insert_checked_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: CsvSource,
    lineage: FileLineage,
    row_conditions: Sequence[str],
) -> int:
    """Insert the file's rows, then raise _RowsFailedCheck unless every check holds."""
    _drop_load_rejects(con)
    try:
        row_count = _insert_rows(con, table, source, lineage, rejects_table=_LOAD_REJECTS_TABLE)
    except (WarehouseError, duckdb.Error) as error:
        raise _RowsFailedCheck from error
    if _load_rejected_rows(con):
        raise _RowsFailedCheck
    found, failing = _check_loaded_rows(con, table, lineage, row_conditions)
    if failing:
        raise _RowsFailedCheck
    if found != row_count:
        # Cannot happen unless the rows are not found by their lineage: validate in full.
        _log.warning("%s: %d rows inserted, %d found to check", lineage.file_name, row_count, found)
        raise _RowsFailedCheck
    _drop_load_rejects(con)
    return row_count


def _drop_load_rejects(con: duckdb.DuckDBPyConnection) -> None:
    # Rejects accumulate over the connection's scans: each load starts without them.
    for name in (_LOAD_REJECTS_TABLE, f"{_LOAD_REJECTS_TABLE}_scan"):
        con.execute(f"drop table if exists temp.{sql_identifier(name)}")


def _load_rejected_rows(con: duckdb.DuckDBPyConnection) -> int:
    # Looked up first (a failing query would abort the transaction): some DuckDB versions
    # create the rejects table only when a row is rejected.
    ((exists,),) = con.execute(
        "select count(*) from duckdb_tables() where temporary and table_name = ?",
        [_LOAD_REJECTS_TABLE],
    ).fetchall()
    if not exists:
        return 0
    ((count,),) = con.execute(
        f"select count(*) from temp.{sql_identifier(_LOAD_REJECTS_TABLE)}"
    ).fetchall()
    return int(count)


def _check_loaded_rows(
    con: duckdb.DuckDBPyConnection, table: str, lineage: FileLineage, row_conditions: Sequence[str]
) -> tuple[int, int]:
    """The rows of this load (its own ``_loaded_at`` and file), and how many break a condition.

    ``_loaded_at`` is filtered first: the row groups of earlier loads are skipped by their
    min/max statistics instead of being read.
    """
    broken = " or ".join(f"not ({condition})" for condition in row_conditions) or "false"
    ((found, failing),) = con.execute(
        f"select count(*), count(*) filter (where {broken}) from {raw_table(table)} "
        "where _loaded_at = ? and _file_sha256 = ? and _source_system = ? and _extract_date = ?",
        [lineage.loaded_at, lineage.file_sha256, lineage.source_system, lineage.extract_date],
    ).fetchall()
    return int(found), int(failing)


def _prepare_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    new_columns: Collection[str],
    lineage: FileLineage,
    replaces_sha256: str | None,
) -> None:
    """Add the file's unknown columns; remove the rows of the file it replaces, if any."""
    add_extra_columns(con, table, new_columns)
    if replaces_sha256:
        _remove_replaced_file(con, table, lineage, replaces_sha256)


def _record_loaded_file(
    con: duckdb.DuckDBPyConnection, table: str, lineage: FileLineage, row_count: int
) -> None:
    record_manifest_entry(
        con,
        ManifestEntry(
            source_system=lineage.source_system,
            extract_date=lineage.extract_date,
            table_name=table,
            file_name=lineage.file_name,
            file_sha256=lineage.file_sha256,
            encoding=lineage.encoding,
            row_count=row_count,
            status=STATUS_LOADED,
            reason=None,
            loaded_at=lineage.loaded_at,
        ),
    )


def _remove_replaced_file(
    con: duckdb.DuckDBPyConnection, table: str, lineage: FileLineage, old_sha256: str
) -> None:
    keys = [lineage.source_system, lineage.extract_date, old_sha256]
    con.execute(
        f"delete from {raw_table(table)} "
        "where _source_system = ? and _extract_date = ? and _file_sha256 = ?",
        keys,
    )
    con.execute(
        f"update {raw_table(MANIFEST_TABLE)} set status = ?, reason = ? "
        "where source_system = ? and extract_date = ? and file_sha256 = ? "
        "and table_name = ? and status = ?",
        [
            STATUS_REPLACED,
            f"replaced by {lineage.file_name} (sha256 {lineage.file_sha256}) "
            f"at {lineage.loaded_at.isoformat(sep=' ')}",
            *keys,
            table,
            STATUS_LOADED,
        ],
    )


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    source: CsvSource,
    lineage: FileLineage,
    *,
    rejects_table: str | None = None,
) -> int:
    columns = source.columns
    target = ", ".join(sql_identifier(name) for name in (*columns, *LINEAGE_COLUMN_NAMES))
    values = ", ".join(clean_value_sql(name) for name in columns)
    sql = (
        f"insert into {raw_table(table)} ({target}) "
        f"select {values}, ?, ?, ?, ?, ordinality, ? "
        f"from {read_csv_sql(source, rejects_table=rejects_table)} with ordinality"
    )
    parameters = [
        lineage.source_system,
        lineage.extract_date,
        lineage.file_name,
        lineage.file_sha256,
        lineage.loaded_at,
    ]
    try:
        ((row_count,),) = con.execute(sql, parameters).fetchall()
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        # DuckDB's message can quote the offending line: report only the kind of error.
        raise WarehouseError(
            f"{lineage.file_name}: could not be read at load ({type(error).__name__}); "
            "nothing loaded"
        ) from None
    return int(row_count)


def latest_loaded_extracts(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, dt.date]:
    """The newest extract date with a loaded file of ``table``, per source system."""
    rows = con.execute(
        f"select source_system, max(extract_date) from {raw_table(MANIFEST_TABLE)} "
        "where table_name = ? and status = ? group by source_system order by source_system",
        [table, STATUS_LOADED],
    ).fetchall()
    return {system: extract_date for system, extract_date in rows}


def raw_row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Number of rows in ``raw.<table>``."""
    ((count,),) = con.execute(f"select count(*) from {raw_table(table)}").fetchall()
    return int(count)


def _replace_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[object]],
) -> None:
    """Atomically replace ``raw.<table>`` with ``rows``."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.begin()
    try:
        con.execute(f"create or replace table {raw_table(table)} ({_column_definitions(columns)})")
        if rows:
            placeholders = ", ".join("?" for _ in columns)
            con.executemany(f"insert into {raw_table(table)} values ({placeholders})", rows)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def write_source_systems(con: duckdb.DuckDBPyConnection, systems: Sequence[SourceSystem]) -> int:
    """Replace ``raw.source_systems`` with the configured systems in go-live order."""
    rows = [
        (system.name, order, system.live_from, system.live_to)
        for order, system in enumerate(systems, start=1)
    ]
    _replace_table(
        con,
        "source_systems",
        (
            ("system_name", "VARCHAR"),
            ("system_order", "INTEGER"),
            ("live_from", "DATE"),
            ("live_to", "DATE"),
        ),
        rows,
    )
    return len(rows)


def pipeline_settings(config: ScorecardConfig) -> dict[str, object]:
    """The one row of ``raw.pipeline_settings``; history start = the earliest ``live_from``."""
    return {
        "la_code": config.la_code,
        "la_name": config.la_name,
        "as_of_date": config.as_of_date,
        "history_start": min(system.live_from for system in config.systems),
    }


def write_pipeline_settings(con: duckdb.DuckDBPyConnection, config: ScorecardConfig) -> None:
    """Replace ``raw.pipeline_settings`` with the configuration's settings."""
    settings = pipeline_settings(config)
    _replace_table(
        con,
        "pipeline_settings",
        (
            ("la_code", "VARCHAR"),
            ("la_name", "VARCHAR"),
            ("as_of_date", "DATE"),
            ("history_start", "DATE"),
        ),
        [tuple(settings.values())],
    )


def write_indicator_targets(con: duckdb.DuckDBPyConnection, config: ScorecardConfig) -> int:
    """Replace ``raw.indicator_target_overrides`` with the config's ``targets:`` (maybe none).

    The table always exists so that dbt compiles; the seed ``indicator_targets`` holds the
    defaults these override.
    """
    rows = [
        (code, override.target, override.tolerance)
        for code, override in sorted(config.targets.items())
    ]
    _replace_table(
        con,
        "indicator_target_overrides",
        (("indicator_code", "VARCHAR"), ("target", "DOUBLE"), ("tolerance", "DOUBLE")),
        rows,
    )
    return len(rows)


def write_boundary_postcodes(con: duckdb.DuckDBPyConnection, config: ScorecardConfig) -> int:
    """Replace ``raw.la_boundary_postcodes`` with the config's ``boundary_postcodes:``.

    The postcode districts and sectors inside the LA boundary decide whether a placement
    is "outside the LA" (CLA_OUT_OF_AREA_20MI). The table always exists so that dbt
    compiles; empty, the indicator is not computed.
    """
    rows = [(prefix,) for prefix in config.boundary_postcodes]
    _replace_table(con, "la_boundary_postcodes", (("postcode_prefix", "VARCHAR"),), rows)
    return len(rows)


class PopulationFileError(ValueError):
    """The population file is missing, lacks a column, or holds a value of the wrong type."""


def population_source(config: ScorecardConfig) -> Path:
    """The configured ``population_file``, else the project's copy of the ONS estimates."""
    return config.population_file or ONS_POPULATION_CSV


def read_population(path: Path, la_code: str) -> list[tuple[str, int, dt.date, int | None]]:
    """Rows (la_code, year, mid_year_date, population_0_17) of ``path`` for ``la_code``.

    Column names are matched case-insensitively; extra columns are ignored. Raises
    PopulationFileError when the file or a column is missing or a value has the wrong type.
    """
    if not path.is_file():
        raise PopulationFileError(f"population file not found: {path}")
    source = f"read_csv({sql_string(str(path))}, header = true, all_varchar = true)"
    with closing(duckdb.connect()) as con:
        header = con.execute(f"select * from {source} limit 0").description or []
        present = {normalise_column_name(column[0]): column[0] for column in header}
        missing = [column for column in POPULATION_COLUMNS if column not in present]
        if missing:
            raise PopulationFileError(f"{path}: missing column(s) {', '.join(missing)}")
        la, year, mid_year, population = (
            sql_identifier(present[column]) for column in POPULATION_COLUMNS
        )
        typed = (
            f"select trim({la}) as la_code, try_cast(trim({year}) as integer) as year,"
            f" try_cast(trim({mid_year}) as date) as mid_year_date,"
            f" try_cast(trim({population}) as integer) as population_0_17,"
            f" nullif(trim({population}), '') as population_text from {source}"
        )
        ((bad,),) = con.execute(
            f"select count(*) from ({typed}) where year is null or mid_year_date is null "
            "or (population_0_17 is null and population_text is not null)"
        ).fetchall()
        if bad:
            raise PopulationFileError(
                f"{path}: {bad} row(s) without a whole-number year or a YYYY-MM-DD "
                "mid_year_date, or with a population_0_17 that is not a whole number"
            )
        return con.execute(
            f"select la_code, year, mid_year_date, population_0_17 from ({typed}) "
            "where la_code = ? order by mid_year_date",
            [la_code],
        ).fetchall()


def write_la_population(
    con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[str, int, dt.date, int | None]]
) -> None:
    """Replace ``raw.la_population`` with ``rows``."""
    _replace_table(
        con,
        "la_population",
        (
            ("la_code", "VARCHAR"),
            ("year", "INTEGER"),
            ("mid_year_date", "DATE"),
            ("population_0_17", "INTEGER"),
        ),
        rows,
    )
