"""The committee scorecard's rules: suppression, direction of travel, grouping, months."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.committee_scorecard.data import (
    SUPPRESSED_TEXT,
    Direction,
    Rag,
    ScorecardDataError,
    ScorecardPaper,
    available_months,
    direction_of_travel,
    is_small_count,
    latest_complete_month,
    parse_month,
    read_scorecard_from_file,
    row_is_suppressed,
    trend_months,
)
from tests.committee.conftest import EXPECTED_AREAS, LA_NAME, MONTH, SUPPRESSED_THIS_MONTH


def _line(paper: ScorecardPaper, code: str):
    return next(line for line in paper.lines if line.indicator_code == code)


@pytest.mark.parametrize(
    ("number", "small"),
    [(None, False), (0, False), (1, True), (4, True), (4.0, True), (5, False), (0.5, False)],
)
def test_small_counts_are_one_to_four(number: float | None, small: bool) -> None:
    assert is_small_count(number) is small


def test_a_row_is_suppressed_by_the_flag_or_by_the_rule_itself() -> None:
    assert row_is_suppressed(True, "pct", 50, 100, 50.0)
    assert row_is_suppressed(False, "pct", 3, 200, 1.5)
    assert row_is_suppressed(False, "pct", 3, 3, 100.0)
    assert row_is_suppressed(False, "count", None, None, 2)
    assert not row_is_suppressed(False, "pct", 0, 200, 0.0)
    assert not row_is_suppressed(False, "count", 5, None, 5)


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "unit", "expected"),
    [
        (91.0, 90.0, "high", "pct", Direction.IMPROVING),
        (89.0, 90.0, "high", "pct", Direction.WORSENING),
        (9.0, 10.0, "low", "pct", Direction.IMPROVING),
        (11.0, 10.0, "low", "pct", Direction.WORSENING),
        (120, 100, "none", "count", Direction.UP),
        (80, 100, "none", "count", Direction.DOWN),
        (90.0, 90.0, "high", "pct", Direction.NO_CHANGE),
        # equal at the one decimal place shown: no change, not a hair's improvement
        (90.04, 90.01, "high", "pct", Direction.NO_CHANGE),
        (90.06, 90.01, "high", "pct", Direction.IMPROVING),
        (None, 90.0, "high", "pct", Direction.NOT_COMPARABLE),
        (90.0, None, "high", "pct", Direction.NOT_COMPARABLE),
    ],
)
def test_direction_of_travel_respects_polarity_and_shown_precision(
    current: float | None,
    previous: float | None,
    polarity: str,
    unit: str,
    expected: Direction,
) -> None:
    assert direction_of_travel(current, previous, polarity, unit) is expected


def test_direction_is_withheld_when_either_month_is_suppressed() -> None:
    for current, previous in ((True, False), (False, True), (True, True)):
        assert (
            direction_of_travel(
                5.0, 9.0, "low", "count", current_suppressed=current, previous_suppressed=previous
            )
            is Direction.SUPPRESSED
        )


def test_months_and_month_selection() -> None:
    assert parse_month("2024-02") == dt.date(2024, 2, 29)
    assert parse_month("2025-12") == dt.date(2025, 12, 31)
    with pytest.raises(ScorecardDataError, match="YYYY-MM"):
        parse_month("Jan 2025")
    months = trend_months(dt.date(2026, 1, 31))
    assert len(months) == 12
    assert months[0] == dt.date(2025, 2, 28)
    assert months[-1] == dt.date(2026, 1, 31)
    held = (dt.date(2025, 11, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 31))
    assert latest_complete_month(held, dt.date(2026, 1, 15)) == dt.date(2025, 12, 31)
    assert latest_complete_month(held, dt.date(2026, 1, 31)) == dt.date(2026, 1, 31)
    with pytest.raises(ScorecardDataError, match="on or before the as-of date 2025-01-01"):
        latest_complete_month(held, dt.date(2025, 1, 1))


def test_indicators_grouped_by_area_in_catalogue_order(paper: ScorecardPaper) -> None:
    assert {
        section.title: [line.indicator_code for line in section.lines] for section in paper.sections
    } == EXPECTED_AREAS
    assert [section.title for section in paper.sections] == list(EXPECTED_AREAS)
    assert paper.indicator_count == sum(len(codes) for codes in EXPECTED_AREAS.values())
    assert paper.title == f"{LA_NAME}: children's social care scorecard, January 2026"


def test_suppressed_row_shows_c_for_every_figure_rating_and_direction(
    paper: ScorecardPaper,
) -> None:
    for code in SUPPRESSED_THIS_MONTH:
        line = _line(paper, code)
        for cell in (line.value, line.numerator, line.denominator):
            assert cell.text == SUPPRESSED_TEXT
            assert cell.number is None
            assert cell.suppressed
        assert line.rag is Rag.SUPPRESSED  # the mart's "green" would narrow the figure down
        assert line.direction is Direction.SUPPRESSED
        assert line.trend[-1].value is None and line.trend[-1].suppressed
        assert line.trend[-1].text == SUPPRESSED_TEXT
        assert "Jan 2026 c" in line.trend_description
    # the month before was not suppressed, so the previous value is shown
    assert _line(paper, "CP_2Y_PLUS_OPEN").previous_value.text == "5.0%"


def test_a_suppressed_month_is_a_gap_in_the_trend_and_withholds_direction(
    paper: ScorecardPaper,
) -> None:
    line = _line(paper, "CLA_PLACED_WITH_PARENTS")
    december = next(point for point in line.trend if point.period_end == dt.date(2025, 12, 31))
    assert december.value is None and december.suppressed and december.text == SUPPRESSED_TEXT
    assert line.value.text != SUPPRESSED_TEXT  # January itself is shown
    assert line.direction is Direction.SUPPRESSED
    assert line.previous_value.text == SUPPRESSED_TEXT
    assert "Dec 2025 c" in line.trend_description
    assert "3" not in [point.text for point in line.trend]


def test_figures_direction_and_flags_of_unsuppressed_rows(paper: ScorecardPaper) -> None:
    visits = _line(paper, "CLA_VISITS_IN_TIME")
    assert (visits.value.text, visits.numerator.text, visits.denominator.text) == (
        "90.0%",
        "90",
        "100",
    )
    assert visits.rag is Rag.AMBER
    assert visits.direction is Direction.IMPROVING
    assert visits.direction_detail == "Dec 2025: 88.0%"
    assert [point.value for point in visits.trend] == [88.0] * 11 + [90.0]
    count = _line(paper, "CLA_COUNT")
    assert count.direction is Direction.UP and count.rag is Rag.NOT_RATED
    assert count.value.text == "112" and count.denominator.text == "–"
    assert count.england.text == "81,770" and count.benchmark_year == "2025"
    cin = _line(paper, "CIN_VISITS_20WD")
    assert cin.direction is Direction.NO_CHANGE
    assert cin.quality_flags == ("Partial window (history starts within it)",)
    assert cin.finding_numbers == (1,)
    out_of_area = _line(paper, "CLA_OUT_OF_AREA_20MI")
    assert out_of_area.value.text == "–" and out_of_area.rag is Rag.NOT_RATED
    assert out_of_area.direction is Direction.NOT_COMPARABLE
    assert out_of_area.quality_flags == ("Not calculated: LA boundary not configured",)
    adoption = _line(paper, "ADO_PLACED_12M")
    assert adoption.direction is Direction.NOT_COMPARABLE
    assert adoption.direction_detail == "No figure for the month before"
    assert sum(point.value is not None for point in adoption.trend) == 1


def test_only_findings_affecting_the_month_with_small_child_counts_suppressed(
    paper: ScorecardPaper,
) -> None:
    assert [note.finding_id for note in paper.findings] == [
        "duplicate_person:liquid_logic:ssd_person"
    ]
    note = paper.findings[0]
    assert note.children.text == SUPPRESSED_TEXT and note.children.number is None
    assert note.indicator_codes == ("CIN_VISITS_20WD", "CLA_COUNT")
    assert _line(paper, "CLA_COUNT").finding_numbers == (1,)
    assert _line(paper, "CLA_COUNT").quality_flags == ()


def test_suppressed_cell_count(paper: ScorecardPaper) -> None:
    # two rows x (value, numerator, denominator, rating, direction, trend point) = 12;
    # CLA_PLACED_WITH_PARENTS: previous value, direction, December point = 3; the finding = 1
    assert paper.suppressed_cell_count == 16


def test_breakdown_rows_are_not_on_the_paper(paper: ScorecardPaper) -> None:
    assert _line(paper, "CLA_COUNT").value.number == 112  # not the age band's 40


def test_a_month_not_in_the_mart_is_a_clear_error(fixture_warehouse: Path) -> None:
    with pytest.raises(
        ScorecardDataError,
        match=r"month 2030-01 is not in marts\."
        r"fct_scorecard_monthly \(it holds 2024-12 to 2026-01\)",
    ):
        read_scorecard_from_file(
            fixture_warehouse,
            parse_month("2030-01"),
            la_code="999",
            la_name=LA_NAME,
            as_of_date=dt.date(2026, 2, 10),
        )
    with pytest.raises(ScorecardDataError, match="no published warehouse"):
        read_scorecard_from_file(
            fixture_warehouse.with_name("absent.duckdb"),
            MONTH,
            la_code="999",
            la_name=LA_NAME,
            as_of_date=dt.date(2026, 2, 10),
        )


def test_latest_complete_month_is_read_by_default(fixture_warehouse: Path) -> None:
    paper = read_scorecard_from_file(
        fixture_warehouse,
        None,
        la_code="999",
        la_name=LA_NAME,
        as_of_date=dt.date(2026, 1, 20),
    )
    assert paper.period_end == dt.date(2025, 12, 31)
    with duckdb.connect(str(fixture_warehouse), read_only=True) as connection:
        assert available_months(connection)[-1] == MONTH


def test_an_unknown_rag_value_is_a_clear_error(tmp_path: Path) -> None:
    from tests.committee.conftest import build_fixture_warehouse

    path = build_fixture_warehouse(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "update marts.fct_scorecard_monthly set rag = 'purple' "
            "where indicator_code = 'CIN_VISITS_20WD'"
        )
    with pytest.raises(ScorecardDataError, match="rag holds 'purple'"):
        read_scorecard_from_file(
            path, MONTH, la_code="999", la_name=LA_NAME, as_of_date=dt.date(2026, 2, 10)
        )
