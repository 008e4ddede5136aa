"""marts.dq_findings and the scorecard's migration flags on an authority with every defect.

The per-kind detection is tested in test_dq_identity.py and test_dq_records.py; here: every
kind reaches the findings mart, the aggregates agree with the finding records, and the
indicator-months a finding distorts carry its flag in fct_scorecard_monthly.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from orchestration.evaluation.authority_runs import AuthorityRun
from orchestration.synthetic.settings import DEFECT_KINDS

FINDING_COLUMNS = [
    "finding_id",
    "defect_kind",
    "source_system",
    "table_name",
    "severity",
    "title",
    "child_count",
    "record_count",
    "first_affected_month",
    "last_affected_month",
    "affected_month_count",
    "affected_indicators",
    "what_it_means",
    "what_to_do",
]


def _query(run: AuthorityRun, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(run.config.warehouse_path), read_only=True) as connection:
        return connection.execute(sql).df()


@pytest.fixture(scope="module")
def findings(defect_authority: AuthorityRun) -> pd.DataFrame:
    assert defect_authority.success
    return _query(defect_authority, "select * from marts.dq_findings")


def test_the_findings_mart_has_only_aggregate_columns(findings: pd.DataFrame) -> None:
    assert list(findings.columns) == FINDING_COLUMNS


def test_every_defect_kind_is_found(findings: pd.DataFrame) -> None:
    assert set(findings["defect_kind"]) == set(DEFECT_KINDS)


def test_counts_agree_with_the_finding_records(
    defect_authority: AuthorityRun, findings: pd.DataFrame
) -> None:
    records = _query(
        defect_authority,
        "select defect_kind || ':' || source_system || ':' || table_name as finding_id, "
        "count(*) as records, count(distinct child_key) as children "
        "from intermediate.int_dq_finding_records group by 1",
    ).set_index("finding_id")
    merged = findings.set_index("finding_id").join(records, how="outer")
    assert merged["record_count"].notna().all() and merged["records"].notna().all()
    assert (merged["record_count"] == merged["records"]).all()
    children = merged["child_count"].fillna(0).astype(int)
    assert (children == merged["children"]).all()


def test_mended_kinds_are_warnings_with_no_indicator(findings: pd.DataFrame) -> None:
    mended = findings[
        findings["defect_kind"].isin(
            ["truncated_history", "split_period_at_cutover", "merged_duplicates", "shifted_dates"]
        )
    ]
    assert not mended.empty
    assert (mended["severity"] == "WARN").all()
    assert (mended["affected_indicators"] == "").all()


def test_children_missing_at_cutover_are_an_error_on_the_counts(findings: pd.DataFrame) -> None:
    missing = findings[findings["defect_kind"] == "missing_open_children"]
    assert (missing["severity"] == "ERROR").all()
    indicators = "; ".join(missing["affected_indicators"])
    assert "CLA_COUNT" in indicators


def test_distorted_indicator_months_are_flagged(defect_authority: AuthorityRun) -> None:
    unflagged = _query(
        defect_authority,
        """
        select months.indicator_code, months.period_end, months.defect_kind
        from intermediate.int_dq_indicator_months as months
        inner join marts.fct_scorecard_monthly as mart
            on mart.indicator_code = months.indicator_code
            and mart.period_end = months.period_end
        where mart.data_quality_flag is null
            or strpos(mart.data_quality_flag, 'migration_gap:' || months.defect_kind) = 0
        """,
    )
    assert unflagged.empty, unflagged.head()
    flagged = _query(
        defect_authority,
        "select distinct indicator_code, period_end from marts.fct_scorecard_monthly "
        "where data_quality_flag like '%migration_gap:recording_cliff%'",
    )
    assert "CLA_VISITS_IN_TIME" in set(flagged["indicator_code"])
    assert pd.Timestamp("2021-07-31") in set(pd.to_datetime(flagged["period_end"]))


def test_rows_no_finding_distorts_keep_their_own_flag(defect_authority: AuthorityRun) -> None:
    stray = _query(
        defect_authority,
        """
        select mart.indicator_code, mart.period_end, mart.data_quality_flag
        from marts.fct_scorecard_monthly as mart
        left join (select distinct indicator_code, period_end
                   from intermediate.int_dq_indicator_months) as months
            on mart.indicator_code = months.indicator_code
            and mart.period_end = months.period_end
        where months.indicator_code is null and mart.data_quality_flag like '%migration_gap%'
        """,
    )
    assert stray.empty
