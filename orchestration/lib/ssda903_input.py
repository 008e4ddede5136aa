"""Read the DfE SSDA903 CSV set as an input format (docs/decisions/0010).

A system declared ``format: ssda903`` delivers, in each extract folder
``<landing>/<system>/<YYYY-MM-DD>/``, the 903 files named in
:mod:`orchestration.lib.returns.ssda903_files` (``header.csv``, ``episodes.csv``, ...).
Each file is one raw table, ``raw.ssda903_<file>``, loaded exactly as an SSD table is
(:func:`orchestration.lib.raw_ingest.ingest_table`): the same lineage columns, SHA-256
manifest, skip/replace/quarantine rules and error messages naming file, row and column.

On top of the SSD checks a 903 file must hold:

- every column of its file in the DfE specification (column names case-insensitive, any
  order; extra columns are loaded and ignored, as for SSD files);
- a ``CHILD`` on every row (every 903 record is keyed by the child);
- dates written ``dd/mm/YYYY`` (the specification's only date format), real calendar dates.

:func:`ssda903_row_checks` states the same rules over the loaded columns, so that a good
903 file is read once, as a good SSD file is. The dbt models in
``dbt_project/models/staging/ssda903/`` map the raw rows onto the SSD shapes the
looked-after indicators read. Pure library: no Dagster.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Sequence
from contextlib import closing
from functools import cache
from pathlib import Path

import duckdb

from orchestration.lib.config import SYSTEM_FORMAT_SSDA903, ScorecardConfig
from orchestration.lib.contract import Column, TableContract
from orchestration.lib.landing import DEFAULT_QUIET_SECONDS
from orchestration.lib.raw_ingest import TableIngestReport, ingest_table
from orchestration.lib.returns.ssda903_files import FILES
from orchestration.lib.ssd_csv import (
    DEFAULT_MAX_PROBLEMS,
    CsvProblem,
    CsvSource,
    CsvValidationError,
    ValidatedCsv,
    clean_value_sql,
    physical_lines_of_rows,
    read_csv_sql,
    sql_identifier,
    validate_ssd_csv,
    value_conditions,
)

TABLE_PREFIX = "ssda903_"
CHILD_COLUMN = "child"
# A 903 set always has these two; the others hold rows only for some children.
REQUIRED_FILES = ("header", "episodes")

# Columns the specification defines as dates (written dd/mm/YYYY). DATE_PERM is not one:
# the specification lets it carry unknown parts (e.g. zz/zz/2010).
DATE_COLUMNS = frozenset(
    {
        "dob",
        "mc_dob",
        "decom",
        "dec",
        "review",
        "duc",
        "date_int",
        "date_match",
        "date_placed",
        "date_placed_ceased",
        "mis_start",
        "mis_end",
    }
)
# Whole numbers in the specification (SDQ_SCORE 0-40; NB_ADOPTR 1 or 2). SEX (1 or 2) stays
# text: some exports write M/F, which the staging model reads as well.
INTEGER_COLUMNS = frozenset({"sdq_score", "nb_adoptr"})

DMY_DATE_MESSAGE = "not a dd/mm/YYYY date (the SSDA903 date format, a real calendar date)"
MISSING_CHILD_MESSAGE = "CHILD is empty: every SSDA903 row names its child"

_DMY_DATE_SQL = (
    "(regexp_full_match({v}, '\\d{{2}}/\\d{{2}}/\\d{{4}}')"
    " and coalesce(try_strptime({v}, '%d/%m/%Y') >= timestamp '0001-01-01', false))"
)

_log = logging.getLogger(__name__)


def table_name(file_stem: str) -> str:
    """The raw table of one 903 file: ``ssda903_<file>``."""
    return f"{TABLE_PREFIX}{file_stem}"


def _logical_type(column: str) -> str:
    if column in DATE_COLUMNS:
        return "date"
    if column in INTEGER_COLUMNS:
        return "integer"
    return "text"


@cache
def ssda903_contracts() -> dict[str, TableContract]:
    """One contract per 903 file, keyed by file stem, in the specification's order."""
    contracts = {}
    for stem, columns in FILES.items():
        names = tuple(column.lower() for column in columns)
        contracts[stem] = TableContract(
            name=table_name(stem),
            columns=tuple(
                Column(name, "ssda903", _logical_type(name), is_primary_key=False) for name in names
            ),
            required=stem in REQUIRED_FILES,
        )
    return contracts


def validate_ssda903_csv(
    source: CsvSource,
    contract: TableContract,
    *,
    reserved_columns: Collection[str] = (),
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> ValidatedCsv:
    """The SSD checks (header, ragged rows, value types), then the 903 rules.

    Raises CsvValidationError naming file, row, line and column of each problem (never a
    value): an empty CHILD, or a date not written dd/mm/YYYY.
    """
    validated = validate_ssd_csv(
        source,
        _without_dates(contract),
        reserved_columns=reserved_columns,
        max_problems=max_problems,
    )
    problems, total = _rule_problems(source, _rules(contract), max_problems)
    if problems:
        raise CsvValidationError(source.display_name, problems, total)
    return validated


def ssda903_row_checks(contract: TableContract) -> tuple[str, ...]:
    """The value checks of :func:`validate_ssda903_csv` as SQL over the loaded columns.

    Each is true where a row is valid: the SSD checks it runs (dates as text), then the 903
    rules. With the header and structure checks they are that validator (``RowChecks`` of
    ``orchestration.lib.raw_ingest``).
    """
    ssd_checks = value_conditions(_without_dates(contract))
    return (*ssd_checks, *(condition for _, condition, _ in _rules(contract)))


def _without_dates(contract: TableContract) -> TableContract:
    """``contract`` with its dates as text: the SSD pass would also accept ISO dates."""
    return dataclasses.replace(
        contract,
        columns=tuple(
            dataclasses.replace(column, logical_type="text")
            if column.logical_type == "date"
            else column
            for column in contract.columns
        ),
    )


def _rules(contract: TableContract) -> list[tuple[str, str, str]]:
    """The 903 rules as (column, SQL condition true where valid, message), in report order."""
    rules = [(CHILD_COLUMN, f"{sql_identifier(CHILD_COLUMN)} is not null", MISSING_CHILD_MESSAGE)]
    rules += [
        (
            column.name,
            f"({sql_identifier(column.name)} is null or "
            f"{_DMY_DATE_SQL.format(v=sql_identifier(column.name))})",
            DMY_DATE_MESSAGE,
        )
        for column in contract.columns
        if column.logical_type == "date"
    ]
    return rules


def _rule_problems(
    source: CsvSource, checks: Sequence[tuple[str, str, str]], max_problems: int
) -> tuple[list[CsvProblem], int]:
    """The first rows breaking a rule (by row, then rule order) and the number of breaches.

    Only row numbers and rule positions are selected, never a value.
    """
    columns = sorted({column for column, _, _ in checks})
    selected = ", ".join(
        f"{clean_value_sql(column)} as {sql_identifier(column)}" for column in columns
    )
    rows_sql = (
        f"select ordinality as row_number, {selected} from {read_csv_sql(source)} with ordinality"
    )
    flags = ", ".join(
        f"case when not ({condition}) then {index} end"
        for index, (_, condition, _) in enumerate(checks)
    )
    breaches_sql = (
        f"select row_number, check_index from ("
        f" select row_number, unnest([{flags}]) as check_index from ({rows_sql})"
        f") where check_index is not null"
    )
    with closing(duckdb.connect()) as con:
        ((total,),) = con.execute(f"select count(*) from ({breaches_sql})").fetchall()
        found = con.execute(
            f"{breaches_sql} order by row_number, check_index limit ?", [max_problems]
        ).fetchall()
    lines = physical_lines_of_rows(source.read_path, {int(row) for row, _ in found})
    problems = [
        CsvProblem(
            source.display_name,
            checks[index][2],
            row_number=int(row),
            line_number=lines.get(int(row)),
            column=checks[index][0],
        )
        for row, index in found
    ]
    return problems, int(total)


def ingest_ssda903_file(
    config: ScorecardConfig,
    file_stem: str,
    *,
    quiet_seconds: float = DEFAULT_QUIET_SECONDS,
    now: float | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    work_dir: Path | None = None,
    logger: logging.Logger | None = None,
) -> TableIngestReport:
    """Load every new ``<file_stem>.csv`` of the ``format: ssda903`` systems into raw.

    ``raw.ssda903_<file_stem>`` is created (empty) even when no system delivers 903 files,
    so the dbt staging models always compile.
    """
    return ingest_table(
        config,
        ssda903_contracts()[file_stem],
        quiet_seconds=quiet_seconds,
        now=now,
        max_problems=max_problems,
        work_dir=work_dir,
        logger=logger or _log,
        systems=config.system_names_in_format(SYSTEM_FORMAT_SSDA903),
        file_stem=file_stem,
        validator=validate_ssda903_csv,
        row_checks=ssda903_row_checks,
    )
