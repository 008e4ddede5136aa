"""Pure parts of the metrics compiler: date parsing, metric specs, code references."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.quality_metrics import (
    CodeReference,
    MetricSpecError,
    build_metrics_query,
    load_code_reference,
    metric_spec,
    parsed_date_sql,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-05", dt.date(2020, 1, 5)),
        ("2020-01-05 10:11:12", dt.date(2020, 1, 5)),
        ("2020-01-05 10:11:12.123", dt.date(2020, 1, 5)),
        ("05/01/2020", dt.date(2020, 1, 5)),
        ("31/02/2020", None),
        ("2020-02-30", None),
        ("2020-01-05T10:11:12", None),
        ("20200105", None),
        ("5 January 2020", None),
        (None, None),
    ],
)
def test_dates_parse_in_the_contract_layouts_only(value: str | None, expected: dt.date | None):
    with duckdb.connect() as connection:
        query = f"select {parsed_date_sql('cast($value as varchar)')}"
        (parsed,) = connection.execute(query, {"value": value}).fetchone()

    assert parsed == expected


def test_code_reference_reads_the_dbt_seeds(tmp_path: Path) -> None:
    (tmp_path / "code_sets.csv").write_text(
        "code_field,code,description,valid_from_year,valid_to_year\n"
        "episode_start_reason,S,Started,2013,\nprimary_need,N1,Abuse,2013,\n",
        encoding="utf-8",
    )
    (tmp_path / "code_map.csv").write_text(
        "source_system,code_field,source_value,code\n"
        "liquid_logic,episode_start_reason, Started to be Looked After ,S\n",
        encoding="utf-8",
    )

    reference = load_code_reference(tmp_path)

    assert reference.codes == {
        "episode_start_reason": frozenset({"S"}),
        "primary_need": frozenset({"N1"}),
    }
    assert reference.mapped_values("liquid_logic", "episode_start_reason") == {
        "started to be looked after"
    }
    assert reference.mapped_values("carefirst", "episode_start_reason") == frozenset()


@pytest.mark.parametrize(
    ("name", "metric", "message"),
    [
        ("x", {"kind": "null_count"}, "needs"),
        ("x", {"kind": "median_count", "column": "a"}, "unknown metric kind"),
        ("x", {"kind": "null_count", "column": "A; drop"}, "identifier"),
        ("rows", {"kind": "row_count"}, "must be the column 'row_count'"),
        ("row_count", {"kind": "null_count", "column": "a"}, "reserved"),
        ("x", {"kind": "date_before_count", "column": "a", "before": "1990"}, "YYYY-MM-DD"),
        ("x", {"kind": "not_in_set_count", "column": "a", "value_set": []}, "non-empty"),
        ("x", "null_count", "mapping"),
    ],
)
def test_bad_metric_specs_are_refused(name: str, metric: object, message: str) -> None:
    with pytest.raises(MetricSpecError, match=message):
        metric_spec(name, metric)  # type: ignore[arg-type]


def test_an_unknown_code_field_is_refused() -> None:
    metric = metric_spec("x", {"kind": "unmapped_code_count", "column": "a", "code_field": "nope"})
    reference = CodeReference(codes={"primary_need": frozenset({"N1"})}, mappings={})

    with pytest.raises(MetricSpecError, match="no codes for 'nope'"):
        build_metrics_query("ssd_cla_episodes", [metric], ["carefirst"], reference)


def test_suite_values_reach_sql_as_parameters_not_text() -> None:
    metric = metric_spec(
        "odd_sex", {"kind": "not_in_set_count", "column": "pers_sex", "value_set": ["1'; --"]}
    )
    reference = CodeReference(codes={}, mappings={})

    sql, params = build_metrics_query("ssd_person", [metric], ["o'brien_system"], reference)

    assert "'; --" not in sql
    assert "o'brien_system" not in sql
    assert ["1'; --"] in params.values()
    assert "o'brien_system" in params.values()
