"""docs/architecture.md's indicator definitions applied to children's true histories.

An independent restatement of the definitions in plain Python, used as the expected
result for the marts (``expected_scorecard``). It knows nothing of extracts, systems or
the SQL: it works on each child's history as the pipeline must reconstruct it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

REASON_GROUPS = ("returned_home", "adopted", "sgo", "cao", "age18", "other")


@dataclass
class Period:
    start: dt.date
    end: dt.date | None = None
    end_reason: str | None = None
    short_break: bool = False
    lost_at_cutover: bool = False


@dataclass
class Child:
    """A child's history as the pipeline must reconstruct it (system-of-record view)."""

    date_of_birth: dt.date
    periods: list[Period]
    legal_statuses: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)
    placements: list[tuple[dt.date, dt.date | None, str]] = field(default_factory=list)
    seen_visits: list[dt.date] = field(default_factory=list)
    held_reviews: list[dt.date] = field(default_factory=list)


def month_ends(history_start: dt.date, as_of: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """(window_start, period_end) for every month from the first starting on or after
    history start to the last ending on or before as_of."""
    year, month = history_start.year, history_start.month
    if history_start.day != 1:
        year, month = year + month // 12, month % 12 + 1
    while True:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        period_end = following - dt.timedelta(days=1)
        if period_end > as_of:
            return
        window_year, window_month = (year, month - 11) if month > 11 else (year - 1, month + 1)
        yield dt.date(window_year, window_month, 1), period_end
        year, month = following.year, following.month


def _open(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or end > day)


def _age(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def reason_group(reason: str | None, age: int) -> str:
    if reason in {"E4A", "E4B", "E13"}:
        return "returned_home"
    if reason in {"E11", "E12"}:
        return "adopted"
    if reason in {"E43", "E44", "E45", "E46", "E47", "E48"}:
        return "sgo"
    if reason == "E41":
        return "cao"
    if reason in {"E17", "E5", "E6", "E7", "E15", "E16"} and age >= 18:
        return "age18"
    return "other"


def _looked_after(child: Child, day: dt.date) -> Period | None:
    period = next((p for p in child.periods if _open(p.start, p.end, day)), None)
    if period is None:
        return None
    statuses = [s for s in child.legal_statuses if _open(s[0], s[1], day)]
    status = max(statuses, key=lambda s: s[0])[2] if statuses else None
    return None if status in {"V3", "V4"} else period


def _visited_in_time(child: Child, period: Period, day: dt.date) -> bool:
    placements = [p for p in child.placements if _open(p[0], p[1], day)]
    placement = max(placements, key=lambda p: p[0]) if placements else None
    placed_on = placement[0] if placement else period.start
    placement_type = placement[2] if placement else None
    reviewed = any(period.start <= r <= day for r in child.held_reviews)
    if placement_type == "P1":
        interval = 28 if reviewed else 7
    elif placement_type in {"U1", "U4"} and (day - placed_on).days >= 365:
        interval = 91
    else:
        interval = 42
    visits = [v for v in child.seen_visits if placed_on <= v <= day]
    if visits:
        return (day - max(visits)).days <= interval
    return (day - placed_on).days <= 7


def expected_scorecard(
    truth: Mapping[str, Child],
    history_start: dt.date,
    as_of: dt.date,
    population: Mapping[int, int],
) -> dict[tuple[str, dt.date, str, str], tuple]:
    """(indicator, period_end, breakdown, value) -> (numerator, denominator, value, flag)."""
    rows: dict[tuple[str, dt.date, str, str], tuple] = {}
    for window_start, day in month_ends(history_start, as_of):
        partial = "partial_window" if window_start < history_start else None
        looked_after = {key: p for key, c in truth.items() if (p := _looked_after(c, day))}
        count = len(looked_after)
        rows["CLA_COUNT", day, "all", "all"] = (count, None, float(count), None)

        estimates = [
            (dt.date(y, 6, 30), n) for y, n in population.items() if dt.date(y, 6, 30) <= day
        ]
        if estimates:
            children_0_17 = max(estimates)[1]
            rows["CLA_RATE_10K", day, "all", "all"] = (
                count,
                children_0_17,
                count / children_0_17 * 10000,
                None,
            )
        else:
            rows["CLA_RATE_10K", day, "all", "all"] = (count, None, None, "population_unavailable")

        starters = {
            key
            for key, c in truth.items()
            if any(window_start <= p.start <= day and not p.short_break for p in c.periods)
        }
        rows["CLA_STARTS_12M", day, "all", "all"] = (
            len(starters),
            None,
            float(len(starters)),
            partial,
        )

        groups = dict.fromkeys(REASON_GROUPS, 0)
        ceasers = 0
        for child in truth.values():
            ceased = [
                p
                for p in child.periods
                if p.end is not None
                and window_start <= p.end <= day
                and not p.short_break
                and not p.lost_at_cutover
                and p.end_reason != "X1"
            ]
            if ceased:
                last = max(ceased, key=lambda p: p.end)
                groups[reason_group(last.end_reason, _age(child.date_of_birth, last.end))] += 1
                ceasers += 1
        rows["CLA_CEASES_12M", day, "all", "all"] = (ceasers, None, float(ceasers), partial)
        for group, n in groups.items():
            rows["CLA_CEASES_12M", day, "reason_group", group] = (n, None, float(n), partial)

        due = {key: p for key, p in looked_after.items() if (day - p.start).days > 7}
        in_time = sum(_visited_in_time(truth[key], p, day) for key, p in due.items())
        value = 100 * in_time / len(due) if due else None
        rows["CLA_VISITS_IN_TIME", day, "all", "all"] = (in_time, len(due), value, None)
    return rows
