"""Ground truth for the looked-after outcome indicators that ``truth.py`` does not compute,
with the definitions of docs/architecture.md ("Indicator definitions: looked-after
outcomes"), which the dbt models use too.

D = a month's ``period_end``; window = [first day of the month 11 months earlier, D];
"in CLA_COUNT on D" = a period of care open on D (start <= D and (end null or end > D))
whose legal status open on D is not V3/V4. Ages are completed years.

- ``CLA_CONNECTED_CARERS``: children in CLA_COUNT on D whose placement open on D is U1, U2
  or U3. value = numerator.
- ``CLA_OUT_OF_AREA_20MI``: children in CLA_COUNT on D whose placement open on D has a
  postcode outside the authority (district not one of ``names.HOME_DISTRICTS``) and a
  distance from home of more than 20 miles / CLA_COUNT (pct). The pipeline decides
  "outside" from the config's ``boundary_postcodes``, which the demo sets to the same
  districts.
- 12-month cohort (health, dental, SDQ): children in CLA_COUNT on D whose period started
  365+ days before D (D - start >= 365).
- ``CLA_HEALTH_ASSESSMENT``: of the 12-month cohort, those with health assessments (IHA or
  RHA, status not Refused) dated in the window: 2+ when aged under 5 on D, else 1+ (pct).
- ``CLA_DENTAL``: of the 12-month cohort, those with a dental check (not Refused) dated in
  the window (pct).
- ``CLA_SDQ_AVG``: 12-month cohort aged 5-16 on D with an SDQ score dated in the window;
  numerator = sum of each child's latest score in the window, denominator = children with
  a score, value = numerator / denominator.
- ``CLA_SDQ_CONCERN``: of the children with a score, those whose latest score is 17+ (pct).
- ``CLA_PEP``: children in CLA_COUNT on D aged 5-15 on the 1 September on or before D
  (start of the academic year); numerator: latest PEP review on or before D with
  D - review <= 183 (pct).
- ``CLA_REVIEWS_IN_TIME``: children in CLA_COUNT on D; held reviews (dated, not cancelled)
  of the period dated in [start, D]; the next review is due on the 20th working day after
  the start when none is held, 3 months after the first when one is held, else 6 months
  after the latest. In time when D <= that due date (pct).
- ``CLA_IHA_20WD``: periods of care (not short breaks) starting in the window whose 20th
  working day after the start (the due day) is on or before D and before the period's end
  (end null or end > due); numerator: an initial health assessment (IHA, not Refused)
  dated in [start, due] (pct; each period counts).
- ``CLA_STABILITY_LONG_TERM``: children in CLA_COUNT on D aged under 16 on D whose period
  started on or before D minus 30 months; numerator: the placement open on D started on or
  before D minus 24 months, or it is an adoption placement (A3-A6) and the placement
  before it in the period (ending on its start) started on or before D minus 24 months
  (pct).
- ``CLA_MISSING_RHI``: missing episodes (type Missing) ending in the window, of children
  looked after in the window (a non-short-break period with start <= D and (end null or
  end > window start)); numerator: a return home interview was offered (pct; each
  episode counts).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import TYPE_CHECKING

from orchestration.synthetic.dates import age_on, day, iso_text, to_date
from orchestration.synthetic.names import HOME_DISTRICTS

if TYPE_CHECKING:
    from orchestration.synthetic.model import ChunkState, Period, Placement
    from orchestration.synthetic.truth import TruthAccumulator

HEADLINE = ("all", "all")
COUNT_CODES = ("CLA_CONNECTED_CARERS",)
MEAN_CODES = ("CLA_SDQ_AVG",)
PCT_CODES = ("CLA_OUT_OF_AREA_20MI", "CLA_STABILITY_LONG_TERM", "CLA_REVIEWS_IN_TIME",
             "CLA_IHA_20WD", "CLA_HEALTH_ASSESSMENT", "CLA_DENTAL", "CLA_PEP",
             "CLA_SDQ_CONCERN", "CLA_MISSING_RHI")  # fmt: skip
OUTPUT_CODES = ("CLA_CONNECTED_CARERS", "CLA_OUT_OF_AREA_20MI", "CLA_STABILITY_LONG_TERM",
                "CLA_REVIEWS_IN_TIME", "CLA_IHA_20WD", "CLA_HEALTH_ASSESSMENT", "CLA_DENTAL",
                "CLA_PEP", "CLA_SDQ_AVG", "CLA_SDQ_CONCERN", "CLA_MISSING_RHI")  # fmt: skip
CONNECTED_CARERS = frozenset({"U1", "U2", "U3"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
SAME_CARER_ADOPTION = frozenset({"A3", "A5"})
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})
_HOME_DISTRICTS = frozenset(HOME_DISTRICTS)


def _september_first(on: int) -> int:
    """1 September on or before ``on`` (start of the academic year containing it)."""
    date = to_date(on)
    year = date.year if date.month >= 9 else date.year - 1
    return day(dt.date(year, 9, 1))


def add_chunk(acc: TruthAccumulator, state: ChunkState) -> None:
    """Add one chunk's looked-after outcome counts to ``acc``."""
    dob = {person.key: person.dob for person in state.persons}
    checks: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for check in state.health:
        if check.status != "Refused":
            checks[check.person][check.check_type].append(check.date)
    for by_type in checks.values():
        for dates in by_type.values():
            dates.sort()
    sdqs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for sdq in state.sdqs:
        if sdq.score is not None:
            sdqs[sdq.person].append((sdq.date, sdq.score))
    for items in sdqs.values():
        items.sort()
    peps: dict[int, list[int]] = defaultdict(list)
    for pep in state.peps:
        peps[pep.person].append(pep.date)
    for dates in peps.values():
        dates.sort()
    missing: dict[int, list] = defaultdict(list)
    for episode in state.missing:
        missing[episode.person].append(episode)
    by_person: dict[int, list[Period]] = defaultdict(list)
    for period in state.periods:
        by_person[period.person].append(period)
    for person, periods in by_person.items():
        born = dob[person]
        person_checks = checks.get(person, {})
        in_care_window: set[int] = set()
        for period in periods:
            if not period.short_break:
                in_care_window.update(acc._overlap_months(period.start, period.end))
                _initial_health(acc, period, person_checks.get("IHA", []))
            _snapshot(acc, period, born, person_checks, sdqs.get(person, []), peps.get(person, []))
        _return_interviews(acc, missing.get(person, []), in_care_window)


def _count(acc: TruthAccumulator, code: str, position: int, numerator: bool, amount: int = 1):
    acc.denominators[code][position] += 1
    if numerator:
        acc.numerators[(code, *HEADLINE)][position] += amount


def _in_window(dates: list[int], low: int, high: int) -> int:
    """How many of the sorted ``dates`` lie in [low, high]."""
    return bisect_right(dates, high) - bisect_left(dates, low)


def _snapshot(
    acc: TruthAccumulator,
    period: Period,
    born: int,
    checks: dict[str, list[int]],
    sdqs: list[tuple[int, int]],
    peps: list[int],
) -> None:
    calendar = acc.calendar
    held = sorted(
        review.date for review in period.reviews if review.date is not None and not review.cancelled
    )
    first_due = calendar.add_working_days(period.start, 20)
    placements = sorted(period.placements, key=lambda placement: placement.start)
    for position in acc._open_months(period.start, period.end):
        on = acc.month_ends[position]
        status = next(
            (
                s.status
                for s in period.legal_statuses
                if s.start <= on and (s.end is None or s.end > on)
            ),
            None,
        )
        if status in SHORT_BREAK_STATUSES:
            continue
        window_start = acc.window_starts[position]
        age = age_on(born, on)
        placement_index = next(
            (
                index
                for index, p in enumerate(placements)
                if p.start <= on and (p.end is None or p.end > on)
            ),
            None,
        )
        placement = placements[placement_index] if placement_index is not None else None
        if placement is not None and placement.placement_type in CONNECTED_CARERS:
            acc.numerators[("CLA_CONNECTED_CARERS", *HEADLINE)][position] += 1
        _count(acc, "CLA_OUT_OF_AREA_20MI", position, _is_out_of_area_20mi(placement))
        # reviews
        reviews_so_far = held[: bisect_right(held, on)]
        reviews_so_far = [when for when in reviews_so_far if when >= period.start]
        if not reviews_so_far:
            due = first_due
        elif len(reviews_so_far) == 1:
            due = calendar.add_months(reviews_so_far[0], 3)
        else:
            due = calendar.add_months(reviews_so_far[-1], 6)
        _count(acc, "CLA_REVIEWS_IN_TIME", position, on <= due)
        # long-term stability
        if age < 16 and period.start <= calendar.add_months(on, -30):
            two_years_ago = calendar.add_months(on, -24)
            stable = placement is not None and placement.start <= two_years_ago
            adopting = placement is not None and placement.placement_type in ADOPTION_PLACEMENTS
            if adopting and not stable:
                before = [p for p in placements if p.end == placement.start]
                stable = bool(before) and before[-1].start <= two_years_ago
            _count(acc, "CLA_STABILITY_LONG_TERM", position, stable)
        # PEP
        if 5 <= age_on(born, _september_first(on)) <= 15:
            index = bisect_right(peps, on) - 1
            _count(acc, "CLA_PEP", position, index >= 0 and on - peps[index] <= 183)
        # 12-month cohort: health, dental, SDQ
        if on - period.start < 365:
            continue
        assessments = _in_window(checks.get("IHA", []), window_start, on) + _in_window(
            checks.get("RHA", []), window_start, on
        )
        _count(acc, "CLA_HEALTH_ASSESSMENT", position, assessments >= (2 if age < 5 else 1))
        dental = _in_window(checks.get("DENTAL", []), window_start, on)
        _count(acc, "CLA_DENTAL", position, dental >= 1)
        if 5 <= age <= 16:
            scored = [score for when, score in sdqs if window_start <= when <= on]
            if scored:
                latest = scored[-1]
                _count(acc, "CLA_SDQ_AVG", position, True, latest)
                _count(acc, "CLA_SDQ_CONCERN", position, latest >= 17)


def _is_out_of_area_20mi(placement: Placement | None) -> bool:
    """Placed outside the authority's postcode districts and more than 20 miles from home."""
    if placement is None or not placement.postcode or placement.distance is None:
        return False
    return placement.postcode.split()[0] not in _HOME_DISTRICTS and placement.distance > 20


def _initial_health(acc: TruthAccumulator, period: Period, ihas: list[int]) -> None:
    due = acc.calendar.add_working_days(period.start, 20)
    if period.end is not None and period.end <= due:
        return
    in_time = _in_window(ihas, period.start, due) > 0
    for position in acc._window_months(period.start):
        if due <= acc.month_ends[position]:
            _count(acc, "CLA_IHA_20WD", position, in_time)


def _return_interviews(acc: TruthAccumulator, missing: list, in_care_window: set[int]) -> None:
    for episode in missing:
        if episode.episode_type != "Missing" or episode.end is None:
            continue
        for position in acc._window_months(episode.end):
            if position in in_care_window:
                _count(acc, "CLA_MISSING_RHI", position, episode.rhi_offered)


def row(acc: TruthAccumulator, code: str, breakdown: tuple[str, str], position: int) -> tuple:
    """(numerator, denominator, value) of one of this module's codes for one month."""
    numerator = int(acc.numerators[(code, *breakdown)][position])
    if code in COUNT_CODES:
        return numerator, None, numerator
    denominator = int(acc.denominators[code][position])
    if not denominator:
        return numerator, denominator, None
    if code in MEAN_CODES:
        return numerator, denominator, numerator / denominator
    return numerator, denominator, 100 * numerator / denominator


def rows(acc: TruthAccumulator) -> list[tuple]:
    """Truth rows (headline only) of this module's codes, every month."""
    out: list[tuple] = []
    for code in OUTPUT_CODES:
        for position, on in enumerate(acc.month_ends):
            numerator, denominator, value = row(acc, code, HEADLINE, position)
            text = None if value is None else repr(float(value))
            out.append((code, iso_text(on), *HEADLINE, numerator, denominator, text))
    return out


def stability_placements(periods: list[Period]) -> list:
    """Placements counted by CLA_STABILITY_3PLUS (truth.py): those of non-short-break
    periods, except a placement for adoption with the current foster carers (A3, A5) that
    directly follows another placement (DfE: not a placement change)."""
    return [
        placement
        for period in periods
        if not period.short_break
        for placement in period.placements
        if not (
            placement.placement_type in SAME_CARER_ADOPTION
            and any(other.end == placement.start for other in period.placements)
        )
    ]
