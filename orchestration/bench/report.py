"""The benchmark's figures: printed, kept as JSON and written into docs/benchmarks.md.

``docs/benchmarks.json`` keeps the latest result of each scale, so a run of one scale
leaves the others' figures in place. The Markdown table between the two markers of
``docs/benchmarks.md`` is rewritten from it; the prose around it is the team's.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from orchestration.lib.config import PROJECT_ROOT

RESULTS_PATH = PROJECT_ROOT / "docs" / "benchmarks.json"
REPORT_PATH = PROJECT_ROOT / "docs" / "benchmarks.md"
TABLE_START = "<!-- bench:results:start -->"
TABLE_END = "<!-- bench:results:end -->"
GIB = 1024**3
# docs/benchmarks.md gives the source of each target (issue 7).
MAX_FLOOR_RATIO = 3.0
MAX_ENGLAND_SECONDS = 600.0
MAX_ENGLAND_RSS_BYTES = 8 * GIB
MAX_AUTHORITY_SECONDS = 60.0
# "an incremental month within 10% of a full rebuild": read as no more than 10% slower
# (every extract is a full snapshot and the marts are rebuilt; docs/benchmarks.md)
MAX_INCREMENTAL_RATIO = 1.1


@dataclass(frozen=True)
class ScaleResult:
    scale: str
    population: int
    rows: int
    files: int
    input_bytes: int
    generation_seconds: float
    floor_seconds: float
    wall_seconds: float
    startup_seconds: float
    ingest_seconds: float
    dbt_seconds: float
    checks_seconds: float
    publish_seconds: float
    other_seconds: float
    peak_rss_bytes: int
    measured_on: str
    commit: str
    machine: str
    # the incremental month: one new extract on the warehouse the full rebuild left
    incremental_seconds: float | None = None
    incremental_peak_rss_bytes: int | None = None
    # the 903 export validated on the same files (validation_903): by csc-validator-be-903
    # (the runner's wall time), and by our own suite (the scorecard job on the set alone)
    validation_903_year: str | None = None
    validation_903_rows: int | None = None
    validator_903_seconds: float | None = None
    validator_903_rules_run: int | None = None
    validator_903_rules_failed: int | None = None
    validator_903_failing_rules: str | None = None  # their codes, space-separated
    validator_903_rules_crashed: int | None = None
    validator_903_error_rows: int | None = None
    validator_903_with_previous_year: bool | None = None
    validator_903_version: str | None = None
    own_903_wall_seconds: float | None = None
    own_903_ingest_seconds: float | None = None  # the raw__ssda903_* steps (format checks)
    own_903_dbt_seconds: float | None = None  # the dbt build and its tests
    own_903_checks_seconds: float | None = None  # the GX suites

    @property
    def own_903_dq_seconds(self) -> float | None:
        """Our data-quality suite on the 903 set: its file checks at ingest, dbt, GX."""
        parts = (self.own_903_ingest_seconds, self.own_903_dbt_seconds, self.own_903_checks_seconds)
        if any(part is None for part in parts):
            return None
        return sum(parts)

    @property
    def floor_ratio(self) -> float:
        return self.wall_seconds / self.floor_seconds if self.floor_seconds else float("inf")

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def incremental_ratio(self) -> float | None:
        if self.incremental_seconds is None or not self.wall_seconds:
            return None
        return self.incremental_seconds / self.wall_seconds

    def missed_targets(self) -> list[str]:
        """The issue's targets this result misses, in words."""
        missed = []
        ratio = self.incremental_ratio
        if ratio is not None and ratio > MAX_INCREMENTAL_RATIO:
            missed.append(f"incremental month {ratio:.2f}x the full rebuild (target <= 1.1x)")
        if self.floor_ratio > MAX_FLOOR_RATIO:
            missed.append(f"pipeline {self.floor_ratio:.1f}x the floor (target <= 3x)")
        if self.scale == "england":
            if self.wall_seconds > MAX_ENGLAND_SECONDS:
                missed.append(f"full rebuild {self.wall_seconds:.0f} s (target <= 600 s)")
            if self.peak_rss_bytes > MAX_ENGLAND_RSS_BYTES:
                missed.append(f"peak RSS {self.peak_rss_bytes / GIB:.1f} GiB (target <= 8 GiB)")
        if self.scale == "authority" and self.wall_seconds > MAX_AUTHORITY_SECONDS:
            missed.append(f"end to end {self.wall_seconds:.0f} s (target <= 60 s)")
        return missed


def machine_description() -> str:
    """Cores and memory of this machine, as the issue asks the figures to carry."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    system = f"{platform.system()} {platform.machine()}"
    return f"{os.cpu_count()} cores, {memory / GIB:.0f} GiB, {system}"


def current_commit() -> str:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return completed.stdout.strip()


def format_result(result: ScaleResult) -> str:
    """The figures of one scale as the terminal shows them."""
    lines = [
        f"{result.scale}: {result.population:,} children, {result.rows:,} rows in "
        f"{result.files} files ({result.input_bytes / 1024**2:,.0f} MiB)",
        f"  floor (DuckDB reads every file once + one aggregate): {result.floor_seconds:.1f} s",
        f"  pipeline: {result.wall_seconds:.1f} s wall, {result.floor_ratio:.1f}x the floor, "
        f"{result.rows_per_second:,.0f} rows/s, peak RSS {result.peak_rss_bytes / GIB:.2f} GiB",
        f"    start-up and run bookkeeping {result.startup_seconds:.1f} s, "
        f"ingest {result.ingest_seconds:.1f} s, dbt {result.dbt_seconds:.1f} s, "
        f"GX checks {result.checks_seconds:.1f} s, publish {result.publish_seconds:.1f} s, "
        f"other steps {result.other_seconds:.1f} s",
    ]
    if result.incremental_seconds is not None:
        lines.append(
            f"  incremental month (one new extract on the built warehouse): "
            f"{result.incremental_seconds:.1f} s, {result.incremental_ratio:.2f}x the full "
            f"rebuild, peak RSS {(result.incremental_peak_rss_bytes or 0) / GIB:.2f} GiB"
        )
    lines.extend(validation_903_lines(result))
    missed = result.missed_targets()
    lines.append("  targets: " + ("met" if not missed else "MISSED: " + "; ".join(missed)))
    return "\n".join(lines)


def validation_903_lines(result: ScaleResult) -> list[str]:
    """The 903 validation, both validators side by side; none when it was not measured."""
    if result.validator_903_seconds is None or result.own_903_dq_seconds is None:
        return []
    version = f" {result.validator_903_version}" if result.validator_903_version else ""
    previous = "with" if result.validator_903_with_previous_year else "without"
    failing = (
        f" (rules {result.validator_903_failing_rules})"
        if result.validator_903_failing_rules
        else ""
    )
    crashed = (
        f", {result.validator_903_rules_crashed} crashed"
        if result.validator_903_rules_crashed
        else ""
    )
    return [
        f"  903 validation of the {result.validation_903_year} set "
        f"({result.validation_903_rows or 0:,} rows), the same files both ways:",
        f"    csc-validator-be-903{version}: {result.validator_903_seconds:.1f} s "
        f"(the runner's wall time), {result.validator_903_rules_run} rules run, "
        f"{result.validator_903_rules_failed} reporting {result.validator_903_error_rows:,} "
        f"rows{failing}{crashed}, {previous} the previous year's set",
        f"    our data-quality suite: {result.own_903_dq_seconds:.1f} s = 903 file checks at "
        f"ingest (raw__ssda903_*) {result.own_903_ingest_seconds:.1f} s + dbt build and "
        f"tests {result.own_903_dbt_seconds:.1f} s + GX suites "
        f"{result.own_903_checks_seconds:.1f} s; the whole scorecard job on the set alone "
        f"{result.own_903_wall_seconds:.1f} s wall",
    ]


def load_results(path: Path = RESULTS_PATH) -> dict[str, ScaleResult]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: ScaleResult(**values) for name, values in raw.items()}


def save_results(results: dict[str, ScaleResult], path: Path = RESULTS_PATH) -> None:
    payload = {name: asdict(result) for name, result in results.items()}
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def results_table(results: dict[str, ScaleResult], order: list[str]) -> str:
    """The Markdown table of docs/benchmarks.md."""
    header = (
        "| scale | children | rows | floor s | pipeline s | x floor | rows/s | peak RSS GiB "
        "| start-up s | ingest s | dbt s | GX s | publish s | incremental month s "
        "| 903 validator s | 903 our DQ s | 903 our run s | targets | measured |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
        "|---:|---:|---:|---|---|"
    )
    rows = []
    for name in [name for name in order if name in results] + sorted(set(results) - set(order)):
        result = results[name]
        missed = result.missed_targets()
        targets = "met" if not missed else "missed: " + "; ".join(missed)
        incremental = (
            "not measured"
            if result.incremental_seconds is None
            else f"{result.incremental_seconds:.1f} ({result.incremental_ratio:.2f}x)"
        )
        rows.append(
            f"| {name} | {result.population:,} | {result.rows:,} | {result.floor_seconds:.1f} "
            f"| {result.wall_seconds:.1f} | {result.floor_ratio:.1f} "
            f"| {result.rows_per_second:,.0f} | {result.peak_rss_bytes / GIB:.2f} "
            f"| {result.startup_seconds:.1f} | {result.ingest_seconds:.1f} "
            f"| {result.dbt_seconds:.1f} | {result.checks_seconds:.1f} "
            f"| {result.publish_seconds:.1f} | {incremental} "
            f"| {_seconds(result.validator_903_seconds)} | {_seconds(result.own_903_dq_seconds)} "
            f"| {_seconds(result.own_903_wall_seconds)} | {targets} "
            f"| {result.measured_on}, {result.commit}, {result.machine} |"
        )
    return "\n".join([header, *rows])


def _seconds(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1f}"


def write_report(
    results: dict[str, ScaleResult], order: list[str], path: Path = REPORT_PATH
) -> None:
    """Rewrite the results table between the markers of docs/benchmarks.md."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"{path} lacks the markers {TABLE_START} ... {TABLE_END}")
    table = results_table(results, order)
    updated = text[: start + len(TABLE_START)] + "\n" + table + "\n" + text[end:]
    path.write_text(updated, encoding="utf-8")
