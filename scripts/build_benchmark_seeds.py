"""Build the benchmark seeds from the DfE files in ../shared/benchmarks/.

Reads the reviewed mapping ``dbt_project/seeds/benchmarks/indicator_benchmark_map.csv``
(one row per catalogue indicator: which LAIT measure benchmarks it, if any, and for
``england_only`` rows the DfE year type: ``Annual`` = 31 March snapshot, ``Financial Year``
= year ending 31 March) and writes:

- ``benchmark_values.csv``: indicator_code, la_code, benchmark_year,
  period_end_of_benchmark, value, for England (970) and every LA. For each mapped LAIT
  measure the latest year with an England value is taken (LAIT ``Years`` label without
  revision suffixes); ``-`` (missing) values are left out. ``england_only`` indicators get
  the catalogue's England 2025 value (DfE releases outside LAIT) and no LA rows.
- ``statistical_neighbours.csv``: la_code, la_name, sn_rank, sn_la_code, sn_la_name from
  the 2025 statistical-neighbour model (``sn_2025_long.csv``).

Checks that every mapped England value equals the catalogue's england_2025 (to the
catalogue's rounding), so a wrong mapping fails the build instead of reaching the mart.
Deterministic: same inputs, same bytes. Run once and commit the output:

    .venv/bin/python scripts/build_benchmark_seeds.py [--source-dir ../shared/benchmarks]

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import argparse
import csv
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEED_DIR = PROJECT_ROOT / "dbt_project" / "seeds" / "benchmarks"
CATALOGUE_PATH = PROJECT_ROOT / "dbt_project" / "seeds" / "reference" / "indicator_catalogue.csv"
MAP_PATH = SEED_DIR / "indicator_benchmark_map.csv"
DEFAULT_SOURCE_DIR = PROJECT_ROOT.parent / "shared" / "benchmarks"
ENGLAND = "970"
# Catalogue England values for year ending 31 March 2025 (workforce: 30 September 2025).
CATALOGUE_YEAR = 2025
BENCHMARK_SOURCES = ("lait", "lait_complement", "england_only", "none")

logger = logging.getLogger(__name__)


class BenchmarkBuildError(ValueError):
    """The mapping, the catalogue and the DfE files disagree."""


@dataclass(frozen=True)
class MappedIndicator:
    indicator_code: str
    lait_short_desc: str | None
    benchmark_source: str
    england_only_year_type: str
    catalogue_england: float | None


def benchmark_period(year_type: str, year: int) -> tuple[str, str]:
    """(benchmark_year label, period_end_of_benchmark) for a LAIT year type and year.

    Financial-year measures are flows over the year ending 31 March (label ``2024-25``);
    ``Annual`` measures are 31 March snapshots (``2025``); the workforce census is a
    30 September snapshot (``2025``).
    """
    if "sept" in year_type.lower():
        return str(year), f"{year}-09-30"
    if year_type.strip().lower() == "financial year":
        return f"{year - 1}-{year % 100:02d}", f"{year}-03-31"
    return str(year), f"{year}-03-31"


def format_value(value: float) -> str:
    """A LAIT value without float noise (``2.2999999999999998`` -> ``2.3``)."""
    rounded = round(value, 6)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


def parse_value(text: str | None) -> float | None:
    """LAIT values are strings; ``-`` and suppression markers are missing."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def mapped_indicators(map_rows: Sequence[dict], catalogue_rows: Sequence[dict]) -> list:
    """The mapping joined to the catalogue; every catalogue indicator must be mapped once."""
    catalogue = {row["code"]: row for row in catalogue_rows}
    codes = [row["indicator_code"] for row in map_rows]
    if sorted(codes) != sorted(catalogue) or len(set(codes)) != len(codes):
        missing = sorted(set(catalogue) - set(codes))
        extra = sorted(set(codes) - set(catalogue))
        raise BenchmarkBuildError(f"map must list every indicator once: {missing} {extra}")
    indicators = []
    for row in map_rows:
        source = row["benchmark_source"]
        if source not in BENCHMARK_SOURCES:
            raise BenchmarkBuildError(f"{row['indicator_code']}: unknown source {source!r}")
        lait = row["lait_short_desc"] or None
        if (lait is None) == source.startswith("lait"):
            raise BenchmarkBuildError(f"{row['indicator_code']}: lait_short_desc vs {source}")
        entry = catalogue[row["indicator_code"]]
        indicators.append(
            MappedIndicator(
                indicator_code=row["indicator_code"],
                lait_short_desc=lait,
                benchmark_source=source,
                england_only_year_type=row["england_only_year_type"],
                catalogue_england=parse_value(entry["england_2025"] or None),
            )
        )
    return indicators


def matches_catalogue(lait_value: float, catalogue_value: float) -> bool:
    """Equal to the catalogue's precision (it rounds to the published figure)."""
    text = f"{catalogue_value:g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return round(lait_value, decimals) == catalogue_value


def lait_rows(connection: duckdb.DuckDBPyConnection, measure: str) -> list[tuple]:
    """(year label, la_code, value text) of every LA and England row of one measure."""
    return connection.execute(
        """
        select "Years", lpad(cast(cast("LA Number" as integer) as varchar), 3, '0'), "Values"
        from bds
        where "Short Desc" = ? and "LA Number" is not null
            and ("LA Number" < 970 or "LA Number" = 970)
        """,
        [measure],
    ).fetchall()


def benchmark_rows(
    connection: duckdb.DuckDBPyConnection,
    indicators: Iterable[MappedIndicator],
    year_types: dict[str, str],
) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for indicator in indicators:
        if indicator.benchmark_source == "none":
            continue
        if indicator.benchmark_source == "england_only":
            if indicator.catalogue_england is None:
                raise BenchmarkBuildError(f"{indicator.indicator_code}: england_only, no value")
            label, period_end = benchmark_period(indicator.england_only_year_type, CATALOGUE_YEAR)
            value = format_value(indicator.catalogue_england)
            rows.append((indicator.indicator_code, ENGLAND, label, period_end, value))
            continue
        measure = indicator.lait_short_desc or ""
        by_year: dict[int, dict[str, float]] = {}
        for year_label, la_code, text in lait_rows(connection, measure):
            value = parse_value(text)
            # Plain years only: "2025 (Rev)", "2024-25 (OT)" and multi-year labels are
            # other editions or other measures of the same key.
            if value is None or not re.fullmatch(r"\d{4}", year_label):
                continue
            if indicator.benchmark_source == "lait_complement":
                value = 100.0 - value
            by_year.setdefault(int(year_label), {})[la_code] = value
        years = [year for year, values in by_year.items() if ENGLAND in values]
        if not years:
            raise BenchmarkBuildError(f"{indicator.indicator_code}: no England value for {measure}")
        year = max(years)
        england = by_year[year][ENGLAND]
        if indicator.catalogue_england is not None and not matches_catalogue(
            england, indicator.catalogue_england
        ):
            raise BenchmarkBuildError(
                f"{indicator.indicator_code}: LAIT {measure} England {year} = {england}, "
                f"catalogue england_2025 = {indicator.catalogue_england}"
            )
        label, period_end = benchmark_period(year_types[measure], year)
        for la_code, value in sorted(by_year[year].items()):
            rows.append((indicator.indicator_code, la_code, label, period_end, format_value(value)))
    return rows


def neighbour_rows(sn_path: Path) -> list[tuple[str, str, str, str, str]]:
    rows = [
        (
            f"{int(row['la_code']):03d}",
            row["la_name"],
            str(int(row["sn_rank"])),
            f"{int(row['sn_la_code']):03d}",
            row["sn_la_name"],
        )
        for row in read_csv(sn_path)
    ]
    return sorted(rows, key=lambda row: (row[0], int(row[2])))


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def build(source_dir: Path, output_dir: Path) -> None:
    """Write benchmark_values.csv and statistical_neighbours.csv into output_dir."""
    indicators = mapped_indicators(read_csv(MAP_PATH), read_csv(CATALOGUE_PATH))
    year_types = {
        row["Measure_short"]: row["Year_Type"]
        for row in read_csv(source_dir / "lait_data_dictionary.csv")
    }
    with duckdb.connect() as connection:
        parquet = str(source_dir / "bds_long_0.parquet").replace("'", "''")
        connection.execute(f"create view bds as select * from read_parquet('{parquet}')")
        values = benchmark_rows(connection, indicators, year_types)
    output_dir.mkdir(parents=True, exist_ok=True)
    write_csv(
        output_dir / "benchmark_values.csv",
        ("indicator_code", "la_code", "benchmark_year", "period_end_of_benchmark", "value"),
        values,
    )
    write_csv(
        output_dir / "statistical_neighbours.csv",
        ("la_code", "la_name", "sn_rank", "sn_la_code", "sn_la_name"),
        neighbour_rows(source_dir / "sn_2025_long.csv"),
    )
    logger.info("Wrote %d benchmark values to %s", len(values), output_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", type=Path, default=DEFAULT_SOURCE_DIR)
    parser.add_argument("--output-dir", type=Path, default=SEED_DIR)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build(arguments.source_dir, arguments.output_dir)


if __name__ == "__main__":
    main()
