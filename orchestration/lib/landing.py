"""Find the extracts waiting in the landing directory.

Layout (docs/architecture.md, "Landing layout"): ``<landing>/<system>/<YYYY-MM-DD>/<table>.csv``.
Only systems named in the configuration are read, folders starting with ``_`` are never
extracts, and an extract folder is read only once it is complete: it holds a ``_complete``
marker file, or nothing in it has changed for a quiet period (60 seconds by default).

Pure library: no Dagster, no database.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

COMPLETE_MARKER = "_complete"
DEFAULT_QUIET_SECONDS = 60.0

_EXTRACT_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractFolder:
    """One delivered extract: a full snapshot of one source system taken on one day."""

    system: str
    extract_date: dt.date
    path: Path


@dataclass(frozen=True)
class TableFile:
    """The file holding one contract table inside one extract folder."""

    extract: ExtractFolder
    path: Path
    landing_dir: Path

    @property
    def display_name(self) -> str:
        """The file's path relative to the landing directory, as written to lineage."""
        return relative_name(self.path, self.landing_dir)


def relative_name(path: Path, landing_dir: Path) -> str:
    """``path`` relative to ``landing_dir`` with forward slashes (the path itself if outside)."""
    try:
        return path.relative_to(landing_dir).as_posix()
    except ValueError:
        return path.as_posix()


def parse_extract_date(name: str) -> dt.date | None:
    """The date a folder name stands for, or None unless it is a real ``YYYY-MM-DD`` date."""
    if not _EXTRACT_DATE_PATTERN.fullmatch(name):
        return None
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return None


def is_complete(
    folder: Path, *, quiet_seconds: float = DEFAULT_QUIET_SECONDS, now: float | None = None
) -> bool:
    """Whether an extract folder is finished: it has the marker, or has been quiet long enough.

    "Quiet" means neither the folder itself (its modification time changes when a file is
    added or removed) nor any file directly inside it changed within ``quiet_seconds``.
    """
    if any(child.name.lower() == COMPLETE_MARKER for child in folder.iterdir()):
        return True
    current = time.time() if now is None else now
    newest = max(
        [folder.stat().st_mtime]
        + [child.stat().st_mtime for child in folder.iterdir() if child.is_file()]
    )
    return current - newest >= quiet_seconds


def discover_extracts(
    landing_dir: Path,
    system_names: Iterable[str],
    *,
    quiet_seconds: float = DEFAULT_QUIET_SECONDS,
    now: float | None = None,
    logger: logging.Logger | None = None,
) -> list[ExtractFolder]:
    """Complete extract folders of the configured systems, by system (config order) then date.

    Folders starting with ``_`` are ignored silently; folders whose name is not a valid date
    are ignored with a warning; incomplete folders are skipped (picked up by a later run).
    """
    log = logger or _log
    systems = list(system_names)
    if not landing_dir.is_dir():
        log.warning("Landing directory %s does not exist: no extracts to read", landing_dir)
        return []
    _log_unknown_folders(landing_dir, systems, log)
    extracts: list[ExtractFolder] = []
    for system in systems:
        system_dir = landing_dir / system
        if not system_dir.is_dir():
            log.info("No folder for system '%s' in %s", system, landing_dir)
            continue
        extracts.extend(_system_extracts(system, system_dir, quiet_seconds, now, log))
    return extracts


def _log_unknown_folders(landing_dir: Path, systems: list[str], log: logging.Logger) -> None:
    for child in sorted(landing_dir.iterdir()):
        if child.is_dir() and not child.name.startswith("_") and child.name not in systems:
            log.info("Folder '%s' is not a configured system: ignored", child.name)


def _system_extracts(
    system: str, system_dir: Path, quiet_seconds: float, now: float | None, log: logging.Logger
) -> list[ExtractFolder]:
    found = []
    for child in sorted(system_dir.iterdir()):
        if not child.is_dir() or child.name.startswith("_"):
            continue
        extract_date = parse_extract_date(child.name)
        if extract_date is None:
            log.warning(
                "Folder %s/%s is not a YYYY-MM-DD extract date: ignored", system, child.name
            )
            continue
        if not is_complete(child, quiet_seconds=quiet_seconds, now=now):
            log.info(
                "Extract %s/%s is still being written (no %s marker and changed within %ss): "
                "skipped this run",
                system,
                child.name,
                COMPLETE_MARKER,
                quiet_seconds,
            )
            continue
        found.append(ExtractFolder(system, extract_date, child))
    return sorted(found, key=lambda extract: extract.extract_date)


def find_table_files(folder: Path, table: str) -> list[Path]:
    """Files named ``<table>.csv`` (case-insensitive) directly inside ``folder``.

    Normally zero or one; more than one (e.g. ``ssd_person.csv`` and ``SSD_PERSON.csv`` on a
    case-sensitive file system) is ambiguous and left to the caller to reject.
    """
    wanted = f"{table}.csv".lower()
    return sorted(
        child for child in folder.iterdir() if child.is_file() and child.name.lower() == wanted
    )


def table_files(
    landing_dir: Path, extracts: Iterable[ExtractFolder], table: str
) -> list[TableFile]:
    """Every file holding ``table`` in the given extracts, in extract order."""
    return [
        TableFile(extract, path, landing_dir)
        for extract in extracts
        for path in find_table_files(extract.path, table)
    ]
