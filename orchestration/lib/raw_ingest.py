"""Load the landing directory into the warehouse's raw layer, one contract table at a time.

For each file of a table in each complete extract of each configured system:

- already loaded (same SHA-256 for the same system, extract date and table): skipped;
- passes validation: loaded in one transaction with lineage; a re-delivery (different
  SHA-256 for the same system, extract date and table) replaces the earlier file's rows;
- fails validation: copied to ``<output>/quarantine/<system>/<extract_date>/`` with a
  ``<file>.reason.txt`` beside it and recorded in the manifest as ``quarantined``; nothing
  already in raw is touched and the other files still load.

A file whose validator has row checks (:data:`RowChecks`: the SSD validator's, the 903
validator's) is read once when it is good: after the header check it is loaded with its
rows checked in the load transaction (``warehouse.load_file_if_valid``). Only a file that
fails there is rolled back and validated in full, which gives the quarantine its reason.
Files of other validators are validated, then loaded. All files of a table share one
warehouse connection.

Pure library: no Dagster. The Dagster assets in ``orchestration/defs/ingest`` call it.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import duckdb

from orchestration.lib.config import SYSTEM_FORMAT_SSD, ScorecardConfig
from orchestration.lib.contract import TableContract
from orchestration.lib.landing import (
    DEFAULT_QUIET_SECONDS,
    TableFile,
    discover_extracts,
    table_files,
)
from orchestration.lib.ssd_csv import (
    DEFAULT_MAX_PROBLEMS,
    CsvProblem,
    CsvSource,
    CsvValidationError,
    FileFingerprint,
    ValidatedCsv,
    fingerprint_file,
    header_problems,
    open_ssd_csv,
    validate_ssd_csv,
    value_conditions,
)
from orchestration.lib.warehouse import (
    LINEAGE_COLUMN_NAMES,
    STATUS_QUARANTINED,
    FileLineage,
    ManifestEntry,
    ensure_raw_table,
    latest_loaded_extracts,
    load_file,
    load_file_if_valid,
    loaded_files,
    population_source,
    raw_row_count,
    read_population,
    record_quarantine,
    utc_now,
    warehouse_connection,
    write_la_population,
    write_pipeline_settings,
    write_source_systems,
)

LOADED = "loaded"
SKIPPED = "skipped"
QUARANTINED = STATUS_QUARANTINED

_log = logging.getLogger(__name__)


class Validator(Protocol):
    """Checks one opened file against its table's contract; raises CsvValidationError."""

    def __call__(
        self,
        source: CsvSource,
        contract: TableContract,
        *,
        reserved_columns: Collection[str] = (),
        max_problems: int = DEFAULT_MAX_PROBLEMS,
    ) -> ValidatedCsv: ...


# A validator's checks beyond the header and the file's structure, as SQL conditions over
# the loaded columns (true where a row is valid): a file passes the validator exactly when
# its header passes, DuckDB reads every row and each condition holds on every row loaded.
RowChecks = Callable[[TableContract], Sequence[str]]


def _row_checks_of(validator: Validator, row_checks: RowChecks | None) -> RowChecks | None:
    """The row checks given, else the SSD validator's own; None: validate before loading."""
    if row_checks is not None:
        return row_checks
    return value_conditions if validator is validate_ssd_csv else None


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one delivered file in this run."""

    file_name: str
    source_system: str
    extract_date: dt.date
    status: str
    file_sha256: str
    row_count: int = 0
    reason: str | None = None
    replaced_sha256: str | None = None


@dataclass(frozen=True)
class TableIngestReport:
    """The outcome of ingesting one table: per file, plus the table's state afterwards."""

    table: str
    outcomes: tuple[FileOutcome, ...]
    latest_extracts: dict[str, dt.date | None] = field(default_factory=dict)
    table_row_count: int = 0

    def with_status(self, status: str) -> tuple[FileOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.status == status)

    @property
    def loaded(self) -> tuple[FileOutcome, ...]:
        return self.with_status(LOADED)

    @property
    def skipped(self) -> tuple[FileOutcome, ...]:
        return self.with_status(SKIPPED)

    @property
    def quarantined(self) -> tuple[FileOutcome, ...]:
        return self.with_status(QUARANTINED)

    @property
    def rows_loaded(self) -> int:
        return sum(outcome.row_count for outcome in self.loaded)


def ingest_table(
    config: ScorecardConfig,
    contract: TableContract,
    *,
    quiet_seconds: float = DEFAULT_QUIET_SECONDS,
    now: float | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    work_dir: Path | None = None,
    logger: logging.Logger | None = None,
    systems: Sequence[str] | None = None,
    file_stem: str | None = None,
    validator: Validator = validate_ssd_csv,
    row_checks: RowChecks | None = None,
) -> TableIngestReport:
    """Load every new file of ``contract``'s table from the landing directory into raw.

    ``quiet_seconds``/``now`` decide when an extract folder without a ``_complete`` marker
    counts as complete; ``work_dir`` holds temporary UTF-8 copies of Windows-1252 files.
    ``raw.<table>`` is created (empty) even when no file exists.

    ``systems`` are the systems read (default: those whose extracts are SSD tables);
    ``file_stem`` names the delivered file, ``<file_stem>.csv`` (default: the table name);
    ``validator`` checks each file (default: the SSD contract check); ``row_checks`` are
    the same checks on loaded rows, if they exist (default: the SSD validator's own).
    """
    log = logger or _log
    read_systems = (
        tuple(systems) if systems is not None else config.system_names_in_format(SYSTEM_FORMAT_SSD)
    )
    # One connection for the whole table, lent to every file's load and quarantine: DuckDB
    # otherwise loads the database afresh and checkpoints it on each close.
    with warehouse_connection(config.warehouse_path) as con:
        ensure_raw_table(con, contract)
        loaded = loaded_files(con, contract.name)
        return _ingest_files(
            config,
            contract,
            con,
            loaded,
            read_systems,
            quiet_seconds=quiet_seconds,
            now=now,
            max_problems=max_problems,
            work_dir=work_dir,
            log=log,
            stem=file_stem or contract.name,
            validator=validator,
            row_checks=row_checks,
        )


def _ingest_files(
    config: ScorecardConfig,
    contract: TableContract,
    con: duckdb.DuckDBPyConnection,
    loaded: dict[tuple[str, dt.date], str],
    read_systems: tuple[str, ...],
    *,
    quiet_seconds: float,
    now: float | None,
    max_problems: int,
    work_dir: Path | None,
    log: logging.Logger,
    stem: str,
    validator: Validator,
    row_checks: RowChecks | None,
) -> TableIngestReport:
    extracts = discover_extracts(
        config.landing_dir, read_systems, quiet_seconds=quiet_seconds, now=now, logger=log
    )
    files = table_files(config.landing_dir, extracts, stem)
    per_extract = Counter(table_file.extract for table_file in files)
    outcomes = []
    for table_file in files:
        if per_extract[table_file.extract] > 1:
            outcome = _quarantine_ambiguous(config, contract, table_file, log, stem, con)
        else:
            extract = table_file.extract
            outcome = ingest_file(
                config,
                contract,
                table_file,
                loaded_sha256=loaded.get((extract.system, extract.extract_date)),
                max_problems=max_problems,
                work_dir=work_dir,
                logger=log,
                validator=validator,
                row_checks=row_checks,
                con=con,
            )
        outcomes.append(outcome)
    latest = latest_loaded_extracts(con, contract.name)
    total = raw_row_count(con, contract.name)
    return TableIngestReport(
        table=contract.name,
        outcomes=tuple(outcomes),
        latest_extracts={system: latest.get(system) for system in read_systems},
        table_row_count=total,
    )


def ingest_file(
    config: ScorecardConfig,
    contract: TableContract,
    table_file: TableFile,
    *,
    loaded_sha256: str | None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    work_dir: Path | None = None,
    logger: logging.Logger | None = None,
    validator: Validator = validate_ssd_csv,
    row_checks: RowChecks | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> FileOutcome:
    """Validate one file and load it, skip it (already loaded) or quarantine it.

    ``loaded_sha256`` is the file currently loaded for the same system, extract date and
    table (None if none): the same file is skipped, a different one replaces it.
    ``validator`` checks the file against ``contract`` (default: the SSD contract check);
    with ``row_checks`` (see :data:`RowChecks`) a good file is read once, loaded and
    checked in one transaction. ``con`` is the warehouse connection to use (default: one
    opened for this file). No transaction may be open on it.
    """
    log = logger or _log
    extract = table_file.extract
    name = table_file.display_name
    fingerprint = fingerprint_file(table_file.path)
    if loaded_sha256 == fingerprint.sha256:
        log.debug("%s already loaded: skipped", name)
        return _outcome(table_file, SKIPPED, fingerprint)
    lineage = FileLineage(
        source_system=extract.system,
        extract_date=extract.extract_date,
        file_name=name,
        file_sha256=fingerprint.sha256,
        encoding=fingerprint.encoding,
        loaded_at=utc_now(),
    )
    checks = _row_checks_of(validator, row_checks)
    try:
        with (
            _connection(config, con) as warehouse,
            open_ssd_csv(
                table_file.path, name, fingerprint=fingerprint, work_dir=work_dir
            ) as source,
        ):
            rows = None
            if checks is not None and not header_problems(source, contract, LINEAGE_COLUMN_NAMES):
                rows = load_file_if_valid(
                    warehouse,
                    contract,
                    source,
                    lineage,
                    row_conditions=checks(contract),
                    replaces_sha256=loaded_sha256,
                )
            if rows is None:
                rows = _validate_then_load(
                    warehouse, contract, source, lineage, validator, loaded_sha256, max_problems
                )
    except CsvValidationError as error:
        return quarantine(config, contract, table_file, fingerprint, error.reason, log, con=con)
    if loaded_sha256:
        log.info("%s re-delivered: replaced the earlier file's rows with %d rows", name, rows)
    else:
        log.info("%s loaded: %d rows (%s)", name, rows, fingerprint.encoding)
    return _outcome(table_file, LOADED, fingerprint, row_count=rows, replaced_sha256=loaded_sha256)


def _validate_then_load(
    con: duckdb.DuckDBPyConnection,
    contract: TableContract,
    source: CsvSource,
    lineage: FileLineage,
    validator: Validator,
    replaces_sha256: str | None,
    max_problems: int,
) -> int:
    """Run the full validation (raising its CsvValidationError), then load the file."""
    validated = validator(
        source, contract, reserved_columns=LINEAGE_COLUMN_NAMES, max_problems=max_problems
    )
    return load_file(con, contract, validated, lineage, replaces_sha256=replaces_sha256)


@contextmanager
def _connection(
    config: ScorecardConfig, con: duckdb.DuckDBPyConnection | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``con`` if given (left open), else a warehouse connection closed on exit."""
    if con is not None:
        yield con
        return
    with warehouse_connection(config.warehouse_path) as opened:
        yield opened


def _outcome(
    table_file: TableFile,
    status: str,
    fingerprint: FileFingerprint,
    *,
    row_count: int = 0,
    reason: str | None = None,
    replaced_sha256: str | None = None,
) -> FileOutcome:
    return FileOutcome(
        file_name=table_file.display_name,
        source_system=table_file.extract.system,
        extract_date=table_file.extract.extract_date,
        status=status,
        file_sha256=fingerprint.sha256,
        row_count=row_count,
        reason=reason,
        replaced_sha256=replaced_sha256,
    )


def _quarantine_ambiguous(
    config: ScorecardConfig,
    contract: TableContract,
    table_file: TableFile,
    log: logging.Logger,
    file_stem: str,
    con: duckdb.DuckDBPyConnection,
) -> FileOutcome:
    name = table_file.display_name
    problem = CsvProblem(
        name,
        f"more than one file in this extract is named {file_stem}.csv (ignoring case); "
        "it is not clear which to load",
    )
    reason = CsvValidationError(name, [problem]).reason
    fingerprint = fingerprint_file(table_file.path)
    return quarantine(config, contract, table_file, fingerprint, reason, log, con=con)


def quarantine(
    config: ScorecardConfig,
    contract: TableContract,
    table_file: TableFile,
    fingerprint: FileFingerprint,
    reason: str,
    logger: logging.Logger | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> FileOutcome:
    """Copy a refused file to the quarantine folder with its reason and record it.

    ``con`` is the warehouse connection to record it with (default: one opened for it).
    """
    log = logger or _log
    extract = table_file.extract
    quarantined_at = utc_now()
    copy = copy_to_quarantine(
        table_file.path,
        config.quarantine_dir / extract.system / extract.extract_date.isoformat(),
        reason_text(table_file, contract, fingerprint, reason, quarantined_at),
    )
    with _connection(config, con) as warehouse:
        record_quarantine(
            warehouse,
            ManifestEntry(
                source_system=extract.system,
                extract_date=extract.extract_date,
                table_name=contract.name,
                file_name=table_file.display_name,
                file_sha256=fingerprint.sha256,
                encoding=fingerprint.encoding,
                row_count=None,
                status=QUARANTINED,
                reason=reason,
                loaded_at=quarantined_at,
            ),
        )
    log.warning("Quarantined %s (copy at %s): %s", table_file.display_name, copy, reason)
    return _outcome(table_file, QUARANTINED, fingerprint, reason=reason)


def reason_text(
    table_file: TableFile,
    contract: TableContract,
    fingerprint: FileFingerprint,
    reason: str,
    quarantined_at: dt.datetime,
) -> str:
    """The text of ``<file>.reason.txt``: which file, when, and why."""
    return (
        f"file: {table_file.display_name}\n"
        f"table: {contract.name}\n"
        f"source system: {table_file.extract.system}\n"
        f"extract date: {table_file.extract.extract_date.isoformat()}\n"
        f"sha256: {fingerprint.sha256}\n"
        f"encoding: {fingerprint.encoding}\n"
        f"quarantined at (UTC): {quarantined_at.isoformat(sep=' ', timespec='seconds')}\n"
        f"\n{reason}\n"
    )


def copy_to_quarantine(path: Path, folder: Path, reason: str) -> Path:
    """Copy ``path`` into ``folder`` and write ``<name>.reason.txt`` beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.copy2(path, target)
    (folder / f"{path.name}.reason.txt").write_text(reason, encoding="utf-8")
    return target


def ingest_source_systems(config: ScorecardConfig) -> int:
    """Replace ``raw.source_systems`` from the configuration; return the number of systems."""
    with warehouse_connection(config.warehouse_path) as con:
        return write_source_systems(con, config.systems)


def ingest_pipeline_settings(config: ScorecardConfig) -> None:
    """Replace ``raw.pipeline_settings`` from the configuration."""
    with warehouse_connection(config.warehouse_path) as con:
        write_pipeline_settings(con, config)


@dataclass(frozen=True)
class PopulationLoad:
    """Where ``raw.la_population`` came from and what it now holds."""

    source: Path
    rows: int
    latest_mid_year_date: dt.date | None


def ingest_la_population(config: ScorecardConfig) -> PopulationLoad:
    """Replace ``raw.la_population`` with the configured LA's rows of the population source."""
    source = population_source(config)
    rows = read_population(source, config.la_code)
    with warehouse_connection(config.warehouse_path) as con:
        write_la_population(con, rows)
    return PopulationLoad(source, len(rows), max((row[2] for row in rows), default=None))
