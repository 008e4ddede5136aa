"""Ground truth for the adoption and the remaining care-leaver indicators, computed from
the simulation's own records with the definitions of docs/architecture.md ("Indicator
definitions: adoption and care leavers"). D = a month's ``period_end``.

- ``ADO_A1_DAYS``: children adopted (period of care ending E11/E12) in the 36 months
  ending D (from the first day of the month 35 months earlier), each child once on their
  latest adoption in the window, with a date placed for adoption in that period:
  numerator = sum of days from the period's start to the date placed for adoption,
  denominator = children, value = numerator / denominator (NULL when none).
- ``ADO_A2_DAYS``: the same children with a placement order and a match date: days from
  the placement order to the match, 0 when matched first.
- ``ADO_A10_DAYS``: as A1, but when the child was adopted by their foster carers (flag
  and date moved in with those carers both recorded) the clock stops on the day the child
  moved in with them (never before the period's start).
- ``ADO_PLACED_12M``: children with a date placed for adoption in the 12-month window.
- ``CL_SUITABLE_ACCOM_17_18`` / ``CL_EET_17_18``: young people aged 17-18 (completed
  years) on D whose latest care-leaver record on or before D is "Relevant" or "Former
  Relevant" (left care): accommodation suitable / activity EET over all of them (pct;
  not in touch stays in the denominator).
- ``CL_PATHWAY_PLAN``: young people whose latest record on or before D is "Eligible",
  "Relevant" or "Former Relevant", aged 16-20 on D, or 21-24 with a record dated on or
  after their 21st birthday (still receiving a service): with a pathway plan review (the
  latest review date on their records up to D) no more than 183 days before D (pct).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import TYPE_CHECKING

from orchestration.synthetic.codes import EET_ACTIVITIES
from orchestration.synthetic.dates import add_years, age_on, day, iso_text, month_first_day
from orchestration.synthetic.model import ChunkState, Period, Permanence

if TYPE_CHECKING:
    from orchestration.synthetic.truth import TruthAccumulator

HEADLINE = ("all", "all")
MEAN_CODES = ("ADO_A1_DAYS", "ADO_A2_DAYS", "ADO_A10_DAYS")
PCT_CODES = ("CL_SUITABLE_ACCOM_17_18", "CL_EET_17_18", "CL_PATHWAY_PLAN")
OUTPUT_ORDER = ("ADO_A1_DAYS", "ADO_A2_DAYS", "ADO_A10_DAYS", "ADO_PLACED_12M", *PCT_CODES)
_ADOPTED = frozenset({"E11", "E12"})
_LEFT_CARE = frozenset({"Relevant", "Former Relevant"})
_PATHWAY_ELIGIBILITY = frozenset({"Eligible", "Relevant", "Former Relevant"})
PATHWAY_REVIEW_DAYS = 183


def _window36_months(accumulator: TruthAccumulator, when: int) -> range:
    """Month positions whose 36-month window contains ``when``."""
    starts = [day(month_first_day(month - 35)) for month in accumulator.months]
    low = bisect_left(accumulator.month_ends, when)
    return range(low, max(low, bisect_right(starts, when)))


def _adoption_days(period: Period, record: Permanence) -> tuple[int, int | None, int]:
    """(A1 days, A2 days or None when excluded, A10 days) for one adoption."""
    placed = record.placed_for_adoption
    assert placed is not None
    a1 = placed - period.start
    a2 = None
    if record.placement_order is not None and record.matched is not None:
        a2 = max(0, record.matched - record.placement_order)
    stop = placed
    if record.adopted_by_carer and record.placed_foster_carer is not None:
        stop = max(period.start, record.placed_foster_carer)
    return a1, a2, stop - period.start


def add_adoption_leavers(accumulator: TruthAccumulator, state: ChunkState) -> None:
    """Add one chunk's adoption and care-leaver counts to the accumulator."""
    _adoption(accumulator, state)
    _care_leavers(accumulator, state)


def _adoption(accumulator: TruthAccumulator, state: ChunkState) -> None:
    placed_records = {
        record.period: record
        for record in state.permanence
        if record.placed_for_adoption is not None
    }
    latest: dict[int, dict[int, tuple[int, tuple[int, int | None, int]]]] = defaultdict(dict)
    for period in state.periods:
        if period.end is None or period.end_reason not in _ADOPTED:
            continue
        record = placed_records.get(period.key)
        if record is None:
            continue
        days = _adoption_days(period, record)
        for position in _window36_months(accumulator, period.end):
            chosen = latest[period.person].get(position)
            if chosen is None or chosen[0] < period.end:
                latest[period.person][position] = (period.end, days)
    for positions in latest.values():
        for position, (_, (a1, a2, a10)) in positions.items():
            for code, days in (("ADO_A1_DAYS", a1), ("ADO_A2_DAYS", a2), ("ADO_A10_DAYS", a10)):
                if days is None:
                    continue
                accumulator.numerators[(code, *HEADLINE)][position] += days
                accumulator.denominators[code][position] += 1
    placed_months: dict[int, set[int]] = defaultdict(set)
    for record in placed_records.values():
        placed_months[record.person].update(accumulator._window_months(record.placed_for_adoption))
    for positions in placed_months.values():
        for position in positions:
            accumulator.numerators[("ADO_PLACED_12M", *HEADLINE)][position] += 1


def _care_leavers(accumulator: TruthAccumulator, state: ChunkState) -> None:
    records = defaultdict(list)
    for record in state.care_leavers:
        records[record.person].append(record)
    dob = {person.key: person.dob for person in state.persons}
    numerators, denominators = accumulator.numerators, accumulator.denominators
    for person_key, items in records.items():
        items.sort(key=lambda record: record.date)
        dates = [record.date for record in items]
        born = dob[person_key]
        twenty_first = add_years(born, 21)
        for position, on in enumerate(accumulator.month_ends):
            index = bisect_right(dates, on) - 1
            if index < 0:
                continue
            latest = items[index]
            age = age_on(born, on)
            if 17 <= age <= 18 and latest.eligibility in _LEFT_CARE:
                denominators["CL_SUITABLE_ACCOM_17_18"][position] += 1
                denominators["CL_EET_17_18"][position] += 1
                if latest.suitable:
                    numerators[("CL_SUITABLE_ACCOM_17_18", *HEADLINE)][position] += 1
                if latest.activity in EET_ACTIVITIES:
                    numerators[("CL_EET_17_18", *HEADLINE)][position] += 1
            if latest.eligibility not in _PATHWAY_ELIGIBILITY:
                continue
            still_served = 21 <= age <= 24 and dates[index] >= twenty_first
            if not (16 <= age <= 20 or still_served):
                continue
            denominators["CL_PATHWAY_PLAN"][position] += 1
            reviews = [r.pathway_review for r in items[: index + 1] if r.pathway_review is not None]
            if reviews and on - max(reviews) <= PATHWAY_REVIEW_DAYS:
                numerators[("CL_PATHWAY_PLAN", *HEADLINE)][position] += 1


def adoption_leavers_rows(accumulator: TruthAccumulator) -> list[tuple]:
    """Truth rows (indicator_code, period_end, breakdown, breakdown_value, numerator,
    denominator, value) for every month, in OUTPUT_ORDER."""
    rows: list[tuple] = []
    for code in OUTPUT_ORDER:
        for position, on in enumerate(accumulator.month_ends):
            numerator = int(accumulator.numerators[(code, *HEADLINE)][position])
            if code == "ADO_PLACED_12M":
                rows.append((code, iso_text(on), *HEADLINE, numerator, None, numerator))
                continue
            denominator = int(accumulator.denominators[code][position])
            scale = 100 if code in PCT_CODES else 1
            value = scale * numerator / denominator if denominator else None
            value_text = None if value is None else repr(float(value))
            rows.append((code, iso_text(on), *HEADLINE, numerator, denominator, value_text))
    return rows
