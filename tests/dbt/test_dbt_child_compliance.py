"""intermediate.int_child_compliance on the hand-worked children (dbt_fixture_scenario.py).

The drill-down lists, per child and month, the due date, the last event and the days
overdue for the timeliness indicators; its non-compliant children are exactly the
indicator's denominator minus numerator.
"""

from __future__ import annotations

import datetime as dt

from dbt_fixture_random_authority import RandomAuthority
from dbt_fixture_scenario import AS_OF
from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat


def compliance_row(
    warehouse: RawWarehouse, child_key: str, indicator: str, period_end: str
) -> tuple:
    rows = warehouse.query(
        "select due_date, last_event_date, is_compliant, days_overdue "
        "from intermediate.int_child_compliance "
        "where child_key = ? and indicator_code = ? and period_end = ?",
        [child_key, indicator, D(period_end)],
    )
    assert len(rows) == 1, (child_key, indicator, period_end, rows)
    return rows[0]


def test_visit_overdue_gives_due_date_and_days_overdue(built_warehouse: RawWarehouse) -> None:
    # F: placed with parents (P1) 2021-09-01, first review 2021-10-05, so 7 days allowed on
    # 2021-09-30; last seen 2021-09-20 -> due 2021-09-27, overdue 2021-09-30 - 09-27 = 3 days.
    assert compliance_row(
        built_warehouse, "liquid_logic:1007", "CLA_VISITS_IN_TIME", "2021-09-30"
    ) == (D("2021-09-27"), D("2021-09-20"), False, 3)
    # E2: U6 placement, 42 days allowed; last seen 2021-10-18 -> due 2021-11-29, 1 day late.
    assert compliance_row(
        built_warehouse, "liquid_logic:1006", "CLA_VISITS_IN_TIME", "2021-11-30"
    ) == (D("2021-11-29"), D("2021-10-18"), False, 1)


def test_visit_in_time_is_not_overdue(built_warehouse: RawWarehouse) -> None:
    # E1: last seen 2021-10-19, due 2021-11-30: compliant on the due date itself.
    assert compliance_row(
        built_warehouse, "liquid_logic:1005", "CLA_VISITS_IN_TIME", "2021-11-30"
    ) == (D("2021-11-30"), D("2021-10-19"), True, 0)


def test_only_the_latest_13_months(built_warehouse: RawWarehouse) -> None:
    months = [
        month
        for (month,) in built_warehouse.query(
            "select distinct period_end from intermediate.int_child_compliance order by 1"
        )
    ]
    assert months[-1] == AS_OF
    assert months[0] >= D("2021-03-31")
    assert len(months) <= 13


SCORECARD_MISMATCHES = """
        with drill as (
            select indicator_code, period_end,
                   count(*) as children,
                   count(*) filter (where not is_compliant) as overdue
            from intermediate.int_child_compliance
            group by indicator_code, period_end
        )
        select drill.indicator_code, drill.period_end, drill.children, drill.overdue,
               scorecard.numerator, scorecard.denominator
        from drill
        inner join marts.fct_scorecard_monthly as scorecard
            on scorecard.indicator_code = drill.indicator_code
            and scorecard.period_end = drill.period_end
            and scorecard.breakdown = 'all'
        where scorecard.denominator - scorecard.numerator <> drill.overdue
           or scorecard.denominator <> drill.children
        """


def test_non_compliant_children_match_the_scorecard(built_warehouse: RawWarehouse) -> None:
    assert built_warehouse.query(SCORECARD_MISMATCHES) == []


def test_random_authority_matches_the_scorecard(
    random_authority: tuple[RandomAuthority, RawWarehouse],
) -> None:
    _, warehouse = random_authority
    codes = {
        code
        for (code,) in warehouse.query(
            "select distinct indicator_code from intermediate.int_child_compliance"
        )
    }
    # This authority has no care-leaver records, so no CL_PATHWAY_PLAN rows.
    assert codes == {"CLA_VISITS_IN_TIME", "CLA_REVIEWS_IN_TIME", "CLA_PEP"}
    assert warehouse.query(SCORECARD_MISMATCHES) == []
