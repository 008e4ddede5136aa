"""Ground-truth indicators, computed from the simulation's own records (never from the
written extracts), month by month, with the definitions of docs/architecture.md.

Every indicator is a sum over children (or records), so each chunk adds its counts to
per-month counters and the totals are exact whatever the chunking. Definitions used
(D = a month's ``period_end``; window = the 12 months ending D, from the first day of the
month 11 months earlier; "open on D" = ``start <= D and (end is null or end > D)``):

Required (docs/architecture.md, exact):

- ``CLA_COUNT``: children with a period of care open on D whose legal status open on D is
  not V3/V4 (no legal status on record counts). value = numerator.
- ``CLA_RATE_10K``: CLA_COUNT / population 0-17 of the latest mid-year (30 June) on or
  before D * 10000 (numerator / denominator * 10000).
- ``CLA_STARTS_12M``: children with a non-short-break period starting in the window
  (each child once).
- ``CLA_CEASES_12M``: children with a non-short-break period ending in the window with a
  reason other than X1 (each child once); breakdown ``reason_group`` on the child's last
  ceasing in the window: returned_home (E4A E4B E13), adopted (E11 E12), sgo (E43-E48),
  cao (E41), age18 (E17 E5 E6 E7 E15 E16 with completed age >= 18 on the ceased date),
  other. All six groups are written every month (zero when none).
- ``CLA_VISITS_IN_TIME``: denominator = CLA_COUNT children with D - period start > 7;
  P = start of the placement open on D (period start if none); V = latest visit with the
  child seen, P <= V <= D; interval I = 7 (P1, no review held in this period on or before
  D), 28 (P1 after the first review), 91 (U1/U4 with D - P >= 365), else 42. Compliant
  when V exists and D - V <= I, or no V and D - P <= 7. value = 100 * num / den.

Extra (optional, same conventions, definitions as in the indicator catalogue):

- ``CP_COUNT`` / ``CP_RATE_10K``: children with a CP plan open on D (/ population *10000).
- ``CP_2Y_PLUS_OPEN``: plans open on D with D - start > 729 / CP_COUNT (pct).
- ``CP_REPEAT_EVER``: plans starting in the window whose child had an earlier CP plan
  (start before this one) / plans starting in the window (pct).
- ``CP_ICPC_15WD``: initial conferences dated in the window held within 15 working days
  of the S47 start (working days after the start day up to and including the conference
  day) / conferences in the window (pct; no transfer-in conferences are simulated).
- ``CIN_COUNT`` / ``CIN_RATE_10K``: children with an open referral (CIN episode) on D
  that is not NFA.
- ``CIN_REFERRALS_12M``: referrals dated in the window (each referral counted).
- ``CIN_REREFERRAL_12M``: referrals in the window with an earlier referral of the same
  child dated on or after the same day 12 months before / referrals in the window (pct).
- ``CIN_S47_12M``: section 47 enquiries starting in the window.
- ``CIN_ASSESS_45WD``: assessments authorised in the window taking <= 45 working days
  from start to authorisation / assessments authorised in the window (pct).
- ``CLA_UASC``: CLA_COUNT children with an immigration status UASC open on D.
- ``CLA_PLACED_WITH_PARENTS``: CLA_COUNT children whose placement open on D is P1.
- ``CLA_STABILITY_3PLUS``: CLA_COUNT children with 3+ placements (non-short-break
  periods) overlapping the window (start <= D and (end null or end > window start)) /
  CLA_COUNT (pct); a placement for adoption with the current foster carers (A3, A5) that
  follows another placement is not counted (truth_cla_outcomes.stability_placements).
- ``CLA_MISSING_12M``: children looked after (non-short-break period overlapping the
  window as above) with a missing episode of type "Missing" starting in the window /
  children looked after in the window (pct).
- ``CL_IN_TOUCH``, ``CL_SUITABLE_ACCOM``, ``CL_EET``: young people aged 19-21 (completed
  years) on D whose latest care-leaver record on or before D is "Former Relevant": in
  touch (not NO/REFU/NREQ), accommodation suitable (flag Y), activity EET (F1 P1 F2 P2 F4
  P4 F5 P5) / all of them (pct).
- ``WF_CASELOAD_AVG``: involvements open on D / sum of FTE of the distinct workers
  holding at least one (ratio; denominator is an FTE sum).
"""

from __future__ import annotations

import csv
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestration.synthetic import truth_adoption_leavers, truth_cla_outcomes, truth_cp_cin
from orchestration.synthetic.codes import EET_ACTIVITIES
from orchestration.synthetic.dates import (
    DayCalendar,
    age_on,
    day,
    iso_text,
    month_first_day,
    month_last_day,
)
from orchestration.synthetic.model import ChunkState, Period, Placement
from orchestration.synthetic.workforce import Workforce

REASON_GROUPS: tuple[str, ...] = ("returned_home", "adopted", "sgo", "cao", "age18", "other")
_GROUP_OF = {"E4A": "returned_home", "E4B": "returned_home", "E13": "returned_home",
             "E11": "adopted", "E12": "adopted", "E41": "cao",
             **dict.fromkeys(("E43", "E44", "E45", "E46", "E47", "E48"), "sgo")}  # fmt: skip
_AGE18_REASONS = frozenset({"E17", "E5", "E6", "E7", "E15", "E16"})
_SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})
_NOT_IN_TOUCH = frozenset({"NO", "REFU", "NREQ"})
HEADLINE = ("all", "all")
PCT_CODES = ("CLA_VISITS_IN_TIME", "CP_2Y_PLUS_OPEN", "CP_REPEAT_EVER", "CP_ICPC_15WD",
             "CIN_REREFERRAL_12M", "CIN_ASSESS_45WD", "CLA_STABILITY_3PLUS", "CLA_MISSING_12M",
             "CL_IN_TOUCH", "CL_SUITABLE_ACCOM", "CL_EET")  # fmt: skip
RATE_CODES = {"CLA_RATE_10K": "CLA_COUNT", "CP_RATE_10K": "CP_COUNT", "CIN_RATE_10K": "CIN_COUNT"}
OUTPUT_ORDER = ("CLA_COUNT", "CLA_RATE_10K", "CLA_STARTS_12M", "CLA_CEASES_12M",
                "CLA_VISITS_IN_TIME", "CLA_UASC", "CLA_PLACED_WITH_PARENTS",
                "CLA_STABILITY_3PLUS", "CLA_MISSING_12M", "CP_COUNT", "CP_RATE_10K",
                "CP_2Y_PLUS_OPEN", "CP_REPEAT_EVER", "CP_ICPC_15WD", "CIN_COUNT",
                "CIN_RATE_10K", "CIN_REFERRALS_12M", "CIN_REREFERRAL_12M", "CIN_S47_12M",
                "CIN_ASSESS_45WD", "CL_IN_TOUCH", "CL_SUITABLE_ACCOM", "CL_EET",
                "WF_CASELOAD_AVG")  # fmt: skip
TRUTH_COLUMNS = ("indicator_code", "period_end", "breakdown", "breakdown_value", "numerator",
                 "denominator", "value")  # fmt: skip


@dataclass
class TruthParts:
    """One chunk's truth counts."""

    numerators: dict[tuple[str, str, str], np.ndarray]
    denominators: dict[str, np.ndarray]
    worker_rows: np.ndarray
    worker_open: np.ndarray


class TruthAccumulator:
    """Per-month numerators and denominators, summed over chunks."""

    def __init__(self, months: list[int], calendar: DayCalendar, workforce: Workforce) -> None:
        self.months = months
        self.calendar = calendar
        self.workforce = workforce
        self.month_ends = [day(month_last_day(month)) for month in months]
        self.window_starts = [day(month_first_day(month - 11)) for month in months]
        self.size = len(months)
        self.numerators: dict[tuple[str, str, str], np.ndarray] = defaultdict(self._zeros)
        self.denominators: dict[str, np.ndarray] = defaultdict(self._zeros)
        self.worker_open = np.zeros((len(workforce.workers), self.size), dtype=np.int32)

    def _zeros(self) -> np.ndarray:
        return np.zeros(self.size, dtype=np.int64)

    # -- helpers -------------------------------------------------------------------------

    def _open_months(self, start: int, end: int | None) -> range:
        """Month positions whose period_end D has start <= D and (end null or end > D)."""
        low = bisect_left(self.month_ends, start)
        high = self.size if end is None else bisect_left(self.month_ends, end)
        return range(low, max(low, high))

    def _window_months(self, when: int) -> range:
        """Month positions whose 12-month window contains ``when``."""
        low = bisect_left(self.month_ends, when)
        high = bisect_right(self.window_starts, when)
        return range(low, max(low, high))

    def _overlap_months(self, start: int, end: int | None) -> range:
        """Positions where [start, end) overlaps the window: start <= D, end > window start."""
        high = bisect_right(self.window_starts, end - 1) if end is not None else self.size
        return range(bisect_left(self.month_ends, start), high)

    def _add(self, key: tuple[str, str, str], positions: Iterable[int]) -> None:
        array = self.numerators[key]
        for position in positions:
            array[position] += 1

    def _add_denominator(self, code: str, positions: Iterable[int]) -> None:
        array = self.denominators[code]
        for position in positions:
            array[position] += 1

    # -- a chunk ---------------------------------------------------------------------------

    def add_chunk(self, state: ChunkState) -> None:
        """Add one chunk's children to the counters."""
        by_person: dict[int, list[Period]] = defaultdict(list)
        for period in state.periods:
            by_person[period.person].append(period)
        uasc = defaultdict(list)
        for status in state.immigration:
            if status.status == "UASC":
                uasc[status.person].append((status.start, status.end))
        missing = defaultdict(list)
        for episode in state.missing:
            if episode.episode_type == "Missing":
                missing[episode.person].append(episode.start)
        persons = {person.key: person for person in state.persons}
        for person_key, periods in by_person.items():
            periods.sort(key=lambda period: period.start)
            self._looked_after(
                periods,
                persons[person_key].dob,
                uasc.get(person_key, []),
                sorted(missing.get(person_key, [])),
            )
        self._child_protection(state)
        self._children_in_need(state)
        self._care_leavers(state)
        truth_adoption_leavers.add_adoption_leavers(self, state)
        truth_cp_cin.add_cp_cin_counts(self, state)
        truth_cla_outcomes.add_chunk(self, state)
        for involvement in state.involvements:
            for position in self._open_months(involvement.start, involvement.end):
                self.worker_open[involvement.worker, position] += 1

    def _looked_after(
        self,
        periods: list[Period],
        dob: int,
        uasc: list[tuple[int, int | None]],
        missing: list[int],
    ) -> None:
        starts: set[int] = set()
        ceased: dict[int, tuple[int, str]] = {}
        in_care_window: set[int] = set()
        for period in periods:
            if not period.short_break:
                starts.update(self._window_months(period.start))
                in_care_window.update(self._overlap_months(period.start, period.end))
                if period.end is not None and period.end_reason not in (None, "X1"):
                    group = _GROUP_OF.get(period.end_reason, "other")
                    if period.end_reason in _AGE18_REASONS:
                        group = "age18" if age_on(dob, period.end) >= 18 else "other"
                    for position in self._window_months(period.end):
                        if position not in ceased or ceased[position][0] < period.end:
                            ceased[position] = (period.end, group)
            self._snapshot(period, uasc, periods)
        self._add(("CLA_STARTS_12M", *HEADLINE), starts)
        self._add(("CLA_CEASES_12M", *HEADLINE), ceased)
        for position, (_, group) in ceased.items():
            self.numerators[("CLA_CEASES_12M", "reason_group", group)][position] += 1
        self._add_denominator("CLA_MISSING_12M", in_care_window)
        went_missing = {
            position for start in missing for position in self._window_months(start)
        } & in_care_window
        self._add(("CLA_MISSING_12M", *HEADLINE), went_missing)

    def _snapshot(
        self, period: Period, uasc: list[tuple[int, int | None]], periods: list[Period]
    ) -> None:
        """Month-end snapshot indicators for one period (counting, visits, stability)."""
        visit_days = [visit.date for visit in period.visits]
        review_days = sorted(
            review.date
            for review in period.reviews
            if review.date is not None and not review.cancelled
        )
        all_placements = truth_cla_outcomes.stability_placements(periods)
        for position in self._open_months(period.start, period.end):
            on = self.month_ends[position]
            status = next(
                (
                    s.status
                    for s in period.legal_statuses
                    if s.start <= on and (s.end is None or s.end > on)
                ),
                None,
            )
            if status in _SHORT_BREAK_STATUSES:
                continue
            self.numerators[("CLA_COUNT", *HEADLINE)][position] += 1
            placement = next(
                (p for p in period.placements if p.start <= on and (p.end is None or p.end > on)),
                None,
            )
            if any(start <= on and (end is None or end > on) for start, end in uasc):
                self.numerators[("CLA_UASC", *HEADLINE)][position] += 1
            if placement is not None and placement.placement_type == "P1":
                self.numerators[("CLA_PLACED_WITH_PARENTS", *HEADLINE)][position] += 1
            window_start = self.window_starts[position]
            overlapping = sum(
                1
                for p in all_placements
                if p.start <= on and (p.end is None or p.end > window_start)
            )
            self.denominators["CLA_STABILITY_3PLUS"][position] += 1
            if overlapping >= 3:
                self.numerators[("CLA_STABILITY_3PLUS", *HEADLINE)][position] += 1
            if on - period.start <= 7:
                continue
            self.denominators["CLA_VISITS_IN_TIME"][position] += 1
            if self._visit_in_time(period, placement, on, visit_days, review_days):
                self.numerators[("CLA_VISITS_IN_TIME", *HEADLINE)][position] += 1

    @staticmethod
    def _visit_in_time(
        period: Period,
        placement: Placement | None,
        on: int,
        visit_days: list[int],
        review_days: list[int],
    ) -> bool:
        placed = placement.start if placement is not None else period.start
        placement_type = placement.placement_type if placement is not None else None
        index = bisect_right(visit_days, on) - 1
        latest = None
        while index >= 0 and visit_days[index] >= placed:
            if period.visits[index].seen:
                latest = visit_days[index]
                break
            index -= 1
        if placement_type == "P1":
            reviewed = bool(review_days) and review_days[0] <= on
            interval = 28 if reviewed else 7
        elif placement_type in ("U1", "U4") and on - placed >= 365:
            interval = 91
        else:
            interval = 42
        if latest is not None:
            return on - latest <= interval
        return on - placed <= 7

    def _child_protection(self, state: ChunkState) -> None:
        plans_by_person = defaultdict(list)
        for plan in state.cp_plans:
            plans_by_person[plan.person].append(plan)
        for plans in plans_by_person.values():
            plans.sort(key=lambda plan: plan.start)
            for index, plan in enumerate(plans):
                for position in self._open_months(plan.start, plan.end):
                    self.numerators[("CP_COUNT", *HEADLINE)][position] += 1
                    if self.month_ends[position] - plan.start > 729:
                        self.numerators[("CP_2Y_PLUS_OPEN", *HEADLINE)][position] += 1
                window = self._window_months(plan.start)
                self._add_denominator("CP_REPEAT_EVER", window)
                if index > 0 and plans[index - 1].start < plan.start:
                    self._add(("CP_REPEAT_EVER", *HEADLINE), window)
        s47_start = {s47.key: s47.start for s47 in state.s47s}
        working = self.calendar.working_days_between
        for icpc in state.icpcs:
            if icpc.transfer_in:
                continue
            window = self._window_months(icpc.date)
            self._add_denominator("CP_ICPC_15WD", window)
            if working(s47_start[icpc.s47], icpc.date) <= 15:
                self._add(("CP_ICPC_15WD", *HEADLINE), window)
        for s47 in state.s47s:
            self._add(("CIN_S47_12M", *HEADLINE), self._window_months(s47.start))

    def _children_in_need(self, state: ChunkState) -> None:
        by_person = defaultdict(list)
        for referral in state.referrals:
            by_person[referral.person].append(referral.date)
            if not referral.nfa:
                self._add(
                    ("CIN_COUNT", *HEADLINE), self._open_months(referral.date, referral.close_date)
                )
            window = self._window_months(referral.date)
            self._add(("CIN_REFERRALS_12M", *HEADLINE), window)
            self._add_denominator("CIN_REREFERRAL_12M", window)
        for dates in by_person.values():
            dates.sort()
            for index in range(1, len(dates)):
                cutoff = self.calendar.add_months(dates[index], -12)
                if any(cutoff <= earlier < dates[index] for earlier in dates[:index]):
                    self._add(("CIN_REREFERRAL_12M", *HEADLINE), self._window_months(dates[index]))
        working = self.calendar.working_days_between
        for assessment in state.assessments:
            if assessment.auth is None:
                continue
            window = self._window_months(assessment.auth)
            self._add_denominator("CIN_ASSESS_45WD", window)
            if working(assessment.start, assessment.auth) <= 45:
                self._add(("CIN_ASSESS_45WD", *HEADLINE), window)

    def _care_leavers(self, state: ChunkState) -> None:
        records = defaultdict(list)
        for record in state.care_leavers:
            records[record.person].append(record)
        dob = {person.key: person.dob for person in state.persons}
        for person_key, items in records.items():
            items.sort(key=lambda record: record.date)
            dates = [record.date for record in items]
            born = dob[person_key]
            for position, on in enumerate(self.month_ends):
                index = bisect_right(dates, on) - 1
                if index < 0 or not 19 <= age_on(born, on) <= 21:
                    continue
                latest = items[index]
                if latest.eligibility != "Former Relevant":
                    continue
                for code in ("CL_IN_TOUCH", "CL_SUITABLE_ACCOM", "CL_EET"):
                    self.denominators[code][position] += 1
                if latest.in_touch not in _NOT_IN_TOUCH:
                    self.numerators[("CL_IN_TOUCH", *HEADLINE)][position] += 1
                if latest.suitable:
                    self.numerators[("CL_SUITABLE_ACCOM", *HEADLINE)][position] += 1
                if latest.activity in EET_ACTIVITIES:
                    self.numerators[("CL_EET", *HEADLINE)][position] += 1

    # -- combining chunks -------------------------------------------------------------------

    def parts(self) -> TruthParts:
        """The counts to send back from a worker process (plain, picklable)."""
        holders = np.flatnonzero(self.worker_open.any(axis=1))
        return TruthParts(
            numerators={key: value.copy() for key, value in self.numerators.items()},
            denominators={key: value.copy() for key, value in self.denominators.items()},
            worker_rows=holders,
            worker_open=self.worker_open[holders],
        )

    def merge(self, parts: TruthParts) -> None:
        """Add another chunk's counts."""
        for key, value in parts.numerators.items():
            self.numerators[key] += value
        for key, value in parts.denominators.items():
            self.denominators[key] += value
        self.worker_open[parts.worker_rows] += parts.worker_open

    # -- output ---------------------------------------------------------------------------

    def rows(self, population: list[tuple[int, int]]) -> list[tuple]:
        """Truth rows, population = [(mid_year_day, population_0_17)] sorted by day."""
        mid_days = [mid for mid, _ in population]
        rows: list[tuple] = []
        for code in OUTPUT_ORDER:
            breakdowns = [HEADLINE]
            if code == "CLA_CEASES_12M":
                breakdowns += [("reason_group", group) for group in REASON_GROUPS]
            for position, on in enumerate(self.month_ends):
                for breakdown in breakdowns:
                    rows.append(self._row(code, breakdown, position, on, population, mid_days))
        return (
            rows
            + truth_adoption_leavers.adoption_leavers_rows(self)
            + truth_cp_cin.cp_cin_rows(self)
            + truth_cla_outcomes.rows(self)
        )

    def _row(
        self,
        code: str,
        breakdown: tuple[str, str],
        position: int,
        on: int,
        population: list[tuple[int, int]],
        mid_days: list[int],
    ) -> tuple:
        period_end = iso_text(on)
        if code in RATE_CODES:
            numerator = int(self.numerators[(RATE_CODES[code], *HEADLINE)][position])
            index = bisect_right(mid_days, on) - 1
            denominator = population[index][1] if index >= 0 else None
            value = numerator / denominator * 10000 if denominator else None
            return (code, period_end, *breakdown, numerator, denominator, _number(value))
        if code == "WF_CASELOAD_AVG":
            column = self.worker_open[:, position]
            holders = np.flatnonzero(column)
            fte = float(sum(self.workforce.workers[int(index)].fte for index in holders))
            numerator = int(column.sum())
            value = numerator / fte if fte else None
            return (code, period_end, *breakdown, numerator, _number(round(fte, 6)), _number(value))
        numerator = int(self.numerators[(code, *breakdown)][position])
        if code in PCT_CODES:
            if code in ("CP_2Y_PLUS_OPEN",):
                denominator = int(self.numerators[("CP_COUNT", *HEADLINE)][position])
            else:
                denominator = int(self.denominators[code][position])
            value = 100 * numerator / denominator if denominator else None
            return (code, period_end, *breakdown, numerator, denominator, _number(value))
        return (code, period_end, *breakdown, numerator, None, numerator)


def _number(value: float | None) -> str | None:
    return None if value is None else repr(float(value))


def write_truth(path: Path, rows: list[tuple]) -> int:
    """Write ``indicators.csv`` (UTF-8, empty = null); returns the row count."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TRUTH_COLUMNS)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
    return len(rows)
