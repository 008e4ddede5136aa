"""Hand-worked edges of the child protection, children in need and workforce indicators.

One dbt build of the fixture in ``dbt_fixture_cp_cin`` (see its ``CASES``); every
expected number below is counted by hand from those rows.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat


# Nodes of this area (and the mart it feeds): a failing model or seed anywhere, or a
# failing test of one of these, fails the fixture. Other areas' tests are their owners'.
def failed_nodes(work_dir: Path) -> list[str]:
    """Every dbt node that failed or errored in the last build."""
    path = work_dir / "target" / "run_results.json"
    if not path.exists():
        return ["dbt wrote no run results"]
    results = json.loads(path.read_text())["results"]
    return [item["unique_id"] for item in results if item["status"] in ("error", "fail")]


@pytest.fixture(scope="module")
def warehouse(
    cp_cin_build: tuple[RawWarehouse, Path, subprocess.CompletedProcess],
) -> RawWarehouse:
    built, work_dir, result = cp_cin_build  # built once per session (conftest.py)
    unexpected = failed_nodes(work_dir)
    if unexpected:
        log = f"{result.stdout[-8000:]}\n{result.stderr[-2000:]}"
        pytest.fail(f"dbt build failed {unexpected}:\n{log}")
    return built


def row(warehouse: RawWarehouse, code: str, period_end: str) -> tuple:
    rows = warehouse.query(
        "select numerator, denominator, value from marts.fct_scorecard_monthly "
        "where indicator_code = ? and period_end = ? and breakdown = 'all' "
        "and breakdown_value = 'all'",
        [code, D(period_end)],
    )
    assert len(rows) == 1, (code, period_end, rows)
    return rows[0]


def flags(warehouse: RawWarehouse, sql: str, parameters: list) -> dict:
    return dict(warehouse.query(sql, parameters))


def test_every_code_every_month(warehouse: RawWarehouse) -> None:
    codes = warehouse.query(
        "select indicator_code, count(*) from marts.fct_scorecard_monthly "
        "where (indicator_code like 'CP%' or indicator_code like 'CIN%' "
        "or indicator_code like 'WF%') and breakdown = 'all' group by indicator_code"
    )
    assert dict(codes) == dict.fromkeys(
        ("CP_COUNT", "CP_RATE_10K", "CP_REPEAT_EVER", "CP_REPEAT_2Y", "CP_2Y_PLUS_OPEN",
         "CP_2Y_PLUS_ENDED", "CP_VISITS_10WD", "CP_REVIEWS_IN_TIME", "CP_ICPC_15WD",
         "CIN_COUNT", "CIN_RATE_10K", "CIN_VISITS_20WD", "CIN_REFERRALS_12M",
         "CIN_REREFERRAL_12M", "CIN_ASSESS_45WD", "CIN_S47_12M", "WF_CASELOAD_AVG",
         "WF_CASELOAD_OVER_25"),
        31,
    )  # fmt: skip


def test_icpc_working_day_15_vs_16_across_christmas_and_easter(warehouse: RawWarehouse) -> None:
    days = flags(
        warehouse,
        "select icpc_id, working_days_from_s47_start from intermediate.int_cp_icpcs_unified",
        [],
    )
    assert days == {"NI6": 15, "NI7": 16, "NI8": 15, "NI9": 16, "NI10": 5, "NI11": 13}
    # window May 2023 - April 2024: NI6, NI8, NI11 in time of NI6-NI9 and NI11 (NI10 is a
    # transfer-in); the legacy S47 of NI11 is found through its migrated copy
    assert row(warehouse, "CP_ICPC_15WD", "2024-04-30") == (3, 5, 60.0)
    assert row(warehouse, "CP_ICPC_15WD", "2024-01-31") == (2, 3, pytest.approx(200 / 3))
    assert row(warehouse, "CIN_S47_12M", "2024-04-30") == (6, None, 6.0)


def test_plan_the_day_after_a_previous_plan_is_a_repeat(warehouse: RawWarehouse) -> None:
    # plans starting May 2023 - April 2024: NP5a, NP5b (repeat), NP15, NP16
    assert row(warehouse, "CP_REPEAT_EVER", "2024-04-30") == (1, 4, 25.0)
    assert row(warehouse, "CP_REPEAT_2Y", "2024-04-30") == (1, 4, 25.0)
    assert row(warehouse, "CP_REPEAT_2Y", "2023-11-30") == (0, 1, 0.0)


def test_plan_open_729_vs_730_days(warehouse: RawWarehouse) -> None:
    open_2y = flags(
        warehouse,
        "select child_key, is_open_2y_plus from intermediate.int_cp_monthly_snapshot "
        "where period_end = ? and child_key in ('liquid_logic:N1', 'liquid_logic:N2')",
        [D("2024-06-30")],
    )
    assert open_2y == {"liquid_logic:N1": False, "liquid_logic:N2": True}
    # open on 2024-06-30: N1 N2 N3 N4 N5(b) N12 N13 N15 N16 N17 N21; only N2 over 729 days
    assert row(warehouse, "CP_2Y_PLUS_OPEN", "2024-06-30") == (1, 11, pytest.approx(100 / 11))
    assert row(warehouse, "CP_COUNT", "2024-06-30") == (11, None, 11.0)
    assert row(warehouse, "CP_RATE_10K", "2024-06-30") == (11, 20_400, pytest.approx(11 / 2.04))


def test_plan_ended_after_729_vs_730_days(warehouse: RawWarehouse) -> None:
    # ending Sep 2023 - Aug 2024: NP5a, NP21, NP3 (729 days), NP4 (730 days)
    assert row(warehouse, "CP_2Y_PLUS_ENDED", "2024-08-31") == (1, 4, 25.0)
    assert row(warehouse, "CP_2Y_PLUS_ENDED", "2024-07-31") == (0, 2, 0.0)


def test_cp_visit_10_vs_11_working_days(warehouse: RawWarehouse) -> None:
    seen = flags(
        warehouse,
        "select child_key, is_seen_within_10wd from intermediate.int_cp_monthly_snapshot "
        "where period_end = ? and is_due_a_visit",
        [D("2024-09-30")],
    )
    assert seen["liquid_logic:N12"] is True
    assert seen["liquid_logic:N13"] is False
    assert "liquid_logic:N14" not in seen
    # due: N1 N2 N5 N12 N13 N15 N16 N17; only N12 seen in time
    assert row(warehouse, "CP_VISITS_10WD", "2024-09-30") == (1, 8, 12.5)


def test_cp_reviews_first_at_3_months(warehouse: RawWarehouse) -> None:
    reviewed = flags(
        warehouse,
        "select child_key, is_reviewed_in_time from intermediate.int_cp_monthly_snapshot "
        "where period_end = ? and is_due_a_review",
        [D("2024-09-30")],
    )
    assert reviewed == {
        "liquid_logic:N1": False,
        "liquid_logic:N2": False,
        "liquid_logic:N5": False,
        "liquid_logic:N12": False,
        "liquid_logic:N13": False,
        "liquid_logic:N15": True,
        "liquid_logic:N16": False,
        "liquid_logic:N17": True,
    }
    assert row(warehouse, "CP_REVIEWS_IN_TIME", "2024-09-30") == (2, 8, 25.0)
    october = flags(
        warehouse,
        "select child_key, is_reviewed_in_time from intermediate.int_cp_monthly_snapshot "
        "where period_end = ? and child_key in ('liquid_logic:N15', 'liquid_logic:N17')",
        [D("2024-10-31")],
    )
    assert october == {"liquid_logic:N15": False, "liquid_logic:N17": False}


def test_cin_count_includes_cp_children_not_nfa(warehouse: RawWarehouse) -> None:
    assert row(warehouse, "CIN_COUNT", "2024-06-30") == (1, None, 1.0)
    assert row(warehouse, "CIN_RATE_10K", "2024-06-30") == (1, 20_400, pytest.approx(1 / 2.04))
    assert row(warehouse, "CIN_COUNT", "2023-09-30") == (2, None, 2.0)


def test_cin_visit_20_vs_21_working_days(warehouse: RawWarehouse) -> None:
    cohort = flags(
        warehouse,
        "select child_key, is_seen_within_20wd from intermediate.int_cin_plan_visits_monthly "
        "where period_end = ? and is_due_a_visit",
        [D("2024-09-30")],
    )
    # N12 is on a CP plan, N25 looked after, N26 not yet due
    assert cohort == {"liquid_logic:N22": True, "liquid_logic:N23": False}
    assert row(warehouse, "CIN_VISITS_20WD", "2024-09-30") == (1, 2, 50.0)


def test_assessment_45_vs_46_working_days(warehouse: RawWarehouse) -> None:
    days = flags(
        warehouse,
        "select assessment_id, working_days_to_authorisation "
        "from intermediate.int_cin_assessments_unified",
        [],
    )
    assert days == {"NA27": 45, "NA28": 46}
    assert row(warehouse, "CIN_ASSESS_45WD", "2024-04-30") == (1, 2, 50.0)


def test_rereferral_365_vs_366_days_across_the_cutover(warehouse: RawWarehouse) -> None:
    # window Oct 2022 - Sep 2023: NR18b (365 days after LR18: re-referral), NR19b (366)
    assert row(warehouse, "CIN_REFERRALS_12M", "2023-09-30") == (2, None, 2.0)
    assert row(warehouse, "CIN_REREFERRAL_12M", "2023-09-30") == (1, 2, 50.0)
    # window Sep 2022 - Aug 2023: the legacy referrals, each once (not their migrated copies)
    assert row(warehouse, "CIN_REFERRALS_12M", "2023-08-31") == (2, None, 2.0)


def test_caseload_25_vs_26(warehouse: RawWarehouse) -> None:
    assert row(warehouse, "WF_CASELOAD_OVER_25", "2024-09-30") == (1, None, 1.0)
    numerator, _, value = row(warehouse, "WF_CASELOAD_AVG", "2024-09-30")
    assert (numerator, value) == (51, pytest.approx(51 / 1.5))
    assert row(warehouse, "WF_CASELOAD_OVER_25", "2024-08-31") == (2, None, 2.0)
