"""Looked-after outcome indicators on hand-worked children.

The cases are in ``dbt_fixture_cla_outcomes.CASES``; every figure below was worked out by
hand from those rows. 16 children, all looked after (C2) to the as-of date once started:
in CLA_COUNT from 2021-12-10 on.
"""

from __future__ import annotations

import pytest
from dbt_fixture_cla_outcomes import SUCCESSOR_IDS
from dbt_fixture_warehouse import RawWarehouse

ROWS_MODEL = "intermediate.int_scorecard_rows__cla_outcomes"
ALL = 16

# (code, period_end): (numerator, denominator, value)
EXPECTED = {
    # UASC: PEP183 (open) and PEP184 (ended 2022-01-01)
    ("CLA_UASC", "2021-12-31"): (2, None, 2.0),
    ("CLA_UASC", "2022-03-31"): (1, None, 1.0),
    ("CLA_PLACED_WITH_PARENTS", "2022-03-31"): (1, None, 1.0),
    # P3IN's U3 from 2022-01-10
    ("CLA_CONNECTED_CARERS", "2021-12-31"): (0, None, 0.0),
    ("CLA_CONNECTED_CARERS", "2022-03-31"): (1, None, 1.0),
    # P3IN: 3 placements in the window of July 2022 (first ended 2021-09-01 > 2021-08-01),
    # 2 in August (ended on the window start 2021-09-01); P3ADOPT's A5 is not a change
    ("CLA_STABILITY_3PLUS", "2022-03-31"): (1, ALL, 100 / ALL),
    ("CLA_STABILITY_3PLUS", "2022-07-31"): (1, ALL, 100 / ALL),
    ("CLA_STABILITY_3PLUS", "2022-08-31"): (0, ALL, 0.0),
    # out of area (dbt_fixture_cla_outcomes.PLACEMENT_LOCATIONS): B and LTADOPT; P3IN's
    # third placement (25 miles, partial postcode) from 2022-01-10; LTADOPT's A5 from
    # 2022-06-01 has no postcode. A and LT are inside, C has no distance, P3IN's second
    # placement is exactly 20 miles, LTMOVE's postcodes are placeholders.
    ("CLA_OUT_OF_AREA_20MI", "2021-12-31"): (2, ALL, 200 / ALL),
    ("CLA_OUT_OF_AREA_20MI", "2022-03-31"): (3, ALL, 300 / ALL),
    ("CLA_OUT_OF_AREA_20MI", "2022-06-30"): (2, ALL, 200 / ALL),
    # 12-month cohort on 2021-10-31: SEAM (from 2020-10-01: the split at go-live does not
    # reset the clock), LT, LTADOPT, LTMOVE
    ("CLA_HEALTH_ASSESSMENT", "2021-10-31"): (0, 4, 0.0),
    # on 2022-09-30: A (365 days) in, B (364) out; 13 children; A (1 RHA) and C (under 5,
    # two RHAs) up to date; D has one done and one refused
    ("CLA_HEALTH_ASSESSMENT", "2022-09-30"): (2, 13, 200 / 13),
    ("CLA_HEALTH_ASSESSMENT", "2022-10-31"): (3, 14, 300 / 14),
    ("CLA_DENTAL", "2022-09-30"): (1, 13, 100 / 13),
    # SDQ: A 12 and SDQ16 17 (latest); SDQ17 aged 17 is out
    ("CLA_SDQ_AVG", "2022-09-30"): (29, 2, 14.5),
    ("CLA_SDQ_CONCERN", "2022-09-30"): (1, 2, 50.0),
    # reviews on 2021-12-31: SEAM's third review 2021-07-10 -> due 2022-01-10 (in time);
    # IHA20/IHA21 first due 2022-01-12 (in time); everyone else has no review: overdue
    ("CLA_REVIEWS_IN_TIME", "2021-12-31"): (3, ALL, 300 / ALL),
    # IHA: 12 periods started in the window (SEAM's period started 2020-10-01), IHA20 only
    ("CLA_IHA_20WD", "2022-03-31"): (1, 12, 100 / 12),
    # PEP: 13 of school age on 2021-09-01 (C, D, P3ADOPT too young); PEP183 in time
    ("CLA_PEP", "2022-03-31"): (1, 13, 100 / 13),
    # long-term: LT, LTADOPT, LTMOVE (in care from 2020-05-01; SEAM from 2020-10-01 is out)
    ("CLA_STABILITY_LONG_TERM", "2022-10-31"): (0, 0, None),
    ("CLA_STABILITY_LONG_TERM", "2022-11-30"): (2, 3, 200 / 3),
    ("CLA_STABILITY_LONG_TERM", "2023-03-31"): (2, 3, 200 / 3),
    # missing: A, B and SEAM (legacy start 2021-06-25); A's Absent does not count
    ("CLA_MISSING_12M", "2022-03-31"): (3, ALL, 300 / ALL),
    # RHI: A (offered), B (not), SEAM (ended 2021-07-03, known from the successor: offered)
    ("CLA_MISSING_RHI", "2022-03-31"): (2, 3, 200 / 3),
}


@pytest.fixture(scope="module")
def warehouse(cla_outcomes_warehouse: RawWarehouse) -> RawWarehouse:
    return cla_outcomes_warehouse


def _row(warehouse: RawWarehouse, code: str, period_end: str) -> tuple:
    rows = warehouse.query(
        f"select numerator, denominator, value from {ROWS_MODEL} "
        "where indicator_code = ? and period_end = ? and breakdown = 'all'",
        [code, period_end],
    )
    assert len(rows) == 1, (code, period_end, rows)
    return rows[0]


@pytest.mark.parametrize(("code", "period_end"), sorted(EXPECTED))
def test_hand_worked_value(warehouse: RawWarehouse, code: str, period_end: str) -> None:
    numerator, denominator, value = _row(warehouse, code, period_end)
    expected = EXPECTED[(code, period_end)]
    assert (numerator, denominator) == expected[:2]
    if expected[2] is None:
        assert value is None
    else:
        assert value == pytest.approx(expected[2], abs=1e-9)


def test_iha_on_working_day_20_across_christmas_is_in_time_and_21_is_late(
    warehouse: RawWarehouse,
) -> None:
    rows = dict(
        warehouse.query(
            "select child_key, is_iha_in_time from intermediate.int_cla_initial_health_assessments "
            "where period_start_date = date '2021-12-10'"
        )
    )
    assert rows == {
        f"liquid_logic:{SUCCESSOR_IDS['IHA20']}": True,
        f"liquid_logic:{SUCCESSOR_IDS['IHA21']}": False,
    }
    due = warehouse.query(
        "select distinct iha_due_date from intermediate.int_cla_initial_health_assessments "
        "where period_start_date = date '2021-12-10'"
    )
    assert [str(value) for (value,) in due] == ["2022-01-12"]


def test_every_month_has_every_code(warehouse: RawWarehouse) -> None:
    counts = warehouse.query(
        f"select indicator_code, count(*) from {ROWS_MODEL} group by indicator_code"
    )
    assert len(counts) == 15
    assert {count for _, count in counts} == {36}  # April 2020 to March 2023


def test_placement_location_from_postcode_district_or_sector(warehouse: RawWarehouse) -> None:
    """Inside when the district or sector is in boundary_postcodes; placeholders unknown."""
    rows = dict(
        (key, (location, out_of_area))
        for key, location, out_of_area in warehouse.query(
            "select child_key, current_placement_location, is_out_of_area_20mi "
            "from intermediate.int_cla_outcomes_snapshot_monthly "
            "where period_end = date '2022-03-31'"
        )
    )

    def located(case: str) -> tuple[str, bool]:
        return rows[f"liquid_logic:{SUCCESSOR_IDS[case]}"]

    assert located("A") == ("inside_la", False)  # sector SG5 1 listed
    assert located("B") == ("outside_la", True)  # sector SG5 2, district SG5 not listed
    assert located("C") == ("outside_la", False)  # distance not known
    assert located("P3IN") == ("outside_la", True)  # partial postcode MK40 2, 25 miles
    assert located("LT") == ("inside_la", False)  # "lu5  4xx": district LU5
    assert located("LTADOPT") == ("outside_la", True)  # district-only NN1, 21.5 miles
    assert located("LTMOVE") == ("unknown", False)  # placeholder XX
    assert located("D") == ("unknown", False)  # no postcode delivered
