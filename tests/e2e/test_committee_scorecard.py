"""The committee scorecard written by the clean run, checked against the published mart and
in Chromium; and the CLI writing another month."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration.cli import main as cli_main
from orchestration.lib.committee_scorecard.data import (
    AREA_TITLES,
    SUPPRESSED_TEXT,
    latest_complete_month,
    row_is_suppressed,
)
from orchestration.lib.committee_scorecard.workbook import COLUMN, HEADER_ROW, SCORECARD_SHEET
from tests.committee.browser import ARTIFACT_DIR, check_rendered_page
from tests.e2e.conftest import PipelineRun

pytestmark = pytest.mark.e2e


def _headline(run: PipelineRun) -> tuple[dt.date, list[tuple]]:
    with duckdb.connect(str(run.config.published_path), read_only=True) as connection:
        months = [
            row[0]
            for row in connection.execute(
                "select distinct period_end from marts.fct_scorecard_monthly order by 1"
            ).fetchall()
        ]
        month = latest_complete_month(months, run.config.as_of_date)
        rows = connection.execute(
            "select d.area, s.indicator_code, s.unit, s.numerator, s.denominator, s.value, "
            "s.is_suppressed from marts.fct_scorecard_monthly as s "
            "join marts.dim_indicator as d using (indicator_code) "
            "where s.breakdown = 'all' and s.period_end = ? order by d.rowid",
            [month],
        ).fetchall()
    return month, rows


def _expected_by_area(rows: list[tuple]) -> dict[str, list[str]]:
    expected: dict[str, list[str]] = {}
    for area in AREA_TITLES:
        codes = [code for row_area, code, *_ in rows if row_area == area]
        if codes:
            expected[AREA_TITLES[area]] = codes
    assert sum(len(codes) for codes in expected.values()) == len(rows), "an unknown area"
    return expected


def _suppressed(rows: list[tuple]) -> list[str]:
    return [
        code
        for _, code, unit, numerator, denominator, value, flag in rows
        if row_is_suppressed(flag, unit, numerator, denominator, value)
    ]


def test_the_run_writes_the_latest_complete_month(clean_run: PipelineRun) -> None:
    month, rows = _headline(clean_run)
    folder = clean_run.config.output_dir / "committee"
    html_path = folder / f"scorecard_{month:%Y-%m}.html"
    workbook_path = folder / f"scorecard_{month:%Y-%m}.xlsx"
    assert html_path.is_file() and workbook_path.is_file()
    assert not list(folder.glob(".*.tmp"))
    html = html_path.read_text(encoding="utf-8")
    assert clean_run.config.la_name in html and f"{month:%B %Y}" in html

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Sparkline Group extension")
        book = openpyxl.load_workbook(workbook_path)
    sheet_rows = {
        row[COLUMN["Code"]]: row
        for row in book[SCORECARD_SHEET].iter_rows(min_row=HEADER_ROW + 2, values_only=True)
        if row[COLUMN["Code"]]
    }
    assert list(sheet_rows) == [
        code for codes in _expected_by_area(rows).values() for code in codes
    ]
    suppressed = set(_suppressed(rows))
    for _, code, _unit, numerator, _denominator, value, _ in rows:
        shown = sheet_rows[code]
        if code in suppressed:
            assert shown[COLUMN["Value"]] == SUPPRESSED_TEXT
            assert shown[COLUMN["Numerator"]] == SUPPRESSED_TEXT
        elif value is not None:
            assert shown[COLUMN["Value"]] == pytest.approx(value)
            if numerator is not None:
                assert shown[COLUMN["Numerator"]] == numerator


def test_the_run_page_in_chromium(clean_run: PipelineRun) -> None:
    month, rows = _headline(clean_run)
    html_path = clean_run.config.output_dir / "committee" / f"scorecard_{month:%Y-%m}.html"
    check_rendered_page(
        html_path,
        _expected_by_area(rows),
        _suppressed(rows),
        ARTIFACT_DIR / "committee_scorecard_e2e.png",
    )


def test_the_cli_writes_any_month(clean_run: PipelineRun, tmp_path: Path) -> None:
    config_path = str(clean_run.config_path)
    code = cli_main(
        [
            "--config",
            config_path,
            "committee-scorecard",
            "--month",
            "2024-03",
            "--out-dir",
            str(tmp_path),
        ]
    )
    assert code == 0
    assert (tmp_path / "scorecard_2024-03.html").is_file()
    assert (tmp_path / "scorecard_2024-03.xlsx").is_file()
    assert "March 2024" in (tmp_path / "scorecard_2024-03.html").read_text(encoding="utf-8")
    code = cli_main(
        [
            "--config",
            config_path,
            "committee-scorecard",
            "--month",
            "1999-01",
            "--out-dir",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert not (tmp_path / "scorecard_1999-01.html").exists()
