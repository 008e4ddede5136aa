"""What every chunk of a run shares: settings, calendar, seasonality, workforce."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from orchestration.synthetic import codes
from orchestration.synthetic.dates import DayCalendar, day
from orchestration.synthetic.population import season_factors, year_factors
from orchestration.synthetic.settings import GeneratorSettings
from orchestration.synthetic.workforce import Workforce, build_workforce

# Full simulated history starts this long before the reporting history, so that flows,
# stocks and care-leaver cohorts are in steady state when reporting starts.
BURN_IN_YEARS = 5


@dataclass
class RunContext:
    settings: GeneratorSettings
    calendar: DayCalendar
    season: np.ndarray
    year_factors: np.ndarray
    first_year: int
    workforce: Workforce
    sim_start: int
    end: int  # the as-of date: the last simulated day
    cutover: int
    legacy_end: int  # the legacy system's live_to (its extract date)
    legacy_codes: dict[str, dict[str, str]]
    successor_codes: dict[str, dict[str, str]]

    def seam(self, value: int) -> int:
        """Interval boundaries never fall on cutover-1, cutover or cutover+1.

        The foundation's seam rule (docs/architecture.md) joins a legacy interval ending
        within [C-1, C] to a successor interval starting within [C-1, C+1]; a genuine
        change on those days would be indistinguishable from a migration split, so the
        simulation moves such boundaries to C+2.
        """
        if self.cutover - 1 <= value <= self.cutover + 1:
            return self.cutover + 2
        return value

    @classmethod
    def build(cls, settings: GeneratorSettings) -> RunContext:
        sim_start_date = settings.history_start.replace(
            year=settings.history_start.year - BURN_IN_YEARS
        )
        calendar = DayCalendar(
            dt.date(sim_start_date.year - 20, 1, 1),
            dt.date(settings.as_of_date.year + 3, 12, 31),
        )
        sim_start, end = day(sim_start_date), day(settings.as_of_date)
        cutover = day(settings.cutover_date)

        def seam(value: int) -> int:
            return cutover + 2 if cutover - 1 <= value <= cutover + 1 else value

        first_year = calendar.month[0] // 12
        return cls(
            settings=settings,
            calendar=calendar,
            season=season_factors(calendar),
            year_factors=year_factors(settings.seed, first_year, settings.as_of_date.year + 3),
            first_year=first_year,
            workforce=build_workforce(
                settings.population, settings.seed, sim_start, end, seam, calendar.month_of
            ),
            sim_start=sim_start,
            end=end,
            cutover=cutover,
            legacy_end=day(settings.legacy_extract_date),
            legacy_codes=codes.source_values(settings.legacy.name),
            successor_codes=codes.source_values(settings.successor.name),
        )
