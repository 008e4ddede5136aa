"""intermediate.int_child_compliance on the fixture warehouses.

The drill-down lists, per child (or event) and month, the due date, the last event and
the days overdue for the timeliness indicators; its rows are exactly the indicator's
denominator and its compliant rows the numerator. Hand-worked children: the CLA scenario
(dbt_fixture_scenario.py), the CP/CIN children (dbt_fixture_cp_cin.py) and the
looked-after outcome children (dbt_fixture_cla_outcomes.py).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from dbt_fixture_random_authority import RandomAuthority
from dbt_fixture_scenario import AS_OF
from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat


DRILL_DOWN_CODES = {
    "CLA_VISITS_IN_TIME",
    "CLA_REVIEWS_IN_TIME",
    "CLA_PEP",
    "CL_PATHWAY_PLAN",
    "CP_VISITS_10WD",
    "CP_REVIEWS_IN_TIME",
    "CIN_VISITS_20WD",
    "CP_ICPC_15WD",
    "CIN_ASSESS_45WD",
    "CLA_IHA_20WD",
    "CLA_HEALTH_ASSESSMENT",
    "CLA_DENTAL",
}
FLOW_CODES = {"CP_ICPC_15WD", "CIN_ASSESS_45WD", "CLA_IHA_20WD"}


def compliance_row(
    warehouse: RawWarehouse,
    child_key: str,
    indicator: str,
    period_end: str,
    event_date: str | None = None,
) -> tuple:
    rows = warehouse.query(
        "select due_date, last_event_date, is_compliant, days_overdue "
        "from intermediate.int_child_compliance "
        "where child_key = ? and indicator_code = ? and period_end = ? "
        "and event_date is not distinct from ?",
        [child_key, indicator, D(period_end), D(event_date) if event_date else None],
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


def scorecard_mismatches(
    warehouse: RawWarehouse,
    rows_relation: str = "marts.fct_scorecard_monthly",
    indicator_codes: frozenset[str] | set[str] = frozenset(DRILL_DOWN_CODES),
) -> list[tuple]:
    """Headline (indicator, month) rows of every drill-down indicator in the drill-down's
    months whose denominator is not the drill-down's row count or whose numerator is not
    its compliant rows (a month with no drill-down rows counts as 0 and 0)."""
    codes = ", ".join(f"'{code}'" for code in sorted(indicator_codes))
    return warehouse.query(
        f"""
        with drill_months as (
            select distinct period_end from intermediate.int_child_compliance
        ),
        drill as (
            select indicator_code, period_end,
                   count(*) as row_count,
                   count(*) filter (where is_compliant) as compliant_count
            from intermediate.int_child_compliance
            where indicator_code in ({codes})
            group by indicator_code, period_end
        ),
        headline as (
            select indicator_code, period_end, numerator, denominator
            from {rows_relation}
            where breakdown = 'all' and breakdown_value = 'all'
              and indicator_code in ({codes})
              and period_end in (select period_end from drill_months)
        )
        select coalesce(headline.indicator_code, drill.indicator_code),
               coalesce(headline.period_end, drill.period_end),
               headline.denominator, headline.numerator,
               drill.row_count, drill.compliant_count
        from headline
        full outer join drill
            on headline.indicator_code = drill.indicator_code
            and headline.period_end = drill.period_end
        where coalesce(headline.denominator, 0) <> coalesce(drill.row_count, 0)
           or coalesce(headline.numerator, 0) <> coalesce(drill.compliant_count, 0)
        """
    )


def drill_down_codes(warehouse: RawWarehouse) -> set[str]:
    return {
        code
        for (code,) in warehouse.query(
            "select distinct indicator_code from intermediate.int_child_compliance"
        )
    }


def test_non_compliant_children_match_the_scorecard(built_warehouse: RawWarehouse) -> None:
    assert {"CLA_VISITS_IN_TIME", "CLA_REVIEWS_IN_TIME"} <= drill_down_codes(built_warehouse)
    assert scorecard_mismatches(built_warehouse) == []


def test_random_authority_matches_the_scorecard(
    random_authority: tuple[RandomAuthority, RawWarehouse],
) -> None:
    _, warehouse = random_authority
    # This authority has no care-leaver, CP or CIN records.
    codes = drill_down_codes(warehouse)
    assert {"CLA_VISITS_IN_TIME", "CLA_REVIEWS_IN_TIME", "CLA_PEP"} <= codes
    assert not codes & {"CL_PATHWAY_PLAN", "CP_VISITS_10WD", "CIN_VISITS_20WD"}
    assert scorecard_mismatches(warehouse) == []


def _duplicate_grain_rows(warehouse: RawWarehouse) -> list[tuple]:
    return warehouse.query(
        "select indicator_code, period_end, count(*) from intermediate.int_child_compliance "
        "group by child_key, indicator_code, period_end, event_date having count(*) > 1"
    )


def test_grain_is_unique_on_clean_data(
    built_warehouse: RawWarehouse, random_authority: tuple[RandomAuthority, RawWarehouse]
) -> None:
    """The dbt uniqueness test only warns (real extracts may hold same-day events)."""
    assert _duplicate_grain_rows(built_warehouse) == []
    assert _duplicate_grain_rows(random_authority[1]) == []


# --- CP and CIN (dbt_fixture_cp_cin: as-of 2024-10-31, so months 2023-10 to 2024-10)


@pytest.fixture(scope="module")
def cp_cin_warehouse(
    cp_cin_build: tuple[RawWarehouse, Path, subprocess.CompletedProcess],
) -> RawWarehouse:
    built, _, _ = cp_cin_build
    # A failed build elsewhere is test_dbt_cp_cin's to report; these two must exist.
    for relation in ("intermediate.int_child_compliance", "marts.fct_scorecard_monthly"):
        if not built.query(
            "select count(*) from information_schema.tables "
            "where table_schema || '.' || table_name = ?",
            [relation],
        )[0][0]:
            pytest.fail(f"the CP/CIN fixture build did not produce {relation}")
    return built


def test_cp_cin_rows_match_the_scorecard(cp_cin_warehouse: RawWarehouse) -> None:
    assert {"CP_VISITS_10WD", "CP_REVIEWS_IN_TIME", "CIN_VISITS_20WD"} | {
        "CP_ICPC_15WD",
        "CIN_ASSESS_45WD",
    } <= drill_down_codes(cp_cin_warehouse)
    assert scorecard_mismatches(cp_cin_warehouse) == []


def test_cp_visit_due_on_the_10th_working_day(cp_cin_warehouse: RawWarehouse) -> None:
    # N12 seen 2024-09-16: the 10th working day after is 2024-09-30, in time on it.
    assert compliance_row(cp_cin_warehouse, "liquid_logic:N12", "CP_VISITS_10WD", "2024-09-30") == (
        D("2024-09-30"),
        D("2024-09-16"),
        True,
        0,
    )
    # N13 seen 2024-09-13 (Friday): due Friday 2024-09-27, 3 days overdue on 2024-09-30.
    assert compliance_row(cp_cin_warehouse, "liquid_logic:N13", "CP_VISITS_10WD", "2024-09-30") == (
        D("2024-09-27"),
        D("2024-09-13"),
        False,
        3,
    )


def test_cp_review_held_late_stays_late(cp_cin_warehouse: RawWarehouse) -> None:
    # N16: plan 2024-01-10, first review due 2024-04-10, held 2024-04-11; the next is due
    # 2024-10-11. On 2024-09-30 the plan is out of time only for the late review: due
    # 2024-04-10, 1 day late; on 2024-10-31 the next review is 20 days overdue.
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N16", "CP_REVIEWS_IN_TIME", "2024-09-30"
    ) == (D("2024-04-10"), D("2024-04-11"), False, 1)
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N16", "CP_REVIEWS_IN_TIME", "2024-10-31"
    ) == (D("2024-10-11"), D("2024-04-11"), False, 20)
    # N17: plan 2024-06-30, no review: due 2024-09-30, in time then, 31 days late a month on.
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N17", "CP_REVIEWS_IN_TIME", "2024-09-30"
    ) == (D("2024-09-30"), None, True, 0)
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N17", "CP_REVIEWS_IN_TIME", "2024-10-31"
    ) == (D("2024-09-30"), None, False, 31)


def test_cin_visit_due_on_the_20th_working_day(cp_cin_warehouse: RawWarehouse) -> None:
    # N22 seen 2024-09-02 -> due 2024-09-30 (in time); N23 seen 2024-08-30 -> due 09-27.
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N22", "CIN_VISITS_20WD", "2024-09-30"
    ) == (D("2024-09-30"), D("2024-09-02"), True, 0)
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N23", "CIN_VISITS_20WD", "2024-09-30"
    ) == (D("2024-09-27"), D("2024-08-30"), False, 3)


def test_flow_events_are_late_by_the_days_after_their_due_date(
    cp_cin_warehouse: RawWarehouse,
) -> None:
    # S47 2023-12-11: the 15th working day across Christmas is 2024-01-04. N6 conference
    # that day (in time); N7 on 2024-01-05: one day late, in every month of its window.
    for period_end in ("2024-09-30", "2024-10-31"):
        assert compliance_row(
            cp_cin_warehouse, "liquid_logic:N6", "CP_ICPC_15WD", period_end, "2023-12-11"
        ) == (D("2024-01-04"), D("2024-01-04"), True, 0)
        assert compliance_row(
            cp_cin_warehouse, "liquid_logic:N7", "CP_ICPC_15WD", period_end, "2023-12-11"
        ) == (D("2024-01-04"), D("2024-01-05"), False, 1)
    # Assessment started 2024-02-01: the 45th working day across Easter is 2024-04-08.
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N27", "CIN_ASSESS_45WD", "2024-09-30", "2024-02-01"
    ) == (D("2024-04-08"), D("2024-04-08"), True, 0)
    assert compliance_row(
        cp_cin_warehouse, "liquid_logic:N28", "CIN_ASSESS_45WD", "2024-09-30", "2024-02-01"
    ) == (D("2024-04-08"), D("2024-04-09"), False, 1)


def test_event_date_identifies_flow_rows_only(cp_cin_warehouse: RawWarehouse) -> None:
    rows = cp_cin_warehouse.query(
        "select indicator_code, event_date is not null, count(*) "
        "from intermediate.int_child_compliance group by 1, 2"
    )
    assert {(code, has_event) for code, has_event, _ in rows} == {
        (code, code in FLOW_CODES) for code in drill_down_codes(cp_cin_warehouse)
    }


# --- Looked-after outcomes (dbt_fixture_cla_outcomes: as-of 2023-03-31)


def test_cla_outcome_rows_match_their_scorecard_rows(cla_outcomes_warehouse: RawWarehouse) -> None:
    # The mart stacks int_scorecard_rows__cla_outcomes; this build stops there.
    assert {"CLA_IHA_20WD", "CLA_HEALTH_ASSESSMENT", "CLA_DENTAL"} <= drill_down_codes(
        cla_outcomes_warehouse
    )
    assert (
        scorecard_mismatches(
            cla_outcomes_warehouse,
            "intermediate.int_scorecard_rows__cla_outcomes",
            {
                "CLA_IHA_20WD",
                "CLA_HEALTH_ASSESSMENT",
                "CLA_DENTAL",
                "CLA_PEP",
                "CLA_REVIEWS_IN_TIME",
            },
        )
        == []
    )


def test_iha_due_on_the_20th_working_day(cla_outcomes_warehouse: RawWarehouse) -> None:
    # Both start 2021-12-10; the 20th working day across Christmas is 2022-01-12.
    assert compliance_row(
        cla_outcomes_warehouse, "liquid_logic:3005", "CLA_IHA_20WD", "2022-03-31", "2021-12-10"
    ) == (D("2022-01-12"), D("2022-01-12"), True, 0)
    assert compliance_row(
        cla_outcomes_warehouse, "liquid_logic:3006", "CLA_IHA_20WD", "2022-03-31", "2021-12-10"
    ) == (D("2022-01-12"), D("2022-01-13"), False, 1)


def test_health_and_dental_due_12_months_on(cla_outcomes_warehouse: RawWarehouse) -> None:
    # C, under 5: RHAs 2022-02-01 and 2022-08-01; two are needed, so the earlier decides:
    # due 2023-01-31 (its last day in a 12-month window), overdue 28 days a month later.
    c = "liquid_logic:3003"
    assert compliance_row(cla_outcomes_warehouse, c, "CLA_HEALTH_ASSESSMENT", "2023-01-31") == (
        D("2023-01-31"),
        D("2022-08-01"),
        True,
        0,
    )
    assert compliance_row(cla_outcomes_warehouse, c, "CLA_HEALTH_ASSESSMENT", "2023-02-28") == (
        D("2023-02-28") - dt.timedelta(days=28),
        D("2022-08-01"),
        False,
        28,
    )
    # D, under 5: one assessment done (the other refused): the due date is unknown.
    d = "liquid_logic:3004"
    assert compliance_row(cla_outcomes_warehouse, d, "CLA_HEALTH_ASSESSMENT", "2023-02-28") == (
        None,
        D("2022-08-01"),
        False,
        None,
    )
    # D's dental check 2022-03-01 is still in the window of 2023-02-28 (from 2022-03-01).
    assert compliance_row(cla_outcomes_warehouse, d, "CLA_DENTAL", "2023-02-28") == (
        D("2023-02-28"),
        D("2022-03-01"),
        True,
        0,
    )
