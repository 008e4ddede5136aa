"""``python -m orchestration.bench [--scales authority region england]`` (``make bench``)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from orchestration.bench.datasets import ensure_dataset, reset_outputs
from orchestration.bench.disk import GIB, DiskSpaceError, require_free_space, run_disk_need
from orchestration.bench.floor import Floor, extract_files, measure_floor
from orchestration.bench.incremental import ensure_next_month, next_month_added
from orchestration.bench.pipeline_run import PipelineRunError, run_job
from orchestration.bench.report import (
    ScaleResult,
    current_commit,
    format_result,
    load_results,
    machine_description,
    save_results,
    write_report,
)
from orchestration.bench.scales import SCALES, scale_named
from orchestration.bench.validation_903 import (
    VALIDATION_DIR,
    measure_903_validation,
    scale_result_fields,
)
from orchestration.lib.config import PROJECT_ROOT

log = logging.getLogger("orchestration.bench")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m orchestration.bench", description=__doc__)
    parser.add_argument(
        "--scales",
        nargs="+",
        default=list(SCALES),
        metavar="SCALE",
        help=f"scales to measure: {', '.join(SCALES)} or custom-<children> (default: all three)",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=PROJECT_ROOT / "var" / "bench",
        help="where generated datasets are kept between runs (default: var/bench)",
    )
    parser.add_argument("--workers", type=int, help="generator processes (default: up to 2)")
    parser.add_argument(
        "--no-incremental",
        action="store_true",
        help="skip the incremental month (one new extract on the built warehouse)",
    )
    parser.add_argument(
        "--no-validation",
        action="store_true",
        help="skip the 903 validation (csc-validator-be-903 and our own suite on the run's "
        "SSDA903 set)",
    )
    parser.add_argument(
        "--floor-only",
        action="store_true",
        help="make (or reuse) each scale's dataset and measure its floor only: no pipeline "
        "run, nothing recorded",
    )
    parser.add_argument(
        "--no-report",
        action="store_true",
        help="print the figures only; leave docs/benchmarks.md and .json as they are",
    )
    return parser


def format_floor(scale: str, floor: Floor, making_seconds: float) -> str:
    return (
        f"{scale}: floor {floor.seconds:.1f} s over {floor.rows:,} rows in {floor.files} files "
        f"({floor.input_bytes / GIB:.1f} GiB); the dataset took {making_seconds:.1f} s to make"
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    # Dagster stamps each event-log database it opens with alembic, which logs at INFO.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        scales = [scale_named(name) for name in args.scales]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    results = load_results()
    machine, commit = machine_description(), current_commit()
    failed = False
    for scale in scales:
        try:
            dataset = ensure_dataset(scale, args.cache_dir, workers=args.workers)
        except DiskSpaceError as exc:
            print(f"{scale.name}: {exc}", file=sys.stderr)
            failed = True
            continue
        if not args.floor_only:
            reset_outputs(dataset)
            input_bytes = sum(path.stat().st_size for path in extract_files(dataset.landing_dir))
            try:
                require_free_space(
                    dataset.folder,
                    run_disk_need(input_bytes),
                    f"a run and its incremental month on {input_bytes / GIB:.1f} GiB of CSV",
                )
            except DiskSpaceError as exc:
                print(f"{scale.name}: {exc}; the run was not started", file=sys.stderr)
                failed = True
                continue
        floor = measure_floor(dataset.landing_dir)
        if args.floor_only:
            print(format_floor(scale.name, floor, dataset.generation_seconds), flush=True)
            continue
        try:
            run = run_job(dataset.config_path, dataset.dagster_home, log_path=dataset.run_log)
        except PipelineRunError as exc:
            print(f"{scale.name}: {exc}", file=sys.stderr)
            failed = True
            continue
        # before the incremental month, which writes the 903 set again from its warehouse
        validation: dict[str, object] = {}
        if not args.no_validation:
            try:
                validation = scale_result_fields(
                    measure_903_validation(dataset.config_path, dataset.folder / VALIDATION_DIR)
                )
            except PipelineRunError as exc:
                print(f"{scale.name} (903 validation): {exc}", file=sys.stderr)
                failed = True
        incremental = None
        if not args.no_incremental:
            next_landing, next_as_of = ensure_next_month(dataset)
            try:
                with next_month_added(dataset, next_landing, next_as_of) as next_config:
                    incremental = run_job(
                        next_config,
                        dataset.dagster_home,
                        log_path=dataset.folder / "pipeline.next_month.log",
                    )
            except PipelineRunError as exc:
                print(f"{scale.name} (incremental month): {exc}", file=sys.stderr)
                failed = True
        result = ScaleResult(
            scale=scale.name,
            population=scale.population,
            rows=floor.rows,
            files=floor.files,
            input_bytes=floor.input_bytes,
            generation_seconds=dataset.generation_seconds,
            floor_seconds=round(floor.seconds, 2),
            wall_seconds=round(run.wall_seconds, 2),
            startup_seconds=round(run.startup_seconds, 2),
            ingest_seconds=round(run.stage_seconds["ingest"], 2),
            dbt_seconds=round(run.stage_seconds["dbt"], 2),
            checks_seconds=round(run.stage_seconds["checks"], 2),
            publish_seconds=round(run.stage_seconds["publish"], 2),
            other_seconds=round(run.stage_seconds["other"], 2),
            peak_rss_bytes=run.peak_rss_bytes,
            measured_on=dt.date.today().isoformat(),
            commit=commit,
            machine=machine,
            incremental_seconds=round(incremental.wall_seconds, 2) if incremental else None,
            incremental_peak_rss_bytes=incremental.peak_rss_bytes if incremental else None,
            **validation,
        )
        print(format_result(result), flush=True)
        results[scale.name] = result
        if not args.no_report:
            save_results(results)
            write_report(results, list(SCALES))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
