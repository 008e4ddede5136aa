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

Suites on dbt outputs (staging, intermediate, marts) use the **whole table** instead
(``meta.scope: whole_table``): one frame row for the table, or one per value of a
``group_by`` column that holds no child-level value (an indicator code, a defect kind). Their
metric kinds (value ranges, numerator within denominator, month-on-month drift, filtered row
counts) take structured parameters; a filter is a list of ``{column, op, value}`` conditions
from a fixed set of operators, never SQL text.
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
FILE_NAME_COLUMN = "_file_name"
ROW_NUMBER_COLUMN = "_row_number"

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
    "value_out_of_range_count": ("column",),
    "numerator_exceeds_denominator_count": ("numerator", "denominator"),
    "month_on_month_change_count": ("column", "period", "partition_by"),
    "rows_where_count": ("where",),
    "unparsed_source_value_count": ("column", "source_table", "source_column"),
}

# How a suite's rows are chosen: the latest extract of each system (raw) or the whole table.
LATEST_EXTRACT_SCOPE = "latest_extract_per_system"
WHOLE_TABLE_SCOPE = "whole_table"
SCOPES = (LATEST_EXTRACT_SCOPE, WHOLE_TABLE_SCOPE)

# Kinds each scope can compute. Raw dates are text and carry an extract date; dbt outputs
# are typed and have neither, so the two sets overlap only in the plain counts.
SCOPE_KINDS: dict[str, frozenset[str]] = {
    LATEST_EXTRACT_SCOPE: frozenset(
        {
            "row_count",
            "null_count",
            "duplicate_count",
            "unparseable_date_count",
            "future_date_count",
            "date_before_count",
            "date_order_violation_count",
            "not_in_set_count",
            "unmapped_code_count",
            "orphan_count",
            "before_referenced_date_count",
        }
    ),
    WHOLE_TABLE_SCOPE: frozenset(
        {
            "row_count",
            "null_count",
            "duplicate_count",
            "not_in_set_count",
            "orphan_count",
            "value_out_of_range_count",
            "numerator_exceeds_denominator_count",
            "month_on_month_change_count",
            "rows_where_count",
            "unparsed_source_value_count",
        }
    ),
}

# Operators a filter condition may use, with the number of values each takes.
FILTER_OPERATORS: dict[str, str] = {
    "=": "one",
    "!=": "one",
    "<": "one",
    "<=": "one",
    ">": "one",
    ">=": "one",
    "in": "list",
    "not in": "list",
    "is null": "none",
    "is not null": "none",
}

# The frame label of a whole-table suite without group_by, and of an empty grouped table.
WHOLE_TABLE_LABEL = "all"
EMPTY_GROUP_LABEL = "(no rows)"

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
_COLUMN_PARAMS = (
    "column",
    "earlier",
    "later",
    "key",
    "ref_column",
    "ref_table",
    "ref_schema",
    "numerator",
    "denominator",
    "period",
    "source_table",
    "source_column",
)
_NUMBER_PARAMS = (
    "min_value",
    "max_value",
    "max_change",
    "max_relative_change",
    "min_denominator",
    "min_base",
    "max_z_score",
)


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
        """The columns of the suite's own table that this metric reads."""
        keys = ("column", "earlier", "later", "key", "numerator", "denominator", "period")
        names = [self.params.get(key) for key in keys]
        names += list(self.params.get("partition_by") or ())
        names += [condition["column"] for condition in self.params.get("where") or ()]
        return tuple(dict.fromkeys(name for name in names if name))

    @property
    def referenced_table(self) -> str | None:
        """The other table a metric joins to (``schema.table`` outside the raw scope)."""
        if self.kind == "unparsed_source_value_count":
            return f"{RAW_SCHEMA}.{self.params['source_table']}"
        if "ref_schema" in self.params:
            return f"{self.params['ref_schema']}.{self.params['ref_table']}"
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
    _check_table_params(name, kind, params)
    return MetricSpec(name=name, kind=kind, params=params)


def _check_table_params(name: str, kind: str, params: Mapping[str, Any]) -> None:
    """Checks for the parameters of the whole-table kinds (numbers, filters, drift)."""
    for key in _NUMBER_PARAMS:
        value = params.get(key)
        if key in params and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise MetricSpecError(f"{name}: '{key}' must be a number")
    if "where" in params:
        check_filter(params["where"], name)
    if kind == "rows_where_count" and not params["where"]:
        raise MetricSpecError(f"{name}: 'where' must hold at least one condition")
    if kind == "value_out_of_range_count" and not ("min_value" in params or "max_value" in params):
        raise MetricSpecError(f"{name}: give 'min_value', 'max_value' or both")
    if kind == "month_on_month_change_count":
        partition = params["partition_by"]
        if not isinstance(partition, list):
            raise MetricSpecError(f"{name}: 'partition_by' must be a list of columns")
        for column in partition:
            _check_identifier(str(column), f"{name}: partition_by")
        if ("max_change" in params) == ("max_relative_change" in params):
            raise MetricSpecError(
                f"{name}: give exactly one of 'max_change', 'max_relative_change'"
            )
        if "min_denominator" in params and "denominator" not in params:
            raise MetricSpecError(f"{name}: 'min_denominator' needs 'denominator'")
        if "max_z_score" in params and not {"numerator", "denominator"} <= set(params):
            raise MetricSpecError(f"{name}: 'max_z_score' needs 'numerator' and 'denominator'")
    if "ref_schema" in params and kind != "orphan_count":
        raise MetricSpecError(f"{name}: 'ref_schema' belongs to orphan_count only")


def check_filter(conditions: object, where: str = "filter") -> None:
    """Check a structured filter: a list of ``{column, op[, value]}`` with known operators."""
    if not isinstance(conditions, list):
        raise MetricSpecError(f"{where}: 'where' must be a list of conditions")
    for condition in conditions:
        if not isinstance(condition, Mapping) or set(condition) - {"column", "op", "value"}:
            raise MetricSpecError(f"{where}: a condition is {{column, op, value}}: {condition!r}")
        _check_identifier(str(condition.get("column", "")), f"{where}: filter column")
        arity = FILTER_OPERATORS.get(str(condition.get("op")))
        if arity is None:
            raise MetricSpecError(
                f"{where}: filter op {condition.get('op')!r} is not one of {list(FILTER_OPERATORS)}"
            )
        value = condition.get("value")
        scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
        if (
            (arity == "none" and "value" in condition)
            or (arity == "one" and not scalar)
            or (arity == "list" and not (isinstance(value, list) and value))
        ):
            raise MetricSpecError(f"{where}: filter op {condition['op']!r} has a wrong value")


def check_scope(scope: str, metrics: Sequence[MetricSpec]) -> None:
    """Refuse metric kinds that the suite's scope cannot compute."""
    if scope not in SCOPES:
        raise MetricSpecError(f"scope {scope!r} is not one of {SCOPES}")
    for metric in metrics:
        if metric.kind not in SCOPE_KINDS[scope]:
            raise MetricSpecError(
                f"{metric.name}: metric kind {metric.kind} is not available in scope {scope}"
            )
        whole_table_orphan = scope == WHOLE_TABLE_SCOPE and metric.kind == "orphan_count"
        if whole_table_orphan and "ref_schema" not in metric.params:
            raise MetricSpecError(f"{metric.name}: a whole-table orphan_count needs ref_schema")
        if scope == LATEST_EXTRACT_SCOPE and {"ref_schema", "where"} & set(metric.params):
            raise MetricSpecError(
                f"{metric.name}: 'ref_schema' and 'where' are for whole-table suites only"
            )


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


# --- Whole-table suites (dbt outputs) ---------------------------------------------------


def filter_sql(conditions: Sequence[Mapping[str, Any]], params: _Parameters, alias: str) -> str:
    """SQL for a checked structured filter (conditions joined with ``and``); ``true`` if none."""
    parts = []
    for condition in conditions:
        column = f"{alias}.{_quote(str(condition['column']))}"
        op = str(condition["op"])
        arity = FILTER_OPERATORS[op]
        if arity == "none":
            parts.append(f"{column} {op}")
        elif arity == "list":
            values = params.add(list(condition["value"]))
            negation = "not " if op == "not in" else ""
            parts.append(f"{negation}coalesce(list_contains({values}, {column}), false)")
        else:
            parts.append(f"{column} {op} {params.add(condition['value'])}")
    return " and ".join(f"({part})" for part in parts) or "true"


def _table_metric_sql(
    metric: MetricSpec, params: _Parameters, joins: Mapping[str, str]
) -> str | None:
    """The aggregate over ``base`` for a whole-table metric (None: computed in its own CTE)."""
    p = metric.params
    column = f"base.{_quote(p['column'])}" if "column" in p else ""
    condition = {
        "null_count": lambda: f"{column} is null",
        "not_in_set_count": lambda: (
            f"{column} is not null"
            f" and not list_contains({params.add([str(v) for v in p['value_set']])}, {column})"
        ),
        "orphan_count": lambda: f"{column} is not null and {joins[metric.name]}.ref_key is null",
        "value_out_of_range_count": lambda: _out_of_range_sql(column, p, params),
        "numerator_exceeds_denominator_count": lambda: (
            f"base.{_quote(p['numerator'])} > base.{_quote(p['denominator'])}"
        ),
        "rows_where_count": lambda: "true",
        "unparsed_source_value_count": lambda: (
            f"{column} is null and nullif(trim({joins[metric.name]}.source_value), '') is not null"
        ),
    }
    if metric.kind == "month_on_month_change_count":
        return None
    where = filter_sql(p.get("where") or (), params, "base")
    if metric.kind == "duplicate_count":
        return (
            f"count({column}) filter (where {where})"
            f" - count(distinct {column}) filter (where {where})"
        )
    if metric.kind not in condition:
        raise MetricSpecError(f"{metric.name}: no whole-table SQL for metric kind {metric.kind}")
    return f"count(*) filter (where ({condition[metric.kind]()}) and {where})"


def _out_of_range_sql(column: str, p: Mapping[str, Any], params: _Parameters) -> str:
    bounds = []
    if "min_value" in p:
        bounds.append(f"{column} < {params.add(p['min_value'])}")
    if "max_value" in p:
        bounds.append(f"{column} > {params.add(p['max_value'])}")
    return " or ".join(bounds)


def _group_sql(group_by: str | None, alias: str, params: _Parameters) -> str:
    """The frame label of a row: its group_by value as text, or the whole-table label."""
    if group_by is None:
        return params.add(WHOLE_TABLE_LABEL)
    return f"cast({alias}.{_quote(group_by)} as varchar)"


def _drift_cte(
    metric: MetricSpec, name: str, relation: str, group_by: str | None, params: _Parameters
) -> str:
    """A CTE counting rows whose value moved beyond tolerance since the previous month end.

    The previous row of a series (``partition_by``) counts only when its period is exactly the
    month end before this row's; a gap in the series is not a move. With ``max_z_score`` a
    move must also exceed that many standard errors of a two-proportion test on
    ``numerator``/``denominator``, so small cohorts' sampling noise does not count.
    """
    p = metric.params
    carried = {"value": p["column"]}
    for key in ("numerator", "denominator"):
        if key in p:
            carried[key] = p[key]
    columns = ", ".join(
        f"t.{_quote(column)} as {alias}, lag(t.{_quote(column)}) over series as previous_{alias}"
        for alias, column in carried.items()
    )
    period = _quote(p["period"])
    partition = ", ".join(f"t.{_quote(c)}" for c in p["partition_by"]) or "null"
    change = "abs(series.value - series.previous_value)"
    if "max_change" in p:
        moved = f"{change} > {params.add(p['max_change'])}"
    else:
        moved = f"{change} > {params.add(p['max_relative_change'])} * abs(series.previous_value)"
    conditions = [
        "series.previous_value is not null",
        "series.value is not null",
        "series.previous_period"
        " = cast(date_trunc('month', series.period) - interval 1 day as date)",
        moved,
    ]
    if "min_base" in p:
        conditions.append(f"abs(series.previous_value) >= {params.add(p['min_base'])}")
    if "min_denominator" in p:
        floor = params.add(p["min_denominator"])
        conditions.append(
            f"series.denominator >= {floor} and series.previous_denominator >= {floor}"
        )
    if "max_z_score" in p:
        share = "series.numerator / series.denominator"
        previous_share = "series.previous_numerator / series.previous_denominator"
        pooled = (
            "(series.numerator + series.previous_numerator)"
            " / (series.denominator + series.previous_denominator)"
        )
        error = (
            f"sqrt({pooled} * (1 - {pooled})"
            " * (1 / series.denominator + 1 / series.previous_denominator))"
        )
        conditions.append(
            f"abs({share} - {previous_share}) > {params.add(p['max_z_score'])} * {error}"
        )
    where = filter_sql(p.get("where") or (), params, "t")
    return f"""{name} as (
        select series.group_label, count(*) filter (where {" and ".join(conditions)}) as moved
        from (
            select {_group_sql(group_by, "t", params)} as group_label,
                cast(t.{period} as date) as period,
                lag(cast(t.{period} as date)) over series as previous_period, {columns}
            from {relation} as t
            where {where}
            window series as (partition by {partition} order by t.{period})
        ) as series
        group by 1
    )"""


def build_table_metrics_query(
    schema: str,
    table: str,
    metrics: Sequence[MetricSpec],
    *,
    group_by: str | None = None,
) -> tuple[str, dict[str, object]]:
    """One aggregate query over a whole dbt table: a row per group (or one row), counts only.

    The frame has the same columns as a raw suite's (``source_system`` holds the group label,
    ``extract_date`` is NULL), so GX and the check metadata treat both alike.
    """
    for name, what in ((schema, "schema"), (table, "table")):
        _check_identifier(name, what)
    if group_by is not None:
        _check_identifier(group_by, "group_by")
    check_scope(WHOLE_TABLE_SCOPE, metrics)
    params = _Parameters()
    relation = f"{_quote(schema)}.{_quote(table)}"
    group_sql = _group_sql(group_by, "base", params)
    ctes, join_sql, joins = [], [], {}
    for index, metric in enumerate(metrics):
        alias = f"ref_{index}"
        if metric.kind == "orphan_count":
            p = metric.params
            ctes.append(
                f"""{alias} as (
        select distinct r.{_quote(p["ref_column"])} as ref_key
        from {_quote(p["ref_schema"])}.{_quote(p["ref_table"])} as r
        where r.{_quote(p["ref_column"])} is not null
    )"""
            )
            join_sql.append(f"left join {alias} on {alias}.ref_key = base.{_quote(p['column'])}")
            joins[metric.name] = alias
        elif metric.kind == "unparsed_source_value_count":
            p = metric.params
            # staging keeps each raw row's file and row number (ssd_lineage_columns)
            ctes.append(
                f"""{alias} as (
        select r.{_quote(FILE_NAME_COLUMN)} as source_file,
            r.{_quote(ROW_NUMBER_COLUMN)} as source_row,
            min(r.{_quote(p["source_column"])}) as source_value
        from {RAW_SCHEMA}.{_quote(p["source_table"])} as r
        group by 1, 2
    )"""
            )
            join_sql.append(
                f"left join {alias} on {alias}.source_file = base.source_file"
                f" and {alias}.source_row = base.source_row"
            )
            joins[metric.name] = alias
    counted = [m for m in metrics if m.kind != "row_count"]
    measures = "".join(
        f",\n            {sql} as {_quote(m.name)}"
        for m in counted
        if (sql := _table_metric_sql(m, params, joins)) is not None
    )
    ctes.append(
        f"""measured as (
        select {group_sql} as group_label, count(*) as row_count{measures}
        from {relation} as base
        {" ".join(join_sql)}
        group by 1
    )"""
    )
    drift = {}
    for index, metric in enumerate(counted):
        if metric.kind == "month_on_month_change_count":
            drift[metric.name] = f"drift_{index}"
            ctes.append(_drift_cte(metric, drift[metric.name], relation, group_by, params))
    outputs = []
    for metric in counted:
        source = (
            f"{drift[metric.name]}.moved"
            if metric.name in drift
            else f"measured.{_quote(metric.name)}"
        )
        outputs.append(f"cast(coalesce({source}, 0) as bigint) as {_quote(metric.name)}")
    drift_joins = " ".join(
        f"left join {alias} on {alias}.group_label = labels.group_label" for alias in drift.values()
    )
    # An empty table still gives one row (of zeros), so sums and minimums are defined.
    empty = params.add(EMPTY_GROUP_LABEL if group_by else WHOLE_TABLE_LABEL)
    ctes.append(
        f"""labels as (
        select group_label from measured
        union all
        select {empty} where not exists (select 1 from measured)
    )"""
    )
    selected = ",\n    ".join(
        [
            "labels.group_label as source_system",
            "cast(null as date) as extract_date",
            "cast(coalesce(measured.row_count, 0) as bigint) as row_count",
            *outputs,
        ]
    )
    sql = (
        "with "
        + ",\n    ".join(ctes)
        + f"""
select {selected}
from labels
left join measured on measured.group_label = labels.group_label
{drift_joins}
order by labels.group_label"""
    )
    return sql, params.values


def _table_columns(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    return {
        row[0]
        for row in connection.execute(
            "select lower(column_name) from information_schema.columns"
            " where table_schema = $schema and table_name = $table",
            {"schema": schema, "table": table},
        ).fetchall()
    }


def compute_table_metrics(
    connection: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    metrics: Sequence[MetricSpec],
    *,
    group_by: str | None = None,
) -> pd.DataFrame:
    """Run a whole-table suite's aggregate query: one row per group (or one), counts only.

    Raises WarehouseSchemaError when a table or column the metrics read does not exist.
    """
    required: dict[tuple[str, str], set[str]] = {(schema, table): set()}
    if group_by:
        required[(schema, table)].add(group_by)
    for metric in metrics:
        required[(schema, table)].update(metric.source_columns)
        p = metric.params
        if metric.kind == "orphan_count":
            required.setdefault((p["ref_schema"], p["ref_table"]), set()).add(p["ref_column"])
        elif metric.kind == "unparsed_source_value_count":
            required[(schema, table)].update({"source_file", "source_row"})
            required.setdefault((RAW_SCHEMA, p["source_table"]), set()).update(
                {p["source_column"], FILE_NAME_COLUMN, ROW_NUMBER_COLUMN}
            )
    absent = []
    for (ref_schema, ref_table), columns in required.items():
        found = _table_columns(connection, ref_schema, ref_table)
        if not found:
            absent.append(f"<{ref_schema}.{ref_table}>")
        else:
            absent += [f"{ref_schema}.{ref_table}.{c}" for c in sorted(columns) if c not in found]
    if absent:
        raise WarehouseSchemaError(
            f"the warehouse lacks {', '.join(absent)}; run the dbt models first"
        )
    sql, params = build_table_metrics_query(schema, table, metrics, group_by=group_by)
    logger.debug("quality metrics for %s.%s (whole table)", schema, table)
    return connection.execute(sql, params).df()
