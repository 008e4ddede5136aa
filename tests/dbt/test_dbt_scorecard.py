"""The dbt project on hand-worked children (tests/dbt/dbt_fixture_scenario.py).

One ``dbt build`` for the session (conftest.py). Each test states a rule of
docs/architecture.md and checks it where the rule shows, in the marts or the
intermediate model that applies it.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from dbt_fixture_definitions import expected_scorecard, month_ends
from dbt_fixture_scenario import AS_OF, CUTOVER, HISTORY_START, POPULATION, TRUTH
from dbt_fixture_warehouse import RawWarehouse

# The foundation indicators these hand-worked definitions cover; other areas have their own tests.
FOUNDATION_CODES = (
    "CLA_COUNT",
    "CLA_RATE_10K",
    "CLA_STARTS_12M",
    "CLA_CEASES_12M",
    "CLA_VISITS_IN_TIME",
)

D = dt.date.fromisoformat


def scorecard_value(
    warehouse: RawWarehouse, indicator: str, period_end: str, breakdown_value: str = "all"
) -> tuple:
    rows = warehouse.query(
        "select numerator, denominator, value from marts.fct_scorecard_monthly "
        "where indicator_code = ? and period_end = ? and breakdown_value = ?",
        [indicator, D(period_end), breakdown_value],
    )
    assert len(rows) == 1, (indicator, period_end, breakdown_value, rows)
    return rows[0]


def looked_after(warehouse: RawWarehouse, period_end: str) -> set[str]:
    return {
        key
        for (key,) in warehouse.query(
            "select child_key from intermediate.int_cla_monthly_snapshot "
            "where period_end = ? and is_in_cla_count",
            [D(period_end)],
        )
    }


def periods(warehouse: RawWarehouse, child_key: str) -> list[tuple]:
    return warehouse.query(
        "select period_start_date, period_end_date, period_end_reason, is_short_break, "
        "is_lost_at_cutover from intermediate.int_cla_periods_of_care "
        "where child_key = ? order by period_number",
        [child_key],
    )


def starters(warehouse: RawWarehouse, period_end: str) -> set[str]:
    return {
        key
        for (key,) in warehouse.query(
            "select child_key from intermediate.int_cla_starts_monthly where period_end = ?",
            [D(period_end)],
        )
    }


def ceasers(warehouse: RawWarehouse, period_end: str) -> dict[str, str]:
    return dict(
        warehouse.query(
            "select child_key, reason_group from intermediate.int_cla_ceases_monthly "
            "where period_end = ?",
            [D(period_end)],
        )
    )


def visit_row(warehouse: RawWarehouse, child_key: str, period_end: str) -> dict:
    columns = (
        "placement_start_date",
        "placement_type",
        "latest_seen_visit_date",
        "allowed_interval_days",
        "is_visited_in_time",
    )
    rows = warehouse.query(
        f"select {', '.join(columns)} from intermediate.int_cla_visits_compliance_monthly "
        "where child_key = ? and period_end = ?",
        [child_key, D(period_end)],
    )
    assert len(rows) == 1, (child_key, period_end, rows)
    return dict(zip(columns, rows[0], strict=True))


# --- the whole mart against the definitions --------------------------------------------


# The scenario's legacy child lost at the cutover (CF03) has a period of care that ends
# there with no recorded reason: the SSDA903 episode check warns about exactly that, and
# nothing else may warn.
EXPECTED_WARNINGS = ["expression_is_true_ret_ssda903_episodes__dec_is_null_rec_is_null_"]


def test_build_passes_every_data_and_unit_test(built_warehouse: RawWarehouse) -> None:
    log = built_warehouse.build_log
    assert "ERROR=0" in log and f"WARN={len(EXPECTED_WARNINGS)}" in log and "SKIP=0" in log
    assert re.findall(r"Warning in test (\S+)", log) == EXPECTED_WARNINGS
    assert "unit tests" in log


def own_flag(flag: str | None) -> str | None:
    """The indicator's own data-quality flag, without migration-gap flags (tested apart)."""
    parts = [
        part for part in (flag or "").split("; ") if part and not part.startswith("migration_gap:")
    ]
    return "; ".join(parts) or None


def test_mart_equals_the_definitions_for_every_month(built_warehouse: RawWarehouse) -> None:
    expected = expected_scorecard(TRUTH, HISTORY_START, AS_OF, POPULATION)
    actual = {
        tuple(row[:4]): row[4:]
        for row in built_warehouse.query(
            "select indicator_code, period_end, breakdown, breakdown_value, numerator, "
            "denominator, value, data_quality_flag from marts.fct_scorecard_monthly "
            f"where indicator_code in {FOUNDATION_CODES} "
            "and breakdown in ('all', 'reason_group')"
        )
    }
    assert set(actual) == set(expected)
    mismatches = []
    for key, (numerator, denominator, value, flag) in sorted(expected.items()):
        got = actual[key]
        same_value = (got[2] is None and value is None) or (
            got[2] is not None and value is not None and math.isclose(got[2], value)
        )
        if (got[0], got[1], own_flag(got[3])) != (numerator, denominator, flag) or not same_value:
            mismatches.append((key, (numerator, denominator, value, flag), got))
    assert not mismatches, mismatches[:10]


def test_every_month_from_history_start_to_as_of(built_warehouse: RawWarehouse) -> None:
    months = [
        period_end
        for (period_end,) in built_warehouse.query(
            "select period_end from intermediate.int_months order by period_end"
        )
    ]
    assert months == [period_end for _, period_end in month_ends(HISTORY_START, AS_OF)]
    assert months[0] == D("2020-04-30") and months[-1] == D("2022-03-31")


def test_mart_columns_and_types(built_warehouse: RawWarehouse) -> None:
    columns = built_warehouse.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'fct_scorecard_monthly' "
        "order by ordinal_position"
    )
    assert columns == [
        ("indicator_code", "VARCHAR"),
        ("period_end", "DATE"),
        ("breakdown", "VARCHAR"),
        ("breakdown_value", "VARCHAR"),
        ("numerator", "BIGINT"),
        ("denominator", "DOUBLE"),
        ("value", "DOUBLE"),
        ("unit", "VARCHAR"),
        ("polarity", "VARCHAR"),
        ("target", "DOUBLE"),
        ("rag", "VARCHAR"),
        ("england_value", "DOUBLE"),
        ("sn_value", "DOUBLE"),
        ("is_suppressed", "BOOLEAN"),
        ("data_quality_flag", "VARCHAR"),
        ("benchmark_year", "VARCHAR"),
        ("sn_neighbour_count", "INTEGER"),
    ]


def test_catalogue_columns_and_suppression(built_warehouse: RawWarehouse) -> None:
    rows = built_warehouse.query(
        "select indicator_code, unit, polarity, england_value, target, rag, sn_value, "
        "is_suppressed, numerator from marts.fct_scorecard_monthly "
        f"where period_end = ? and breakdown = 'all' and indicator_code in {FOUNDATION_CODES} "
        "order by indicator_code",
        [D("2021-06-30")],
    )
    assert rows == [
        ("CLA_CEASES_12M", "count", "none", 34450.0, None, None, None, True, 2),
        ("CLA_COUNT", "count", "none", 81770.0, None, None, None, False, 5),
        ("CLA_RATE_10K", "rate_10k", "low", 67.0, None, None, None, False, 5),
        ("CLA_STARTS_12M", "count", "none", 32270.0, None, None, None, False, 5),
        ("CLA_VISITS_IN_TIME", "pct", "high", None, 95.0, "green", None, False, 5),
    ]


# --- the cutover -----------------------------------------------------------------------


def test_clean_migration_is_one_period_counted_once(built_warehouse: RawWarehouse) -> None:
    assert periods(built_warehouse, "liquid_logic:1001") == [
        (D("2020-05-10"), None, None, False, False)
    ]
    for period_end in ("2021-06-30", "2021-07-31"):
        assert "liquid_logic:1001" in looked_after(built_warehouse, period_end)
    assert "carefirst:CF01" not in looked_after(built_warehouse, "2021-06-30")
    assert "liquid_logic:1001" not in starters(built_warehouse, "2022-03-31")
    assert "liquid_logic:1001" not in ceasers(built_warehouse, "2022-03-31")


def test_period_split_at_cutover_is_mended(built_warehouse: RawWarehouse) -> None:
    assert periods(built_warehouse, "liquid_logic:1002") == [
        (D("2020-09-01"), None, None, False, False)
    ]
    episodes = built_warehouse.query(
        "select cla_episode_id, episode_start_date, episode_ceased_date, episode_ceased_reason, "
        "is_seam_continuation from intermediate.int_cla_episodes_unified "
        "where child_key = 'liquid_logic:1002' order by episode_start_date"
    )
    assert episodes == [
        ("E02", D("2020-09-01"), CUTOVER, "X1", False),
        ("N02b", CUTOVER, None, None, True),
    ]
    # no start on C nor cease on C-1: both would fall in the window ending 2022-03-31
    assert "liquid_logic:1002" not in starters(built_warehouse, "2022-03-31")
    assert "liquid_logic:1002" not in ceasers(built_warehouse, "2022-03-31")
    # the split placement is one stay: P is the legacy start
    assert visit_row(built_warehouse, "liquid_logic:1002", "2021-07-31")[
        "placement_start_date"
    ] == D("2020-09-01")


def test_child_missing_from_successor_is_not_counted_after_cutover(
    built_warehouse: RawWarehouse,
) -> None:
    assert periods(built_warehouse, "carefirst:CF03") == [
        (D("2021-01-15"), CUTOVER, None, False, True)
    ]
    assert "carefirst:CF03" in looked_after(built_warehouse, "2021-06-30")
    assert "carefirst:CF03" not in looked_after(built_warehouse, "2021-07-31")
    assert "carefirst:CF03" not in ceasers(built_warehouse, "2021-07-31")


def test_linked_identifier_joins_the_legacy_child(built_warehouse: RawWarehouse) -> None:
    crosswalk = dict(
        built_warehouse.query(
            "select source_system || ':' || person_id, child_key "
            "from intermediate.int_person_crosswalk"
        )
    )
    assert crosswalk["carefirst:CF04"] == "liquid_logic:1004"  # linked identifier
    assert crosswalk["carefirst:CF01"] == "liquid_logic:1001"  # pers_legacy_id
    assert crosswalk["carefirst:CF03"] == "carefirst:CF03"  # not migrated


def test_visits_come_from_legacy_before_and_successor_after_cutover(
    built_warehouse: RawWarehouse,
) -> None:
    # legacy's 2021-06-20 visit, not the successor's migrated 2021-06-25 one
    assert visit_row(built_warehouse, "liquid_logic:1004", "2021-06-30")[
        "latest_seen_visit_date"
    ] == D("2021-06-20")
    # the successor's 2021-07-25 visit, not legacy's visit dated after its live_to
    assert visit_row(built_warehouse, "liquid_logic:1004", "2021-07-31")[
        "latest_seen_visit_date"
    ] == D("2021-07-25")


# --- CLA_VISITS_IN_TIME ----------------------------------------------------------------


def test_visit_on_day_42_is_in_time_day_43_is_late(built_warehouse: RawWarehouse) -> None:
    day_42 = visit_row(built_warehouse, "liquid_logic:1005", "2021-11-30")
    day_43 = visit_row(built_warehouse, "liquid_logic:1006", "2021-11-30")
    assert (day_42["allowed_interval_days"], day_42["is_visited_in_time"]) == (42, True)
    assert (day_43["allowed_interval_days"], day_43["is_visited_in_time"]) == (42, False)
    assert scorecard_value(built_warehouse, "CLA_VISITS_IN_TIME", "2021-11-30") == (
        7,
        8,
        100 * 7 / 8,
    )


def test_placed_with_parents_before_and_after_first_review(built_warehouse: RawWarehouse) -> None:
    before = visit_row(built_warehouse, "liquid_logic:1007", "2021-09-30")
    after = visit_row(built_warehouse, "liquid_logic:1007", "2021-10-31")
    assert (before["allowed_interval_days"], before["is_visited_in_time"]) == (7, False)
    assert (after["allowed_interval_days"], after["is_visited_in_time"]) == (28, True)


def test_long_term_foster_after_a_year_allows_91_days(built_warehouse: RawWarehouse) -> None:
    row = visit_row(built_warehouse, "liquid_logic:1008", "2021-08-31")
    assert row["placement_start_date"] == D("2020-06-01")  # one stay across the cutover
    assert (row["placement_type"], row["allowed_interval_days"]) == ("U4", 91)
    assert row["latest_seen_visit_date"] == D("2021-06-15")
    assert row["is_visited_in_time"] is True


# --- counts and flows ------------------------------------------------------------------


def test_short_break_period_is_excluded(built_warehouse: RawWarehouse) -> None:
    assert [p[3] for p in periods(built_warehouse, "liquid_logic:1009")] == [True, True]
    assert "liquid_logic:1009" not in looked_after(built_warehouse, "2021-09-30")
    assert "liquid_logic:1009" not in looked_after(built_warehouse, "2021-12-31")
    assert "liquid_logic:1009" not in starters(built_warehouse, "2022-03-31")
    assert "liquid_logic:1009" not in ceasers(built_warehouse, "2022-03-31")


def test_cease_on_period_end_is_not_looked_after_then(built_warehouse: RawWarehouse) -> None:
    # no legal status on record: still counted while in care
    assert "liquid_logic:1010" in looked_after(built_warehouse, "2021-09-30")
    assert "liquid_logic:1010" not in looked_after(built_warehouse, "2021-10-31")
    assert ceasers(built_warehouse, "2021-10-31")["liquid_logic:1010"] == "returned_home"


def test_re_entry_within_12_months_is_one_start(built_warehouse: RawWarehouse) -> None:
    assert len(periods(built_warehouse, "liquid_logic:1011")) == 2
    assert "liquid_logic:1011" in starters(built_warehouse, "2021-11-30")
    assert scorecard_value(built_warehouse, "CLA_STARTS_12M", "2021-11-30")[0] == len(
        starters(built_warehouse, "2021-11-30")
    )


@pytest.mark.parametrize(
    ("period_end", "on_window_start", "day_before_window"),
    [("2022-03-31", True, False), ("2022-02-28", True, True)],
)
def test_twelve_month_window_edges(
    built_warehouse: RawWarehouse,
    period_end: str,
    on_window_start: bool,
    day_before_window: bool,
) -> None:
    started = starters(built_warehouse, period_end)
    assert ("liquid_logic:1014" in started) is on_window_start  # started 2021-04-01
    assert ("carefirst:CF09" in started) is day_before_window  # started 2021-03-31


def test_reason_groups_of_the_last_occasion(built_warehouse: RawWarehouse) -> None:
    groups = ceasers(built_warehouse, "2021-11-30")
    assert groups["liquid_logic:1012"] == "age18"  # E17 on turning 18
    assert groups["liquid_logic:1013"] == "other"  # E5 aged 16
    assert groups["liquid_logic:1011"] == "returned_home"  # E4B
    for group, children in (("age18", 1), ("other", 1), ("returned_home", 4)):
        assert (
            scorecard_value(built_warehouse, "CLA_CEASES_12M", "2021-11-30", group)[0] == children
        )


def test_rate_uses_latest_mid_year_estimate(built_warehouse: RawWarehouse) -> None:
    assert scorecard_value(built_warehouse, "CLA_RATE_10K", "2020-05-31") == (1, None, None)
    assert scorecard_value(built_warehouse, "CLA_RATE_10K", "2021-05-31") == (
        5,
        40_000,
        5 / 40_000 * 10000,
    )
    assert scorecard_value(built_warehouse, "CLA_RATE_10K", "2021-06-30") == (
        5,
        40_400,
        5 / 40_400 * 10000,
    )


def test_partial_window_flag(built_warehouse: RawWarehouse) -> None:
    flags = dict(
        built_warehouse.query(
            "select period_end, data_quality_flag from marts.fct_scorecard_monthly "
            "where indicator_code = 'CLA_STARTS_12M'"
        )
    )
    assert flags[D("2021-02-28")] == "partial_window"
    assert flags[D("2021-03-31")] is None


# --- staging ---------------------------------------------------------------------------


def test_only_the_latest_extract_of_each_system_is_staged(built_warehouse: RawWarehouse) -> None:
    staged = built_warehouse.query(
        "select distinct source_system, extract_date from staging.stg_ssd__person order by 1"
    )
    assert staged == [("carefirst", D("2021-06-30")), ("liquid_logic", D("2022-03-31"))]
    assert not built_warehouse.query(
        "select 1 from staging.stg_ssd__cla_episodes where person_id = 'CF10'"
    )


def test_three_date_formats_are_parsed(built_warehouse: RawWarehouse) -> None:
    episodes = dict(
        (row[0], row[1:])
        for row in built_warehouse.query(
            "select cla_episode_id, episode_start_date, episode_ceased_date "
            "from staging.stg_ssd__cla_episodes where cla_episode_id in ('E08', 'N10', 'N11b')"
        )
    )
    assert episodes["E08"] == (D("2021-04-01"), D("2021-05-10"))  # DD/MM/YYYY
    assert episodes["N10"] == (D("2021-08-10"), D("2021-10-31"))  # with a time
    assert episodes["N11b"] == (D("2021-11-01"), None)  # DD/MM/YYYY, empty end
    (dob,) = built_warehouse.query(
        "select date_of_birth from staging.stg_ssd__person where person_id = 'CF08'"
    )[0]
    assert dob == D("2010-01-01")


def test_liquid_logic_descriptions_map_to_codes(built_warehouse: RawWarehouse) -> None:
    rows = built_warehouse.query(
        "select cla_episode_id, episode_start_reason, episode_start_reason_source_value, "
        "episode_ceased_reason, episode_ceased_reason_source_value "
        "from staging.stg_ssd__cla_episodes where cla_episode_id in ('N10', 'N13') order by 1"
    )
    assert rows == [
        ("N10", "S", "started to be LOOKED AFTER", "E4A", "RETURNED HOME - PLANNED"),
        ("N13", None, "Unknown start text", "E5", "Independent living - supported"),
    ]


def test_health_check_descriptions_map_case_insensitively(built_warehouse: RawWarehouse) -> None:
    rows = built_warehouse.query(
        "select health_check_id, health_check_type, health_check_type_source_value "
        "from staging.stg_ssd__cla_health order by 1"
    )
    assert rows == [
        ("H1", "DENTAL", "dentist"),
        ("H2", "IHA", "  initial health ASSESSMENT "),
        ("H3", None, "Review health assessment (local)"),
    ]


def test_unmapped_code_is_null_with_source_value(built_warehouse: RawWarehouse) -> None:
    rows = built_warehouse.query(
        "select placement_provider, placement_provider_source_value, placement_type "
        "from staging.stg_ssd__cla_placement where placement_id = 'Q08'"
    )
    assert rows == [(None, "XYZ", "U4")]


def test_flags_become_booleans(built_warehouse: RawWarehouse) -> None:
    rows = dict(
        built_warehouse.query(
            "select review_id, is_review_cancelled from staging.stg_ssd__cla_reviews"
        )
    )
    assert rows == {"R07a": True, "R07b": False, "R07c": False}


def test_the_child_missing_at_cutover_flags_the_cla_indicators_from_go_live(
    built_warehouse: RawWarehouse,
) -> None:
    """CF03 was open in the legacy system at cutover and the successor never got the child:
    the finding marks the looked-after indicators from the go-live month, not before."""
    findings = built_warehouse.query(
        "select source_system, table_name, child_count from marts.dq_findings "
        "where defect_kind = 'missing_open_children'"
    )
    assert findings == [("carefirst", "ssd_cla_episodes", 1)]
    flagged_months = {
        period_end
        for (period_end,) in built_warehouse.query(
            "select distinct period_end from marts.fct_scorecard_monthly "
            "where indicator_code = 'CLA_COUNT' "
            "and data_quality_flag like '%migration_gap:missing_open_children%'"
        )
    }
    assert min(flagged_months) == D("2021-07-31")
    assert max(flagged_months) == AS_OF
