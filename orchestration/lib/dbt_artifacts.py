"""Where a pipeline run's dbt artifacts go, and dbt's parse cache between runs.

dagster-dbt gives every dbt invocation its own target folder. Left to itself it puts them
all inside ``dbt_project/target`` and never removes one: a month of hourly runs fills the
disk with dbt logs. Here each run's folder is under the warehouse's own directory, beside
the warehouse it built, and only the latest few are kept.

dbt re-reads all 1,100-odd nodes of the project (about 11 seconds) unless it finds a
``partial_parse.msgpack`` made for the same profile. The profile includes the warehouse
path, so the one ``make manifest`` writes (for the demo warehouse) never fits a run's
working copy. The parse cache kept here is made by the previous run on the same warehouse.
dbt itself checks it (dbt version, profile, variables, every file's hash) and parses afresh
when anything changed, so a stale cache costs a parse, never a wrong build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PARTIAL_PARSE_FILE = "partial_parse.msgpack"
RUNS_KEPT = 5


def dbt_runs_dir(warehouse_path: Path) -> Path:
    """The folder holding the dbt target folders of runs on ``warehouse_path``."""
    return warehouse_path.parent / "dbt_runs"


def run_target_path(warehouse_path: Path, run_id: str, step: str) -> Path:
    """A new, empty dbt target folder for one dbt invocation of run ``run_id``.

    The parse cache of the last run on this warehouse, when there is one, is copied in, so
    dbt can parse only what changed.
    """
    runs = dbt_runs_dir(warehouse_path)
    target = runs / f"{run_id}-{step}"
    target.mkdir(parents=True, exist_ok=True)
    cache = runs / PARTIAL_PARSE_FILE
    if cache.exists() and not (target / PARTIAL_PARSE_FILE).exists():
        shutil.copyfile(cache, target / PARTIAL_PARSE_FILE)
    return target


def keep_parse_cache(target: Path) -> None:
    """Keep the run's parse result for the next run (atomically), then prune old runs."""
    produced = target / PARTIAL_PARSE_FILE
    runs = target.parent
    if produced.exists():
        handle, temporary = tempfile.mkstemp(dir=runs, prefix=".partial_parse.")
        os.close(handle)
        shutil.copyfile(produced, temporary)
        Path(temporary).replace(runs / PARTIAL_PARSE_FILE)
    prune_runs(runs, keep=RUNS_KEPT)


def prune_runs(runs: Path, *, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest run folders; return those removed."""
    folders = sorted(
        (path for path in runs.iterdir() if path.is_dir()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    removed = folders[keep:]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
