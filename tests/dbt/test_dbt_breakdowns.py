"""Breakdown rows of the counts and percentages on hand-worked children.

A small one-system authority of its own (``dbt_fixture_breakdowns``, one extra ``dbt
build``) whose groups on period_end are worked out by hand. Rules: age in completed
years on period_end (a birthday on period_end counts), UASC from an immigration status
open on period_end, the team of the involvement open on period_end ('unallocated' when
none), an ethnicity code outside the DfE list is 'unknown'. A percentage's group rows
carry the headline's numerator and denominator restricted to the group; the groups of
every breakdown add up to the headline, here and on the random authority.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dbt_fixture_breakdowns import build_raw
from dbt_fixture_random_authority import RandomAuthority
from dbt_fixture_warehouse import RawWarehouse, run_dbt

D = dt.date.fromisoformat
PERSON_BREAKDOWNS = ("age_band", "sex", "ethnicity_group", "uasc", "team")
CLA_BREAKDOWNS = (*PERSON_BREAKDOWNS, "placement_type_group")
# indicator -> the breakdowns it has
BROKEN_DOWN = {
    "CLA_COUNT": CLA_BREAKDOWNS,
    "CLA_VISITS_IN_TIME": CLA_BREAKDOWNS,
    "CLA_REVIEWS_IN_TIME": CLA_BREAKDOWNS,
    "CLA_STABILITY_3PLUS": CLA_BREAKDOWNS,
    "CLA_HEALTH_ASSESSMENT": CLA_BREAKDOWNS,
    "CLA_PEP": CLA_BREAKDOWNS,
    "CP_COUNT": PERSON_BREAKDOWNS,
    "CP_VISITS_10WD": PERSON_BREAKDOWNS,
    "CP_REVIEWS_IN_TIME": PERSON_BREAKDOWNS,
    "CIN_COUNT": PERSON_BREAKDOWNS,
    "CIN_VISITS_20WD": PERSON_BREAKDOWNS,
}


@pytest.fixture(scope="module")
def breakdown_warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    """The hand-worked children's raw layer after a successful ``dbt build``."""
    work_dir: Path = tmp_path_factory.mktemp("dbt_breakdowns")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    build_raw(warehouse)
    result = run_dbt(warehouse.path, work_dir, "build")
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")
    return warehouse


def groups(warehouse: RawWarehouse, indicator: str, period_end: str, breakdown: str) -> dict:
    return dict(
        warehouse.query(
            "select breakdown_value, numerator from marts.fct_scorecard_monthly "
            "where indicator_code = ? and period_end = ? and breakdown = ?",
            [indicator, D(period_end), breakdown],
        )
    )


def test_birthday_on_period_end_counts_as_a_completed_year(
    breakdown_warehouse: RawWarehouse,
) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "age_band") == {
        "5_9": 1,
        "1_4": 1,
        "16_17": 1,
    }
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-02-28", "age_band") == {
        "1_4": 2,
        "16_17": 1,
    }


def test_uasc_child_is_uasc_only_while_the_status_is_open(
    breakdown_warehouse: RawWarehouse,
) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "uasc") == {
        "uasc": 1,
        "not_uasc": 2,
    }
    assert groups(breakdown_warehouse, "CLA_COUNT", "2021-08-31", "uasc") == {"not_uasc": 2}


def test_child_without_an_involvement_is_unallocated(breakdown_warehouse: RawWarehouse) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "team") == {
        "Team North": 1,
        "Team South": 1,
        "unallocated": 1,
    }


def test_unknown_ethnicity_code_is_unknown(breakdown_warehouse: RawWarehouse) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "ethnicity_group") == {
        "white": 1,
        "asian": 1,
        "unknown": 1,
    }
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "sex") == {"F": 1, "M": 2}


def test_placement_type_group_of_the_open_placement(breakdown_warehouse: RawWarehouse) -> None:
    # 2002 has no placement on record: 'other', so the groups still add up
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "placement_type_group") == {
        "foster": 1,
        "residential": 1,
        "other": 1,
    }
    assert groups(breakdown_warehouse, "CP_COUNT", "2022-03-31", "placement_type_group") == {}


def percentages(
    warehouse: RawWarehouse, indicator: str, period_end: str, breakdown: str
) -> dict[str, tuple]:
    """{breakdown_value: (numerator, denominator, value, data_quality_flag)}."""
    rows = warehouse.query(
        "select breakdown_value, numerator, denominator, value, data_quality_flag "
        "from marts.fct_scorecard_monthly "
        "where indicator_code = ? and period_end = ? and breakdown = ?",
        [indicator, D(period_end), breakdown],
    )
    return {value: tuple(figures) for value, *figures in rows}


def test_cla_visits_in_time_by_team(breakdown_warehouse: RawWarehouse) -> None:
    # 2001 seen 30 days ago (42-day interval); 2002 never seen; 2003 seen 58 days ago
    assert percentages(breakdown_warehouse, "CLA_VISITS_IN_TIME", "2022-03-31", "team") == {
        "Team North": (1, 1, 100.0, None),
        "Team South": (0, 1, 0.0, None),
        "unallocated": (0, 1, 0.0, None),
    }
    headline = percentages(breakdown_warehouse, "CLA_VISITS_IN_TIME", "2022-03-31", "all")
    assert headline["all"][:2] == (1, 3)


def test_cla_visits_in_time_by_placement_type_group(breakdown_warehouse: RawWarehouse) -> None:
    assert percentages(
        breakdown_warehouse, "CLA_VISITS_IN_TIME", "2022-03-31", "placement_type_group"
    ) == {
        "foster": (1, 1, 100.0, None),
        "residential": (0, 1, 0.0, None),
        "other": (0, 1, 0.0, None),
    }


def test_stability_by_age_band_keeps_the_partial_window_flag(
    breakdown_warehouse: RawWarehouse,
) -> None:
    # 2003 (16) has had three placements since 2021-09-01; the others one or none
    assert percentages(breakdown_warehouse, "CLA_STABILITY_3PLUS", "2022-03-31", "age_band") == {
        "5_9": (0, 1, 0.0, None),
        "1_4": (0, 1, 0.0, None),
        "16_17": (1, 1, 100.0, None),
    }
    # February's window starts 2021-03-01, before history start: flagged like the headline
    assert percentages(breakdown_warehouse, "CLA_STABILITY_3PLUS", "2022-02-28", "age_band") == {
        "1_4": (0, 2, 0.0, "partial_window"),
        "16_17": (1, 1, 100.0, "partial_window"),
    }


def test_cp_visits_and_reviews_by_team_ethnicity_and_sex(
    breakdown_warehouse: RawWarehouse,
) -> None:
    assert percentages(breakdown_warehouse, "CP_VISITS_10WD", "2022-03-31", "team") == {
        "Team West": (1, 1, 100.0, None),
        "unallocated": (0, 1, 0.0, None),
    }
    assert percentages(breakdown_warehouse, "CP_VISITS_10WD", "2022-03-31", "ethnicity_group") == {
        "mixed": (1, 1, 100.0, None),
        "black": (0, 1, 0.0, None),
    }
    # only 2005's review is due: 2004 (not yet due) is in no group
    assert percentages(breakdown_warehouse, "CP_REVIEWS_IN_TIME", "2022-03-31", "sex") == {
        "M": (0, 1, 0.0, None),
    }
    assert percentages(breakdown_warehouse, "CP_VISITS_10WD", "2022-03-31", "uasc") == {
        "not_uasc": (1, 2, 50.0, None),
    }


def test_cin_visits_include_a_plan_child_outside_cin_count(
    breakdown_warehouse: RawWarehouse,
) -> None:
    # 2006 has a CIN plan but no CIN episode: in the visits cohort, not in CIN_COUNT
    assert groups(breakdown_warehouse, "CIN_COUNT", "2022-03-31", "sex") == {"M": 1}
    assert percentages(breakdown_warehouse, "CIN_VISITS_20WD", "2022-03-31", "sex") == {
        "F": (0, 1, 0.0, None),
        "M": (1, 1, 100.0, None),
    }
    assert percentages(breakdown_warehouse, "CIN_VISITS_20WD", "2022-03-31", "team") == {
        "Team East": (1, 1, 100.0, None),
        "unallocated": (0, 1, 0.0, None),
    }


def test_breakdown_rows_carry_no_target_rag_or_benchmark(
    breakdown_warehouse: RawWarehouse,
) -> None:
    carried = breakdown_warehouse.query(
        "select count(*) from marts.fct_scorecard_monthly where breakdown != 'all' and "
        "(target is not null or rag is not null or england_value is not null "
        "or sn_value is not null)"
    )
    assert carried == [(0,)]


def assert_groups_add_up(warehouse: RawWarehouse) -> int:
    """Every broken-down indicator, month and breakdown: the group rows' numerators and
    denominators sum to the headline's. Returns how many headline rows were checked."""
    headlines = warehouse.query(
        "select indicator_code, period_end, numerator, denominator "
        "from marts.fct_scorecard_monthly where breakdown = 'all' and indicator_code in "
        f"({', '.join(repr(code) for code in BROKEN_DOWN)})"
    )
    sums = {
        (code, period_end, breakdown): (numerator, denominator)
        for code, period_end, breakdown, numerator, denominator in warehouse.query(
            "select indicator_code, period_end, breakdown, sum(numerator), sum(denominator) "
            "from marts.fct_scorecard_monthly where breakdown != 'all' "
            "group by indicator_code, period_end, breakdown"
        )
    }
    for code, period_end, numerator, denominator in headlines:
        for breakdown in BROKEN_DOWN[code]:
            group_numerator, group_denominator = sums.get((code, period_end, breakdown), (0, None))
            assert group_numerator == numerator, (code, period_end, breakdown)
            assert (group_denominator or 0) == (denominator or 0), (code, period_end, breakdown)
            assert (group_denominator is None) == (denominator is None or denominator == 0), (
                code,
                period_end,
                breakdown,
            )
    # no breakdown beyond those: none for CP or CIN by placement type group
    expected = {(code, breakdown) for code, dims in BROKEN_DOWN.items() for breakdown in dims}
    breakdowns = {(code, breakdown) for code, _, breakdown in sums}
    assert breakdowns - {("CLA_CEASES_12M", "reason_group")} <= expected
    return len(headlines)


def test_every_breakdown_adds_up_to_the_headline(breakdown_warehouse: RawWarehouse) -> None:
    assert assert_groups_add_up(breakdown_warehouse)


def test_random_authority_breakdowns_add_up_to_the_headline(
    random_authority: tuple[RandomAuthority, RawWarehouse],
) -> None:
    _, warehouse = random_authority
    checked = assert_groups_add_up(warehouse)
    months = warehouse.query("select count(*) from intermediate.int_months")[0][0]
    assert checked == len(BROKEN_DOWN) * months  # every indicator, every month
    # the authority's visits and reviews are broken down, not only its counts
    rows = warehouse.query(
        "select count(*) from marts.fct_scorecard_monthly "
        "where indicator_code in ('CLA_VISITS_IN_TIME', 'CLA_REVIEWS_IN_TIME') "
        "and breakdown = 'age_band' and denominator > 0"
    )
    assert rows[0][0] > 0
