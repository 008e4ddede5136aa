"""Retry a step, with exponential backoff, when it failed for a reason that passes.

Transient failures are the ones another attempt can cure: the DuckDB file locked by a
process outside the pipeline (a BI tool opened it read-write, a backup held it), or a
shared or network file system that timed out or went stale. Anything else (bad SQL, a
failed dbt test, a broken configuration) fails at once: retrying it only delays the alert.
Bad input files never fail a step in the first place: they are quarantined.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

MAX_RETRIES = 3
FIRST_DELAY_SECONDS = 30.0
_TRANSIENT_ERRNOS = {errno.EAGAIN, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE, errno.EIO}
_LOCK_TEXT = ("could not set lock", "conflicting lock", "database is locked")


def is_transient(error: BaseException) -> bool:
    """Whether another attempt might succeed where this one failed."""
    if isinstance(error, duckdb.IOException):
        return any(text in str(error).lower() for text in _LOCK_TEXT)
    if isinstance(error, OSError):
        return error.errno in _TRANSIENT_ERRNOS
    # dbt reports a locked warehouse as a failed invocation whose message says so.
    return type(error).__name__ == "DagsterDbtCliRuntimeError" and any(
        text in str(error).lower() for text in _LOCK_TEXT
    )


def backoff_seconds(retry_number: int) -> float:
    """30 s, 60 s, 120 s: the wait before attempt ``retry_number + 1``."""
    return FIRST_DELAY_SECONDS * 2**retry_number


@contextmanager
def retry_transient_failures(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Turn a transient failure of the body into a retry of the step, with backoff."""
    try:
        yield
    except Exception as error:
        if not is_transient(error):
            raise
        wait = backoff_seconds(context.retry_number)
        context.log.warning(
            f"{type(error).__name__} looks transient: retrying the step in {wait:.0f} s "
            f"(attempt {context.retry_number + 2} of {MAX_RETRIES + 1})"
        )
        raise dg.RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=wait) from error
