"""The committee scorecard as an Excel workbook (xlsxwriter).

Sheets: ``Scorecard`` (one row per headline indicator under its area's heading row, with a
native Excel sparkline per row), ``Trend data`` (the 12 monthly values each sparkline
draws: a suppressed or missing month is an empty cell, which the sparkline shows as a gap),
``Data quality`` (the migration findings behind the notes) and ``About`` (key, suppression
rule, source). Figures are numbers with the paper's number formats; a suppressed figure is
the text ``c``, never the number, in every sheet. Everything comes from a
:class:`ScorecardPaper`, already suppressed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from orchestration.lib.committee_scorecard.data import (
    SUPPRESSED_TEXT,
    Cell,
    Direction,
    IndicatorLine,
    Rag,
    ScorecardPaper,
)

SCORECARD_SHEET = "Scorecard"
TREND_SHEET = "Trend data"
QUALITY_SHEET = "Data quality"
ABOUT_SHEET = "About"
HEADER_ROW = 4  # zero-based: rows 0-3 hold the title block
SCORECARD_COLUMNS = (
    ("Area", 16),
    ("Code", 22),
    ("Indicator", 44),
    ("Unit", 12),
    ("Better direction", 16),
    ("Value", 10),
    ("Numerator", 11),
    ("Denominator", 12),
    ("Target", 9),
    ("RAG", 11),
    ("Direction of travel", 16),
    ("Previous month", 13),
    ("Last 12 months", 18),
    ("England", 11),
    ("Stat. neighbours", 12),
    ("Benchmark year", 11),
    ("Data quality", 44),
)
COLUMN = {name: index for index, (name, _) in enumerate(SCORECARD_COLUMNS)}
TREND_FIRST_COLUMN = 2  # Trend data: code, indicator, then the 12 months

# Same colours as the HTML page: lightness differs clearly, and the label carries a shape.
RAG_STYLE: dict[Rag, dict[str, Any]] = {
    Rag.GREEN: {"bg_color": "#62B56E", "font_color": "#08280F"},
    Rag.AMBER: {"bg_color": "#FFE28F", "font_color": "#3A2900"},
    Rag.RED: {"bg_color": "#A3201C", "font_color": "#FFFFFF"},
    Rag.NOT_RATED: {"font_color": "#555555"},
    Rag.SUPPRESSED: {"italic": True},
}
RAG_SYMBOL = {Rag.GREEN: "●", Rag.AMBER: "▲", Rag.RED: "■"}
DIRECTION_SYMBOL = {
    Direction.IMPROVING: "✓",
    Direction.WORSENING: "✗",
    Direction.NO_CHANGE: "→",
    Direction.UP: "↑",
    Direction.DOWN: "↓",
}
_NUMBER_FORMATS = {
    "count": "#,##0",
    "days": "#,##0",
    "pct": '0.0"%"',
}
_DEFAULT_NUMBER_FORMAT = "#,##0.0"


def rag_text(rag: Rag) -> str:
    """The RAG cell: a shape then the word (``c`` alone when withheld)."""
    symbol = RAG_SYMBOL.get(rag)
    return f"{symbol} {rag.label}" if symbol else rag.label


def direction_text(line: IndicatorLine) -> str:
    symbol = DIRECTION_SYMBOL.get(line.direction)
    arrow = ""
    if line.direction in (Direction.IMPROVING, Direction.WORSENING):
        rose = (line.direction is Direction.IMPROVING) == (line.polarity == "high")
        arrow = "↑ " if rose else "↓ "
    elif symbol:
        arrow = f"{symbol} "
    return f"{arrow}{line.direction.label}"


def quality_text(line: IndicatorLine) -> str:
    parts = list(line.quality_flags)
    if line.finding_numbers:
        parts.append(
            "Migration gap (note " + ", ".join(str(number) for number in line.finding_numbers) + ")"
        )
    return "; ".join(parts) if parts else "None known"


class _Formats:
    """The workbook's formats, made once."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        base = {"font_name": "Arial", "font_size": 10, "valign": "vcenter"}
        self.workbook = workbook
        self.base = base
        self.title = workbook.add_format(
            {**base, "bold": True, "font_size": 16, "font_color": "#1F3A5F"}
        )
        self.meta = workbook.add_format({**base, "font_color": "#555555", "font_size": 9})
        self.header = workbook.add_format(
            {
                **base,
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": "#1F3A5F",
                "text_wrap": True,
                "valign": "bottom",
                "border": 1,
            }
        )
        self.area = workbook.add_format(
            {
                **base,
                "bold": True,
                "font_size": 12,
                "font_color": "#1F3A5F",
                "bottom": 2,
                "bottom_color": "#1F3A5F",
            }
        )
        self.text = workbook.add_format({**base, "border": 1, "border_color": "#B9B9B9"})
        self.wrap = workbook.add_format(
            {**base, "border": 1, "border_color": "#B9B9B9", "text_wrap": True}
        )
        self.bold_text = workbook.add_format(
            {**base, "border": 1, "border_color": "#B9B9B9", "bold": True, "text_wrap": True}
        )
        self.suppressed = workbook.add_format(
            {
                **base,
                "border": 1,
                "border_color": "#B9B9B9",
                "align": "right",
                "italic": True,
                "bold": True,
            }
        )
        self.missing = workbook.add_format(
            {
                **base,
                "border": 1,
                "border_color": "#B9B9B9",
                "align": "right",
                "font_color": "#555555",
            }
        )
        self.month = workbook.add_format(
            {
                **base,
                "bold": True,
                "num_format": "mmm yyyy",
                "font_color": "#FFFFFF",
                "bg_color": "#1F3A5F",
                "border": 1,
            }
        )
        self._numbers: dict[tuple[str, bool], Format] = {}
        self.rag = {
            rag: workbook.add_format(
                {
                    **base,
                    "border": 1,
                    "border_color": "#B9B9B9",
                    "bold": rag not in (Rag.NOT_RATED,),
                    **style,
                }
            )
            for rag, style in RAG_STYLE.items()
        }

    def number(self, unit: str, *, bold: bool = False) -> Format:
        key = (unit, bold)
        if key not in self._numbers:
            self._numbers[key] = self.workbook.add_format(
                {
                    **self.base,
                    "border": 1,
                    "border_color": "#B9B9B9",
                    "bold": bold,
                    "num_format": _NUMBER_FORMATS.get(unit, _DEFAULT_NUMBER_FORMAT),
                }
            )
        return self._numbers[key]


def _write_cell(
    sheet: Worksheet,
    row: int,
    column: int,
    cell: Cell,
    unit: str,
    formats: _Formats,
    *,
    bold: bool = False,
    count_part: bool = False,
) -> None:
    """A figure: its number with the unit's format, ``c`` as text, or a dash."""
    if cell.suppressed:
        sheet.write_string(row, column, SUPPRESSED_TEXT, formats.suppressed)
    elif cell.number is None:
        sheet.write_string(row, column, cell.text, formats.missing)
    else:
        number_unit = unit
        if count_part:
            number_unit = "count" if float(cell.number).is_integer() else "ratio"
        sheet.write_number(row, column, cell.number, formats.number(number_unit, bold=bold))


def _write_title(sheet: Worksheet, paper: ScorecardPaper, formats: _Formats, heading: str) -> None:
    sheet.write_string(0, 0, heading, formats.title)
    built = (
        f"{paper.warehouse_built_at:%d %b %Y %H:%M}" if paper.warehouse_built_at else "not known"
    )
    sheet.write_string(
        1,
        0,
        f"{paper.la_name} (LA {paper.la_code}) · position at {paper.period_end:%d %B %Y} · "
        f"data as of {paper.as_of_date:%d %B %Y} · warehouse built {built} · "
        f"produced {paper.generated_at:%d %b %Y %H:%M}",
        formats.meta,
    )
    sheet.write_string(
        2,
        0,
        f"{SUPPRESSED_TEXT} = suppressed (a count of 1-4 children or a figure built from one; "
        "its rating, direction and trend month are withheld too). – = no figure. "
        "Key and sources: sheet About.",
        formats.meta,
    )


def _scorecard_sheet(
    workbook: xlsxwriter.Workbook, paper: ScorecardPaper, formats: _Formats
) -> dict[str, int]:
    """The main sheet; returns each indicator's row (for the sparklines)."""
    sheet = workbook.add_worksheet(SCORECARD_SHEET)
    _write_title(sheet, paper, formats, paper.title)
    for column, (name, width) in enumerate(SCORECARD_COLUMNS):
        sheet.set_column(column, column, width)
        sheet.write_string(HEADER_ROW, column, name, formats.header)
    sheet.set_row(HEADER_ROW, 30)
    rows: dict[str, int] = {}
    row = HEADER_ROW
    last_column = len(SCORECARD_COLUMNS) - 1
    for section in paper.sections:
        row += 1
        sheet.merge_range(row, 0, row, last_column, section.title, formats.area)
        sheet.set_row(row, 20)
        for line in section.lines:
            row += 1
            rows[line.indicator_code] = row
            sheet.set_row(row, 24)
            sheet.write_string(row, COLUMN["Area"], section.title, formats.text)
            sheet.write_string(row, COLUMN["Code"], line.indicator_code, formats.text)
            sheet.write_string(row, COLUMN["Indicator"], line.indicator_name, formats.bold_text)
            sheet.write_string(row, COLUMN["Unit"], line.unit_label, formats.wrap)
            sheet.write_string(row, COLUMN["Better direction"], line.polarity_label, formats.wrap)
            _write_cell(sheet, row, COLUMN["Value"], line.value, line.unit, formats, bold=True)
            _write_cell(
                sheet, row, COLUMN["Numerator"], line.numerator, line.unit, formats, count_part=True
            )
            _write_cell(
                sheet,
                row,
                COLUMN["Denominator"],
                line.denominator,
                line.unit,
                formats,
                count_part=True,
            )
            _write_cell(sheet, row, COLUMN["Target"], line.target, line.unit, formats)
            sheet.write_string(row, COLUMN["RAG"], rag_text(line.rag), formats.rag[line.rag])
            sheet.write_string(
                row, COLUMN["Direction of travel"], direction_text(line), formats.text
            )
            _write_cell(
                sheet, row, COLUMN["Previous month"], line.previous_value, line.unit, formats
            )
            sheet.write_blank(row, COLUMN["Last 12 months"], None, formats.text)
            _write_cell(sheet, row, COLUMN["England"], line.england, line.unit, formats)
            _write_cell(
                sheet,
                row,
                COLUMN["Stat. neighbours"],
                line.statistical_neighbours,
                line.unit,
                formats,
            )
            sheet.write_string(row, COLUMN["Benchmark year"], line.benchmark_year, formats.text)
            sheet.write_string(row, COLUMN["Data quality"], quality_text(line), formats.wrap)
    sheet.freeze_panes(HEADER_ROW + 1, COLUMN["Indicator"] + 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.set_footer(f"&L{paper.la_name} scorecard {paper.month_label}&RPage &P of &N")
    sheet.hide_gridlines(2)
    return rows


def _trend_sheet(
    workbook: xlsxwriter.Workbook, paper: ScorecardPaper, formats: _Formats
) -> dict[str, int]:
    """The sparklines' helper range: one row per indicator, one column per month."""
    sheet = workbook.add_worksheet(TREND_SHEET)
    sheet.write_string(0, 0, "Code", formats.header)
    sheet.write_string(0, 1, "Indicator", formats.header)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 44)
    lines = paper.lines
    months = lines[0].trend if lines else ()
    for offset, point in enumerate(months):
        column = TREND_FIRST_COLUMN + offset
        sheet.write_datetime(
            0, column, dt.datetime.combine(point.period_end, dt.time()), formats.month
        )
        sheet.set_column(column, column, 10)
    notes_column = TREND_FIRST_COLUMN + len(months)
    sheet.write_string(0, notes_column, "Suppressed months (c, shown as gaps)", formats.header)
    sheet.set_column(notes_column, notes_column, 34)
    rows: dict[str, int] = {}
    for row, line in enumerate(lines, start=1):
        rows[line.indicator_code] = row
        sheet.write_string(row, 0, line.indicator_code, formats.text)
        sheet.write_string(row, 1, line.indicator_name, formats.text)
        for offset, point in enumerate(line.trend):
            column = TREND_FIRST_COLUMN + offset
            if point.value is None:
                # Empty, not "c": a sparkline plots text as zero, and a gap is what we want.
                sheet.write_blank(row, column, None, formats.text)
            else:
                sheet.write_number(row, column, point.value, formats.number(line.unit))
        suppressed = [f"{point.period_end:%b %Y}" for point in line.trend if point.suppressed]
        sheet.write_string(row, notes_column, ", ".join(suppressed) or "none", formats.text)
    sheet.freeze_panes(1, 2)
    return rows


def _add_sparklines(
    workbook: xlsxwriter.Workbook,
    paper: ScorecardPaper,
    scorecard_rows: dict[str, int],
    trend_rows: dict[str, int],
) -> None:
    sheet = workbook.get_worksheet_by_name(SCORECARD_SHEET)
    assert sheet is not None
    months = len(paper.lines[0].trend) if paper.lines else 0
    for line in paper.lines:
        trend_row = trend_rows[line.indicator_code] + 1  # A1 notation is one-based
        first = xl_col_to_name(TREND_FIRST_COLUMN)
        last = xl_col_to_name(TREND_FIRST_COLUMN + months - 1)
        sheet.add_sparkline(
            scorecard_rows[line.indicator_code],
            COLUMN["Last 12 months"],
            {
                "range": f"'{TREND_SHEET}'!{first}{trend_row}:{last}{trend_row}",
                "type": "line",
                "markers": False,
                "last_point": True,
                "empty_cells": "gaps",
                "series_color": "#1F3A5F",
                "last_color": "#1F3A5F",
                "weight": 1.25,
            },
        )


def _quality_sheet(workbook: xlsxwriter.Workbook, paper: ScorecardPaper, formats: _Formats) -> None:
    sheet = workbook.add_worksheet(QUALITY_SHEET)
    headers = (
        ("Note", 6),
        ("Finding", 36),
        ("Effect", 22),
        ("System", 14),
        ("Table", 18),
        ("First month", 11),
        ("Last month", 11),
        ("Children affected", 10),
        ("Indicators", 40),
        ("What it means", 60),
        ("What to do", 60),
    )
    for column, (name, width) in enumerate(headers):
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, name, formats.header)
    if not paper.findings:
        sheet.write_string(
            1, 0, "No migration finding affects this month's indicators.", formats.meta
        )
    for row, note in enumerate(paper.findings, start=1):
        sheet.write_number(row, 0, note.number, formats.text)
        sheet.write_string(row, 1, note.title, formats.wrap)
        effect = "Changes published figures" if note.severity == "ERROR" else "Figures unchanged"
        sheet.write_string(row, 2, effect, formats.wrap)
        sheet.write_string(row, 3, note.source_system, formats.text)
        sheet.write_string(row, 4, note.table_name, formats.text)
        sheet.write_string(row, 5, f"{note.first_affected_month:%b %Y}", formats.text)
        sheet.write_string(row, 6, f"{note.last_affected_month:%b %Y}", formats.text)
        _write_cell(sheet, row, 7, note.children, "count", formats)
        sheet.write_string(row, 8, ", ".join(note.indicator_codes), formats.wrap)
        sheet.write_string(row, 9, note.what_it_means, formats.wrap)
        sheet.write_string(row, 10, note.what_to_do, formats.wrap)
    sheet.freeze_panes(1, 0)


def _about_sheet(workbook: xlsxwriter.Workbook, paper: ScorecardPaper, formats: _Formats) -> None:
    sheet = workbook.add_worksheet(ABOUT_SHEET)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 110)
    _write_title(sheet, paper, formats, "About this scorecard")
    entries = (
        (
            "RAG",
            "● Green: at or better than target. ▲ Amber: short of target, within "
            "tolerance. ■ Red: outside tolerance. No target: not rated (context indicators).",
        ),
        (
            "Direction of travel",
            "Against the month before, at the precision shown. "
            "Improving / Worsening follow the indicator's better direction; Up / Down where "
            "neither direction is better. The arrow shows which way the figure moved.",
        ),
        (
            SUPPRESSED_TEXT,
            "Suppressed: a count of 1 to 4 children, or a figure calculated "
            "from one. The value, numerator, denominator, rating and direction of such a row "
            "show c, and the month is an empty cell (a gap) in sheet Trend data.",
        ),
        ("–", "No figure (not applicable, or not calculable for the month)."),
        (
            "Benchmarks",
            "England and the mean of the LA's 10 statistical neighbours (DfE) for "
            "the benchmark year shown; public sector information licensed under the Open "
            "Government Licence v3.0 (DfE LAIT).",
        ),
        (
            "Data quality",
            "Known issues that can distort a figure; migration findings are "
            "numbered and described in sheet Data quality.",
        ),
        (
            "Source",
            "The published scorecard warehouse: marts.fct_scorecard_monthly (headline "
            "rows), marts.dim_indicator, marts.dq_findings. Aggregate figures only: no "
            "information about any individual child.",
        ),
    )
    for row, (term, text) in enumerate(entries, start=HEADER_ROW):
        sheet.write_string(row, 0, term, formats.bold_text)
        sheet.write_string(row, 1, text, formats.wrap)


def write_workbook(paper: ScorecardPaper, path: Path) -> None:
    """Write the workbook to ``path`` (the caller makes the write atomic)."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    try:
        workbook.set_properties(
            {
                "title": paper.title,
                "subject": f"Children's social care scorecard, {paper.month_label}",
                "company": paper.la_name,
                "comments": "Aggregate figures; counts of 1-4 suppressed as c.",
            }
        )
        formats = _Formats(workbook)
        scorecard_rows = _scorecard_sheet(workbook, paper, formats)
        trend_rows = _trend_sheet(workbook, paper, formats)
        _add_sparklines(workbook, paper, scorecard_rows, trend_rows)
        _quality_sheet(workbook, paper, formats)
        _about_sheet(workbook, paper, formats)
    finally:
        workbook.close()
