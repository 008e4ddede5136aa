"""A small published warehouse with hand-made headline rows for the committee scorecard.

Thirteen months (January 2025 to January 2026) of a few indicators chosen to exercise every
rule: a count suppressed in the month before (gap, direction withheld), a percentage whose
numerator is 1-4 (``c`` although the mart rated it), a rate whose small numerator the mart
failed to flag (re-checked), an unchanged value, a value the configuration cannot compute,
an indicator with no previous month, an area the catalogue does not know, a breakdown row
that must not appear, and migration findings in and out of the month (one with 1-4
children).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.committee_scorecard.data import (
    ScorecardPaper,
    read_scorecard_from_file,
    trend_months,
)

MONTH = dt.date(2026, 1, 31)
MONTHS = (dt.date(2024, 12, 31), *trend_months(MONTH))  # 13 months
LA_NAME = "Fixture Borough"

INDICATORS = (
    # code, area, name, unit, polarity
    ("CLA_COUNT", "cla", "Children looked after at period end", "count", "none"),
    ("CLA_PLACED_WITH_PARENTS", "cla", "Looked after children placed with parents", "count", "low"),
    ("CLA_VISITS_IN_TIME", "cla", "Looked after children visited within timescale", "pct", "high"),
    ("CLA_OUT_OF_AREA_20MI", "cla", "Placed outside the LA and over 20 miles", "pct", "low"),
    (
        "ADO_PLACED_12M",
        "adoption",
        "Children placed for adoption in the last 12 months",
        "count",
        "high",
    ),
    ("CP_2Y_PLUS_OPEN", "cp", "Child protection plans open 2 years or more", "pct", "low"),
    ("CP_RATE_10K", "cp", "Child protection plans per 10000 children", "rate_10k", "none"),
    ("CIN_VISITS_20WD", "cin", "Children in need seen within 20 working days", "pct", "high"),
    ("XX_NEW_MEASURE", "newarea", "A measure from an area the paper does not know", "score", "low"),
)
EXPECTED_AREAS = {
    "Children looked after": [
        "CLA_COUNT",
        "CLA_PLACED_WITH_PARENTS",
        "CLA_VISITS_IN_TIME",
        "CLA_OUT_OF_AREA_20MI",
    ],
    "Adoption": ["ADO_PLACED_12M"],
    "Child protection": ["CP_2Y_PLUS_OPEN", "CP_RATE_10K"],
    "Children in need": ["CIN_VISITS_20WD"],
    "Other indicators (newarea)": ["XX_NEW_MEASURE"],
}
# Indicators whose January 2026 figures must read c.
SUPPRESSED_THIS_MONTH = ("CP_2Y_PLUS_OPEN", "CP_RATE_10K")


@dataclass(frozen=True)
class Row:
    code: str
    period_end: dt.date
    numerator: float | None
    denominator: float | None
    value: float | None
    target: float | None = None
    rag: str | None = None
    england: float | None = None
    sn: float | None = None
    year: str | None = None
    is_suppressed: bool = False
    flag: str | None = None
    breakdown: str = "all"
    breakdown_value: str = "all"


def _pct(numerator: float, denominator: float) -> float:
    return 100 * numerator / denominator


def fixture_rows() -> list[Row]:
    rows: list[Row] = []
    for index, month in enumerate(MONTHS):
        latest = month == MONTH
        count = 100 + index
        rows.append(
            Row(
                "CLA_COUNT",
                month,
                count,
                None,
                count,
                england=81770,
                year="2025",
                flag="migration_gap:duplicate_person" if latest else None,
            )
        )
        rows.append(
            Row("CLA_COUNT", month, 40, None, 40, breakdown="age_band", breakdown_value="10_15")
        )
        placed = 3 if month == dt.date(2025, 12, 31) else 6 + index % 3
        rows.append(
            Row("CLA_PLACED_WITH_PARENTS", month, placed, None, placed, is_suppressed=placed <= 4)
        )
        visited = 90 if latest else 88
        rows.append(
            Row(
                "CLA_VISITS_IN_TIME",
                month,
                visited,
                100,
                _pct(visited, 100),
                target=95,
                rag="amber",
                england=None,
                sn=None,
            )
        )
        rows.append(
            Row(
                "CLA_OUT_OF_AREA_20MI",
                month,
                None,
                120,
                None,
                target=18,
                england=18,
                sn=26.6,
                year="2024-25",
                flag="boundary_not_configured",
            )
        )
        open_two_years = 3 if latest else 10
        rows.append(
            Row(
                "CP_2Y_PLUS_OPEN",
                month,
                open_two_years,
                200,
                _pct(open_two_years, 200),
                target=2.3,
                rag="green" if latest else "red",
                england=2.3,
                sn=3.57,
                year="2024-25",
                is_suppressed=latest,
            )
        )
        # The mart "forgot" is_suppressed here: the paper must re-check the rule itself.
        cp_numerator = 2 if latest else 30
        rows.append(
            Row(
                "CP_RATE_10K",
                month,
                cp_numerator,
                70_000,
                cp_numerator / 70_000 * 10_000,
                england=40.6,
                sn=37.2,
                year="2025",
            )
        )
        rows.append(
            Row(
                "CIN_VISITS_20WD",
                month,
                80,
                100,
                80.0,
                target=90,
                rag="red",
                flag="partial_window; migration_gap:duplicate_person" if latest else None,
            )
        )
        rows.append(Row("XX_NEW_MEASURE", month, 1500, 100, 15.0))
    rows.append(Row("ADO_PLACED_12M", MONTH, 12, None, 12))
    return rows


def build_fixture_warehouse(path: Path) -> Path:
    """Write the three marts the committee scorecard reads into a new DuckDB file."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.dim_indicator (indicator_code varchar, area varchar, "
            "indicator_name varchar, kind varchar, unit varchar, polarity varchar)"
        )
        connection.executemany(
            "insert into marts.dim_indicator values (?, ?, ?, 'snapshot', ?, ?)",
            [list(indicator) for indicator in INDICATORS],
        )
        connection.execute(
            "create table marts.fct_scorecard_monthly (indicator_code varchar, period_end date, "
            "breakdown varchar, breakdown_value varchar, numerator bigint, denominator double, "
            "value double, unit varchar, polarity varchar, target double, rag varchar, "
            "england_value double, sn_value double, is_suppressed boolean, "
            "data_quality_flag varchar, benchmark_year varchar, sn_neighbour_count integer)"
        )
        units = {code: (unit, polarity) for code, _, _, unit, polarity in INDICATORS}
        connection.executemany(
            "insert into marts.fct_scorecard_monthly values "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null)",
            [
                [
                    row.code,
                    row.period_end,
                    row.breakdown,
                    row.breakdown_value,
                    row.numerator,
                    row.denominator,
                    row.value,
                    *units[row.code],
                    row.target,
                    row.rag,
                    row.england,
                    row.sn,
                    row.is_suppressed,
                    row.flag,
                    row.year,
                ]
                for row in fixture_rows()
            ],
        )
        connection.execute(
            "create table marts.dq_findings (finding_id varchar, defect_kind varchar, "
            "source_system varchar, table_name varchar, severity varchar, title varchar, "
            "child_count bigint, record_count bigint, first_affected_month date, "
            "last_affected_month date, affected_month_count integer, "
            "affected_indicators varchar, what_it_means varchar, what_to_do varchar)"
        )
        connection.executemany(
            "insert into marts.dq_findings values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    "duplicate_person:liquid_logic:ssd_person",
                    "duplicate_person",
                    "liquid_logic",
                    "ssd_person",
                    "ERROR",
                    "One child under two person ids",
                    3,
                    3,
                    dt.date(2025, 6, 30),
                    dt.date(2026, 1, 31),
                    8,
                    "CIN_VISITS_20WD; CLA_COUNT",
                    "A child is counted twice.",
                    "Merge the duplicate records.",
                ],
                [
                    "lost_episodes:carefirst:ssd_cla_episodes",
                    "lost_episodes",
                    "carefirst",
                    "ssd_cla_episodes",
                    "ERROR",
                    "Episodes lost in the changeover",
                    40,
                    55,
                    dt.date(2025, 1, 31),
                    dt.date(2025, 5, 31),
                    5,
                    "CLA_COUNT",
                    "Episodes are missing.",
                    "Reload the episodes.",
                ],
            ],
        )
    return path


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_warehouse(tmp_path_factory.mktemp("committee") / "warehouse.duckdb")


@pytest.fixture(scope="session")
def paper(fixture_warehouse: Path) -> ScorecardPaper:
    return read_scorecard_from_file(
        fixture_warehouse,
        MONTH,
        la_code="999",
        la_name=LA_NAME,
        as_of_date=dt.date(2026, 2, 10),
        generated_at=dt.datetime(2026, 2, 11, 9, 30),
    )
