"""Clean mode: a faithful migration, and ground truth that the extracts reproduce."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from synthetic_helpers import parse_day, read_rows
from synthetic_reference import ReferencePipeline

from orchestration.synthetic import GeneratorSettings

REQUIRED = ("CLA_COUNT", "CLA_RATE_10K", "CLA_STARTS_12M", "CLA_CEASES_12M", "CLA_VISITS_IN_TIME")
GROUPS = ("returned_home", "adopted", "sgo", "cao", "age18", "other")


def _truth(landing: Path) -> list[dict[str, str]]:
    with (landing / "_truth" / "indicators.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def test_successor_holds_every_legacy_person_with_its_legacy_id(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    legacy = {
        r["pers_person_id"]: r for r in read_rows(clean_landing, demo.legacy.name, "ssd_person")
    }
    successor = read_rows(clean_landing, demo.successor.name, "ssd_person")
    by_legacy = {r["pers_legacy_id"]: r for r in successor if r["pers_legacy_id"]}
    assert set(by_legacy) == set(legacy)
    for legacy_id, row in by_legacy.items():
        assert row["pers_forename"] == legacy[legacy_id]["pers_forename"]
        assert parse_day(row["pers_dob"]) == parse_day(legacy[legacy_id]["pers_dob"])
    links = read_rows(clean_landing, demo.successor.name, "ssd_linked_identifiers")
    assert {(r["link_person_id"], r["link_identifier_value"]) for r in links} == {
        (row["pers_person_id"], legacy_id) for legacy_id, row in by_legacy.items()
    }
    assert {r["link_identifier_type"] for r in links} == {"Former system ID"}


@pytest.mark.parametrize(
    ("table", "person", "dates"),
    [
        ("ssd_cla_episodes", "clae_person_id", ("clae_cla_episode_start_date",)),
        ("ssd_cla_placement", "clap_person_id", ("clap_cla_placement_start_date",)),
        ("ssd_legal_status", "lega_person_id", ("lega_legal_status_start_date",)),
        ("ssd_cla_visits", "clav_person_id", ("clav_cla_visit_date",)),
        ("ssd_cla_health", "clah_person_id", ("clah_health_check_date",)),
        ("ssd_cp_plans", "cppl_person_id", ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date")),
        ("ssd_cin_episodes", "cine_person_id", ("cine_referral_date", "cine_close_date")),
    ],
)
def test_migrated_history_keeps_every_legacy_record_and_date(
    clean_landing: Path, demo: GeneratorSettings, table: str, person: str, dates: tuple[str, ...]
) -> None:
    """Every legacy record reappears in the successor for the same child on the same
    dates (end dates may have been filled in after go-live)."""
    live_to = demo.legacy.live_to
    legacy_of = {
        r["pers_person_id"]: r["pers_legacy_id"]
        for r in read_rows(clean_landing, demo.successor.name, "ssd_person")
    }
    legacy = Counter(
        (r[person], parse_day(r[dates[0]]), parse_day(r[dates[1]]) if len(dates) > 1 else None)
        for r in read_rows(clean_landing, demo.legacy.name, table)
    )
    migrated = Counter()
    for row in read_rows(clean_landing, demo.successor.name, table):
        start = parse_day(row[dates[0]])
        if start is None or start > live_to:
            continue
        end = parse_day(row[dates[1]]) if len(dates) > 1 else None
        migrated[(legacy_of[row[person]], start, end if end and end <= live_to else None)] += 1
    assert legacy and legacy == migrated


def test_truth_has_every_month_and_required_indicator(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    rows = _truth(clean_landing)
    assert list(rows[0]) == [
        "indicator_code",
        "period_end",
        "breakdown",
        "breakdown_value",
        "numerator",
        "denominator",
        "value",
    ]
    months = sorted({row["period_end"] for row in rows})
    assert months[0] == "2016-04-30" and months[-1] == "2026-10-31" and len(months) == 127
    keys = Counter((row["indicator_code"], row["breakdown_value"]) for row in rows)
    for code in REQUIRED:
        assert keys[(code, "all")] == 127
    for group in GROUPS:
        assert keys[("CLA_CEASES_12M", group)] == 127


def test_truth_equals_the_extracts_read_by_the_foundation_rules(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    """Re-derive the required indicators from the CSVs (crosswalk, system of record by
    date, seam rule, periods of care) and compare every month with the truth file."""
    rows = _truth(clean_landing)
    months = sorted({row["period_end"] for row in rows})
    ends = [dt.date.fromisoformat(month) for month in months]
    reference = ReferencePipeline(
        clean_landing, demo.legacy.name, demo.successor.name, demo.cutover_date
    ).indicators(ends, [_month_start(end, 11) for end in ends])
    compared = 0
    for row in rows:
        code, group, position = (
            row["indicator_code"],
            row["breakdown_value"],
            months.index(row["period_end"]),
        )
        if code == "CLA_VISITS_IN_TIME":
            expected = (reference[(code, "all")][position], reference[(code, "den")][position])
            assert (int(row["numerator"]), int(row["denominator"])) == expected, row
        elif code in ("CLA_COUNT", "CLA_STARTS_12M", "CLA_CEASES_12M"):
            assert int(row["numerator"]) == reference[(code, group)][position], row
            assert row["value"] == row["numerator"] and row["denominator"] == ""
        else:
            continue
        compared += 1
    assert compared == 127 * 10


def test_rate_uses_the_latest_mid_year_population(clean_landing: Path) -> None:
    with (clean_landing / "_reference" / "population_0_17.csv").open(encoding="utf-8") as handle:
        population = {
            row["mid_year_date"]: int(row["population_0_17"]) for row in csv.DictReader(handle)
        }
    rows = _truth(clean_landing)
    counts = {
        r["period_end"]: int(r["numerator"]) for r in rows if r["indicator_code"] == "CLA_COUNT"
    }
    for row in (r for r in rows if r["indicator_code"] == "CLA_RATE_10K"):
        mid_year = max(day for day in population if day <= row["period_end"])
        assert int(row["denominator"]) == population[mid_year]
        assert int(row["numerator"]) == counts[row["period_end"]]
        assert float(row["value"]) == int(row["numerator"]) / population[mid_year] * 10000
    april_2016 = next(r for r in rows if r["indicator_code"] == "CLA_RATE_10K")
    assert int(april_2016["denominator"]) == population["2015-06-30"]


def test_ceases_by_reason_group_add_up(clean_landing: Path) -> None:
    totals: Counter = Counter()
    headline = {}
    for row in _truth(clean_landing):
        if row["indicator_code"] == "CLA_CEASES_12M":
            if row["breakdown"] == "reason_group":
                totals[row["period_end"]] += int(row["numerator"])
            else:
                headline[row["period_end"]] = int(row["numerator"])
    assert totals == Counter(headline)


def test_rates_are_plausible_against_england_at_the_demo_size(demo_size_landing: Path) -> None:
    """Generous bands around England 2025 (per 10,000 children unless a percentage)."""
    values = {
        row["indicator_code"]: row
        for row in _truth(demo_size_landing)
        if row["period_end"] == "2025-03-31" and row["breakdown"] == "all"
    }
    population = int(values["CLA_RATE_10K"]["denominator"])

    def per_10k(code: str) -> float:
        return int(values[code]["numerator"]) / population * 10000

    def value(code: str) -> float:
        return float(values[code]["value"])

    assert 40 <= value("CLA_RATE_10K") <= 100  # England 67
    assert 15 <= per_10k("CLA_STARTS_12M") <= 40  # 26
    assert 15 <= per_10k("CLA_CEASES_12M") <= 42  # 28
    assert 70 <= value("CLA_VISITS_IN_TIME") <= 99.9
    assert 25 <= value("CP_RATE_10K") <= 60  # 40.6
    assert 230 <= value("CIN_RATE_10K") <= 450  # 330
    assert 350 <= per_10k("CIN_REFERRALS_12M") <= 700  # 520
    assert 120 <= per_10k("CIN_S47_12M") <= 280  # 189
    assert 14 <= value("CIN_REREFERRAL_12M") <= 32  # 22.6
    assert 75 <= value("CIN_ASSESS_45WD") <= 95  # 85.7
    assert 14 <= value("CP_REPEAT_EVER") <= 35  # 24.5
    assert 0 <= value("CP_2Y_PLUS_OPEN") <= 8  # 2.3
    assert 4 <= value("CLA_STABILITY_3PLUS") <= 18  # 10
    assert 5 <= value("CLA_MISSING_12M") <= 18  # 11
    assert 2 <= 100 * value("CLA_UASC") / value("CLA_COUNT") <= 15  # 8
    assert 88 <= value("CL_IN_TOUCH") <= 100  # 96
    assert 75 <= value("CL_SUITABLE_ACCOM") <= 97  # 89
    assert 35 <= value("CL_EET") <= 72  # 54
    assert 10 <= value("WF_CASELOAD_AVG") <= 20  # 15
