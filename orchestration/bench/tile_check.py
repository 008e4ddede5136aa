"""``python -m orchestration.bench.tile_check``: do N tiles of an authority count N times it?

The check that the tiles (``tiles.py``) are independent copies: it runs the ``scorecard``
job on a small generated authority and on its tiles, then compares the published marts.
Every scorecard row's numerator and denominator must be the tiles' number times the
authority's (within a float's rounding, for sums of full-time equivalents), and every
data-quality finding's child and record counts likewise. A tile that shared a child, a
record or a worker with another, or whose links broke, would show here as a count that is
not a multiple. Only counts per indicator or finding are printed, never a record.

It runs two jobs, about a minute each at the default size, so it is not part of
``make test``; run it after changing ``tiles.py``.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from pathlib import Path

import duckdb

from orchestration.bench.datasets import ensure_dataset, reset_outputs
from orchestration.bench.pipeline_run import PipelineRunError, run_job
from orchestration.bench.scales import Scale
from orchestration.lib.config import PROJECT_ROOT, load_config

# numerators and denominators are counts or sums of full-time equivalents (one decimal)
TOLERANCE = 1e-6

SCORECARD_MISMATCHES = """
select
    coalesce(one.indicator_code, tiled.indicator_code) as indicator_code,
    count(*) as mismatched_rows
from one.marts.fct_scorecard_monthly as one
full join tiled.marts.fct_scorecard_monthly as tiled
    using (indicator_code, period_end, breakdown, breakdown_value)
where
    one.indicator_code is null
    or tiled.indicator_code is null
    or (one.numerator is null) <> (tiled.numerator is null)
    or (one.denominator is null) <> (tiled.denominator is null)
    or abs(tiled.numerator - $tiles * one.numerator)
        > $tolerance * greatest(1, abs(tiled.numerator))
    or abs(tiled.denominator - $tiles * one.denominator)
        > $tolerance * greatest(1, abs(tiled.denominator))
group by 1
order by 1
"""

FINDING_MISMATCHES = """
select
    coalesce(one.defect_kind, tiled.defect_kind) as defect_kind,
    coalesce(one.table_name, tiled.table_name) as table_name,
    count(*) as mismatched_findings
from one.marts.dq_findings as one
full join tiled.marts.dq_findings as tiled
    using (defect_kind, source_system, table_name)
where
    tiled.child_count is distinct from $tiles * one.child_count
    or tiled.record_count is distinct from $tiles * one.record_count
group by 1, 2
order by 1, 2
"""


def mismatches(one: Path, tiled: Path, tiles: int) -> tuple[list[tuple], list[tuple], int]:
    """Scorecard indicators and findings whose counts are not ``tiles`` times the authority's,
    and how many scorecard rows were compared."""
    with closing(duckdb.connect()) as connection:
        connection.execute(f"attach '{_sql_text(one)}' as one (read_only)")
        connection.execute(f"attach '{_sql_text(tiled)}' as tiled (read_only)")
        parameters = {"tiles": tiles, "tolerance": TOLERANCE}
        scorecard = connection.execute(SCORECARD_MISMATCHES, parameters).fetchall()
        findings = connection.execute(FINDING_MISMATCHES, {"tiles": tiles}).fetchall()
        (rows,) = connection.execute(
            "select count(*) from one.marts.fct_scorecard_monthly"
        ).fetchone()
    return scorecard, findings, int(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.bench.tile_check", description=__doc__
    )
    parser.add_argument("--population", type=int, default=15_000, help="children in the authority")
    parser.add_argument("--tiles", type=int, default=3, help="tiles to compare it with")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=PROJECT_ROOT / "var" / "bench" / "tile_check",
        help="where the two datasets and their warehouses are kept",
    )
    args = parser.parse_args(argv)
    one_scale = Scale(f"custom-{args.population}", args.population, "the authority")
    tiled_scale = Scale(
        f"tiles-{args.tiles}-of-{args.population}",
        args.population * args.tiles,
        "its tiles",
        tile_of=one_scale.name,
        tiles=args.tiles,
    )
    warehouses = []
    for scale in (one_scale, tiled_scale):
        dataset = ensure_dataset(scale, args.cache_dir)
        reset_outputs(dataset)
        try:
            run = run_job(dataset.config_path, dataset.dagster_home, log_path=dataset.run_log)
        except PipelineRunError as exc:
            print(f"{scale.name}: {exc}", file=sys.stderr)
            return 1
        print(f"{scale.name}: {dataset.total_rows:,} rows, run {run.wall_seconds:.1f} s")
        warehouses.append(load_config(dataset.config_path).warehouse_path)
    scorecard, findings, rows = mismatches(warehouses[0], warehouses[1], args.tiles)
    for indicator, count in scorecard:
        print(f"scorecard {indicator}: {count} rows are not {args.tiles} times the authority's")
    for kind, table, count in findings:
        print(f"finding {kind} on {table}: {count} not {args.tiles} times the authority's")
    if scorecard or findings:
        return 1
    print(f"all {rows:,} scorecard rows and every finding count {args.tiles} times the authority's")
    return 0


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


if __name__ == "__main__":
    raise SystemExit(main())
