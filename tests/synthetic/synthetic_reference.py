"""An independent, deliberately plain re-implementation of the foundation's rules
(docs/architecture.md) that reads the generator's CSV extracts and derives the five
required indicators. The tests compare it with ``_truth/indicators.csv``: if they agree,
the extracts carry exactly the truth, so a correct dbt build will reproduce it.

It shares no code with the generator beyond the config and contract loaders.
"""

from __future__ import annotations

import csv
import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.config import PROJECT_ROOT

CODE_SETS = PROJECT_ROOT / "dbt_project" / "seeds" / "reference" / "code_sets.csv"
CODE_MAP = PROJECT_ROOT / "dbt_project" / "seeds" / "reference" / "code_map.csv"
AGE18 = {"E17", "E5", "E6", "E7", "E15", "E16"}
GROUPS = {"E4A": "returned_home", "E4B": "returned_home", "E13": "returned_home",
          "E11": "adopted", "E12": "adopted", "E41": "cao",
          **dict.fromkeys(("E43", "E44", "E45", "E46", "E47", "E48"), "sgo")}  # fmt: skip


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        day, month, year = text.split("/")
        return dt.date(int(year), int(month), int(day))
    return dt.date.fromisoformat(text[:10])


def read_table(folder: Path, table: str) -> list[dict[str, str]]:
    """Rows of one extract file, decoded as delivered (BOM -> UTF-8, else cp1252)."""
    path = folder / f"{table}.csv"
    raw = path.read_bytes()
    text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    return [
        {key.lower(): value.strip() for key, value in row.items()}
        for row in csv.DictReader(text.splitlines())
    ]


class CodeMapper:
    """Staging's rule: keep a valid code, else map (system, field, lower(value))."""

    def __init__(self) -> None:
        with CODE_SETS.open(encoding="utf-8") as handle:
            self.valid = {(r["code_field"], r["code"]) for r in csv.DictReader(handle)}
        with CODE_MAP.open(encoding="utf-8") as handle:
            self.mapped = {
                (r["source_system"], r["code_field"], r["source_value"].strip().lower()): r["code"]
                for r in csv.DictReader(handle)
            }

    def __call__(self, system: str, field: str, value: str) -> str | None:
        if not value:
            return None
        if (field, value) in self.valid:
            return value
        return self.mapped.get((system, field, value.strip().lower()))


@dataclass
class Interval:
    child: str
    start: dt.date
    end: dt.date | None
    value: str | None = None  # legal status / placement type
    end_reason: str | None = None
    legacy_open: bool = False


def stitch(
    legacy: list[Interval], successor: list[Interval], cutover: dt.date
) -> dict[str, list[Interval]]:
    """Apply the system-of-record split and the seam rule; intervals per child by start."""
    one_day = dt.timedelta(days=1)
    by_child: dict[str, list[Interval]] = defaultdict(list)
    for item in legacy:
        if item.start < cutover:
            by_child[item.child].append(item)
    pieces: dict[str, list[Interval]] = defaultdict(list)
    for item in successor:
        if item.start >= cutover:
            pieces[item.child].append(item)
        elif item.end is None or item.end >= cutover:
            pieces[item.child].append(
                Interval(item.child, cutover, item.end, item.value, item.end_reason)
            )
    for child, items in pieces.items():
        items.sort(key=lambda interval: interval.start)
        for legacy_item in by_child.get(child, []):
            seam_end = legacy_item.legacy_open or (
                legacy_item.end is not None and cutover - one_day <= legacy_item.end <= cutover
            )
            if not seam_end:
                continue
            follower = next(
                (p for p in items if cutover - one_day <= p.start <= cutover + one_day), None
            )
            if follower is not None:
                legacy_item.end, legacy_item.end_reason = follower.end, follower.end_reason
                legacy_item.legacy_open = False
                items.remove(follower)
        by_child[child].extend(items)
    for items in by_child.values():
        for item in items:
            if item.legacy_open:  # lost at cutover
                item.end, item.legacy_open = cutover - one_day, False
        items.sort(key=lambda interval: interval.start)
    return by_child


def open_on(item: Interval, day: dt.date) -> bool:
    return item.start <= day and (item.end is None or item.end > day)


class ReferencePipeline:
    """Loads both systems' extracts and derives periods, placements, visits, reviews."""

    def __init__(self, landing: Path, legacy: str, successor: str, cutover: dt.date) -> None:
        self.cutover = cutover
        self.codes = CodeMapper()
        self.folders = {
            system: sorted((landing / system).iterdir())[-1] for system in (legacy, successor)
        }
        self.legacy, self.successor = legacy, successor
        self.child = self._crosswalk()
        self.periods = self._periods()
        self.legal = self._intervals(
            "ssd_legal_status",
            "lega_person_id",
            "lega_legal_status_start_date",
            "lega_legal_status_end_date",
            "lega_legal_status",
        )
        self.placements = self._intervals(
            "ssd_cla_placement",
            "clap_person_id",
            "clap_cla_placement_start_date",
            "clap_cla_placement_end_date",
            "clap_cla_placement_type",
        )
        self.visits = self._visits()
        self.reviews = self._reviews()
        self.dob = self._dobs()

    def _crosswalk(self) -> dict[tuple[str, str], str]:
        child: dict[tuple[str, str], str] = {}
        for row in read_table(self.folders[self.legacy], "ssd_person"):
            child[(self.legacy, row["pers_person_id"])] = f"{self.legacy}:{row['pers_person_id']}"
        links = {
            row["link_person_id"]: row["link_identifier_value"]
            for row in read_table(self.folders[self.successor], "ssd_linked_identifiers")
            if row["link_identifier_type"] == "Former system ID"
        }
        for row in read_table(self.folders[self.successor], "ssd_person"):
            key = f"{self.successor}:{row['pers_person_id']}"
            child[(self.successor, row["pers_person_id"])] = key
            legacy_id = row["pers_legacy_id"] or links.get(row["pers_person_id"])
            if legacy_id:
                child[(self.legacy, legacy_id)] = key
        return child

    def _dobs(self) -> dict[str, dt.date]:
        dobs = {}
        for system in (self.legacy, self.successor):
            for row in read_table(self.folders[system], "ssd_person"):
                dobs[self.child[(system, row["pers_person_id"])]] = parse_date(row["pers_dob"])
        return dobs

    def _rows(self, table: str, person: str) -> dict[str, list[tuple[str, dict]]]:
        return {
            system: [
                (self.child[(system, row[person])], row)
                for row in read_table(self.folders[system], table)
            ]
            for system in (self.legacy, self.successor)
        }

    def _intervals(
        self, table: str, person: str, start: str, end: str, value: str
    ) -> dict[str, list[Interval]]:
        rows = self._rows(table, person)

        def build(system: str, legacy: bool) -> list[Interval]:
            return [
                Interval(
                    child,
                    parse_date(r[start]),
                    parse_date(r[end]),
                    r[value] or None,
                    legacy_open=legacy and not r[end],
                )
                for child, r in rows[system]
            ]

        return stitch(build(self.legacy, True), build(self.successor, False), self.cutover)

    def _periods(self) -> dict[str, list[Interval]]:
        rows = self._rows("ssd_cla_episodes", "clae_person_id")

        def build(system: str, legacy: bool) -> list[Interval]:
            out = []
            for child, r in rows[system]:
                reason = self.codes(
                    system, "episode_ceased_reason", r["clae_cla_episode_ceased_reason"]
                )
                out.append(
                    Interval(
                        child,
                        parse_date(r["clae_cla_episode_start_date"]),
                        parse_date(r["clae_cla_episode_ceased_date"]),
                        None,
                        reason,
                        legacy and not r["clae_cla_episode_ceased_date"],
                    )
                )
            return out

        episodes = stitch(build(self.legacy, True), build(self.successor, False), self.cutover)
        periods: dict[str, list[Interval]] = {}
        for child, items in episodes.items():
            result: list[Interval] = []
            previous: Interval | None = None
            for episode in items:
                new = (
                    previous is None
                    or previous.end_reason != "X1"
                    or previous.end is None
                    or (episode.start - previous.end).days > 1
                )
                if new:
                    result.append(
                        Interval(child, episode.start, episode.end, None, episode.end_reason)
                    )
                else:
                    result[-1].end, result[-1].end_reason = episode.end, episode.end_reason
                previous = episode
            periods[child] = result
        return periods

    def _visits(self) -> dict[str, list[dt.date]]:
        visits: dict[str, list[dt.date]] = defaultdict(list)
        for system, rows in self._rows("ssd_cla_visits", "clav_person_id").items():
            for child, r in rows:
                when = parse_date(r["clav_cla_visit_date"])
                legacy = system == self.legacy
                if r["clav_cla_visit_seen"] == "Y" and (when < self.cutover) == legacy:
                    visits[child].append(when)
        for dates in visits.values():
            dates.sort()
        return visits

    def _reviews(self) -> dict[str, list[dt.date]]:
        reviews: dict[str, list[dt.date]] = defaultdict(list)
        for system in (self.legacy, self.successor):
            owner = {
                r["clae_cla_id"]: self.child[(system, r["clae_person_id"])]
                for r in read_table(self.folders[system], "ssd_cla_episodes")
            }
            for r in read_table(self.folders[system], "ssd_cla_reviews"):
                when = parse_date(r["clar_cla_review_date"])
                if when is None or r["clar_cla_review_cancelled"] == "Y":
                    continue
                if (when < self.cutover) == (system == self.legacy):
                    reviews[owner[r["clar_cla_id"]]].append(when)
        for dates in reviews.values():
            dates.sort()
        return reviews

    # -- indicators ---------------------------------------------------------------------

    def _status_on(self, child: str, day: dt.date) -> str | None:
        return next((s.value for s in self.legal.get(child, []) if open_on(s, day)), None)

    def _short_break(self, child: str, period: Interval) -> bool:
        return self._status_on(child, period.start) in ("V3", "V4")

    def indicators(self, month_ends: list[dt.date], window_starts: list[dt.date]) -> dict:
        """{(code, breakdown_value): [value per month]} for the required counts."""
        out: dict[tuple[str, str], list] = defaultdict(lambda: [0] * len(month_ends))
        visit_den: list[int] = [0] * len(month_ends)
        for child, periods in self.periods.items():
            for position, (day, since) in enumerate(zip(month_ends, window_starts, strict=True)):
                current = next((p for p in periods if open_on(p, day)), None)
                if current is not None and self._status_on(child, day) not in ("V3", "V4"):
                    out[("CLA_COUNT", "all")][position] += 1
                    if (day - current.start).days > 7:
                        visit_den[position] += 1
                        out[("CLA_VISITS_IN_TIME", "all")][position] += self._in_time(
                            child, current, day
                        )
                full = [p for p in periods if not self._short_break(child, p)]
                if any(since <= p.start <= day for p in full):
                    out[("CLA_STARTS_12M", "all")][position] += 1
                ceased = [
                    p
                    for p in full
                    if p.end is not None and since <= p.end <= day and p.end_reason != "X1"
                ]
                if ceased:
                    last = max(ceased, key=lambda p: p.end)
                    out[("CLA_CEASES_12M", "all")][position] += 1
                    out[("CLA_CEASES_12M", self._group(child, last))][position] += 1
        out[("CLA_VISITS_IN_TIME", "den")] = visit_den
        return out

    def _group(self, child: str, period: Interval) -> str:
        reason = period.end_reason or ""
        if reason in AGE18:
            born = self.dob[child]
            age = (
                period.end.year
                - born.year
                - ((period.end.month, period.end.day) < (born.month, born.day))
            )
            return "age18" if age >= 18 else "other"
        return GROUPS.get(reason, "other")

    def _in_time(self, child: str, period: Interval, day: dt.date) -> int:
        placement = next((p for p in self.placements.get(child, []) if open_on(p, day)), None)
        placed = placement.start if placement else period.start
        kind = placement.value if placement else None
        dates = self.visits.get(child, [])
        index = bisect_right(dates, day) - 1
        latest = dates[index] if index >= 0 and dates[index] >= placed else None
        reviewed = any(period.start <= r <= day for r in self.reviews.get(child, []))
        if kind == "P1":
            interval = 28 if reviewed else 7
        elif kind in ("U1", "U4") and (day - placed).days >= 365:
            interval = 91
        else:
            interval = 42
        if latest is not None:
            return int((day - latest).days <= interval)
        return int((day - placed).days <= 7)
