"""Disk space, checked before the benchmark writes a dataset or starts a run.

A national dataset and its warehouse do not fit on every machine (decision 0015). A run
that fills the disk fails after most of an hour, with DuckDB's own error, and can leave
other work on the machine without space; so the benchmark first compares what a step
needs with what is free, and stops the scale with both figures when it does not fit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

GIB = 1024**3
# bytes of warehouse per byte of extract CSV, from the `region` run on 8830685 (a 4.9 GB
# working copy from 5.0 GB of CSV after the full run, raw's text included)
WAREHOUSE_BYTES_PER_CSV_BYTE = 1.0
# while the incremental month publishes: the working copy, the published file and the
# temporary copy that replaces it (decision 0008)
WAREHOUSE_COPIES = 3


class DiskSpaceError(RuntimeError):
    """A step of the benchmark needs more disk than is free."""


def free_bytes(path: Path) -> int:
    """Bytes free to this user on the file system holding ``path`` (or its nearest parent)."""
    existing = path
    while not existing.exists():
        existing = existing.parent
    return shutil.disk_usage(existing).free


def run_disk_need(input_bytes: int) -> int:
    """About how much disk a full run and its incremental month need, for this much CSV."""
    return int(input_bytes * WAREHOUSE_BYTES_PER_CSV_BYTE * WAREHOUSE_COPIES)


def require_free_space(path: Path, need_bytes: int, what: str) -> None:
    """Raise ``DiskSpaceError`` unless ``need_bytes`` are free where ``path`` is."""
    free = free_bytes(path)
    if free < need_bytes:
        raise DiskSpaceError(
            f"{what} needs about {need_bytes / GIB:.1f} GiB of disk at {path}, "
            f"and {free / GIB:.1f} GiB are free"
        )
