"""The authority's social workers: one pool for the whole run, shared by every chunk.

Each team has a number of posts sized from the population (expected open cases per
10,000 children divided by a target caseload). A post is held by a chain of workers:
each stays for a random tenure, then the post is vacant for a few weeks before the next
worker starts. Cases are allocated to a worker of the right team who is in post on the
day; a worker leaving hands their cases on (change reason LEFTRL).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from orchestration.synthetic import names
from orchestration.synthetic.codes import LEAVING_CARE_TEAM, TEAMS

TARGET_CASELOAD = 14.5  # posts are partly vacant and not all cases are allocated
TEAM_SIZE = 7
JOB_TITLES = (
    ("Social Worker", 0.55),
    ("Senior Social Worker", 0.3),
    ("Advanced Practitioner", 0.15),
)


@dataclass(frozen=True, slots=True)
class Worker:
    index: int
    family: str  # the team family ("Assessment Team"); team is the numbered unit
    team: str
    start: int
    end: int  # exclusive: the worker's first day out of post (far future if still in post)
    fte: float
    agency: bool
    name: str
    job_title: str
    registration: str
    staff_id: str


class Workforce:
    """All workers, and who is in post in which team on a given day."""

    def __init__(self, workers: list[Worker], month_of: Callable[[int], int], horizon: int) -> None:
        self.workers = workers
        self._month_of = month_of
        self._by_family_month: dict[tuple[str, int], list[int]] = {}
        self._by_family: dict[str, list[int]] = {}
        for worker in workers:
            self._by_family.setdefault(worker.family, []).append(worker.index)
            first = month_of(worker.start)
            last = month_of(min(worker.end - 1, horizon))
            for month in range(first, last + 1):
                self._by_family_month.setdefault((worker.family, month), []).append(worker.index)

    def pick(self, family: str, on: int, rng: random.Random) -> Worker:
        """A worker of ``family`` in post on day ``on`` (nearest in time if none is).

        Draws from the month's workers until one is in post on the day (almost always at
        the first draw), so a pick costs the same for a national-size workforce."""
        month_workers = self._by_family_month.get((family, self._month_of(on)), ())
        for _ in range(12):
            if not month_workers:
                break
            worker = self.workers[month_workers[int(rng.random() * len(month_workers))]]
            if worker.start <= on < worker.end:
                return worker
        candidates = [
            index
            for index in month_workers
            if self.workers[index].start <= on < self.workers[index].end
        ]
        if candidates:
            return self.workers[candidates[int(rng.random() * len(candidates))]]
        pool = self._by_family.get(family) or list(range(len(self.workers)))
        return self.workers[min(pool, key=lambda index: abs(self.workers[index].start - on))]


def build_workforce(
    population: int,
    seed: int,
    first_day: int,
    last_day: int,
    seam: Callable[[int], int],
    month_of: Callable[[int], int],
) -> Workforce:
    """Posts and the workers who held them between ``first_day`` and ``last_day``."""
    rng = random.Random(seed * 7919 + 17)
    workers: list[Worker] = []
    posts = {family: rate * population / 10_000 / TARGET_CASELOAD for family, rate in TEAMS.items()}
    posts[LEAVING_CARE_TEAM] = 30.0 * population / 10_000 / 20.0
    for family, expected in posts.items():
        count = max(3, math.ceil(expected / 0.93))
        for post in range(count):
            team = f"{family} {post // TEAM_SIZE + 1}"
            start = first_day - int(rng.random() * 6 * 365)
            while start <= last_day:
                agency = rng.random() < 0.13
                tenure = rng.expovariate(1 / (400 if agency else 1800))
                end = seam(start + max(60, int(tenure)))
                workers.append(_make_worker(rng, len(workers), family, team, start, end, agency))
                start = seam(end + 7 + int(rng.random() * 70))
    return Workforce(workers, month_of, last_day)


def _make_worker(
    rng: random.Random, index: int, family: str, team: str, start: int, end: int, agency: bool
) -> Worker:
    fte_draw = rng.random()
    fte = 1.0 if fte_draw < 0.8 else 0.8 if fte_draw < 0.9 else 0.6 if fte_draw < 0.95 else 0.5
    if family == LEAVING_CARE_TEAM:
        title = "Personal Adviser"
    else:
        title_draw, title = rng.random(), JOB_TITLES[-1][0]
        for candidate, share in JOB_TITLES:
            if title_draw < share:
                title = candidate
                break
            title_draw -= share
    return Worker(
        index=index,
        family=family,
        team=team,
        start=start,
        end=end,
        fte=fte,
        agency=agency,
        name=names.worker_name(rng),
        job_title=title,
        registration=f"SW{rng.randrange(10_000, 150_000):06d}",
        staff_id=f"EMP{index + 10_001:06d}",
    )
