"""Generate a synthetic authority: extracts for both systems, population, ground truth.

The population is simulated in independent chunks, each with its own seed derived from
(seed, chunk index) and its own range of record keys. A chunk is simulated, its truth
counted, its rows rendered for each system, damaged by the configured defects (successor
only) and streamed to headerless part files; only counts go back to the parent. Chunks
run in a small process pool; the parent adds the counts and, at the end, concatenates
the parts in chunk order behind each file's header, so the bytes do not depend on the
number of workers and memory stays bounded (one chunk per worker) whatever the
population. Everything is written to a temporary folder that replaces the landing folder
at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import logging
import multiprocessing
import os
import resource
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orchestration.synthetic.context import BURN_IN_YEARS, RunContext
from orchestration.synthetic.dates import day, iso_text, report_months, to_date
from orchestration.synthetic.defects import DEFECT_COLUMNS, DefectContext, DefectInjector
from orchestration.synthetic.extracts import (
    PartWriter,
    Renderer,
    SystemView,
    assemble_extract,
    professionals,
)
from orchestration.synthetic.model import ChunkState
from orchestration.synthetic.settings import (
    GENERATOR_VERSION,
    GenerationSummary,
    GeneratorSettings,
)
from orchestration.synthetic.simulate import Simulator
from orchestration.synthetic.truth import TruthAccumulator, TruthParts, write_truth

log = logging.getLogger(__name__)

POPULATION_COLUMNS = ("la_code", "year", "mid_year_date", "population_0_17")


class LandingError(RuntimeError):
    """The landing folder cannot be replaced safely."""


def chunk_sizes(population: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """(chunk index, children in the chunk) covering the whole population."""
    index, remaining = 0, population
    while remaining > 0:
        size = min(chunk_size, remaining)
        yield index, size
        index, remaining = index + 1, remaining - size


def mid_years(settings: GeneratorSettings) -> list[dt.date]:
    """30 June of each year from the year before history start to the as-of date."""
    first = settings.history_start.year - 1
    return [
        dt.date(year, 6, 30)
        for year in range(first, settings.as_of_date.year + 1)
        if dt.date(year, 6, 30) <= settings.as_of_date
    ]


def _views(settings: GeneratorSettings, ctx: RunContext) -> tuple[SystemView, SystemView]:
    legacy = SystemView(
        settings.legacy.name, True, ctx.legacy_end, ctx.legacy_end, ctx.legacy_codes
    )
    successor = SystemView(
        settings.successor.name, False, ctx.end, ctx.legacy_end, ctx.successor_codes
    )
    return legacy, successor


def default_workers() -> int:
    """Worker processes to use: up to two, as many as there are CPUs."""
    return max(1, min(2, os.cpu_count() or 1))


def generate(
    settings: GeneratorSettings, landing_dir: Path, workers: int | None = None
) -> GenerationSummary:
    """Write a synthetic authority to ``landing_dir`` (replacing an earlier output).

    ``workers`` processes simulate chunks in parallel (default: up to two); the output
    does not depend on it.
    """
    started = time.perf_counter()
    landing_dir = Path(landing_dir).resolve()
    _check_replaceable(landing_dir)
    staging = landing_dir.with_name(f".{landing_dir.name}.partial-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        summary = _generate_into(
            settings, staging, landing_dir, started, workers or default_workers()
        )
        _replace(staging, landing_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    log.info(
        "synthetic authority written to %s: population %d, seed %d, %d chunk(s), "
        "%d rows, %d defect rows, %.1fs, peak RSS %.0f MB (largest worker %.0f MB)",
        landing_dir,
        summary.population,
        summary.seed,
        summary.chunks,
        summary.total_rows,
        summary.defect_rows,
        summary.seconds,
        peak_mb,
        children_mb,
    )
    return summary


@dataclass
class ChunkResult:
    """What a chunk sends back: counts only (its rows are in part files)."""

    index: int
    population: list[int]
    truth: TruthParts
    caseloads: dict[str, dict[int, int]]
    row_counts: dict[str, dict[str, int]]
    persons: dict[str, int]
    defect_rows: int


@dataclass
class _ChunkJob:
    settings: GeneratorSettings
    parts_dir: Path
    index: int
    size: int


_CONTEXT_CACHE: dict[tuple, RunContext] = {}


def _context_for(settings: GeneratorSettings) -> RunContext:
    """The run context, built once per process (it depends only on these settings)."""
    key = (
        settings.la_code,
        settings.seed,
        settings.population,
        settings.as_of_date,
        settings.legacy,
        settings.successor,
        settings.history_start,
    )
    if key not in _CONTEXT_CACHE:
        _CONTEXT_CACHE.clear()
        _CONTEXT_CACHE[key] = RunContext.build(settings)
    return _CONTEXT_CACHE[key]


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: a chunk allocates millions of small acyclic
    objects (freed by reference counting) and repeated full collections cost a third of
    the run time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_chunk(job: _ChunkJob) -> ChunkResult:
    """Simulate one chunk, add up its truth, render and damage its rows, write parts."""
    with _no_cyclic_gc():
        return _run_chunk(job)


def _run_chunk(job: _ChunkJob) -> ChunkResult:
    settings = job.settings
    ctx = _context_for(settings)
    views = _views(settings, ctx)
    simulator = Simulator(ctx, job.index, job.size)
    state = simulator.run()
    truth = TruthAccumulator(
        report_months(settings.history_start, settings.as_of_date), ctx.calendar, ctx.workforce
    )
    truth.add_chunk(state)
    chunk_dir = job.parts_dir / f"chunk-{job.index:06d}"
    caseloads, row_counts, persons, defect_rows = {}, {}, {}, 0
    chunk_dir.mkdir(parents=True, exist_ok=True)
    with (chunk_dir / "defects.csv").open("w", encoding="utf-8", newline="") as defects_file:
        defects_writer = csv.writer(defects_file, lineterminator="\n")
        for view in views:
            caseloads[view.name] = _caseloads(state, view.extract_date)
            tables = Renderer(view, state, ctx.workforce).render()
            if not view.is_legacy and not settings.is_clean:
                injector = DefectInjector(
                    DefectContext(
                        view,
                        state,
                        job.index,
                        settings.seed,
                        ctx.cutover,
                        ctx.legacy_end,
                        ctx.calendar.add_months,
                    ),
                    settings.defect_rates,
                )
                for record in injector.apply(tables):
                    defects_writer.writerow(record)
                    defect_rows += 1
            persons[view.name] = len(tables["ssd_person"].rows)
            writer = PartWriter(chunk_dir / view.name, view)
            for rows in tables.values():
                writer.write(rows)
            row_counts[view.name] = writer.close()
    return ChunkResult(
        index=job.index,
        population=simulator.population_counts([day(when) for when in mid_years(settings)]),
        truth=truth.parts(),
        caseloads=caseloads,
        row_counts=row_counts,
        persons=persons,
        defect_rows=defect_rows,
    )


def _run_chunks(jobs: list[_ChunkJob], workers: int) -> Iterator[ChunkResult]:
    """Chunk results in chunk order, from a process pool when ``workers`` > 1."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(run_chunk, jobs)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes=min(workers, len(jobs)), maxtasksperchild=8) as pool:
        yield from pool.imap(run_chunk, jobs)


def _generate_into(
    settings: GeneratorSettings,
    staging: Path,
    landing_dir: Path,
    started: float,
    workers: int,
) -> GenerationSummary:
    ctx = _context_for(settings)
    views = _views(settings, ctx)
    parts_dir = staging / "_parts"
    months = report_months(settings.history_start, settings.as_of_date)
    truth = TruthAccumulator(months, ctx.calendar, ctx.workforce)
    mid_year_dates = mid_years(settings)
    population = [0] * len(mid_year_dates)
    caseloads = {view.name: [0] * len(ctx.workforce.workers) for view in views}
    persons = dict.fromkeys((view.name for view in views), 0)
    row_counts: dict[str, dict[str, int]] = {view.name: {} for view in views}
    defect_rows = 0
    jobs = [
        _ChunkJob(settings, parts_dir, index, size)
        for index, size in chunk_sizes(settings.population, settings.chunk_size)
    ]
    for result in _run_chunks(jobs, workers):
        population = [a + b for a, b in zip(population, result.population, strict=True)]
        truth.merge(result.truth)
        defect_rows += result.defect_rows
        for view in views:
            persons[view.name] += result.persons[view.name]
            for worker, count in result.caseloads[view.name].items():
                caseloads[view.name][worker] += count
            for table, count in result.row_counts[view.name].items():
                row_counts[view.name][table] = row_counts[view.name].get(table, 0) + count
        log.debug("chunk %d done after %.1fs", result.index, time.perf_counter() - started)
    chunk_dirs = [parts_dir / f"chunk-{job.index:06d}" for job in jobs]
    for view in views:
        staff = PartWriter(parts_dir / "staff" / view.name, view)
        staff.write(professionals(view, ctx.workforce, caseloads[view.name]))
        row_counts[view.name].update(staff.close())
        extract = staging / view.name / iso_text(view.extract_date)
        assemble_extract(
            extract, view, [chunk / view.name for chunk in chunk_dirs] + [staff.folder]
        )
        for table in (staging / view.name / iso_text(view.extract_date)).glob("ssd_*.csv"):
            row_counts[view.name].setdefault(table.stem, 0)
    truth_dir = staging / "_truth"
    truth_dir.mkdir()
    _assemble_defects(truth_dir / "defects.csv", chunk_dirs)
    shutil.rmtree(parts_dir)
    _write_population(staging, settings.la_code, mid_year_dates, population)
    population_rows = [
        (day(when), count) for when, count in zip(mid_year_dates, population, strict=True)
    ]
    truth_rows = write_truth(truth_dir / "indicators.csv", truth.rows(population_rows))
    counts = {
        f"{view.name}/{iso_text(view.extract_date)}": dict(sorted(row_counts[view.name].items()))
        for view in views
    }
    _write_manifest(
        truth_dir / "manifest.json",
        settings,
        ctx,
        len(jobs),
        counts,
        persons,
        {
            "_reference/population_0_17.csv": len(population),
            "_truth/indicators.csv": truth_rows,
            "_truth/defects.csv": defect_rows,
        },
    )
    return GenerationSummary(
        landing_dir=landing_dir,
        population=settings.population,
        seed=settings.seed,
        chunks=len(jobs),
        persons=persons,
        row_counts=counts,
        defect_rows=defect_rows,
        seconds=time.perf_counter() - started,
    )


def _caseloads(state: ChunkState, on: int) -> dict[int, int]:
    """Open involvements per worker on one day."""
    counts: dict[int, int] = {}
    for involvement in state.involvements:
        if involvement.start <= on and (involvement.end is None or involvement.end > on):
            counts[involvement.worker] = counts.get(involvement.worker, 0) + 1
    return counts


def _assemble_defects(path: Path, chunk_dirs: list[Path]) -> None:
    with path.open("wb") as target:
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(DEFECT_COLUMNS)
        target.write(header.getvalue().encode("utf-8"))
        for chunk in chunk_dirs:
            with (chunk / "defects.csv").open("rb") as handle:
                shutil.copyfileobj(handle, target, 1 << 20)


def _write_population(
    staging: Path, la_code: str, mid_year_dates: list[dt.date], population: list[int]
) -> None:
    folder = staging / "_reference"
    folder.mkdir()
    with (folder / "population_0_17.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(POPULATION_COLUMNS)
        for when, count in zip(mid_year_dates, population, strict=True):
            writer.writerow((la_code, when.year, when.isoformat(), count))


def _write_manifest(
    path: Path,
    settings: GeneratorSettings,
    ctx: RunContext,
    chunks: int,
    row_counts: dict[str, dict[str, int]],
    persons: dict[str, int],
    other_files: dict[str, int],
) -> None:
    manifest = {
        "generator": "orchestration.synthetic",
        "generator_version": GENERATOR_VERSION,
        "seed": settings.seed,
        "population": settings.population,
        "chunk_size": settings.chunk_size,
        "chunks": chunks,
        "la_code": settings.la_code,
        "as_of_date": settings.as_of_date.isoformat(),
        "history_start": settings.history_start.isoformat(),
        "simulation_start": to_date(ctx.sim_start).isoformat(),
        "burn_in_years": BURN_IN_YEARS,
        "cutover_date": settings.cutover_date.isoformat(),
        "systems": [
            {
                "name": system.name,
                "role": role,
                "live_from": system.live_from.isoformat(),
                "live_to": system.live_to.isoformat() if system.live_to else None,
                "extract_date": extract.isoformat(),
            }
            for system, role, extract in (
                (settings.legacy, "legacy", settings.legacy_extract_date),
                (settings.successor, "successor", settings.as_of_date),
            )
        ],
        "clean": settings.is_clean,
        "defect_rates": settings.defect_rates,
        "persons": persons,
        "row_counts": {
            f"{extract}/{table}.csv": count
            for extract, tables in row_counts.items()
            for table, count in tables.items()
        }
        | other_files,
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _check_replaceable(landing_dir: Path) -> None:
    """Refuse to replace a non-empty folder that is not an earlier generator output."""
    if not landing_dir.exists():
        return
    if not landing_dir.is_dir():
        raise LandingError(f"{landing_dir} exists and is not a folder")
    if any(landing_dir.iterdir()) and not (landing_dir / "_truth" / "manifest.json").is_file():
        raise LandingError(
            f"{landing_dir} is not empty and holds no _truth/manifest.json: refusing to "
            "replace a folder the generator did not write"
        )


def _replace(staging: Path, landing_dir: Path) -> None:
    """Swap the finished staging folder into place (old output removed afterwards)."""
    landing_dir.parent.mkdir(parents=True, exist_ok=True)
    if landing_dir.exists():
        retired = landing_dir.with_name(f".{landing_dir.name}.old-{os.getpid()}")
        landing_dir.rename(retired)
        staging.rename(landing_dir)
        shutil.rmtree(retired)
    else:
        staging.rename(landing_dir)
