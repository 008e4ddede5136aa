"""Aggregate data-quality metrics, computed in DuckDB, that the GX suites judge.

Every expectation in a suite file names one metric in ``meta.metric`` (a kind such as
``duplicate_count`` and the raw columns it looks at). This module compiles all the metrics of
a suite into one SQL query over the **latest loaded extract of each configured source
system** and returns one row per system holding counts only. GX then validates that small
frame, so the check scales to national data (the heavy lifting is one DuckDB scan) and no
row-level value (a name, an identifier, a date of birth) ever reaches GX, its Data Docs, the
logs or Dagster metadata.

The latest loaded extract of a system is the newest extract date that either has rows in the
raw table or has a ``loaded`` row in ``raw._load_manifest`` for the table; a newer extract
whose file was loaded but held no rows therefore shows up as a system with no rows.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

logger = logging.getLogger(__name__)

RAW_SCHEMA = "raw"
MANIFEST_TABLE = "_load_manifest"
SYSTEM_COLUMN = "_source_system"
EXTRACT_DATE_COLUMN = "_extract_date"

# The three date layouts the extract contract allows (fractions of a second are optional).
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%d/%m/%Y",
)

# Columns every metrics frame has, whatever the suite asks for.
FRAME_COLUMNS: tuple[str, ...] = ("source_system", "extract_date", "row_count")

# Which parameters each metric kind needs; all are counts of rows in the latest extracts.
METRIC_KINDS: dict[str, tuple[str, ...]] = {
    "row_count": (),
    "null_count": ("column",),
    "duplicate_count": ("column",),
    "unparseable_date_count": ("column",),
    "future_date_count": ("column",),
    "date_before_count": ("column", "before"),
    "date_order_violation_count": ("earlier", "later"),
    "not_in_set_count": ("column", "value_set"),
    "unmapped_code_count": ("column", "code_field"),
    "orphan_count": ("column", "ref_table", "ref_column"),
    "before_referenced_date_count": ("column", "key", "ref_table", "ref_key", "ref_column"),
}

# Kinds whose ``column`` is a date (held as VARCHAR in raw).
_DATE_KINDS = frozenset(
    {
        "unparseable_date_count",
        "future_date_count",
        "date_before_count",
        "before_referenced_date_count",
    }
)

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COLUMN_PARAMS = ("column", "earlier", "later", "key", "ref_column", "ref_table")


class MetricSpecError(ValueError):
    """A suite file asks for a metric that cannot be computed as written."""


class WarehouseSchemaError(RuntimeError):
    """The warehouse lacks a table or column a suite needs (ingest has not built it)."""


@dataclass(frozen=True)
class MetricSpec:
    """One aggregate a suite needs: its output column name, kind and parameters."""

    name: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source_columns(self) -> tuple[str, ...]:
        """The raw columns of the suite's own table that this metric reads."""
        names = (self.params.get(key) for key in ("column", "earlier", "later", "key"))
        return tuple(name for name in names if name)

    @property
    def referenced_table(self) -> str | None:
        return self.params.get("ref_table")


@dataclass(frozen=True)
class CodeReference:
    """DfE code sets and per-system mappings, as in the dbt seeds ``code_sets``/``code_map``."""

    codes: Mapping[str, frozenset[str]]
    mappings: Mapping[tuple[str, str], frozenset[str]]

    def mapped_values(self, system: str, code_field: str) -> frozenset[str]:
        """Trimmed lower-case source values that ``system`` maps to a code of ``code_field``."""
        return self.mappings.get((system, code_field), frozenset())


def load_code_reference(reference_dir: Path) -> CodeReference:
    """Read ``code_sets.csv`` and ``code_map.csv`` (the dbt reference seeds)."""
    codes: dict[str, set[str]] = {}
    with (reference_dir / "code_sets.csv").open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            codes.setdefault(record["code_field"].strip(), set()).add(record["code"].strip())
    mappings: dict[tuple[str, str], set[str]] = {}
    with (reference_dir / "code_map.csv").open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            key = (record["source_system"].strip(), record["code_field"].strip())
            mappings.setdefault(key, set()).add(record["source_value"].strip().lower())
    return CodeReference(
        codes={name: frozenset(values) for name, values in codes.items()},
        mappings={key: frozenset(values) for key, values in mappings.items()},
    )


def metric_spec(name: str, metric: Mapping[str, Any]) -> MetricSpec:
    """Build and validate a metric from an expectation's ``meta.metric`` mapping."""
    if not isinstance(metric, Mapping):
        raise MetricSpecError(f"{name}: meta.metric must be a mapping with a 'kind'")
    kind = metric.get("kind")
    if kind not in METRIC_KINDS:
        raise MetricSpecError(
            f"{name}: unknown metric kind {kind!r}; known: {sorted(METRIC_KINDS)}"
        )
    params = {key: value for key, value in metric.items() if key != "kind"}
    missing = [key for key in METRIC_KINDS[kind] if key not in params]
    if missing:
        raise MetricSpecError(f"{name}: metric kind {kind} needs {missing}")
    _check_identifier(name, "metric column name")
    for key in _COLUMN_PARAMS:
        if key in params:
            _check_identifier(str(params[key]), f"{name}: {key}")
    if kind == "row_count" and name != "row_count":
        raise MetricSpecError(f"{name}: a row_count metric must be the column 'row_count'")
    if kind != "row_count" and name in FRAME_COLUMNS:
        raise MetricSpecError(f"{name}: the name is reserved for {FRAME_COLUMNS}")
    if kind == "date_before_count" and not _ISO_DATE.match(str(params["before"])):
        raise MetricSpecError(f"{name}: 'before' must be a YYYY-MM-DD date")
    if kind == "not_in_set_count" and not (
        isinstance(params["value_set"], list) and params["value_set"]
    ):
        raise MetricSpecError(f"{name}: 'value_set' must be a non-empty list")
    return MetricSpec(name=name, kind=kind, params=params)


def _check_identifier(value: str, what: str) -> None:
    if not _IDENTIFIER.match(value):
        raise MetricSpecError(f"{what}: {value!r} is not a lower-case SQL identifier")


def _quote(identifier: str) -> str:
    return f'"{identifier}"'


def parsed_date_sql(expression: str) -> str:
    """SQL that parses a VARCHAR date in any contract layout; NULL when it does not parse."""
    formats = ", ".join(f"'{layout}'" for layout in DATE_FORMATS)
    return f"cast(try_strptime({expression}, [{formats}]) as date)"


class _Parameters:
    """Named query parameters, so values from suite files never become SQL text."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def add(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


@dataclass(frozen=True)
class _Reference:
    """A join from the suite's table to another raw table's latest extract, many-to-one."""

    alias: str
    table: str
    ref_key: str
    base_key: str
    date_columns: tuple[str, ...]


def _references(metrics: Sequence[MetricSpec]) -> list[_Reference]:
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for metric in metrics:
        if metric.kind == "orphan_count":
            key = (metric.params["ref_table"], metric.params["ref_column"], metric.params["column"])
            grouped.setdefault(key, [])
        elif metric.kind == "before_referenced_date_count":
            key = (metric.params["ref_table"], metric.params["ref_key"], metric.params["key"])
            dates = grouped.setdefault(key, [])
            if metric.params["ref_column"] not in dates:
                dates.append(metric.params["ref_column"])
    return [
        _Reference(f"ref_{index}", table, ref_key, base_key, tuple(dates))
        for index, ((table, ref_key, base_key), dates) in enumerate(grouped.items())
    ]


def _reference_for(metric: MetricSpec, references: Sequence[_Reference]) -> _Reference:
    if metric.kind == "orphan_count":
        wanted = (metric.params["ref_table"], metric.params["ref_column"], metric.params["column"])
    else:
        wanted = (metric.params["ref_table"], metric.params["ref_key"], metric.params["key"])
    return next(ref for ref in references if (ref.table, ref.ref_key, ref.base_key) == wanted)


def _latest_extract_cte(
    name: str, table: str, systems_param: str, params: _Parameters, use_manifest: bool
) -> str:
    manifest = ""
    if use_manifest:
        manifest = f"""
            union all
            select source_system, cast(extract_date as date)
            from {RAW_SCHEMA}.{MANIFEST_TABLE}
            where table_name = {params.add(table)} and status = 'loaded'
              and list_contains({systems_param}, source_system)"""
    return f"""{name} as (
        select source_system, max(extract_date) as extract_date
        from (
            select {SYSTEM_COLUMN} as source_system, {EXTRACT_DATE_COLUMN} as extract_date
            from {RAW_SCHEMA}.{_quote(table)}
            where list_contains({systems_param}, {SYSTEM_COLUMN}){manifest}
        ) as extracts
        group by source_system
    )"""


def _date_columns(metrics: Sequence[MetricSpec]) -> list[str]:
    """Columns of the suite's table that some metric reads as dates (parsed once, in base)."""
    names = set()
    for metric in metrics:
        if metric.kind in _DATE_KINDS:
            names.add(metric.params["column"])
        elif metric.kind == "date_order_violation_count":
            names.update((metric.params["earlier"], metric.params["later"]))
    return sorted(names)


def _parsed(column: str) -> str:
    """The base CTE's parsed-date column for a raw VARCHAR date column."""
    return f"base.{_quote(column + '__date')}"


def _metric_sql(
    metric: MetricSpec,
    params: _Parameters,
    reference: CodeReference,
    systems: Sequence[str],
    references: Sequence[_Reference],
) -> str:
    p = metric.params
    column = f"base.{_quote(p['column'])}" if "column" in p else ""
    kind = metric.kind
    if kind == "null_count":
        return f"count(*) filter (where {column} is null)"
    if kind == "duplicate_count":
        return f"count({column}) - count(distinct {column})"
    if kind == "unparseable_date_count":
        return f"count(*) filter (where {column} is not null and {_parsed(p['column'])} is null)"
    if kind == "future_date_count":
        return f"count(*) filter (where {_parsed(p['column'])} > base.{EXTRACT_DATE_COLUMN})"
    if kind == "date_before_count":
        bound = params.add(str(p["before"]))
        return f"count(*) filter (where {_parsed(p['column'])} < cast({bound} as date))"
    if kind == "date_order_violation_count":
        return f"count(*) filter (where {_parsed(p['later'])} < {_parsed(p['earlier'])})"
    if kind == "not_in_set_count":
        allowed = params.add([str(value) for value in p["value_set"]])
        outside = f"not list_contains({allowed}, {column})"
        return f"count(*) filter (where {column} is not null and {outside})"
    if kind == "unmapped_code_count":
        return _unmapped_code_sql(metric, column, params, reference, systems)
    if kind == "orphan_count":
        ref = _reference_for(metric, references)
        return f"count(*) filter (where {column} is not null and {ref.alias}.ref_key is null)"
    if kind == "before_referenced_date_count":
        ref = _reference_for(metric, references)
        ref_date = f"{ref.alias}.{_quote('ref_' + p['ref_column'])}"
        return f"count(*) filter (where {_parsed(p['column'])} < {ref_date})"
    raise MetricSpecError(f"{metric.name}: no SQL for metric kind {kind}")


def _unmapped_code_sql(
    metric: MetricSpec,
    column: str,
    params: _Parameters,
    reference: CodeReference,
    systems: Sequence[str],
) -> str:
    code_field = str(metric.params["code_field"])
    codes = reference.codes.get(code_field)
    if not codes:
        raise MetricSpecError(f"{metric.name}: code_sets has no codes for '{code_field}'")
    # Same rule as dbt staging: a code already in the set is kept; otherwise the trimmed,
    # lower-case value is looked up in that system's code_map rows for the field.
    branches = [
        f"when {params.add(system)} then list_contains("
        f"{params.add(sorted(reference.mapped_values(system, code_field)))}, lower(trim({column})))"
        for system in systems
        if reference.mapped_values(system, code_field)
    ]
    mapped = f"coalesce(case base.{SYSTEM_COLUMN} {' '.join(branches)} else false end, false)"
    in_set = f"list_contains({params.add(sorted(codes))}, {column})"
    condition = f"{column} is not null and not {in_set}"
    if branches:
        condition += f" and not {mapped}"
    return f"count(*) filter (where {condition})"


def build_metrics_query(
    table: str,
    metrics: Sequence[MetricSpec],
    systems: Sequence[str],
    reference: CodeReference,
    *,
    use_manifest: bool = False,
) -> tuple[str, dict[str, object]]:
    """One aggregate query: a row per configured system, a column per metric.

    Returns the SQL and its named parameters. Systems appear in the order given, each with
    its latest extract date (NULL when it has none) and zero counts when it has no rows.
    """
    _check_identifier(table, "table")
    if not systems:
        raise MetricSpecError("at least one source system is needed")
    params = _Parameters()
    systems_param = params.add(list(systems))
    references = _references(metrics)
    needed = sorted({name for metric in metrics for name in metric.source_columns})
    ctes = [_latest_extract_cte("latest", table, systems_param, params, use_manifest)]
    selected = [f"t.{SYSTEM_COLUMN}", f"t.{EXTRACT_DATE_COLUMN}"]
    selected += [f"t.{_quote(name)}" for name in needed]
    # Each date is parsed once here, not once per metric that reads it.
    selected += [
        f"{parsed_date_sql('t.' + _quote(name))} as {_quote(name + '__date')}"
        for name in _date_columns(metrics)
    ]
    ctes.append(
        f"""base as (
        select {", ".join(selected)}
        from {RAW_SCHEMA}.{_quote(table)} as t
        join latest
          on t.{SYSTEM_COLUMN} = latest.source_system
         and t.{EXTRACT_DATE_COLUMN} = latest.extract_date
    )"""
    )
    joins = []
    for ref in references:
        ctes.append(
            _latest_extract_cte(
                f"{ref.alias}_latest", ref.table, systems_param, params, use_manifest
            )
        )
        dates = "".join(
            f", min({parsed_date_sql('r.' + _quote(c))}) as {_quote('ref_' + c)}"
            for c in ref.date_columns
        )
        ctes.append(
            f"""{ref.alias} as (
        select r.{SYSTEM_COLUMN} as source_system, r.{_quote(ref.ref_key)} as ref_key{dates}
        from {RAW_SCHEMA}.{_quote(ref.table)} as r
        join {ref.alias}_latest as l
          on r.{SYSTEM_COLUMN} = l.source_system and r.{EXTRACT_DATE_COLUMN} = l.extract_date
        where r.{_quote(ref.ref_key)} is not null
        group by 1, 2
    )"""
        )
        joins.append(
            f"left join {ref.alias} on {ref.alias}.source_system = base.{SYSTEM_COLUMN}"
            f" and {ref.alias}.ref_key = base.{_quote(ref.base_key)}"
        )
    counted = [m for m in metrics if m.kind != "row_count"]
    measures = "".join(
        f",\n            {_metric_sql(m, params, reference, systems, references)}"
        f" as {_quote(m.name)}"
        for m in counted
    )
    ctes.append(
        f"""measured as (
        select base.{SYSTEM_COLUMN} as source_system, count(*) as row_count{measures}
        from base
        {" ".join(joins)}
        group by 1
    )"""
    )
    system_rows = ", ".join(f"({params.add(name)}, {order})" for order, name in enumerate(systems))
    ctes.append(f"systems(source_system, system_order) as (values {system_rows})")
    outputs = "".join(
        f",\n    cast(coalesce(measured.{_quote(m.name)}, 0) as bigint) as {_quote(m.name)}"
        for m in counted
    )
    sql = (
        "with "
        + ",\n    ".join(ctes)
        + f"""
select systems.source_system, latest.extract_date,
    cast(coalesce(measured.row_count, 0) as bigint) as row_count{outputs}
from systems
left join latest on latest.source_system = systems.source_system
left join measured on measured.source_system = systems.source_system
order by systems.system_order"""
    )
    return sql, params.values


def missing_columns(
    connection: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str]
) -> list[str]:
    """Columns (or the whole table, as ``<table>``) absent from ``raw.<table>``."""
    found = {
        row[0]
        for row in connection.execute(
            "select lower(column_name) from information_schema.columns"
            " where table_schema = $schema and table_name = $table",
            {"schema": RAW_SCHEMA, "table": table},
        ).fetchall()
    }
    if not found:
        return [f"<{RAW_SCHEMA}.{table}>"]
    return [f"{RAW_SCHEMA}.{table}.{c}" for c in columns if c.lower() not in found]


def _manifest_usable(connection: duckdb.DuckDBPyConnection) -> bool:
    needed = ("source_system", "extract_date", "table_name", "status")
    return not missing_columns(connection, MANIFEST_TABLE, needed)


def _required_columns(table: str, metrics: Sequence[MetricSpec]) -> dict[str, set[str]]:
    required: dict[str, set[str]] = {table: {SYSTEM_COLUMN, EXTRACT_DATE_COLUMN}}
    for metric in metrics:
        required[table].update(metric.source_columns)
        if metric.referenced_table:
            ref_columns = required.setdefault(
                metric.referenced_table, {SYSTEM_COLUMN, EXTRACT_DATE_COLUMN}
            )
            for key in ("ref_column", "ref_key"):
                if key in metric.params:
                    ref_columns.add(metric.params[key])
    return required


def compute_metrics(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    metrics: Sequence[MetricSpec],
    systems: Sequence[str],
    reference: CodeReference,
) -> pd.DataFrame:
    """Run the suite's aggregate query: one row per system, counts only.

    Raises WarehouseSchemaError when a table or column the metrics read does not exist.
    """
    absent = [
        name
        for ref_table, columns in _required_columns(table, metrics).items()
        for name in missing_columns(connection, ref_table, sorted(columns))
    ]
    if absent:
        raise WarehouseSchemaError(f"the warehouse lacks {', '.join(absent)}; run ingest first")
    use_manifest = _manifest_usable(connection)
    sql, params = build_metrics_query(table, metrics, systems, reference, use_manifest=use_manifest)
    logger.debug("quality metrics for raw.%s (manifest used: %s)", table, use_manifest)
    return connection.execute(sql, params).df()
