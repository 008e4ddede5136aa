"""The incremental month: one new extract on top of a built warehouse (issue 7, part 2).

The next month's extract is the live system's latest extract delivered again under the
next month end's date: the same authority, the same children, a new extract folder. The
job then runs again on the warehouse the full rebuild left, with the next month as
``as_of_date``. Ingest loads every file of the new extract (a new extract date) and skips
the legacy system's final extract by its SHA-256, and dbt rebuilds from the new extract, as
a monthly run does.

The generator cannot serve here: it simulates the authority up to its ``as_of_date``, so
asked for one month later it draws another population, whose live extract names legacy
person ids the dataset's legacy extract does not hold. The incremental run then measured
tens of thousands of false migration findings (docs/benchmarks.md). A re-delivered
extract has the rows of a month with no new activity; a real month adds about one
hundred-and-twentieth of ten years' rows, which does not change the cost of a run that
rebuilds from full snapshots.

The folder holds hard links to the dataset's files (no copy, no disk), and the added
folder is removed afterwards, so the dataset stays as cached.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from orchestration.bench.datasets import Dataset
from orchestration.lib.config import load_config

log = logging.getLogger(__name__)

NEXT_MONTH_DIR = "next_month"
NEXT_CONFIG = "scorecard.next_month.yaml"
_EXTRACT_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def next_month_end(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def write_next_config(source: Path, target: Path, *, landing_dir: Path, as_of: dt.date) -> Path:
    """A copy of ``source`` with another landing area and ``as_of_date``."""
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    raw["as_of_date"] = as_of.isoformat()
    raw["landing_dir"] = str(landing_dir)
    target.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return target


def system_folders(landing: Path) -> Iterator[Path]:
    """The ``<system>/<folder>`` folders of a landing area (``_reference``, ``_truth`` left out)."""
    return (
        folder
        for folder in landing.glob("*/*")
        if folder.is_dir() and not folder.parent.name.startswith("_")
    )


def latest_extract_folder(landing: Path) -> Path:
    """The landing area's newest extract folder (``<system>/<YYYY-MM-DD>``): the live system's."""
    folders = [folder for folder in system_folders(landing) if _EXTRACT_DATE.fullmatch(folder.name)]
    if not folders:
        raise RuntimeError(f"{landing} holds no extract folder")
    return max(folders, key=lambda folder: (folder.name, folder.parent.name))


def link_or_copy(source: str, target: str) -> None:
    """A hard link to ``source`` at ``target``, or a copy where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def ensure_next_month(dataset: Dataset) -> tuple[Path, dt.date]:
    """The landing area of the dataset's next month, and its date: the live system's latest
    extract re-delivered as of the next month end."""
    config = load_config(dataset.config_path)
    as_of = next_month_end(config.as_of_date)
    latest = latest_extract_folder(dataset.landing_dir)
    folder = dataset.folder / NEXT_MONTH_DIR
    if folder.exists():
        shutil.rmtree(folder)
    landing = folder / "landing"
    target = landing / latest.parent.name / as_of.isoformat()
    target.parent.mkdir(parents=True)
    shutil.copytree(latest, target, copy_function=link_or_copy)
    log.info(
        "%s: the extract of %s re-delivered as of %s",
        dataset.scale.name,
        latest.name,
        as_of.isoformat(),
    )
    return landing, as_of


def new_extract_folders(base_landing: Path, next_landing: Path) -> list[Path]:
    """Extract folders (``<system>/<date>``) of the next month the dataset lacks."""
    return sorted(
        folder
        for folder in system_folders(next_landing)
        if not (base_landing / folder.parent.name / folder.name).exists()
    )


@contextmanager
def next_month_added(dataset: Dataset, next_landing: Path, as_of: dt.date) -> Iterator[Path]:
    """Add the next month's new extract folders for the duration of the block; yields the
    configuration to run with."""
    added = []
    try:
        for folder in new_extract_folders(dataset.landing_dir, next_landing):
            target = dataset.landing_dir / folder.parent.name / folder.name
            shutil.copytree(folder, target, copy_function=link_or_copy)
            added.append(target)
        if not added:
            raise RuntimeError(f"the next month's landing {next_landing} adds no extract")
        yield write_next_config(
            dataset.config_path,
            dataset.folder / NEXT_CONFIG,
            landing_dir=dataset.landing_dir,
            as_of=as_of,
        )
    finally:
        for target in added:
            shutil.rmtree(target, ignore_errors=True)
