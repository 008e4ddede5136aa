"""Adoption (A1, A2, A10, placed) and care-leaver indicators on hand-worked children.

The cases are in ``dbt_fixture_adoption_leavers.CASES``; every figure below was worked
out by hand from those rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt_fixture_adoption_leavers import build_raw
from dbt_fixture_warehouse import RawWarehouse, run_dbt

CODES = (
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
)
MONTHS = 24  # April 2020 to March 2022

# (code, period_end): (numerator, denominator, value)
EXPECTED = {
    # E only (adopted 2021-05-30): A1 235 days, A2 61 (legacy match date), A10 235
    ("ADO_A1_DAYS", "2021-06-30"): (235, 1, 235.0),
    ("ADO_A2_DAYS", "2021-06-30"): (61, 1, 61.0),
    ("ADO_A10_DAYS", "2021-06-30"): (235, 1, 235.0),
    # E and A (adopted 2022-01-15; A10 stops at the foster placement: 61 days, not 457)
    ("ADO_A1_DAYS", "2022-01-31"): (235 + 457, 2, 346.0),
    ("ADO_A2_DAYS", "2022-01-31"): (61 + 61, 2, 61.0),
    ("ADO_A10_DAYS", "2022-01-31"): (235 + 61, 2, 148.0),
    # E, A, B (matched before the order: A2 0) and C (no placement order: not in A2)
    ("ADO_A1_DAYS", "2022-03-31"): (235 + 457 + 80 + 67, 4, 839 / 4),
    ("ADO_A2_DAYS", "2022-03-31"): (61 + 61 + 0, 3, 122 / 3),
    ("ADO_A10_DAYS", "2022-03-31"): (235 + 61 + 80 + 67, 4, 443 / 4),
    # nobody adopted yet: 0 over 0, no value
    ("ADO_A1_DAYS", "2021-04-30"): (0, 0, None),
    # placed for adoption in the 12 months: E placed 2020-12-01 is in from December 2020
    # to November 2021 (the window start), out in December 2021
    ("ADO_PLACED_12M", "2020-11-30"): (0, None, 0.0),
    ("ADO_PLACED_12M", "2020-12-31"): (1, None, 1.0),
    ("ADO_PLACED_12M", "2021-11-30"): (4, None, 4.0),
    ("ADO_PLACED_12M", "2021-12-31"): (3, None, 3.0),
    ("ADO_PLACED_12M", "2022-03-31"): (4, None, 4.0),
    # before the cutover only X's legacy record counts (its migrated copy says not in touch)
    ("CL_IN_TOUCH", "2021-03-31"): (1, 1, 100.0),
    ("CL_SUITABLE_ACCOM", "2021-03-31"): (1, 1, 100.0),
    ("CL_EET", "2021-03-31"): (1, 1, 100.0),
    # 19-21: CL19 (19 today), CL22 (21), NT (not in touch), X, OLD21
    ("CL_IN_TOUCH", "2021-11-30"): (4, 5, 80.0),
    ("CL_SUITABLE_ACCOM", "2021-11-30"): (3, 5, 60.0),
    ("CL_EET", "2021-11-30"): (3, 5, 60.0),
    ("CL_IN_TOUCH", "2021-12-31"): (4, 5, 80.0),
    # CL22 turns 22 on 2022-01-31 (out), R19 turns 19 (in)
    ("CL_IN_TOUCH", "2022-01-31"): (4, 5, 80.0),
    ("CL_SUITABLE_ACCOM", "2022-01-31"): (4, 5, 80.0),
    ("CL_EET", "2022-01-31"): (3, 5, 60.0),
    # 17-18 (left care): CL19 (18) and R19; R17 16 and E17 still looked after are out
    ("CL_SUITABLE_ACCOM_17_18", "2021-10-31"): (2, 2, 100.0),
    ("CL_EET_17_18", "2021-10-31"): (1, 2, 50.0),
    # CL19 turns 19 on 2021-11-30: out
    ("CL_SUITABLE_ACCOM_17_18", "2021-11-30"): (1, 1, 100.0),
    ("CL_EET_17_18", "2021-11-30"): (0, 1, 0.0),
    # R17 turns 17 on 2021-12-31: in
    ("CL_SUITABLE_ACCOM_17_18", "2021-12-31"): (2, 2, 100.0),
    ("CL_EET_17_18", "2021-12-31"): (1, 2, 50.0),
    # R19 turns 19 on 2022-01-31: out
    ("CL_SUITABLE_ACCOM_17_18", "2022-01-31"): (1, 1, 100.0),
    ("CL_EET_17_18", "2022-01-31"): (1, 1, 100.0),
    # pathway plan cohort: CL19, CL22 (21+ still served), NT, X, R17, R19, E17, P183,
    # P184 (OLD21's service ended at 21); late: NT (no review) and P184 (184 days)
    ("CL_PATHWAY_PLAN", "2022-01-31"): (7, 9, 700 / 9),
    # no care-leaver record yet
    ("CL_EET", "2020-04-30"): (0, 0, None),
}


@pytest.fixture(scope="module")
def adoption_leavers_warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    """The hand-worked cases after a successful ``dbt build``."""
    work_dir: Path = tmp_path_factory.mktemp("dbt_adoption_leavers")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    build_raw(warehouse)
    result = run_dbt(warehouse.path, work_dir, "build")
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")
    return warehouse


def _mart_rows(warehouse: RawWarehouse) -> dict[tuple[str, str], tuple]:
    rows = warehouse.query(
        "select indicator_code, cast(period_end as varchar), numerator, denominator, value "
        "from marts.fct_scorecard_monthly "
        "where breakdown = 'all' and breakdown_value = 'all' and indicator_code in "
        f"({', '.join(repr(code) for code in CODES)})"
    )
    return {(code, period_end): (num, den, value) for code, period_end, num, den, value in rows}


def test_every_code_has_a_headline_row_every_month(
    adoption_leavers_warehouse: RawWarehouse,
) -> None:
    rows = _mart_rows(adoption_leavers_warehouse)
    for code in CODES:
        assert len([key for key in rows if key[0] == code]) == MONTHS, code
    assert len(rows) == MONTHS * len(CODES)


@pytest.mark.parametrize(("code", "period_end"), sorted(EXPECTED))
def test_hand_worked_figures(
    adoption_leavers_warehouse: RawWarehouse, code: str, period_end: str
) -> None:
    numerator, denominator, value = _mart_rows(adoption_leavers_warehouse)[(code, period_end)]
    expected_numerator, expected_denominator, expected_value = EXPECTED[(code, period_end)]
    assert (numerator, denominator) == (expected_numerator, expected_denominator)
    if expected_value is None:
        assert value is None
    else:
        assert value == pytest.approx(expected_value, abs=1e-9)


def test_a10_clock_stops_at_the_foster_placement(
    adoption_leavers_warehouse: RawWarehouse,
) -> None:
    rows = adoption_leavers_warehouse.query(
        "select child_key, cast(placed_with_adopters_date as varchar), "
        "days_care_to_placed_for_adoption, days_placement_order_to_match, "
        "days_care_to_placed_with_adopters from intermediate.int_adoptions order by child_key"
    )
    assert rows == [
        ("liquid_logic:2021", "2020-08-01", 457, 61, 61),
        ("liquid_logic:2022", "2021-10-20", 80, 0, 80),
        ("liquid_logic:2023", "2021-09-15", 67, None, 67),
        ("liquid_logic:2025", "2020-12-01", 235, 61, 235),
    ]


@pytest.mark.parametrize(
    ("child_key", "period_end", "cohort_19_21", "cohort_17_18"),
    [
        ("liquid_logic:2101", "2021-10-31", False, True),  # CL19 aged 18
        ("liquid_logic:2101", "2021-11-30", True, False),  # CL19's 19th birthday
        ("liquid_logic:2102", "2021-12-31", True, False),  # CL22 aged 21
        ("liquid_logic:2102", "2022-01-31", False, False),  # CL22's 22nd birthday
        ("liquid_logic:2105", "2021-11-30", False, False),  # R17 aged 16
        ("liquid_logic:2105", "2021-12-31", False, True),  # R17's 17th birthday
        ("liquid_logic:2106", "2021-12-31", False, True),  # R19 aged 18
        ("liquid_logic:2106", "2022-01-31", True, False),  # R19's 19th birthday
        ("liquid_logic:2103", "2021-11-30", True, False),  # NT: not in touch, still counted
    ],
)
def test_birthday_edges(
    adoption_leavers_warehouse: RawWarehouse,
    child_key: str,
    period_end: str,
    cohort_19_21: bool,
    cohort_17_18: bool,
) -> None:
    rows = adoption_leavers_warehouse.query(
        "select is_in_cohort_19_21, is_in_cohort_17_18 from intermediate.int_care_leavers_monthly "
        "where child_key = ? and period_end = cast(? as date)",
        [child_key, period_end],
    )
    assert rows == [(cohort_19_21, cohort_17_18)]


def test_pathway_plan_183_days_is_in_time_and_184_is_late(
    adoption_leavers_warehouse: RawWarehouse,
) -> None:
    rows = adoption_leavers_warehouse.query(
        "select child_key, days_since_pathway_plan_review, is_pathway_plan_reviewed_in_time "
        "from intermediate.int_care_leavers_monthly where period_end = date '2022-01-31' "
        "and child_key in ('liquid_logic:2108', 'liquid_logic:2109') order by child_key"
    )
    assert rows == [("liquid_logic:2108", 183, True), ("liquid_logic:2109", 184, False)]


def test_not_in_touch_stays_in_the_denominator(adoption_leavers_warehouse: RawWarehouse) -> None:
    rows = adoption_leavers_warehouse.query(
        "select is_in_cohort_19_21, is_in_touch, is_accommodation_suitable, "
        "is_in_education_employment_training, is_in_pathway_plan_cohort "
        "from intermediate.int_care_leavers_monthly "
        "where child_key = 'liquid_logic:2103' and period_end = date '2022-01-31'"
    )
    assert rows == [(True, False, False, False, True)]
