"""The incremental month: one new extract on top of a built warehouse (issue 7, part 2).

The next month's extract is what the generator writes for the same authority one month
later (its ``as_of_date`` moved to the next month end). Only its new extract folders (the
live system's extract dated that month end) are added to the dataset's landing area; the
legacy system's final extract is unchanged, so ingest skips it by its SHA-256. The job then
runs again on the warehouse the full rebuild left, with the next month as ``as_of_date``.
The added folders are removed afterwards, so the dataset stays as cached.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from orchestration.bench.datasets import Dataset, fingerprint
from orchestration.lib.config import load_config

log = logging.getLogger(__name__)

NEXT_MONTH_DIR = "next_month"
NEXT_CONFIG = "scorecard.next_month.yaml"
FINGERPRINT_FILE = "fingerprint.txt"


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


def ensure_next_month(dataset: Dataset, *, workers: int | None = None) -> tuple[Path, dt.date]:
    """The landing area of the dataset's next month (generated once), and its date."""
    from orchestration.synthetic import GeneratorSettings, generate

    config = load_config(dataset.config_path)
    as_of = next_month_end(config.as_of_date)
    folder = dataset.folder / NEXT_MONTH_DIR
    landing = folder / "landing"
    wanted = f"{fingerprint(dataset.scale.population)} {as_of.isoformat()}"
    marker = folder / FINGERPRINT_FILE
    if marker.exists() and marker.read_text(encoding="utf-8") == wanted and landing.is_dir():
        return landing, as_of
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    config_path = write_next_config(
        dataset.config_path, folder / "scorecard.yaml", landing_dir=landing, as_of=as_of
    )
    log.info("%s: generating the extract of %s", dataset.scale.name, as_of.isoformat())
    generate(GeneratorSettings.from_config(load_config(config_path)), landing, workers=workers)
    marker.write_text(wanted, encoding="utf-8")
    return landing, as_of


def new_extract_folders(base_landing: Path, next_landing: Path) -> list[Path]:
    """Extract folders (``<system>/<date>``) of the next month the dataset lacks."""
    return sorted(
        folder
        for folder in next_landing.glob("*/*")
        if folder.is_dir()
        and not folder.parent.name.startswith("_")
        and not (base_landing / folder.parent.name / folder.name).exists()
    )


@contextmanager
def next_month_added(dataset: Dataset, next_landing: Path, as_of: dt.date) -> Iterator[Path]:
    """Add the next month's new extract folders for the duration of the block; yields the
    configuration to run with."""
    added = []
    try:
        for folder in new_extract_folders(dataset.landing_dir, next_landing):
            target = dataset.landing_dir / folder.parent.name / folder.name
            shutil.copytree(folder, target)
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
