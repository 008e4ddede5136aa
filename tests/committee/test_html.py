"""The committee scorecard page: structure, accessibility, self-containment, suppression."""

from __future__ import annotations

import dataclasses
import re

import pytest

from orchestration.lib.committee_scorecard.data import ScorecardPaper
from orchestration.lib.committee_scorecard.html import render_html, sparkline_svg
from tests.committee.conftest import EXPECTED_AREAS, LA_NAME, SUPPRESSED_THIS_MONTH
from tests.committee.html_tree import Element, parse


@pytest.fixture(scope="module")
def page_html(paper: ScorecardPaper) -> str:
    return render_html(paper)


@pytest.fixture(scope="module")
def page(page_html: str) -> Element:
    return parse(page_html)


def _row(page: Element, code: str) -> Element:
    rows = page.find_all(lambda element: element.attrs.get("data-indicator") == code)
    assert len(rows) == 1, f"{code}: {len(rows)} rows"
    return rows[0]


def _field(row: Element, name: str) -> Element:
    return row.find_all(lambda element: element.attrs.get("data-field") == name)[0]


def test_page_is_self_contained(page_html: str, page: Element) -> None:
    assert page.by_tag("script") == []
    assert page.by_tag("link") == []
    assert page.by_tag("img") == []
    for element in page.iter():
        for name in ("src", "href", "srcset", "xlink:href", "action"):
            assert name not in element.attrs, f"<{element.tag} {name}=...>"
    assert not re.search(r"https?://|//[a-z]", page_html.replace("http://www.w3.org", ""))
    css = "".join(style.text for style in page.by_tag("style"))
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_title_language_and_header(page: Element, paper: ScorecardPaper) -> None:
    html = page.by_tag("html")[0]
    assert html.attrs["lang"] == "en-GB"
    assert page.by_tag("title")[0].text == paper.title
    assert LA_NAME in page.by_tag("h1")[0].text and "January 2026" in page.by_tag("h1")[0].text
    header = page.by_tag("header")[0].text
    assert "Data as of" in header and "10 February 2026" in header
    assert "Warehouse built" in header
    key = page.find_all(lambda element: element.attrs.get("aria-labelledby") == "key-heading")
    assert key and "Suppressed" in key[0].text and "Improving" in key[0].text


def test_print_styles_are_a4_landscape(page: Element) -> None:
    css = "".join(style.text for style in page.by_tag("style"))
    assert "@page { size: A4 landscape" in css
    assert "@media print" in css


def test_every_indicator_once_under_its_area_heading(page: Element) -> None:
    sections = page.find_all(lambda element: element.has_class("area"))
    found = {}
    for section in sections:
        heading = section.by_tag("h2")[0].text
        table = section.by_tag("table")[0]
        assert table.by_tag("caption")[0].text.startswith(heading)
        assert all(th.attrs.get("scope") == "col" for th in table.by_tag("thead")[0].by_tag("th"))
        rows = table.by_tag("tbody")[0].by_tag("tr")
        assert all(row.by_tag("th")[0].attrs.get("scope") == "row" for row in rows)
        found[heading] = [row.attrs["data-indicator"] for row in rows]
    assert found == EXPECTED_AREAS


def test_rag_and_direction_are_words_with_accessible_names(page: Element) -> None:
    visits = _row(page, "CLA_VISITS_IN_TIME")
    rag = _field(visits, "rag").by_tag("span")[0]
    assert rag.text == "Amber" and rag.attrs["aria-label"] == "RAG: Amber"
    assert rag.has_class("rag-amber")
    assert rag.by_tag("polygon"), "amber carries its own shape"
    assert _field(visits, "direction").text.startswith("Improving")
    assert "arrow-up" in _field(visits, "direction").by_tag("svg")[0].attrs["class"]
    cin = _row(page, "CIN_VISITS_20WD")
    assert _field(cin, "rag").by_tag("span")[0].by_tag("rect"), "red is a square"
    assert _field(cin, "direction").text.startswith("No change")


def test_sparklines_are_inline_svg_with_alt_text(page: Element, paper: ScorecardPaper) -> None:
    for line in paper.lines:
        svg = _field(_row(page, line.indicator_code), "trend").by_tag("svg")[0]
        assert svg.attrs["role"] == "img"
        assert svg.attrs["aria-label"] == line.trend_description
        assert svg.by_tag("title")[0].text == line.trend_description
        assert int(svg.attrs["width"]) > 0 and int(svg.attrs["height"]) > 0


def _plotted_points(svg: Element) -> int:
    polylines = sum(len(line.attrs["points"].split()) for line in svg.by_tag("polyline"))
    lone = len([circle for circle in svg.by_tag("circle") if circle.has_class("lone")])
    return polylines + lone


def test_suppressed_months_are_gaps_in_the_sparkline(page: Element) -> None:
    svg = _field(_row(page, "CLA_PLACED_WITH_PARENTS"), "trend").by_tag("svg")[0]
    assert len(svg.by_tag("polyline")) == 1  # February to November; December is a gap
    assert _plotted_points(svg) == 11
    assert len([line for line in svg.by_tag("line") if line.has_class("gap")]) == 1
    assert "Dec 2025 c" in svg.attrs["aria-label"]
    visits = _field(_row(page, "CLA_VISITS_IN_TIME"), "trend").by_tag("svg")[0]
    assert _plotted_points(visits) == 12


def test_suppressed_rows_read_c_and_never_the_true_figures(page: Element) -> None:
    hidden = {"CP_2Y_PLUS_OPEN": ("1.5", "3 /"), "CP_RATE_10K": ("0.3", "2 /")}
    for code in SUPPRESSED_THIS_MONTH:
        row = _row(page, code)
        assert row.attrs.get("data-suppressed") == "true"
        assert _field(row, "value").text.startswith("c")
        assert _field(row, "numerator").text == "c"
        assert _field(row, "denominator").text == "c"
        assert _field(row, "rag").text == "c"
        assert _field(row, "direction").text.startswith("c")
        text = " ".join(row.text.split())
        for figure in hidden[code]:
            assert figure not in text, f"{code} shows {figure!r}"
    placed = _row(page, "CLA_PLACED_WITH_PARENTS")
    assert "Dec 2025 3" not in _field(placed, "trend").by_tag("svg")[0].attrs["aria-label"]


def test_quality_flags_and_numbered_notes(page: Element) -> None:
    cin = _field(_row(page, "CIN_VISITS_20WD"), "quality").text
    assert "Partial window" in cin and "(note 1)" in cin
    assert _field(_row(page, "CLA_VISITS_IN_TIME"), "quality").text == "None known"
    notes = page.find_all(lambda element: element.attrs.get("id") == "note-1")
    assert notes and "One child under two person ids" in notes[0].text
    assert "children affected: c" in " ".join(notes[0].text.split())
    assert "Indicators on this paper: CLA_COUNT, CIN_VISITS_20WD." in " ".join(
        notes[0].text.split()
    )
    assert not page.find_all(lambda element: element.attrs.get("id") == "note-2")
    assert "Episodes lost" not in page.by_tag("body")[0].text


def test_a_fully_suppressed_trend_draws_no_line(paper: ScorecardPaper) -> None:
    line = next(line for line in paper.lines if line.indicator_code == "CLA_VISITS_IN_TIME")
    hidden = tuple(
        dataclasses.replace(point, value=None, suppressed=True, text="c") for point in line.trend
    )
    svg = parse(str(sparkline_svg(dataclasses.replace(line, trend=hidden)))).by_tag("svg")[0]
    assert svg.by_tag("polyline") == [] and svg.by_tag("circle") == []
    assert len([tick for tick in svg.by_tag("line") if tick.has_class("gap")]) == 12
    assert svg.by_tag("text")[0].text == "all months c"
    assert "90.0" not in svg.attrs["aria-label"]
    assert len(re.findall(r"\d{4} c\b", svg.attrs["aria-label"])) == 12
