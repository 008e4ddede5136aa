"""On the clean synthetic authority the scorecard equals the generator's truth every month."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from tests.e2e.conftest import PipelineRun

FOUNDATION_INDICATORS = (
    "CLA_COUNT",
    "CLA_RATE_10K",
    "CLA_STARTS_12M",
    "CLA_CEASES_12M",
    "CLA_VISITS_IN_TIME",
)
KEY = ["indicator_code", "period_end", "breakdown", "breakdown_value"]

pytestmark = pytest.mark.e2e


def _mart(run: PipelineRun) -> pd.DataFrame:
    with duckdb.connect(str(run.config.warehouse_path), read_only=True) as connection:
        return connection.execute(
            "select indicator_code, period_end, breakdown, breakdown_value, "
            "numerator, denominator, value from marts.fct_scorecard_monthly"
        ).df()


def _truth(run: PipelineRun) -> pd.DataFrame:
    truth = pd.read_csv(
        run.config.landing_dir / "_truth" / "indicators.csv",
        dtype={"breakdown": str, "breakdown_value": str},
        parse_dates=["period_end"],
    )
    return truth[truth["indicator_code"].isin(FOUNDATION_INDICATORS)]


def test_the_job_succeeds(clean_run: PipelineRun) -> None:
    assert clean_run.success


def test_every_foundation_indicator_month_equals_the_truth(clean_run: PipelineRun) -> None:
    mart = _mart(clean_run)
    mart["period_end"] = pd.to_datetime(mart["period_end"])
    mart = mart[mart["indicator_code"].isin(FOUNDATION_INDICATORS)]
    truth = _truth(clean_run)
    assert set(truth["indicator_code"]) == set(FOUNDATION_INDICATORS)

    merged = truth.merge(mart, on=KEY, how="outer", suffixes=("_truth", "_mart"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"rows only on one side:\n{missing[[*KEY, '_merge']].head(20)}"

    mismatches = []
    for row in merged.itertuples(index=False):
        for column in ("numerator", "denominator", "value"):
            expected = getattr(row, f"{column}_truth")
            actual = getattr(row, f"{column}_mart")
            if pd.isna(expected) and pd.isna(actual):
                continue
            if (
                pd.isna(expected)
                or pd.isna(actual)
                or not math.isclose(float(expected), float(actual), rel_tol=0, abs_tol=1e-9)
            ):
                mismatches.append((row.indicator_code, row.period_end.date(), row.breakdown,
                                   row.breakdown_value, column, expected, actual))  # fmt: skip
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:10]}"


def test_months_run_from_history_start_to_as_of(clean_run: PipelineRun) -> None:
    mart = _mart(clean_run)
    periods = sorted(pd.to_datetime(mart["period_end"]).dt.date.unique())
    assert str(periods[0]) == "2016-04-30"
    assert str(periods[-1]) == "2026-10-31"
    assert len(periods) == 127


def test_data_docs_are_written(clean_run: PipelineRun) -> None:
    assert (clean_run.config.data_docs_dir / "index.html").is_file()
