"""On the clean synthetic authority the scorecard equals the generator's truth every month.

Counts are compared exactly, ratios to 1e-9. The truth is computed by the generator from its
own simulation state, never by re-reading the extracts.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from orchestration.lib.config import PROJECT_ROOT
from tests.e2e.conftest import PipelineRun

INDICATORS_BY_AREA: dict[str, tuple[str, ...]] = {
    "cla_foundation": (
        "CLA_COUNT",
        "CLA_RATE_10K",
        "CLA_STARTS_12M",
        "CLA_CEASES_12M",
        "CLA_VISITS_IN_TIME",
    ),
    "cla_outcomes": (
        "CLA_UASC",
        "CLA_PLACED_WITH_PARENTS",
        "CLA_CONNECTED_CARERS",
        "CLA_STABILITY_3PLUS",
        "CLA_OUT_OF_AREA_20MI",
        "CLA_STABILITY_LONG_TERM",
        "CLA_REVIEWS_IN_TIME",
        "CLA_IHA_20WD",
        "CLA_HEALTH_ASSESSMENT",
        "CLA_DENTAL",
        "CLA_PEP",
        "CLA_SDQ_AVG",
        "CLA_SDQ_CONCERN",
        "CLA_MISSING_12M",
        "CLA_MISSING_RHI",
    ),
    "adoption_care_leavers": (
        "ADO_A1_DAYS",
        "ADO_A2_DAYS",
        "ADO_A10_DAYS",
        "ADO_PLACED_12M",
        "CL_IN_TOUCH",
        "CL_SUITABLE_ACCOM",
        "CL_EET",
        "CL_SUITABLE_ACCOM_17_18",
        "CL_EET_17_18",
        "CL_PATHWAY_PLAN",
    ),
    "cp_cin_workforce": (
        "CP_COUNT",
        "CP_RATE_10K",
        "CP_REPEAT_EVER",
        "CP_REPEAT_2Y",
        "CP_2Y_PLUS_OPEN",
        "CP_2Y_PLUS_ENDED",
        "CP_VISITS_10WD",
        "CP_REVIEWS_IN_TIME",
        "CP_ICPC_15WD",
        "CIN_COUNT",
        "CIN_RATE_10K",
        "CIN_VISITS_20WD",
        "CIN_REFERRALS_12M",
        "CIN_REREFERRAL_12M",
        "CIN_ASSESS_45WD",
        "CIN_S47_12M",
        "WF_CASELOAD_AVG",
        "WF_CASELOAD_OVER_25",
    ),
}
KEY = ["indicator_code", "period_end", "breakdown", "breakdown_value"]
MONTHS = 127

pytestmark = pytest.mark.e2e


def _mart(run: PipelineRun, codes: tuple[str, ...]) -> pd.DataFrame:
    with duckdb.connect(str(run.config.warehouse_path), read_only=True) as connection:
        mart = connection.execute(
            "select indicator_code, period_end, breakdown, breakdown_value, "
            "numerator, denominator, value from marts.fct_scorecard_monthly "
            "where breakdown in ('all', 'reason_group')"
        ).df()
    mart["period_end"] = pd.to_datetime(mart["period_end"])
    return mart[mart["indicator_code"].isin(codes)]


def _truth(run: PipelineRun, codes: tuple[str, ...]) -> pd.DataFrame:
    truth = pd.read_csv(
        run.config.landing_dir / "_truth" / "indicators.csv",
        dtype={"breakdown": str, "breakdown_value": str},
        parse_dates=["period_end"],
    )
    return truth[truth["indicator_code"].isin(codes)]


def _differs(expected: object, actual: object) -> bool:
    if pd.isna(expected) and pd.isna(actual):
        return False
    if pd.isna(expected) or pd.isna(actual):
        return True
    return not math.isclose(float(expected), float(actual), rel_tol=0, abs_tol=1e-9)


def test_the_job_succeeds(clean_run: PipelineRun) -> None:
    assert clean_run.success


@pytest.mark.parametrize("area", sorted(INDICATORS_BY_AREA))
def test_every_indicator_month_equals_the_truth(clean_run: PipelineRun, area: str) -> None:
    codes = INDICATORS_BY_AREA[area]
    truth = _truth(clean_run, codes)
    mart = _mart(clean_run, codes)
    assert set(truth["indicator_code"]) == set(codes)
    assert set(mart["indicator_code"]) == set(codes)

    merged = truth.merge(mart, on=KEY, how="outer", suffixes=("_truth", "_mart"), indicator=True)
    one_sided = merged[merged["_merge"] != "both"]
    assert one_sided.empty, f"rows only on one side:\n{one_sided[[*KEY, '_merge']].head(20)}"

    mismatches = []
    for row in merged.itertuples(index=False):
        for column in ("numerator", "denominator", "value"):
            expected = getattr(row, f"{column}_truth")
            actual = getattr(row, f"{column}_mart")
            if _differs(expected, actual):
                mismatches.append(
                    (row.indicator_code, row.period_end.date(), column, expected, actual)
                )
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:10]}"


@pytest.mark.parametrize("area", sorted(INDICATORS_BY_AREA))
def test_the_truth_is_not_trivially_empty(clean_run: PipelineRun, area: str) -> None:
    """Equality with the truth means little if every month is zero."""
    truth = _truth(clean_run, INDICATORS_BY_AREA[area])
    for code in INDICATORS_BY_AREA[area]:
        assert truth.loc[truth["indicator_code"] == code, "numerator"].max() > 0, code


def test_the_catalogue_is_covered_every_month(clean_run: PipelineRun) -> None:
    catalogue = pd.read_csv(PROJECT_ROOT / "dbt_project/seeds/reference/indicator_catalogue.csv")
    built = {code for codes in INDICATORS_BY_AREA.values() for code in codes}
    assert built == set(catalogue["code"])
    mart = _mart(clean_run, tuple(catalogue["code"]))
    headline = mart[mart["breakdown"] == "all"]
    assert set(headline["indicator_code"]) == built
    assert (headline.groupby("indicator_code")["period_end"].nunique() == MONTHS).all()


def test_months_run_from_history_start_to_as_of(clean_run: PipelineRun) -> None:
    periods = sorted(_mart(clean_run, ("CLA_COUNT",))["period_end"].dt.date.unique())
    assert str(periods[0]) == "2016-04-30"
    assert str(periods[-1]) == "2026-10-31"
    assert len(periods) == MONTHS


def test_data_docs_are_written(clean_run: PipelineRun) -> None:
    assert (clean_run.config.data_docs_dir / "index.html").is_file()


def test_child_compliance_drill_down_is_published_pseudonymised(clean_run: PipelineRun) -> None:
    """restricted.fct_child_compliance: its overdue children are the scorecard's, and no raw ids."""
    with duckdb.connect(str(clean_run.config.warehouse_path), read_only=True) as connection:
        drill = connection.execute("select * from restricted.fct_child_compliance").df()
        person_ids = {
            str(person_id)
            for (person_id,) in connection.execute(
                "select distinct pers_person_id from raw.ssd_person "
                "where pers_person_id is not null"
            ).fetchall()
        }
    assert "child_key" not in drill.columns
    visits = drill[drill["indicator_code"] == "CLA_VISITS_IN_TIME"].copy()
    visits["period_end"] = pd.to_datetime(visits["period_end"])
    mart = _mart(clean_run, ("CLA_VISITS_IN_TIME",))
    latest = mart["period_end"].max()
    assert visits["period_end"].max() == latest
    in_month = visits[visits["period_end"] == latest]
    assert len(in_month) > 0
    headline = mart[(mart["breakdown"] == "all") & (mart["period_end"] == latest)]
    assert len(headline) == 1
    expected_overdue = int(headline["denominator"].iloc[0] - headline["numerator"].iloc[0])
    assert int((~in_month["is_compliant"].astype(bool)).sum()) == expected_overdue
    text_columns = ["person_key", "indicator_code", "team", "worker"]
    published_text = {str(value) for column in text_columns for value in drill[column].dropna()}
    assert not published_text & person_ids


def test_a_faithful_migration_has_no_migration_finding(clean_run: PipelineRun) -> None:
    """No dq_* model has a row, so no finding, no flag and no GX failure downstream."""
    with duckdb.connect(str(clean_run.config.warehouse_path), read_only=True) as connection:
        models = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'intermediate' and table_name like 'dq\\_%' escape '\\'"
            ).fetchall()
        ]
        rows = {
            name: connection.execute(f"select count(*) from intermediate.{name}").fetchone()[0]
            for name in models
        }
        findings = connection.execute("select count(*) from marts.dq_findings").fetchone()[0]
        flagged = connection.execute(
            "select count(*) from marts.fct_scorecard_monthly "
            "where data_quality_flag like '%migration_gap%'"
        ).fetchone()[0]
    assert len(models) == 13, sorted(models)
    assert {name: count for name, count in rows.items() if count} == {}
    assert findings == 0
    assert flagged == 0


def test_a_faithful_migration_passes_every_check(clean_run: PipelineRun) -> None:
    """dbt tests, GX suites of every layer and the migration findings: no ERROR, no WARN."""
    assert clean_run.failed_checks == ()
