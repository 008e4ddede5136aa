"""Settings of one generator run, built from the pipeline configuration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from orchestration.lib.config import ScorecardConfig, SourceSystem, SyntheticSettings

GENERATOR_VERSION = "1.0.0"
DEFAULT_CHUNK_SIZE = 25_000

# Changeover defects (docs/architecture.md), in the order they are applied.
DEFECT_KINDS: tuple[str, ...] = (
    "missing_open_children",
    "test_records",
    "reused_person_id",
    "duplicate_person",
    "truncated_history",
    "split_period_at_cutover",
    "recording_cliff",
    "merged_duplicates",
    "defaulted_dates",
    "shifted_dates",
    "unmapped_codes",
    "emptied_fields",
    "sentinel_keys",
)


class SettingsError(ValueError):
    """The generator cannot run with these settings."""


@dataclass(frozen=True)
class GeneratorSettings:
    """Everything that decides the generator's output (same settings -> same bytes)."""

    la_code: str
    as_of_date: dt.date
    legacy: SourceSystem
    successor: SourceSystem
    population: int = 70_000
    seed: int = 20_161_101
    history_start: dt.date = dt.date(2016, 4, 1)
    defects: Mapping[str, float] = field(default_factory=dict)
    chunk_size: int = DEFAULT_CHUNK_SIZE

    def __post_init__(self) -> None:
        unknown = sorted(set(self.defects) - set(DEFECT_KINDS))
        if unknown:
            raise SettingsError(f"unknown defect kind(s) {unknown}; known: {list(DEFECT_KINDS)}")
        for kind, rate in self.defects.items():
            if not 0.0 <= rate <= 1.0:
                raise SettingsError(f"defect rate for {kind} must be within [0, 1], got {rate}")
        if self.population < 100:
            raise SettingsError(f"population must be at least 100, got {self.population}")
        if self.chunk_size < 100:
            raise SettingsError(f"chunk size must be at least 100, got {self.chunk_size}")
        if self.legacy.live_to is None or self.successor.live_from <= self.legacy.live_to:
            raise SettingsError("the successor must go live after the legacy system's live_to")
        if not self.history_start < self.cutover_date <= self.as_of_date:
            raise SettingsError(
                "need history_start < cutover <= as_of_date, got "
                f"{self.history_start}, {self.cutover_date}, {self.as_of_date}"
            )

    @property
    def cutover_date(self) -> dt.date:
        """The successor's first live day (= legacy live_to + 1 day)."""
        return self.successor.live_from

    @property
    def legacy_extract_date(self) -> dt.date:
        assert self.legacy.live_to is not None
        return self.legacy.live_to

    @property
    def defect_rates(self) -> dict[str, float]:
        """Every defect kind with its rate (0 when not set), in application order."""
        return {kind: float(self.defects.get(kind, 0.0)) for kind in DEFECT_KINDS}

    @property
    def is_clean(self) -> bool:
        return all(rate == 0 for rate in self.defect_rates.values())

    def with_overrides(
        self,
        *,
        population: int | None = None,
        seed: int | None = None,
        defects: Mapping[str, float] | None = None,
        clean: bool = False,
        chunk_size: int | None = None,
    ) -> GeneratorSettings:
        """A copy with command-line overrides applied (``clean`` drops configured
        defects first; explicit ``defects`` then apply on top)."""
        rates = {} if clean else dict(self.defects)
        rates.update(defects or {})
        return replace(
            self,
            population=population if population is not None else self.population,
            seed=seed if seed is not None else self.seed,
            defects=rates,
            chunk_size=chunk_size if chunk_size is not None else self.chunk_size,
        )

    @classmethod
    def from_config(cls, config: ScorecardConfig) -> GeneratorSettings:
        """Settings from the configuration's systems, as-of date and ``synthetic`` block."""
        if len(config.systems) != 2:
            raise SettingsError(
                "the generator supports exactly one cutover (two systems), got "
                f"{len(config.systems)}: {list(config.system_names)}"
            )
        synthetic = config.synthetic or SyntheticSettings()
        legacy, successor = config.systems
        return cls(
            la_code=config.la_code,
            as_of_date=config.as_of_date,
            legacy=legacy,
            successor=successor,
            population=synthetic.population,
            seed=synthetic.seed,
            history_start=synthetic.history_start,
            defects=dict(synthetic.defects),
        )


def parse_defect_overrides(items: list[str]) -> dict[str, float]:
    """``["kind=rate", ...]`` -> ``{kind: rate}``; ``all=rate`` sets every kind."""
    rates: dict[str, float] = {}
    for item in items:
        kind, sep, value = item.partition("=")
        if not sep:
            raise SettingsError(f"--defect expects KIND=RATE, got '{item}'")
        try:
            rate = float(value)
        except ValueError as exc:
            raise SettingsError(f"--defect {kind}: '{value}' is not a number") from exc
        kinds = DEFECT_KINDS if kind.strip() == "all" else (kind.strip(),)
        rates.update(dict.fromkeys(kinds, rate))
    return rates


@dataclass(frozen=True)
class GenerationSummary:
    """What one run wrote (returned by ``generate``; also logged as one line)."""

    landing_dir: Path
    population: int
    seed: int
    chunks: int
    persons: dict[str, int]
    row_counts: dict[str, dict[str, int]]
    defect_rows: int
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(sum(tables.values()) for tables in self.row_counts.values())
