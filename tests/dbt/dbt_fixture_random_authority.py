"""A seeded random authority with a clean (faithful) migration, and its true histories.

Children come into care, move placements, change legal status, have short breaks,
leave and come back; some intervals end on the cutover day or the day before it. The
legacy system's final extract shows what it knew on its last live day; the successor
holds every migrated child, with either their whole history or only what was still open
at the cutover (both occur), in Liquid Logic's descriptions and mixed date and flag
formats. ``TRUTH`` is each child's real history; the marts must equal
``expected_scorecard`` on it for every month.

One documented limit of the seam rule is kept out: a child who leaves care on C-1 or C
and comes back within a day of the cutover would be joined into one period.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field

from dbt_fixture_definitions import Child, Period
from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat
DAY = dt.timedelta(days=1)
LEGACY, SUCCESSOR = "carefirst", "liquid_logic"
HISTORY_START, CUTOVER, AS_OF = D("2019-04-01"), D("2021-07-01"), D("2023-03-31")
POPULATION = {2019: 50_000, 2020: 50_500, 2021: 51_000, 2022: 51_500}
TABLES = (
    "ssd_person",
    "ssd_cla_episodes",
    "ssd_legal_status",
    "ssd_cla_placement",
    "ssd_cla_visits",
    "ssd_cla_reviews",
)
PLACEMENT_TYPES = ("U6", "U4", "U1", "P1", "K2", "U3")
LEGAL_STATUSES = ("C1", "C2", "V2", "E1")
DESCRIPTIONS = {
    "S": "Started to be looked after",
    "P": "Change of placement only",
    "X1": "Episode ended - care continues",
    "E4A": "Returned home - planned",
    "E4B": "RETURNED HOME - UNPLANNED",
    "E13": "Living with parents or relatives without PR",
    "E11": "adopted - unopposed",
    "E12": "Adopted - opposed",
    "E45": "SGO - former foster carers (relative or friend)",
    "E41": "Child arrangements order",
    "E17": "Staying with carers at 18 plus",
    "E5": "Independent living - supported",
    "E8": "Other reason",
    "E3": "Transferred to another local authority",
}
CEASED_REASONS = tuple(code for code in DESCRIPTIONS if code.startswith("E"))


@dataclass
class History:
    """One child's simulated facts (intervals end on the day they stop; None = open)."""

    number: int
    date_of_birth: dt.date
    periods: list[Period] = field(default_factory=list)
    episodes: list[tuple[dt.date, dt.date, str, str, str]] = field(default_factory=list)
    legal_statuses: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)
    placements: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)
    visits: list[tuple[dt.date, bool]] = field(default_factory=list)
    reviews: list[tuple[dt.date, bool, str]] = field(default_factory=list)


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _simulate(rng: random.Random, number: int) -> History:
    history = History(number, _day_between(rng, D("2003-01-01"), D("2021-06-01")))
    start = max(_day_between(rng, D("2017-06-01"), D("2023-03-15")), history.date_of_birth)
    while start <= AS_OF and len(history.periods) < 3:
        short_break = rng.random() < 0.08
        length = rng.randint(1, 6) if short_break else rng.choice((20, 200, 900, 2000))
        end = start + dt.timedelta(days=rng.randint(1, length))
        if not short_break and start < CUTOVER - DAY and rng.random() < 0.05:
            end = rng.choice((CUTOVER - DAY, CUTOVER))  # leaves on the seam
        reason = rng.choice(CEASED_REASONS)
        cla_id = f"K{number}-{len(history.periods)}"
        changes: set[dt.date] = set()
        if (end - start).days >= 2:
            changes = {_day_between(rng, start + DAY, end - DAY) for _ in range(rng.randint(0, 4))}
        if start < CUTOVER < end and rng.random() < 0.1:
            changes.add(CUTOVER)  # an episode (and maybe a placement) changes on the seam
        bounds = [start, *sorted(changes), end]
        placement_type = rng.choice(PLACEMENT_TYPES)
        legal_status = "V3" if short_break else rng.choice(LEGAL_STATUSES)
        placed_on = start
        for index, (episode_start, episode_end) in enumerate(itertools.pairwise(bounds)):
            last = index == len(bounds) - 2
            if index and not short_break and rng.random() < 0.6:
                history.placements.append((placed_on, episode_start, placement_type))
                placed_on, placement_type = episode_start, rng.choice(PLACEMENT_TYPES)
            if index and not short_break and rng.random() < 0.3:
                legal_status = rng.choice(LEGAL_STATUSES)
            history.episodes.append(
                (
                    episode_start,
                    episode_end,
                    "P" if index else "S",
                    reason if last else "X1",
                    cla_id,
                )
            )
            history.legal_statuses.append((episode_start, episode_end, legal_status))
        if not short_break:
            history.placements.append((placed_on, end, placement_type))
            visit = start + dt.timedelta(days=rng.randint(0, 10))
            while visit < end:
                history.visits.append((visit, rng.random() < 0.9))
                visit += dt.timedelta(days=rng.randint(5, 60))
            review = start + dt.timedelta(days=rng.randint(10, 40))
            while review < end:
                history.reviews.append((review, rng.random() < 0.05, cla_id))
                review += dt.timedelta(days=rng.randint(60, 200))
        history.periods.append(Period(start, end, reason, short_break))
        gap = rng.choice((0, 1, 2, rng.randint(3, 60), rng.randint(60, 900)))
        if CUTOVER - DAY <= end <= CUTOVER and gap <= 2:
            gap = 3  # the seam rule's documented limit (see the module docstring)
        start = end + dt.timedelta(days=gap)
    return history


def _known_end(end: dt.date, as_of: dt.date) -> dt.date | None:
    """The end date an extract taken on as_of shows: unknown (open) when later."""
    return end if end <= as_of else None


def _truth(history: History) -> Child:
    def seen(day: dt.date) -> bool:
        return day <= AS_OF

    return Child(
        history.date_of_birth,
        [
            Period(
                p.start,
                _known_end(p.end, AS_OF),
                p.end_reason if p.end <= AS_OF else None,
                p.short_break,
            )
            for p in history.periods
            if seen(p.start)
        ],
        [(s, _known_end(e, AS_OF), c) for s, e, c in history.legal_statuses if seen(s)],
        [(s, _known_end(e, AS_OF), c) for s, e, c in history.placements if seen(s)],
        [day for day, was_seen in history.visits if was_seen and seen(day)],
        [day for day, cancelled, _ in history.reviews if not cancelled and seen(day)],
    )


class RandomAuthority:
    """The extracts of both systems and the truth, from one seed."""

    def __init__(self, seed: int, children: int) -> None:
        self.rng = random.Random(seed)
        self.truth: dict[str, Child] = {}
        self.legacy: dict[str, list[dict]] = {table: [] for table in TABLES}
        self.successor: dict[str, list[dict]] = {table: [] for table in TABLES}
        for number in range(children):
            self._deliver(_simulate(self.rng, number))

    def _date(self, day: dt.date | None) -> str | None:
        if day is None:
            return None
        style = self.rng.random()
        if style < 0.7:
            return day.isoformat()
        return day.strftime("%d/%m/%Y") if style < 0.85 else f"{day.isoformat()} 00:00:00.000"

    def _flag(self, value: bool) -> str:
        return self.rng.choice(("Y", "1", "true") if value else ("N", "0", "false"))

    def _deliver(self, history: History) -> None:
        number = history.number
        legacy_id, successor_id = f"CF{number}", str(5000 + number)
        in_legacy = history.periods[0].start < CUTOVER
        # a child known to the legacy system who is in care on or after the cutover is
        # migrated; a child who had left by then is migrated or not
        in_care_from_cutover = any(end >= CUTOVER for _, end, *_ in history.episodes)
        migrated = not in_legacy or in_care_from_cutover or self.rng.random() < 0.5
        whole_history = self.rng.random() < 0.5
        key = f"{SUCCESSOR}:{successor_id}" if migrated else f"{LEGACY}:{legacy_id}"
        self.truth[key] = _truth(history)
        if in_legacy:
            self.legacy["ssd_person"].append(
                {"pers_person_id": legacy_id, "pers_dob": self._date(history.date_of_birth)}
            )
        if migrated:
            self.successor["ssd_person"].append(
                {
                    "pers_person_id": successor_id,
                    "pers_dob": self._date(history.date_of_birth),
                    "pers_legacy_id": legacy_id if in_legacy else None,
                }
            )

        for table, intervals, make_row in (
            ("ssd_cla_episodes", history.episodes, self._episode_row),
            ("ssd_legal_status", history.legal_statuses, self._legal_status_row),
            ("ssd_cla_placement", history.placements, self._placement_row),
        ):
            for index, interval in enumerate(intervals):
                start, end = interval[0], interval[1]
                if start < CUTOVER:
                    known_end = _known_end(end, CUTOVER - DAY)
                    self.legacy[table].append(
                        make_row(legacy_id, index, interval, known_end, False)
                    )
                if migrated and start <= AS_OF and (whole_history or end >= CUTOVER):
                    known_end = _known_end(end, AS_OF)
                    self.successor[table].append(
                        make_row(successor_id, index, interval, known_end, True)
                    )
        for index, (day, seen) in enumerate(history.visits):
            row = {"clav_cla_visit_date": self._date(day), "clav_cla_visit_seen": self._flag(seen)}
            if day < CUTOVER:
                self.legacy["ssd_cla_visits"].append(
                    {"clav_cla_visit_id": f"LV{number}-{index}", "clav_person_id": legacy_id, **row}
                )
            if migrated and day <= AS_OF and (whole_history or day >= CUTOVER):
                self.successor["ssd_cla_visits"].append(
                    {
                        "clav_cla_visit_id": f"SV{number}-{index}",
                        "clav_person_id": successor_id,
                        **row,
                    }
                )
        for index, (day, cancelled, cla_id) in enumerate(history.reviews):
            row = {
                "clar_cla_review_date": self._date(day),
                "clar_cla_review_cancelled": self._flag(cancelled),
            }
            if day < CUTOVER:
                self.legacy["ssd_cla_reviews"].append(
                    {"clar_cla_review_id": f"LR{number}-{index}", "clar_cla_id": cla_id, **row}
                )
            if migrated and day <= AS_OF and (whole_history or day >= CUTOVER):
                self.successor["ssd_cla_reviews"].append(
                    {
                        "clar_cla_review_id": f"SR{number}-{index}",
                        "clar_cla_id": f"M{cla_id}",
                        **row,
                    }
                )

    def _episode_row(
        self, person: str, index: int, episode: tuple, end: dt.date | None, successor: bool
    ) -> dict:
        start, _, start_reason, end_reason, cla_id = episode

        def reason(code: str) -> str:
            return DESCRIPTIONS[code] if successor else code

        return {
            "clae_cla_episode_id": f"{person}-E{index}",
            "clae_person_id": person,
            "clae_cla_id": f"M{cla_id}" if successor else cla_id,
            "clae_cla_episode_start_date": self._date(start),
            "clae_cla_episode_start_reason": reason(start_reason),
            "clae_cla_episode_ceased_date": self._date(end),
            "clae_cla_episode_ceased_reason": reason(end_reason) if end else None,
        }

    def _legal_status_row(
        self, person: str, index: int, status: tuple, end: dt.date | None, successor: bool
    ) -> dict:
        return {
            "lega_legal_status_id": f"{person}-L{index}",
            "lega_person_id": person,
            "lega_legal_status": status[2],
            "lega_legal_status_start_date": self._date(status[0]),
            "lega_legal_status_end_date": self._date(end),
        }

    def _placement_row(
        self, person: str, index: int, placement: tuple, end: dt.date | None, successor: bool
    ) -> dict:
        return {
            "clap_cla_placement_id": f"{person}-P{index}",
            "clap_person_id": person,
            "clap_cla_placement_type": placement[2],
            "clap_cla_placement_start_date": self._date(placement[0]),
            "clap_cla_placement_end_date": self._date(end),
        }

    def build_raw(self, warehouse: RawWarehouse) -> None:
        warehouse.configure(
            systems=[(LEGACY, HISTORY_START, CUTOVER - DAY), (SUCCESSOR, CUTOVER, None)],
            as_of_date=AS_OF,
            population=POPULATION,
        )
        for table, rows in self.legacy.items():
            warehouse.deliver(LEGACY, CUTOVER - DAY, table, rows)
        for table, rows in self.successor.items():
            warehouse.deliver(SUCCESSOR, AS_OF, table, rows)
