"""The month-end partitions: one partition per calendar month, keyed ``YYYY-MM``.

The first partition is the month of the configuration's history start (the earliest
system's ``live_from``). The configuration is read when the code location loads; if it
cannot be read, a fixed start is used and a warning logged, so a broken configuration shows
up as failing runs with a clear error instead of a code location that does not load.
"""

from __future__ import annotations

import datetime as dt
import logging

import dagster as dg
import yaml

from orchestration.lib.config import ConfigError, load_config

MONTH_KEY_FORMAT = "%Y-%m"
TIMEZONE = "Europe/London"
# Used only when the configuration cannot be read when the code location loads: the demo's
# history start (the synthetic authority's first system went live in April 2016).
FALLBACK_HISTORY_START = dt.date(2016, 4, 1)

_log = logging.getLogger(__name__)


def history_start() -> dt.date:
    """The first day of the month the earliest configured system went live."""
    try:
        config = load_config()
    except (ConfigError, OSError, yaml.YAMLError, TypeError, ValueError) as error:
        _log.warning(
            "month-end partitions: configuration unreadable (%s); partitions start at %s",
            error,
            FALLBACK_HISTORY_START,
        )
        return FALLBACK_HISTORY_START
    return min(system.live_from for system in config.systems).replace(day=1)


def build_month_end_partitions(start: dt.date | None = None) -> dg.MonthlyPartitionsDefinition:
    """Monthly partitions from ``start`` (default: :func:`history_start`) to the last full month.

    ``end_offset=0``: the current, unfinished month is not a partition.
    """
    first = (start or history_start()).replace(day=1)
    return dg.MonthlyPartitionsDefinition(
        start_date=first.strftime(MONTH_KEY_FORMAT),
        fmt=MONTH_KEY_FORMAT,
        timezone=TIMEZONE,
        end_offset=0,
    )


def month_key(day: dt.date) -> str:
    """The partition key of the month holding ``day``."""
    return day.strftime(MONTH_KEY_FORMAT)


def month_end(key: str) -> dt.date:
    """The last day of the month a partition key names (``2026-10`` -> 2026-10-31)."""
    first = dt.datetime.strptime(key, MONTH_KEY_FORMAT).date()
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def previous_month_key(day: dt.date) -> str:
    """The key of the month before the one holding ``day`` (the month just closed)."""
    return month_key(day.replace(day=1) - dt.timedelta(days=1))
