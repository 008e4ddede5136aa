"""The committee scorecard page as Chromium renders it (fixture data; fails without chromium)."""

from __future__ import annotations

from pathlib import Path

from orchestration.lib.committee_scorecard.data import ScorecardPaper
from orchestration.lib.committee_scorecard.outputs import write_scorecard_files
from tests.committee.browser import ARTIFACT_DIR, check_rendered_page
from tests.committee.conftest import EXPECTED_AREAS, SUPPRESSED_THIS_MONTH


def test_rendered_page(paper: ScorecardPaper, tmp_path: Path) -> None:
    files = write_scorecard_files(paper, tmp_path)
    screenshot = check_rendered_page(
        files.html_path,
        EXPECTED_AREAS,
        SUPPRESSED_THIS_MONTH,
        ARTIFACT_DIR / "committee_scorecard.png",
    )
    assert screenshot.stat().st_size > 10_000
