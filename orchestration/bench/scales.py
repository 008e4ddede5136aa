"""The benchmark's scales: how many children aged 0-17 the synthetic authority holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """One benchmark size: a synthetic authority of ``population`` children."""

    name: str
    population: int
    description: str
    # a scale made of copies of a smaller one (``orchestration/bench/tiles.py``)
    tile_of: str | None = None
    tiles: int = 1


SCALES: dict[str, Scale] = {
    scale.name: scale
    for scale in (
        Scale("authority", 70_000, "one authority, the size of the demo"),
        Scale("region", 2_000_000, "a regional hub's authorities in one warehouse"),
        Scale(
            "england",
            174 * 70_000,
            "every child in England in one warehouse, as 174 tiles of authority",
            tile_of="authority",
            tiles=174,
        ),
    )
}


def scale_named(name: str) -> Scale:
    """The scale called ``name``, or ``custom-<N>`` for an N-child authority (for trials)."""
    if name in SCALES:
        return SCALES[name]
    prefix = "custom-"
    if name.startswith(prefix) and name[len(prefix) :].isdigit():
        population = int(name[len(prefix) :])
        return Scale(name, population, f"a trial authority of {population:,} children")
    raise ValueError(f"unknown scale '{name}': use {', '.join(SCALES)} or custom-<children>")
