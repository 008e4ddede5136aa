"""The benchmark seeds and scripts/build_benchmark_seeds.py."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_ROOT / "scripts" / "build_benchmark_seeds.py"
SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"


def _load_script():
    spec = importlib.util.spec_from_file_location("build_benchmark_seeds", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


builder = _load_script()


def _rows(relative_path: str) -> list[dict[str, str]]:
    with (SEEDS / relative_path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    ("year_type", "expected"),
    [
        ("Financial Year", ("2024-25", "2025-03-31")),
        ("Annual", ("2025", "2025-03-31")),
        ("Annual (end of Sept)", ("2025", "2025-09-30")),
    ],
)
def test_benchmark_period_labels(year_type: str, expected: tuple[str, str]) -> None:
    assert builder.benchmark_period(year_type, 2025) == expected


def test_values_lose_float_noise_and_missing_markers() -> None:
    assert builder.format_value(float("2.2999999999999998")) == "2.3"
    assert builder.format_value(81770.0) == "81770"
    assert builder.parse_value("-") is None
    assert builder.parse_value("c") is None
    assert builder.parse_value("14.9") == 14.9


def test_catalogue_precision_check() -> None:
    assert builder.matches_catalogue(81.400000000000006, 81.4)
    assert builder.matches_catalogue(96.0, 96.0)
    assert not builder.matches_catalogue(69.0, 67.0)


def test_map_must_cover_the_catalogue_once() -> None:
    catalogue = [{"code": "A", "kind": "snapshot", "england_2025": ""}]
    row = {"lait_short_desc": "", "benchmark_source": "none", "england_only_year_type": ""}
    with pytest.raises(builder.BenchmarkBuildError, match="every indicator once"):
        builder.mapped_indicators([], catalogue)
    with pytest.raises(builder.BenchmarkBuildError, match="lait_short_desc"):
        builder.mapped_indicators(
            [{**row, "indicator_code": "A", "benchmark_source": "lait"}], catalogue
        )
    assert (
        builder.mapped_indicators([{**row, "indicator_code": "A"}], catalogue)[0].lait_short_desc
        is None
    )


def test_seed_england_values_are_the_catalogue_values() -> None:
    england = {
        row["indicator_code"]: float(row["value"])
        for row in _rows("benchmarks/benchmark_values.csv")
        if row["la_code"] == "970"
    }
    catalogue = {
        row["code"]: float(row["england_2025"])
        for row in _rows("reference/indicator_catalogue.csv")
        if row["england_2025"]
    }
    assert england == catalogue


def test_every_la_has_ten_neighbours() -> None:
    neighbours = _rows("benchmarks/statistical_neighbours.csv")
    counts = Counter(row["la_code"] for row in neighbours)
    assert set(counts.values()) == {10}
    central_bedfordshire = [row["sn_la_code"] for row in neighbours if row["la_code"] == "823"]
    assert central_bedfordshire[:2] == ["825", "803"]


def test_seeds_are_what_the_script_builds(tmp_path: Path) -> None:
    if not (builder.DEFAULT_SOURCE_DIR / "bds_long_0.parquet").is_file():
        pytest.skip("the DfE source files (../shared/benchmarks) are not available")
    builder.build(builder.DEFAULT_SOURCE_DIR, tmp_path)
    for name in ("benchmark_values.csv", "statistical_neighbours.csv"):
        committed = (SEEDS / "benchmarks" / name).read_text(encoding="utf-8")
        assert (tmp_path / name).read_text(encoding="utf-8") == committed, name
