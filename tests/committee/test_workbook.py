"""The committee scorecard workbook, written then read back with openpyxl (and its XML for
the sparklines, which openpyxl does not load)."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from orchestration.lib.committee_scorecard.data import ScorecardPaper
from orchestration.lib.committee_scorecard.outputs import write_scorecard_files
from orchestration.lib.committee_scorecard.workbook import (
    COLUMN,
    HEADER_ROW,
    SCORECARD_COLUMNS,
    SCORECARD_SHEET,
    TREND_FIRST_COLUMN,
    TREND_SHEET,
)
from tests.committee.conftest import EXPECTED_AREAS, SUPPRESSED_THIS_MONTH


@pytest.fixture(scope="module")
def workbook_path(paper: ScorecardPaper, tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = write_scorecard_files(paper, tmp_path_factory.mktemp("committee_out"))
    assert files.html_path.name == "scorecard_2026-01.html"
    assert files.workbook_path.name == "scorecard_2026-01.xlsx"
    assert not list(files.workbook_path.parent.glob(".*.tmp")), "temporary file left behind"
    return files.workbook_path


@pytest.fixture(scope="module")
def book(workbook_path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        # openpyxl drops the sparkline extension on load; test_native_sparklines reads it.
        warnings.filterwarnings("ignore", message="Sparkline Group extension")
        return openpyxl.load_workbook(workbook_path)


def _rows_by_code(sheet) -> dict[str, dict[str, object]]:
    names = [name for name, _ in SCORECARD_COLUMNS]
    rows = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True):
        if row[COLUMN["Code"]]:
            rows[row[COLUMN["Code"]]] = dict(zip(names, row, strict=False))
    return rows


def test_sheets_title_and_header(book: openpyxl.Workbook, paper: ScorecardPaper) -> None:
    assert book.sheetnames == [SCORECARD_SHEET, TREND_SHEET, "Data quality", "About"]
    sheet = book[SCORECARD_SHEET]
    assert sheet["A1"].value == paper.title
    assert "data as of 10 February 2026" in sheet["A2"].value
    assert [cell.value for cell in sheet[HEADER_ROW + 1]] == [name for name, _ in SCORECARD_COLUMNS]
    assert sheet.page_setup.orientation == "landscape"
    assert book.properties.title == paper.title


def test_indicators_grouped_under_area_heading_rows(book: openpyxl.Workbook) -> None:
    sheet = book[SCORECARD_SHEET]
    grouped: dict[str, list[str]] = {}
    heading = None
    for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True):
        if row[COLUMN["Code"]] is None and row[0]:
            heading = row[0]
            grouped[heading] = []
        elif row[COLUMN["Code"]]:
            assert row[COLUMN["Area"]] == heading
            grouped[heading].append(row[COLUMN["Code"]])
    assert grouped == EXPECTED_AREAS


def test_figures_are_numbers_and_suppressed_ones_are_c(book: openpyxl.Workbook) -> None:
    rows = _rows_by_code(book[SCORECARD_SHEET])
    visits = rows["CLA_VISITS_IN_TIME"]
    assert (visits["Value"], visits["Numerator"], visits["Denominator"]) == (90.0, 90, 100)
    assert visits["Target"] == 95 and visits["RAG"] == "▲ Amber"
    assert visits["Direction of travel"] == "↑ Improving" and visits["Previous month"] == 88
    assert rows["CLA_COUNT"]["England"] == 81770
    assert rows["CLA_COUNT"]["Benchmark year"] == "2025"
    assert rows["CLA_COUNT"]["Denominator"] == "–"
    for code in SUPPRESSED_THIS_MONTH:
        row = rows[code]
        for name in ("Value", "Numerator", "Denominator", "RAG", "Direction of travel"):
            assert row[name] == "c", (code, name, row[name])
    assert rows["CLA_PLACED_WITH_PARENTS"]["Previous month"] == "c"
    assert "Migration gap (note 1)" in rows["CIN_VISITS_20WD"]["Data quality"]


def test_rag_cells_are_coloured_with_distinct_fills(book: openpyxl.Workbook) -> None:
    sheet = book[SCORECARD_SHEET]
    column = get_column_letter(COLUMN["RAG"] + 1)
    fills = {}
    for row in range(HEADER_ROW + 2, sheet.max_row + 1):
        cell = sheet[f"{column}{row}"]
        if isinstance(cell.value, str) and cell.value.split()[-1] in ("Green", "Amber", "Red"):
            fills[cell.value.split()[-1]] = cell.fill.fgColor.rgb
    assert set(fills) == {"Amber", "Red"}  # the fixture month rates nothing green
    assert len(set(fills.values())) == 2


def test_trend_helper_range_has_gaps_not_true_values(
    book: openpyxl.Workbook, paper: ScorecardPaper
) -> None:
    sheet = book[TREND_SHEET]
    by_code = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(by_code) == {line.indicator_code for line in paper.lines}
    months = [cell.value for cell in sheet[1]][TREND_FIRST_COLUMN : TREND_FIRST_COLUMN + 12]
    assert months[0].date().isoformat() == "2025-02-28" and months[-1].month == 1
    placed = by_code["CLA_PLACED_WITH_PARENTS"][TREND_FIRST_COLUMN : TREND_FIRST_COLUMN + 12]
    assert placed[10] is None and 3 not in placed
    assert by_code["CLA_PLACED_WITH_PARENTS"][TREND_FIRST_COLUMN + 12] == "Dec 2025"
    for code in SUPPRESSED_THIS_MONTH:
        assert by_code[code][TREND_FIRST_COLUMN + 11] is None
    visits = by_code["CLA_VISITS_IN_TIME"][TREND_FIRST_COLUMN : TREND_FIRST_COLUMN + 12]
    assert list(visits) == [88.0] * 11 + [90.0]


def test_native_sparklines_point_at_the_helper_range(
    workbook_path: Path, paper: ScorecardPaper
) -> None:
    with zipfile.ZipFile(workbook_path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    groups = re.findall(r"<x14:sparklineGroup\b.*?</x14:sparklineGroup>", xml, re.S)
    assert len(groups) == paper.indicator_count
    assert all('displayEmptyCellsAs="gap"' in group for group in groups)
    pairs = re.findall(r"<xm:f>(.*?)</xm:f><xm:sqref>(.*?)</xm:sqref>", xml)
    trend_column = get_column_letter(COLUMN["Last 12 months"] + 1)
    assert len(pairs) == paper.indicator_count
    for formula, cell in pairs:
        assert cell.startswith(trend_column)
        assert re.fullmatch(r"'Trend data'!C(\d+):N\1", formula), formula


def test_data_quality_sheet_suppresses_small_child_counts(book: openpyxl.Workbook) -> None:
    rows = list(book["Data quality"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][1] == "One child under two person ids"
    assert rows[0][7] == "c"
