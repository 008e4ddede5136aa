"""Whole-table suites on dbt outputs: each new metric kind counts right on hand-made tables,
the scorecard's drift tolerance passes steady data and fails a cliff, and the migration-gap
findings fail with the severity of their kinds."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from quality_fixtures import (
    CF,
    DQ_FINDINGS_COLUMNS,
    LL,
    SCORECARD_COLUMNS,
    SYSTEMS,
    WarehouseBuilder,
    dq_finding,
    month_ends,
    scorecard_row,
    steady_scorecard,
    write_table,
)

from orchestration.defs.quality import quality_checks
from orchestration.defs.quality.checks import (
    DQ_FINDINGS_MART,
    SCORECARD_MART,
    SUITE_CHECKS,
)
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.gx_runner import (
    GxSession,
    SuiteFileError,
    SuiteOutcome,
    load_suite,
    run_suites,
    suite_path,
)
from orchestration.lib.quality_metrics import (
    MetricSpecError,
    WarehouseSchemaError,
    build_table_metrics_query,
    compute_table_metrics,
    metric_spec,
)

PERIODS = month_ends("2024-01-31", 4)
JAN, FEB, MAR, APR = PERIODS


@pytest.fixture(scope="module")
def session() -> GxSession:
    return GxSession()


def _metrics(path: Path, table: str, metrics: dict[str, dict], group_by: str | None = None):
    specs = [metric_spec(name, metric) for name, metric in metrics.items()]
    schema, name = table.split(".")
    with duckdb.connect(str(path), read_only=True) as connection:
        frame = compute_table_metrics(connection, schema, name, specs, group_by=group_by)
    return frame.set_index("source_system").drop(columns=["extract_date"]).to_dict("index")


def _scorecard(tmp_path: Path, rows: list[dict], name: str = "warehouse.duckdb") -> Path:
    return write_table(tmp_path / name, "marts", "fct_scorecard_monthly", SCORECARD_COLUMNS, rows)


PCT = [{"column": "unit", "op": "=", "value": "pct"}]


def test_value_range_and_numerator_counts_follow_the_filter(tmp_path: Path) -> None:
    rows = [
        scorecard_row("A", JAN, 5, 10),  # 50%: fine
        scorecard_row("A", FEB, 12, 10),  # 120%: out of range and above its cohort
        scorecard_row("A", MAR, 0, 10, value=-1),  # negative percentage
        scorecard_row("B", JAN, 500, unit="count"),  # a count of 500 is no percentage
        scorecard_row("B", FEB, -2, unit="count"),  # a negative count
        scorecard_row("B", MAR, None, unit="count"),  # NULL is not out of range
    ]
    path = _scorecard(tmp_path, rows)

    counts = _metrics(
        path,
        "marts.fct_scorecard_monthly",
        {
            "pct_out": {
                "kind": "value_out_of_range_count",
                "column": "value",
                "min_value": 0,
                "max_value": 100,
                "where": PCT,
            },
            "num_over_den": {
                "kind": "numerator_exceeds_denominator_count",
                "numerator": "numerator",
                "denominator": "denominator",
                "where": PCT,
            },
            "negative_numerator": {
                "kind": "value_out_of_range_count",
                "column": "numerator",
                "min_value": 0,
            },
            "over_100_anywhere": {
                "kind": "value_out_of_range_count",
                "column": "value",
                "max_value": 100,
            },
        },
        group_by="indicator_code",
    )

    assert counts == {
        "A": {
            "row_count": 3,
            "pct_out": 2,
            "num_over_den": 1,
            "negative_numerator": 0,
            "over_100_anywhere": 1,
        },
        "B": {
            "row_count": 3,
            "pct_out": 0,
            "num_over_den": 0,
            "negative_numerator": 1,
            "over_100_anywhere": 1,
        },
    }


def _drift(metric: dict) -> dict:
    return {
        "kind": "month_on_month_change_count",
        "column": "value",
        "period": "period_end",
        "partition_by": ["indicator_code", "breakdown", "breakdown_value"],
        **metric,
    }


def test_month_on_month_change_counts_moves_beyond_tolerance_only(tmp_path: Path) -> None:
    rows = [
        # 80% -> 50% of 100 children: a 30-point move on a large cohort
        scorecard_row("BIG", JAN, 80, 100),
        scorecard_row("BIG", FEB, 50, 100),
        scorecard_row("BIG", MAR, 55, 100),  # 5 points: within tolerance
        # the same 30 points on 5 children: the cohort is below the minimum
        scorecard_row("SMALL", JAN, 4, 5),
        scorecard_row("SMALL", FEB, 2, 5, value=50),
        # a gap: January then April is not a month-on-month move
        scorecard_row("GAP", JAN, 90, 100),
        scorecard_row("GAP", APR, 10, 100),
        # a breakdown row moves on its own series, not against the headline
        scorecard_row("BIG", JAN, 10, 100, breakdown="sex", breakdown_value="1"),
        scorecard_row("BIG", FEB, 11, 100, breakdown="sex", breakdown_value="1"),
    ]
    path = _scorecard(tmp_path, rows)

    counts = _metrics(
        path,
        "marts.fct_scorecard_monthly",
        {
            "moved": _drift(
                {"max_change": 10, "denominator": "denominator", "min_denominator": 20}
            ),
            "moved_any_cohort": _drift({"max_change": 10}),
        },
        group_by="indicator_code",
    )

    assert {k: (v["moved"], v["moved_any_cohort"]) for k, v in counts.items()} == {
        "BIG": (1, 1),
        "SMALL": (0, 1),
        "GAP": (0, 0),
    }


def test_relative_change_needs_a_large_enough_base(tmp_path: Path) -> None:
    rows = [
        scorecard_row("CLA_COUNT", JAN, 300, unit="count"),
        scorecard_row("CLA_COUNT", FEB, 140, unit="count"),  # -53% of 300
        scorecard_row("CLA_COUNT", MAR, 200, unit="count"),  # +43% of 140: within 50%
        scorecard_row("CP_COUNT", JAN, 10, unit="count"),
        scorecard_row("CP_COUNT", FEB, 30, unit="count"),  # +200%, but from 10 children
    ]
    path = _scorecard(tmp_path, rows)

    counts = _metrics(
        path,
        "marts.fct_scorecard_monthly",
        {"moved": _drift({"max_relative_change": 0.5, "min_base": 50})},
        group_by="indicator_code",
    )

    assert {k: v["moved"] for k, v in counts.items()} == {"CLA_COUNT": 1, "CP_COUNT": 0}


def test_the_z_score_keeps_sampling_noise_out(tmp_path: Path) -> None:
    # 12 points on 25 children is 1.0 standard error; 12 points on 2,000 children is 8.5
    rows = [
        scorecard_row("NOISY", JAN, 15, 25),
        scorecard_row("NOISY", FEB, 18, 25),
        scorecard_row("REAL", JAN, 1200, 2000),
        scorecard_row("REAL", FEB, 1440, 2000),
    ]
    path = _scorecard(tmp_path, rows)

    counts = _metrics(
        path,
        "marts.fct_scorecard_monthly",
        {
            "moved": _drift(
                {
                    "max_change": 10,
                    "numerator": "numerator",
                    "denominator": "denominator",
                    "min_denominator": 20,
                    "max_z_score": 5,
                }
            )
        },
        group_by="indicator_code",
    )

    assert {k: v["moved"] for k, v in counts.items()} == {"NOISY": 0, "REAL": 1}


def test_rows_where_count_applies_each_operator(tmp_path: Path) -> None:
    rows = [
        dq_finding("test_records", "ERROR"),
        dq_finding("recording_cliff", "ERROR", table="ssd_cla_visits"),
        dq_finding("truncated_history", "WARN"),
        dq_finding("new_kind", None),
        dq_finding("odd_kind", "INFO"),
    ]
    path = write_table(tmp_path / "w.duckdb", "marts", "dq_findings", DQ_FINDINGS_COLUMNS, rows)

    counts = _metrics(
        path,
        "marts.dq_findings",
        {
            "errors": {
                "kind": "rows_where_count",
                "where": [{"column": "severity", "op": "=", "value": "ERROR"}],
            },
            "not_judged": {
                "kind": "rows_where_count",
                "where": [{"column": "severity", "op": "not in", "value": ["ERROR", "WARN"]}],
            },
            "no_severity": {
                "kind": "rows_where_count",
                "where": [{"column": "severity", "op": "is null"}],
            },
            "error_on_visits": {
                "kind": "rows_where_count",
                "where": [
                    {"column": "severity", "op": "in", "value": ["ERROR"]},
                    {"column": "table_name", "op": "!=", "value": "x"},
                ],
            },
            "many_months": {
                "kind": "rows_where_count",
                "where": [{"column": "affected_month_count", "op": ">=", "value": 64}],
            },
        },
    )

    assert counts == {
        "all": {
            "row_count": 5,
            "errors": 2,
            "not_judged": 2,
            "no_severity": 1,
            "error_on_visits": 1,
            "many_months": 5,
        }
    }


def _staging_person(path: Path) -> None:
    """A staging person model built from raw with a parser that reads ISO dates only."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema staging")
        connection.execute(
            """create table staging.stg_ssd__person as
            select pers_person_id as person_id, pers_legacy_id as legacy_person_id,
                case when pers_dob like '____-__-__%'
                    then try_cast(substr(pers_dob, 1, 10) as date) end as date_of_birth,
                try_cast(pers_expected_dob as date) as expected_date_of_birth,
                try_cast(pers_death_date as date) as death_date,
                _source_system as source_system, _file_name as source_file,
                _row_number as source_row
            from raw.ssd_person"""
        )


def test_staging_counts_dates_lost_against_raw_and_dangling_legacy_ids(
    make_warehouse: WarehouseBuilder, clean_persons: list[dict], clean_episodes: list[dict]
) -> None:
    successor = dict(clean_persons[3], pers_person_id="LL-80004", pers_legacy_id="CF-79999")
    path = make_warehouse([*clean_persons, successor], clean_episodes)
    _staging_person(path)

    counts = _metrics(
        path,
        "staging.stg_ssd__person",
        {
            "unparsed_dob": {
                "kind": "unparsed_source_value_count",
                "column": "date_of_birth",
                "source_table": "ssd_person",
                "source_column": "pers_dob",
            },
            "legacy_id_names_no_person": {
                "kind": "orphan_count",
                "column": "legacy_person_id",
                "ref_schema": "staging",
                "ref_table": "stg_ssd__person",
                "ref_column": "person_id",
            },
        },
        group_by="source_system",
    )

    # DD/MM/YYYY dates are lost by this parser: 03/09/2009 and "14th July 2011" (carefirst,
    # whole table, old extract too) and 19/11/2013 (liquid_logic); CF-79999 names nobody.
    assert counts == {
        CF: {"row_count": 4, "unparsed_dob": 2, "legacy_id_names_no_person": 0},
        LL: {"row_count": 4, "unparsed_dob": 1, "legacy_id_names_no_person": 1},
    }


def test_duplicates_and_nulls_count_over_the_whole_table(tmp_path: Path) -> None:
    rows = [dq_finding("a", "ERROR"), dq_finding("a", "ERROR"), dq_finding("b", None)]
    path = write_table(tmp_path / "w.duckdb", "marts", "dq_findings", DQ_FINDINGS_COLUMNS, rows)

    counts = _metrics(
        path,
        "marts.dq_findings",
        {
            "duplicate_finding_id": {"kind": "duplicate_count", "column": "finding_id"},
            "no_severity": {"kind": "null_count", "column": "severity"},
            "odd_severity": {
                "kind": "not_in_set_count",
                "column": "severity",
                "value_set": ["ERROR", "WARN"],
            },
        },
    )

    assert counts == {
        "all": {"row_count": 3, "duplicate_finding_id": 1, "no_severity": 1, "odd_severity": 0}
    }


def test_an_empty_grouped_table_gives_one_row_of_zeros(tmp_path: Path) -> None:
    path = write_table(tmp_path / "w.duckdb", "marts", "dq_findings", DQ_FINDINGS_COLUMNS, [])

    counts = _metrics(
        path,
        "marts.dq_findings",
        {
            "errors": {
                "kind": "rows_where_count",
                "where": [{"column": "severity", "op": "=", "value": "ERROR"}],
            }
        },
        group_by="defect_kind",
    )

    assert counts == {"(no rows)": {"row_count": 0, "errors": 0}}


def test_a_missing_model_or_column_is_reported(tmp_path: Path) -> None:
    path = _scorecard(tmp_path, steady_scorecard())
    metric = metric_spec("x", {"kind": "null_count", "column": "rag"})

    with duckdb.connect(str(path), read_only=True) as connection:
        with pytest.raises(WarehouseSchemaError, match=r"marts\.fct_scorecard_monthly\.rag"):
            compute_table_metrics(connection, "marts", "fct_scorecard_monthly", [metric])
        with pytest.raises(WarehouseSchemaError, match=r"<marts\.dq_findings>"):
            compute_table_metrics(connection, "marts", "dq_findings", [metric])


@pytest.mark.parametrize(
    ("metric", "message"),
    [
        ({"kind": "rows_where_count", "where": []}, "at least one condition"),
        (
            {"kind": "rows_where_count", "where": [{"column": "a", "op": "like", "value": "%"}]},
            "filter op",
        ),
        (
            {"kind": "rows_where_count", "where": [{"column": "a", "op": "is null", "value": 1}]},
            "wrong value",
        ),
        (
            {"kind": "rows_where_count", "where": [{"column": "a", "op": "in", "value": "x"}]},
            "wrong value",
        ),
        (
            {"kind": "rows_where_count", "where": [{"column": "a or 1=1", "op": "=", "value": 1}]},
            "identifier",
        ),
        (
            {"kind": "rows_where_count", "where": [{"column": "a", "op": "=", "sql": "1"}]},
            "condition is",
        ),
        ({"kind": "value_out_of_range_count", "column": "v"}, "min_value"),
        ({"kind": "value_out_of_range_count", "column": "v", "max_value": "100"}, "number"),
        (
            {
                "kind": "month_on_month_change_count",
                "column": "v",
                "period": "p",
                "partition_by": [],
            },
            "exactly one of",
        ),
        (
            {
                "kind": "month_on_month_change_count",
                "column": "v",
                "period": "p",
                "partition_by": [],
                "max_change": 1,
                "max_z_score": 3,
            },
            "needs 'numerator' and 'denominator'",
        ),
    ],
)
def test_bad_table_metrics_are_refused(metric: dict, message: str) -> None:
    with pytest.raises(MetricSpecError, match=message):
        metric_spec("x", metric)


def test_filter_values_reach_sql_as_parameters() -> None:
    metric = metric_spec(
        "x",
        {"kind": "rows_where_count", "where": [{"column": "unit", "op": "=", "value": "p'; --"}]},
    )

    sql, params = build_table_metrics_query("marts", "fct_scorecard_monthly", [metric])

    assert "'; --" not in sql
    assert "p'; --" in params.values()


def _write_suite(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / f"{document['name']}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_scopes_refuse_kinds_they_cannot_compute(tmp_path: Path) -> None:
    raw = copy.deepcopy(dict(load_suite(suite_path("raw_person")).document))
    raw["expectations"][1]["meta"]["metric"] = {
        "kind": "value_out_of_range_count",
        "column": "pers_dob",
        "min_value": 0,
    }
    marts = copy.deepcopy(dict(load_suite(suite_path("marts_scorecard_monthly")).document))
    marts["expectations"][1]["meta"]["metric"] = {
        "kind": "future_date_count",
        "column": "period_end",
    }
    unscoped = copy.deepcopy(marts)
    unscoped["meta"].pop("schema")

    for document, message in (
        (raw, "not available in scope"),
        (marts, "not available in scope"),
        (unscoped, "meta.schema"),
    ):
        with pytest.raises(SuiteFileError, match=message):
            load_suite(_write_suite(tmp_path, document))


def _run(path: Path, name: str, session: GxSession) -> SuiteOutcome:
    (outcome,) = run_suites([suite_path(name)], path, SYSTEMS, None, session=session)
    return outcome


def _failed(outcome: SuiteOutcome) -> dict[str, str]:
    return {failure.column: failure.severity for failure in outcome.failures()}


def test_the_scorecard_suite_passes_a_steady_scorecard(tmp_path: Path, session: GxSession) -> None:
    outcome = _run(_scorecard(tmp_path, steady_scorecard()), "marts_scorecard_monthly", session)

    assert _failed(outcome) == {}
    assert {s.source_system for s in outcome.systems} == {"CLA_COUNT", "CLA_VISITS_IN_TIME"}


def _cliff(rows: list[dict]) -> list[dict]:
    """A recording cliff in the last month: visits in time fall from 80% to 30%."""
    last = max(r["period_end"] for r in rows)
    for row in rows:
        if row["period_end"] == last and row["indicator_code"] == "CLA_VISITS_IN_TIME":
            row["numerator"] = row["denominator"] * 3 // 10
            row["value"] = 30.0
    return rows


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_cliff, {"headline_percentage_moved": "WARN", "breakdown_percentage_moved": "WARN"}),
        (
            lambda rows: [*rows[:-3], dict(rows[-3], numerator=220, value=110.0), *rows[-2:]],
            {
                "percentage_out_of_range": "ERROR",
                "numerator_exceeds_denominator": "ERROR",
                "headline_percentage_moved": "WARN",
            },
        ),
        (
            lambda rows: [*rows[:-2], dict(rows[-2], numerator=100, value=100.0), rows[-1]],
            {"headline_count_moved": "WARN"},
        ),
        (
            lambda rows: [*rows[:-2], dict(rows[-2], numerator=-1, value=-1.0), rows[-1]],
            {
                "negative_numerator": "ERROR",
                "negative_value": "ERROR",
                "headline_count_moved": "WARN",
            },
        ),
        (lambda rows: [], {"row_count": "ERROR"}),
    ],
    ids=["cliff", "pct-over-100", "count-halved", "negative-count", "empty"],
)
def test_the_scorecard_suite_fails_impossible_values_and_drift(
    tmp_path: Path, session: GxSession, change: Callable[[list[dict]], list[dict]], expected: dict
) -> None:
    outcome = _run(
        _scorecard(tmp_path, change(steady_scorecard())), "marts_scorecard_monthly", session
    )

    assert _failed(outcome) == expected


def _findings(tmp_path: Path, rows: list[dict]) -> Path:
    return write_table(tmp_path / "w.duckdb", "marts", "dq_findings", DQ_FINDINGS_COLUMNS, rows)


@pytest.mark.parametrize(
    ("rows", "expected", "severity"),
    [
        ([], {}, None),
        ([dq_finding("truncated_history", "WARN")], {"warn_findings": "WARN"}, "WARN"),
        (
            [
                dq_finding("missing_open_children", "ERROR", table="ssd_cla_episodes"),
                dq_finding("missing_open_children", "ERROR", table="ssd_cla_placement"),
                dq_finding("truncated_history", "WARN"),
            ],
            {"error_findings": "ERROR", "warn_findings": "WARN"},
            "ERROR",
        ),
        ([dq_finding("new_kind", None)], {"findings_without_known_severity": "ERROR"}, "ERROR"),
    ],
    ids=["none", "warn-kind", "error-and-warn-kinds", "unknown-severity"],
)
def test_findings_fail_with_the_severity_of_their_kinds(
    tmp_path: Path, session: GxSession, rows: list[dict], expected: dict, severity: str | None
) -> None:
    outcome = _run(_findings(tmp_path, rows), "marts_dq_findings", session)

    assert _failed(outcome) == expected
    assert outcome.failing_severity == severity


def test_finding_counts_are_reported_per_kind(tmp_path: Path, session: GxSession) -> None:
    rows = [
        dq_finding("missing_open_children", "ERROR", table="ssd_cla_episodes"),
        dq_finding("missing_open_children", "ERROR", table="ssd_cla_placement"),
        dq_finding("test_records", "ERROR"),
        dq_finding("truncated_history", "WARN"),
    ]

    outcome = _run(_findings(tmp_path, rows), "marts_dq_findings", session)

    errors = next(e for e in outcome.expectations if e.column == "error_findings")
    assert errors.observed_value == 3
    assert dict(errors.per_system) == {
        "missing_open_children": 2,
        "test_records": 1,
        "truncated_history": 0,
    }


def test_whole_table_data_docs_hold_no_identifying_values(
    tmp_path: Path,
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    successor = dict(clean_persons[3], pers_person_id="LL-80004", pers_legacy_id="CF-79999")
    path = make_warehouse([*clean_persons, successor], clean_episodes)
    _staging_person(path)

    (outcome,) = run_suites([suite_path("staging_person")], path, SYSTEMS, tmp_path / "out")

    assert not outcome.success
    shown = " ".join(
        file.read_text(encoding="utf-8", errors="ignore")
        for file in (tmp_path / "out").rglob("*")
        if file.is_file()
    )
    assert "legacy_id_names_no_person" in shown
    assert [v for v in ("CF-79999", "LL-80004", "CF-70001", "19/11/2013") if v in shown] == []


def _assets_for_checks() -> list[dg.AssetSpec]:
    keys = {c.asset_key for c in SUITE_CHECKS} | {
        d for c in SUITE_CHECKS for d in c.additional_deps
    }
    return [dg.AssetSpec(key) for key in sorted(keys, key=lambda key: key.to_user_string())]


def test_the_marts_checks_run_in_dagster_with_their_severities(
    tmp_path: Path, config_file: Callable[[Path], Path]
) -> None:
    path = _scorecard(tmp_path, _cliff(steady_scorecard()))
    write_table(
        path, "marts", "dq_findings", DQ_FINDINGS_COLUMNS, [dq_finding("test_records", "ERROR")]
    )
    scorecard_check = dg.AssetCheckKey(SCORECARD_MART, "gx_marts_scorecard_monthly")
    findings_check = dg.AssetCheckKey(DQ_FINDINGS_MART, "gx_marts_dq_findings")

    result = dg.materialize(
        [*_assets_for_checks(), *quality_checks],
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_file(path)))},
        selection=dg.AssetSelection.checks(scorecard_check, findings_check),
    )

    assert result.success
    evaluations = {
        dg.AssetCheckKey(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()
    }
    assert evaluations[scorecard_check].severity == dg.AssetCheckSeverity.WARN
    assert not evaluations[scorecard_check].passed
    assert evaluations[findings_check].severity == dg.AssetCheckSeverity.ERROR
    observed = evaluations[findings_check].metadata["observed"].value
    assert observed["error_findings"]["by_system"] == {"test_records": 1}


def test_a_model_not_built_yet_fails_its_own_check_only(
    tmp_path: Path, config_file: Callable[[Path], Path]
) -> None:
    path = _scorecard(tmp_path, steady_scorecard())
    scorecard_check = dg.AssetCheckKey(SCORECARD_MART, "gx_marts_scorecard_monthly")
    findings_check = dg.AssetCheckKey(DQ_FINDINGS_MART, "gx_marts_dq_findings")

    result = dg.materialize(
        [*_assets_for_checks(), *quality_checks],
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_file(path)))},
        selection=dg.AssetSelection.checks(scorecard_check, findings_check),
    )

    evaluations = {
        dg.AssetCheckKey(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()
    }
    assert evaluations[scorecard_check].passed
    findings = evaluations[findings_check]
    assert not findings.passed
    assert findings.severity == dg.AssetCheckSeverity.ERROR
    assert "<marts.dq_findings>" in findings.description
