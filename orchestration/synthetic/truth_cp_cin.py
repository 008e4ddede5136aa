"""Ground truth for the child protection, children in need and workforce indicators that
``truth.py`` does not compute itself, with the definitions of docs/architecture.md
("Indicator definitions: child protection, children in need, workforce").

D = a month's ``period_end``; window = the 12 months ending D; "open on D" = ``start <= D
and (end is null or end > D)``; working days from day A to day B = working days after A
up to and including B (``DayCalendar.working_days_between``).

- ``CP_REPEAT_2Y``: plans starting in the window whose child had an earlier plan that ended
  on or after the day 24 calendar months before this plan's start (and not after it) /
  plans starting in the window (pct).
- ``CP_2Y_PLUS_ENDED``: plans ending in the window that lasted 730 days or more (end -
  start >= 730) / plans ending in the window (pct).
- ``CP_VISITS_10WD``: denominator = plans open on D that have been open 10+ working days
  (working days from the start to D >= 10); numerator = those whose latest visit with the
  child seen, dated in [plan start, D], is within 10 working days of D (pct).
- ``CP_REVIEWS_IN_TIME``: denominator = plans open on D for 3+ calendar months (start + 3
  months <= D); the first review is due 3 months after the plan start (the ICPC), each
  later one 6 months after the previous review (reviews of the child dated in [start,
  end)); numerator = plans whose every review dated on or before D met its due date and
  whose next due date is not before D (pct).
- ``CIN_VISITS_20WD``: denominator = children with a CIN plan open on D (earliest start
  if several) open 20+ working days, who are not on a CP plan open on D and not looked
  after on D (a period of care open on D whose legal status on D is not V3/V4);
  numerator = those whose latest visit with the child seen, dated in [plan start, D], is
  within 20 working days of D (pct).
- ``WF_CASELOAD_OVER_25``: workers with more than 25 involvements open on D (count).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from orchestration.synthetic.dates import iso_text
from orchestration.synthetic.model import ChunkState, Period

if TYPE_CHECKING:
    from orchestration.synthetic.truth import TruthAccumulator

HEADLINE = ("all", "all")
CP_CIN_PCT_CODES: tuple[str, ...] = (
    "CP_REPEAT_2Y",
    "CP_2Y_PLUS_ENDED",
    "CP_VISITS_10WD",
    "CP_REVIEWS_IN_TIME",
    "CIN_VISITS_20WD",
)
CP_CIN_OUTPUT_ORDER: tuple[str, ...] = (*CP_CIN_PCT_CODES, "WF_CASELOAD_OVER_25")
_SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})


def workers_over_25(worker_open: np.ndarray) -> np.ndarray:
    """WF_CASELOAD_OVER_25 per month: workers holding more than 25 open involvements."""
    return (worker_open > 25).sum(axis=0).astype(np.int64)


def add_cp_cin_counts(truth: TruthAccumulator, state: ChunkState) -> None:
    """Add one chunk's counts of the CP and CIN indicators above to ``truth``."""
    _plan_flows(truth, state)
    _plan_snapshots(truth, state)
    _cin_plan_visits(truth, state)


def _count(truth: TruthAccumulator, code: str, positions, numerator: bool) -> None:
    denominators = truth.denominators[code]
    numerators = truth.numerators[(code, *HEADLINE)]
    for position in positions:
        denominators[position] += 1
        if numerator:
            numerators[position] += 1


def _plan_flows(truth: TruthAccumulator, state: ChunkState) -> None:
    by_person = defaultdict(list)
    for plan in state.cp_plans:
        by_person[plan.person].append(plan)
    for plans in by_person.values():
        plans.sort(key=lambda plan: plan.start)
        latest_end: int | None = None
        for plan in plans:
            cutoff = truth.calendar.add_months(plan.start, -24)
            repeat = latest_end is not None and cutoff <= latest_end <= plan.start
            _count(truth, "CP_REPEAT_2Y", truth._window_months(plan.start), repeat)
            if plan.end is not None:
                lasted = plan.end - plan.start >= 730
                _count(truth, "CP_2Y_PLUS_ENDED", truth._window_months(plan.end), lasted)
                latest_end = plan.end if latest_end is None else max(latest_end, plan.end)


def _seen_days(visits) -> dict[int, list[int]]:
    seen = defaultdict(list)
    for visit in visits:
        if visit.seen:
            seen[visit.person].append(visit.date)
    for days in seen.values():
        days.sort()
    return seen


def _latest(days: list[int], first: int, last: int) -> int | None:
    index = bisect_right(days, last) - 1
    return days[index] if index >= 0 and days[index] >= first else None


def _plan_snapshots(truth: TruthAccumulator, state: ChunkState) -> None:
    working = truth.calendar.working_days_between
    add_months = truth.calendar.add_months
    seen = _seen_days(state.cp_visits)
    review_days = defaultdict(set)
    for review in state.cp_reviews:
        review_days[review.person].add(review.date)
    for plan in state.cp_plans:
        visits = seen.get(plan.person, [])
        reviews = sorted(
            date
            for date in review_days.get(plan.person, ())
            if date >= plan.start and (plan.end is None or date < plan.end)
        )
        first_late: int | None = None
        due = add_months(plan.start, 3)
        dues = []
        for date in reviews:
            if date > due and first_late is None:
                first_late = date
            due = add_months(date, 6)
            dues.append(due)
        for position in truth._open_months(plan.start, plan.end):
            on = truth.month_ends[position]
            if working(plan.start, on) >= 10:
                latest = _latest(visits, plan.start, on)
                _count(
                    truth,
                    "CP_VISITS_10WD",
                    (position,),
                    latest is not None and working(latest, on) <= 10,
                )
            if add_months(plan.start, 3) <= on:
                held = bisect_right(reviews, on)
                next_due = dues[held - 1] if held else add_months(plan.start, 3)
                in_time = (first_late is None or first_late > on) and next_due >= on
                _count(truth, "CP_REVIEWS_IN_TIME", (position,), in_time)


def _looked_after_on(periods: list[Period], on: int) -> bool:
    for period in periods:
        if period.start <= on and (period.end is None or period.end > on):
            status = next(
                (
                    s.status
                    for s in period.legal_statuses
                    if s.start <= on and (s.end is None or s.end > on)
                ),
                None,
            )
            if status not in _SHORT_BREAK_STATUSES:
                return True
    return False


def _cin_plan_visits(truth: TruthAccumulator, state: ChunkState) -> None:
    working = truth.calendar.working_days_between
    seen = _seen_days(state.cin_visits)
    periods = defaultdict(list)
    for period in state.periods:
        periods[period.person].append(period)
    cp_open: dict[int, set[int]] = defaultdict(set)
    for plan in state.cp_plans:
        cp_open[plan.person].update(truth._open_months(plan.start, plan.end))
    plan_start: dict[tuple[int, int], int] = {}
    for plan in state.cin_plans:
        for position in truth._open_months(plan.start, plan.end):
            key = (plan.person, position)
            plan_start[key] = min(plan.start, plan_start.get(key, plan.start))
    for (person, position), start in plan_start.items():
        on = truth.month_ends[position]
        if position in cp_open.get(person, ()) or _looked_after_on(periods.get(person, []), on):
            continue
        if working(start, on) < 20:
            continue
        latest = _latest(seen.get(person, []), start, on)
        _count(
            truth, "CIN_VISITS_20WD", (position,), latest is not None and working(latest, on) <= 20
        )


def cp_cin_rows(truth: TruthAccumulator) -> list[tuple]:
    """Truth rows of the indicators above for every month (after all chunks are merged)."""
    over_25 = workers_over_25(truth.worker_open)
    rows: list[tuple] = []
    for code in CP_CIN_OUTPUT_ORDER:
        for position, on in enumerate(truth.month_ends):
            period_end = iso_text(on)
            if code == "WF_CASELOAD_OVER_25":
                count = int(over_25[position])
                rows.append((code, period_end, *HEADLINE, count, None, count))
                continue
            numerator = int(truth.numerators[(code, *HEADLINE)][position])
            denominator = int(truth.denominators[code][position])
            value = repr(100 * numerator / denominator) if denominator else None
            rows.append((code, period_end, *HEADLINE, numerator, denominator, value))
    return rows
