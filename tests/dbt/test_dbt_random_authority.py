"""The marts on a seeded random authority with a clean migration equal the definitions.

The authority (dbt_fixture_random_authority.py) puts interval ends and changes on the
cutover day and the day before, re-entries a day after leaving, short breaks, migrated
whole histories and open-only migrations, descriptions and mixed date and flag formats.
"""

from __future__ import annotations

import math

from dbt_fixture_definitions import expected_scorecard
from dbt_fixture_random_authority import AS_OF, HISTORY_START, POPULATION, RandomAuthority
from dbt_fixture_warehouse import RawWarehouse

# The foundation indicators these hand-worked definitions cover; other areas have their own tests.
FOUNDATION_CODES = (
    "CLA_COUNT",
    "CLA_RATE_10K",
    "CLA_STARTS_12M",
    "CLA_CEASES_12M",
    "CLA_VISITS_IN_TIME",
)


def test_random_clean_migration_equals_the_definitions(
    random_authority: tuple[RandomAuthority, RawWarehouse],
) -> None:
    authority, warehouse = random_authority
    expected = expected_scorecard(authority.truth, HISTORY_START, AS_OF, POPULATION)
    actual = {
        tuple(row[:4]): row[4:]
        for row in warehouse.query(
            "select indicator_code, period_end, breakdown, breakdown_value, numerator, "
            "denominator, value, data_quality_flag from marts.fct_scorecard_monthly "
            f"where indicator_code in {FOUNDATION_CODES} "
            "and breakdown in ('all', 'reason_group')"
        )
    }
    assert set(actual) == set(expected)
    mismatches = [
        (key, want, actual[key])
        for key, want in sorted(expected.items())
        if (actual[key][0], actual[key][1], actual[key][3]) != (want[0], want[1], want[3])
        or (actual[key][2] is None) != (want[2] is None)
        or (want[2] is not None and not math.isclose(actual[key][2], want[2]))
    ]
    assert not mismatches, mismatches[:10]


def test_random_authority_is_not_trivial(
    random_authority: tuple[RandomAuthority, RawWarehouse],
) -> None:
    _, warehouse = random_authority

    def largest(column: str, indicator: str) -> int:
        return warehouse.query(
            f"select max({column}) from marts.fct_scorecard_monthly where indicator_code = ?",
            [indicator],
        )[0][0]

    assert largest("numerator", "CLA_COUNT") > 100
    assert largest("numerator", "CLA_STARTS_12M") > 50
    assert largest("numerator", "CLA_CEASES_12M") > 50
    assert largest("denominator", "CLA_VISITS_IN_TIME") > 100
    ((seams,),) = warehouse.query(
        "select count(*) from intermediate.int_cla_episodes_unified where is_seam_continuation"
    )
    assert seams > 20


def test_out_of_area_is_flagged_not_computed_without_a_boundary(
    random_authority: tuple[RandomAuthority, RawWarehouse],
) -> None:
    """No boundary_postcodes: NULL numerator and value every month, never a silent 0%."""
    _, warehouse = random_authority
    rows = warehouse.query(
        "select numerator, value, data_quality_flag, rag, count(*) "
        "from marts.fct_scorecard_monthly "
        "where indicator_code = 'CLA_OUT_OF_AREA_20MI' and breakdown = 'all' "
        "group by all"
    )
    ((months,),) = warehouse.query("select count(distinct period_end) from intermediate.int_months")
    assert rows == [(None, None, "boundary_not_configured", None, months)]
