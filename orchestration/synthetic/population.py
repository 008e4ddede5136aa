"""The resident child population of one chunk and the moments its children come to
children's social care' attention, drawn with numpy for the whole chunk at once.

Each child is born in the area and lives there until their 18th birthday. Families differ
in how often they come to notice (a gamma-distributed "frailty"), so referrals cluster in
fewer children, as they do in practice. Arrivals (a contact that may become a referral)
follow an inhomogeneous Poisson process per child: age, season, weekday, bank holiday and
year all modulate the rate; it is drawn by thinning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from orchestration.synthetic.dates import DayCalendar, add_years, day

# Relative referral rate by completed year of age 0..17 (CIN census: babies and teenagers
# are referred most).
AGE_FACTOR = np.array(
    [1.9, 1.0, 0.95, 0.95, 0.95, 0.95, 0.9, 0.9, 0.9, 0.9, 0.95, 1.0, 1.1, 1.2, 1.3, 1.3, 1.2, 1.0]
)
MONTH_FACTOR = {
    1: 1.0, 2: 1.03, 3: 1.06, 4: 0.95, 5: 1.03, 6: 1.06, 7: 1.0, 8: 0.7, 9: 1.06, 10: 1.14,
    11: 1.14, 12: 0.9,
}  # fmt: skip
FRAILTY_SHAPE = 0.45
ORDINAL_1970 = dt.date(1970, 1, 1).toordinal()


@dataclass
class Cohort:
    """Children of one chunk (arrays indexed by child)."""

    dob: np.ndarray
    resident_from: np.ndarray
    resident_to: np.ndarray  # exclusive
    female: np.ndarray
    frailty: np.ndarray
    uasc: np.ndarray

    def __len__(self) -> int:
        return len(self.dob)


def season_factors(calendar: DayCalendar) -> np.ndarray:
    """Relative intensity of new contacts on each calendar day (mean about 1)."""
    size = calendar.last - calendar.first + 1
    factors = np.empty(size)
    for index in range(size):
        month = calendar.month[index] % 12 + 1
        dom = calendar.dom[index]
        value = MONTH_FACTOR[month]
        if (month == 12 and dom >= 22) or (month == 1 and dom <= 2):
            value *= 0.45
        if calendar.weekday[index] >= 5:
            value *= 0.22
        elif calendar.is_holiday[index]:
            value *= 0.3
        factors[index] = value
    return factors / factors.mean()


def year_factors(seed: int, first_year: int, last_year: int) -> np.ndarray:
    """Authority-wide year-to-year variation (shared by all chunks): a gentle rise to
    2019, a Covid dip in 2020 and random noise."""
    rng = np.random.default_rng([seed, 999_001])
    years = np.arange(first_year, last_year + 1)
    trend = 1.0 + 0.012 * np.clip(years - 2016, -6, 3) - 0.01 * np.clip(years - 2021, 0, 6)
    covid = np.where(years == 2020, 0.9, 1.0)
    return trend * covid * rng.lognormal(0.0, 0.04, len(years))


def build_cohort(
    rng: np.random.Generator,
    population: int,
    sim_start: int,
    end: int,
    birth_trend_year: int,
    uasc_per_10k_year: float,
) -> Cohort:
    """Children born from 18 years before ``sim_start`` to ``end``, plus UASC arrivals."""
    first_year = dt.date.fromordinal(sim_start).year - 19
    last_year = dt.date.fromordinal(end).year
    dobs = []
    for year in range(first_year, last_year + 1):
        expected = population / 18.0 * (1.0 + 0.004 * (year - birth_trend_year + 9))
        start, stop = day(dt.date(year, 1, 1)), min(day(dt.date(year, 12, 31)), end)
        if stop < start:
            continue
        share = (stop - start + 1) / (day(dt.date(year, 12, 31)) - start + 1)
        count = rng.poisson(expected * share)
        dobs.append(rng.integers(start, stop + 1, count))
    dob = _avoid_leap_day(np.concatenate(dobs))
    resident_to = np.array([add_years(int(value), 18) for value in dob], dtype=np.int64)
    years = (end - sim_start) / 365.25
    uasc_count = rng.poisson(uasc_per_10k_year * population / 10_000 * years)
    arrival = rng.integers(sim_start, end + 1, uasc_count)
    age_days = (rng.choice([14, 15, 16, 17], uasc_count, p=[0.06, 0.2, 0.4, 0.34]) * 365.25).astype(
        np.int64
    ) + rng.integers(0, 360, uasc_count)
    uasc_dob = _avoid_leap_day(arrival - age_days)
    uasc_to = np.array([add_years(int(value), 18) for value in uasc_dob], dtype=np.int64)
    keep = uasc_to > arrival + 30
    n = len(dob)
    return Cohort(
        dob=np.concatenate([dob, uasc_dob[keep]]),
        resident_from=np.concatenate([dob, arrival[keep]]),
        resident_to=np.concatenate([resident_to, uasc_to[keep]]),
        female=np.concatenate([rng.random(n) < 0.487, rng.random(int(keep.sum())) < 0.08]),
        frailty=np.concatenate(
            [rng.gamma(FRAILTY_SHAPE, 1 / FRAILTY_SHAPE, n), np.ones(int(keep.sum()))]
        ),
        uasc=np.concatenate([np.zeros(n, dtype=bool), np.ones(int(keep.sum()), dtype=bool)]),
    )


def _avoid_leap_day(days: np.ndarray) -> np.ndarray:
    """Move 29 February births to 28 February (keeps age-at-date rules unambiguous)."""
    dates = (days - ORDINAL_1970).astype("datetime64[D]")
    month_start = dates.astype("datetime64[M]")
    leap = ((month_start.astype(np.int64) % 12) == 1) & (
        (dates - month_start).astype(np.int64) == 28
    )
    return np.where(leap, days - 1, days)


def draw_arrivals(
    rng: np.random.Generator,
    cohort: Cohort,
    start: int,
    end: int,
    rate_per_year: float,
    calendar: DayCalendar,
    season: np.ndarray,
    years: np.ndarray,
    first_year: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(child index, day) of every arrival between ``start`` and ``end`` while the child
    is a resident under 18, sorted by child then day. UASC children are not included."""
    months = np.asarray(calendar.month)
    ceiling = season.max() * AGE_FACTOR.max() * years.max()
    eligible = np.flatnonzero(~cohort.uasc)
    begin = np.maximum(cohort.resident_from[eligible], start).astype(np.float64)
    stop = np.minimum(cohort.resident_to[eligible], end + 1)
    rate = rate_per_year / 365.25 * cohort.frailty[eligible] * ceiling
    active = np.flatnonzero((begin < stop) & (rate > 1e-9))
    clock = begin
    found_child, found_day = [], []
    while active.size:
        clock[active] += rng.exponential(1.0 / rate[active])
        active = active[clock[active] < stop[active]]
        days = clock[active].astype(np.int64)
        child = eligible[active]
        age = np.clip(((days - cohort.dob[child]) / 365.25).astype(np.int64), 0, 17)
        year = months[days - calendar.first] // 12 - first_year
        accept_p = season[days - calendar.first] * AGE_FACTOR[age] * years[year] / ceiling
        accepted = rng.random(active.size) < accept_p
        found_child.append(child[accepted])
        found_day.append(days[accepted])
    if not found_child:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    child_all, day_all = np.concatenate(found_child), np.concatenate(found_day)
    order = np.lexsort((day_all, child_all))
    return child_all[order], day_all[order]


def count_population(cohort: Cohort, mid_year_days: list[int]) -> list[int]:
    """Children aged 0-17 resident on each mid-year day."""
    return [
        int(np.count_nonzero((cohort.resident_from <= mid) & (cohort.resident_to > mid)))
        for mid in mid_year_days
    ]
