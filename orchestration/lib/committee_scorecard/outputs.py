"""Write a month's committee scorecard files: ``scorecard_<YYYY-MM>.html`` and ``.xlsx``.

Each file is written to a temporary file in the target folder and renamed into place, so a
reader (or a committee clerk's sync) never picks up half a file, and a failure leaves the
previous file as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.committee_scorecard.data import ScorecardPaper, read_scorecard_from_file
from orchestration.lib.committee_scorecard.html import render_html
from orchestration.lib.committee_scorecard.workbook import write_workbook

COMMITTEE_FOLDER = "committee"


@dataclass(frozen=True)
class ScorecardFiles:
    """What one write produced."""

    paper: ScorecardPaper
    html_path: Path
    workbook_path: Path


def file_stem(paper: ScorecardPaper) -> str:
    return f"scorecard_{paper.month_key}"


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write`` on a temporary path beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        write(temporary)
        with temporary.open("rb") as stream:
            os.fsync(stream.fileno())
        # mkstemp makes the file 0600; these are published outputs for the committee.
        temporary.chmod(0o644)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_scorecard_files(paper: ScorecardPaper, out_dir: Path) -> ScorecardFiles:
    """Write the HTML page and the workbook of ``paper`` into ``out_dir``."""
    stem = file_stem(paper)
    html_path = out_dir / f"{stem}.html"
    workbook_path = out_dir / f"{stem}.xlsx"
    page = render_html(paper)
    write_atomically(html_path, lambda target: target.write_text(page, encoding="utf-8"))
    write_atomically(workbook_path, lambda target: write_workbook(paper, target))
    return ScorecardFiles(paper=paper, html_path=html_path, workbook_path=workbook_path)


def write_month(
    warehouse_path: Path,
    out_dir: Path,
    period_end: dt.date | None,
    *,
    la_code: str,
    la_name: str,
    as_of_date: dt.date,
) -> ScorecardFiles:
    """Read the month (None: the latest complete one) from the published warehouse and
    write its two files."""
    paper = read_scorecard_from_file(
        warehouse_path,
        period_end,
        la_code=la_code,
        la_name=la_name,
        as_of_date=as_of_date,
    )
    return write_scorecard_files(paper, out_dir)
