"""Targets, RAG and benchmarks in marts.fct_scorecard_monthly (docs/decisions/0004-rag-rule.md).

The hand-worked scenario (dbt_fixture_scenario.py) is built again as LA 823 (Central
Bedfordshire's DfE number) with target overrides chosen so that months of the scenario
land exactly on the RAG edges:

- CLA_VISITS_IN_TIME (high is good), target 90, tolerance 2.5: 2021-08-31 is 9/10 = 90
  (exactly on target: green), 2021-11-30 is 7/8 = 87.5 (exactly target - tolerance:
  amber), 2021-09-30 is 8/10 = 80 (red), 2020-04-30 has nobody due (value NULL: NULL).
- CLA_RATE_10K (low is good), target 1, tolerance 0.25, population 40,000: 2021-01-31 is
  4 children = 1.0 (on target: green), 2021-03-31 is 5 = 1.25 (exactly target + tolerance:
  amber), 2021-08-31 is 10 / 40,400 = 2.48 (red), 2020-06-30 is 2 = 0.5 (green).
- CLA_COUNT (polarity none), target 3: the target shows, the RAG is NULL.

The statistical-neighbour mean with a neighbour lacking data is hand-worked in the dbt unit
test int_indicator_benchmarks_sn_mean_drops_neighbours_without_data, which this build runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from pathlib import Path

import duckdb
import pytest
from dbt_fixture_scenario import build_raw
from dbt_fixture_warehouse import DBT_PROJECT_DIR, RawWarehouse, run_dbt

D = dt.date.fromisoformat
LA_CODE = "823"
SEEDS = DBT_PROJECT_DIR / "seeds" / "benchmarks"
OVERRIDES = [
    ("CLA_VISITS_IN_TIME", 90.0, 2.5),
    ("CLA_RATE_10K", 1.0, 0.25),
    ("CLA_COUNT", 3.0, None),
]


@pytest.fixture(scope="module")
def rag_warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    work_dir: Path = tmp_path_factory.mktemp("dbt_rag")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    build_raw(warehouse)
    with duckdb.connect(str(warehouse.path)) as connection:
        connection.execute("update raw.pipeline_settings set la_code = ?", [LA_CODE])
        connection.execute("update raw.la_population set la_code = ?", [LA_CODE])
        connection.executemany(
            "insert into raw.indicator_target_overrides values (?, ?, ?)", OVERRIDES
        )
    result = run_dbt(warehouse.path, work_dir, "build")
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")
    return warehouse


def headline(warehouse: RawWarehouse, indicator: str, period_end: str) -> tuple:
    rows = warehouse.query(
        "select value, target, rag from marts.fct_scorecard_monthly "
        "where indicator_code = ? and period_end = ? and breakdown = 'all'",
        [indicator, D(period_end)],
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        ("2021-08-31", (90.0, 90.0, "green")),  # exactly on target
        ("2021-11-30", (87.5, 90.0, "amber")),  # exactly target - tolerance
        ("2021-09-30", (80.0, 90.0, "red")),
        ("2020-05-31", (100.0, 90.0, "green")),
        ("2020-04-30", (None, 90.0, None)),  # value NULL: no rating
    ],
)
def test_high_polarity_rag_edges(rag_warehouse: RawWarehouse, period_end: str, expected) -> None:
    assert headline(rag_warehouse, "CLA_VISITS_IN_TIME", period_end) == expected


@pytest.mark.parametrize(
    ("period_end", "expected_rag"),
    [
        ("2021-01-31", "green"),  # 1.0, exactly on target
        ("2021-03-31", "amber"),  # 1.25, exactly target + tolerance
        ("2021-08-31", "red"),  # 2.48
        ("2020-06-30", "green"),  # 0.5, below target
        ("2020-04-30", None),  # population unavailable: value NULL
    ],
)
def test_low_polarity_rag_is_mirrored(
    rag_warehouse: RawWarehouse, period_end: str, expected_rag: str | None
) -> None:
    value, target, rag = headline(rag_warehouse, "CLA_RATE_10K", period_end)
    assert (target, rag) == (1.0, expected_rag), value


def test_polarity_none_has_target_but_no_rag(rag_warehouse: RawWarehouse) -> None:
    assert headline(rag_warehouse, "CLA_COUNT", "2021-06-30") == (5.0, 3.0, None)


def test_breakdown_rows_carry_no_target_or_benchmark(rag_warehouse: RawWarehouse) -> None:
    rows = rag_warehouse.query(
        "select distinct target, rag, england_value, sn_value, benchmark_year "
        "from marts.fct_scorecard_monthly where breakdown != 'all'"
    )
    assert rows == [(None, None, None, None, None)]


def seed_rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_benchmarks_follow_the_configured_la(rag_warehouse: RawWarehouse) -> None:
    neighbours = {
        r["sn_la_code"] for r in seed_rows("statistical_neighbours.csv") if r["la_code"] == LA_CODE
    }
    published = {
        r["la_code"]: float(r["value"])
        for r in seed_rows("benchmark_values.csv")
        if r["indicator_code"] == "CLA_RATE_10K"
    }
    with_value = [published[code] for code in neighbours if code in published]
    rows = rag_warehouse.query(
        "select england_value, sn_value, sn_neighbour_count, benchmark_year "
        "from marts.fct_scorecard_monthly where indicator_code = 'CLA_RATE_10K' "
        "and breakdown = 'all' and period_end = ?",
        [D("2021-06-30")],
    )
    assert len(neighbours) == 10
    assert rows == [(67.0, pytest.approx(statistics.mean(with_value)), len(with_value), "2025")]


def test_counts_keep_england_but_have_no_sn_mean(rag_warehouse: RawWarehouse) -> None:
    rows = rag_warehouse.query(
        "select england_value, sn_value, sn_neighbour_count, benchmark_year "
        "from marts.fct_scorecard_monthly where indicator_code = 'CLA_COUNT' "
        "and breakdown = 'all' and period_end = ?",
        [D("2021-06-30")],
    )
    assert rows == [(81770.0, None, None, "2025")]


def test_unbenchmarked_indicator_has_no_england_value(rag_warehouse: RawWarehouse) -> None:
    rows = rag_warehouse.query(
        "select distinct england_value, sn_value, benchmark_year "
        "from marts.fct_scorecard_monthly where indicator_code = 'CLA_VISITS_IN_TIME'"
    )
    assert rows == [(None, None, None)]
