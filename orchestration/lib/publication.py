"""The published warehouse, the working copy runs write, and the lock that keeps runs apart.

Readers (BI tools, the CLI, analysts) open the **published** file, the configured
``warehouse_path``. Pipeline runs never write it: they write a **working copy** beside it
(``warehouse.work.duckdb``) and, when every step that builds the warehouse has succeeded,
:func:`publish_warehouse` copies the working copy to a temporary file next to the published
one, checks it opens and still holds every published mart, and renames it over the
published file. A rename within one folder is atomic, so a reader, or a run killed at any
moment (``kill -9`` included), sees the old file or the new one, never a mixture. The file
it replaced is kept as ``warehouse.previous.duckdb`` (a hard link, so it costs no copy) for
:func:`restore_previous`.

One run at a time writes the working copy: :func:`hold_run_lock` takes an exclusive
``flock`` on ``warehouse.lock`` for the whole run and makes a second run wait (a queue),
saying which run it waits for, until a timeout ends it with a clear message and nothing
changed. See docs/decisions/0008-publish-by-atomic-rename.md.

Pure library: no Dagster.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.lib.child_compliance import RETIRED_MARTS_TABLE

if TYPE_CHECKING:
    from orchestration.lib.config import ScorecardConfig

_log = logging.getLogger(__name__)

WORKING_SUFFIX = ".work"
PREVIOUS_SUFFIX = ".previous"
PUBLISHING_SUFFIX = ".publishing"
LOCK_SUFFIX = ".lock"
_LOCK_POLL_SECONDS = 1.0


class WarehouseBusyError(RuntimeError):
    """Another run held the warehouse for longer than this run would wait."""


class PublishError(RuntimeError):
    """The working copy was not fit to publish; the published file was left as it was."""


def _sibling(published: Path, suffix: str, extension: str | None = None) -> Path:
    extension = published.suffix if extension is None else extension
    return published.with_name(f"{published.stem}{suffix}{extension}")


def working_path(published: Path) -> Path:
    """The working copy runs write: ``warehouse.work.duckdb`` beside ``warehouse.duckdb``."""
    return _sibling(published, WORKING_SUFFIX)


def previous_path(published: Path) -> Path:
    """The file the last publication replaced: ``warehouse.previous.duckdb``."""
    return _sibling(published, PREVIOUS_SUFFIX)


def lock_path(published: Path) -> Path:
    """The run lock: ``warehouse.lock`` beside the published file."""
    return _sibling(published, LOCK_SUFFIX, "")


@dataclass(frozen=True)
class PublishReport:
    """What one publication did."""

    published: Path
    previous: Path | None
    size_bytes: int
    table_count: int
    seconds: float


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_durably(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` and flush it to disk before returning."""
    with source.open("rb") as reader, target.open("wb") as writer:
        shutil.copyfileobj(reader, writer, length=16 * 1024 * 1024)
        writer.flush()
        os.fsync(writer.fileno())


def _remove_stale_temporaries(published: Path) -> None:
    pattern = f"{published.stem}{PUBLISHING_SUFFIX}*"
    for stale in published.parent.glob(pattern):
        _log.info("Removing %s, left by a publication that did not finish", stale.name)
        stale.unlink(missing_ok=True)


def ensure_working_copy(published: Path, logger: logging.Logger | None = None) -> Path:
    """The working copy's path, first copying the published file there if there is none.

    With neither file present (a first run) nothing is copied: the run creates the working
    copy from empty.
    """
    log = logger or _log
    working = working_path(published)
    if working.exists() or not published.exists():
        return working
    log.info("No working copy: starting from the published warehouse %s", published.name)
    temporary = _sibling(published, PUBLISHING_SUFFIX + "-work")
    _copy_durably(published, temporary)
    temporary.replace(working)
    return working


def _tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    rows = connection.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_catalog = current_database()"
    ).fetchall()
    return {row[0] for row in rows}


def _published_marts(published: Path) -> set[str]:
    if not published.exists():
        return set()
    with contextlib.closing(duckdb.connect(str(published), read_only=True)) as connection:
        return {name for name in _tables(connection) if name.startswith("marts.")}


def _check_publishable(candidate: Path, published: Path) -> int:
    """Open the candidate read-only; it must hold every mart the published file holds."""
    try:
        with contextlib.closing(duckdb.connect(str(candidate), read_only=True)) as connection:
            tables = _tables(connection)
    except duckdb.Error as error:
        raise PublishError(f"the working copy does not open as a DuckDB file: {error}") from error
    # a table this release drops on purpose is not a mart the working copy lost
    missing = sorted(_published_marts(published) - tables - {RETIRED_MARTS_TABLE})
    if missing:
        raise PublishError(
            "the working copy lacks marts the published warehouse has, so it was not "
            f"published: {', '.join(missing)}"
        )
    return len(tables)


def publish_warehouse(
    working: Path, published: Path, logger: logging.Logger | None = None
) -> PublishReport:
    """Replace ``published`` with a copy of ``working`` in one atomic rename.

    The working copy is checkpointed and held open read-write while it is copied, so no
    other process writes it mid-copy. If anything fails before the rename, the published
    file is untouched and the temporary copy is removed.
    """
    log = logger or _log
    started = time.monotonic()
    if not working.exists():
        raise PublishError(f"no working copy at {working}: nothing to publish")
    published.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(published)
    temporary = _sibling(published, f"{PUBLISHING_SUFFIX}-{os.getpid()}")
    try:
        with contextlib.closing(duckdb.connect(str(working))) as connection:
            connection.execute("checkpoint")
            _copy_durably(working, temporary)
        table_count = _check_publishable(temporary, published)
        previous = None
        if published.exists():
            previous = previous_path(published)
            _keep_as_previous(published, previous)
        temporary.replace(published)
        _fsync_directory(published.parent)
    finally:
        temporary.unlink(missing_ok=True)
    report = PublishReport(
        published=published,
        previous=previous,
        size_bytes=published.stat().st_size,
        table_count=table_count,
        seconds=time.monotonic() - started,
    )
    log.info(
        "Published %s (%d tables, %.1f MB) in %.1f s",
        published.name,
        report.table_count,
        report.size_bytes / 1e6,
        report.seconds,
    )
    return report


def _keep_as_previous(published: Path, previous: Path) -> None:
    """Make ``previous`` the current published file: a hard link, else a copy."""
    staged = _sibling(published, f"{PUBLISHING_SUFFIX}-previous-{os.getpid()}")
    staged.unlink(missing_ok=True)
    try:
        os.link(published, staged)
    except OSError:
        _copy_durably(published, staged)
    staged.replace(previous)


def restore_previous(published: Path, logger: logging.Logger | None = None) -> Path:
    """Put the previously published warehouse back and discard the working copy.

    The next run starts again from the restored file. Take the run lock first.
    """
    log = logger or _log
    previous = previous_path(published)
    if not previous.exists():
        raise FileNotFoundError(f"no previous warehouse at {previous}: nothing to restore")
    temporary = _sibling(published, f"{PUBLISHING_SUFFIX}-restore-{os.getpid()}")
    _copy_durably(previous, temporary)
    temporary.replace(published)
    _fsync_directory(published.parent)
    discard_working_copy(published, log)
    log.info("Restored %s from %s", published.name, previous.name)
    return published


def discard_working_copy(published: Path, logger: logging.Logger | None = None) -> None:
    """Delete the working copy (and its write-ahead log): the next run copies the published file."""
    log = logger or _log
    working = working_path(published)
    for leftover in (working, working.with_name(working.name + ".wal")):
        if leftover.exists():
            leftover.unlink()
            log.info("Discarded %s", leftover.name)


# Locks this process holds, by lock file: (open file, depth). flock conflicts between two
# descriptors of one process, so a nested request from the same process re-enters instead.
_held: dict[Path, tuple[object, int]] = {}


def _holder_text(handle: object) -> str:
    try:
        handle.seek(0)  # type: ignore[attr-defined]
        holder = json.loads(handle.read() or "{}")  # type: ignore[attr-defined]
    except (OSError, ValueError):
        return "another run"
    return (
        f"run {holder.get('run_id') or 'unknown'} (process {holder.get('pid')}, "
        f"started {holder.get('started_at')})"
    )


@contextlib.contextmanager
def hold_run_lock(
    published: Path,
    run_id: str | None,
    *,
    timeout_seconds: float,
    logger: logging.Logger | None = None,
) -> Iterator[None]:
    """Hold the warehouse's run lock for the body; wait up to ``timeout_seconds`` for it.

    The lock is an exclusive ``flock`` on ``warehouse.lock``: the operating system releases
    it when the holding process ends, however it ends, so a killed run never leaves the
    warehouse locked.
    """
    log = logger or _log
    path = lock_path(published).resolve()
    if path in _held:
        handle, depth = _held[path]
        _held[path] = (handle, depth + 1)
        try:
            yield
        finally:
            handle, depth = _held[path]
            if depth == 1:
                del _held[path]
            else:
                _held[path] = (handle, depth - 1)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        _acquire(handle, published, timeout_seconds, log)
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        handle.write(json.dumps({"run_id": run_id, "pid": os.getpid(), "started_at": started}))
        handle.flush()
        _held[path] = (handle, 1)
        try:
            yield
        finally:
            _held.pop(path, None)
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


def _acquire(handle: object, published: Path, timeout_seconds: float, log: logging.Logger) -> None:
    deadline = time.monotonic() + timeout_seconds
    waited = False
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]
        except BlockingIOError:
            holder = _holder_text(handle)
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"The warehouse {published} is being written by {holder}. This run "
                    f"waited {timeout_seconds:.0f} s for it and stopped without changing "
                    "anything; start it again when that run has finished."
                ) from None
            if not waited:
                log.warning(
                    "The warehouse %s is being written by %s: this run waits its turn "
                    "(up to %.0f s)",
                    published.name,
                    holder,
                    timeout_seconds,
                )
                waited = True
            time.sleep(_LOCK_POLL_SECONDS)
            continue
        if waited:
            log.info("The warehouse is free: this run goes ahead")
        return


def publish_run_warehouse(
    config: ScorecardConfig, logger: logging.Logger | None = None
) -> PublishReport:
    """Publish a pipeline run's working copy (``config.for_pipeline_run()``'s view)."""
    if config.published_warehouse_path is None:
        raise PublishError(
            "this configuration is not a pipeline run's view: there is no working copy to "
            "publish (use config.for_pipeline_run())"
        )
    return publish_warehouse(config.warehouse_path, config.published_warehouse_path, logger)
