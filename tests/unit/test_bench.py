"""``make bench`` (orchestration/bench): stages, peak memory, the floor, caching, the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.bench import datasets
from orchestration.bench.floor import extract_files, measure_floor
from orchestration.bench.incremental import new_extract_folders, next_month_added, next_month_end
from orchestration.bench.pipeline_run import (
    STAGES,
    PeakRssSampler,
    durations,
    stage_of,
    stage_totals,
)
from orchestration.bench.report import (
    GIB,
    TABLE_END,
    TABLE_START,
    ScaleResult,
    load_results,
    save_results,
    write_report,
)
from orchestration.bench.scales import SCALES, scale_named
from orchestration.lib.config import load_config

RESULT = ScaleResult(
    scale="authority",
    population=70_000,
    rows=1_800_000,
    files=40,
    input_bytes=200 * 1024**2,
    generation_seconds=30.0,
    floor_seconds=20.0,
    wall_seconds=45.0,
    startup_seconds=8.0,
    ingest_seconds=10.0,
    dbt_seconds=20.0,
    checks_seconds=5.0,
    publish_seconds=2.0,
    other_seconds=0.0,
    peak_rss_bytes=2 * GIB,
    measured_on="2026-12-01",
    commit="abc1234",
    machine="2 cores, 24 GiB, Linux x86_64",
)


def test_the_three_scales_of_the_issue() -> None:
    assert {name: scale.population for name, scale in SCALES.items()} == {
        "authority": 70_000,
        "region": 2_000_000,
        "england": 12_200_000,
    }
    assert scale_named("custom-1500").population == 1500
    with pytest.raises(ValueError, match="unknown scale"):
        scale_named("county")


def test_every_step_of_the_job_has_a_stage() -> None:
    from orchestration.definitions import defs

    steps = [node.name for node in defs.resolve_job_def("scorecard").graph.nodes]
    assert {step: stage_of(step) for step in steps if stage_of(step) == "other"} == {}
    assert stage_of("raw__ssd_person") == "ingest"
    assert stage_of("scorecard_dbt_models") == "dbt"
    assert stage_of("staging_gx_suites") == "checks"
    assert stage_of("publish__bi_file") == "publish"
    assert stage_of("returns__ssda903") == "publish"


def test_stage_totals_add_the_steps_of_each_stage() -> None:
    totals = stage_totals({"raw__a": 1.5, "raw__b": 2.0, "scorecard_dbt_models": 30.0})
    assert set(totals) == set(STAGES)
    assert totals["ingest"] == pytest.approx(3.5)
    assert totals["dbt"] == pytest.approx(30.0)
    assert totals["publish"] == 0.0


def test_durations_skip_steps_that_never_ended() -> None:
    @dataclasses.dataclass
    class Stats:
        step_key: str
        start_time: float | None
        end_time: float | None

    stats = [Stats("raw__a", 100.0, 102.5), Stats("raw__b", 100.0, None)]
    assert durations(stats) == {"raw__a": pytest.approx(2.5)}


def test_peak_rss_counts_the_processes_a_run_starts() -> None:
    # a parent that starts a child holding 200 MB: the peak is the family's, not the parent's
    script = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        '"import time; block = bytearray(200 * 1024 * 1024); time.sleep(1.5)"])'
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    with PeakRssSampler(process.pid, interval=0.05) as sampler:
        process.wait()
    assert sampler.peak_bytes >= 200 * 1024 * 1024


def test_the_floor_reads_every_extract_and_nothing_else(tmp_path: Path) -> None:
    extract = tmp_path / "landing" / "liquid_logic" / "2026-10-31"
    extract.mkdir(parents=True)
    (extract / "ssd_person.csv").write_text("pers_person_id,pers_sex\n1,M\n2,F\n3,F\n")
    (extract / "ssd_cla_episodes.csv").write_text("clae_cla_id,clae_person_id\n10,1\n")
    truth = tmp_path / "landing" / "_truth"
    truth.mkdir()
    (truth / "defects.csv").write_text("kind\nx\ny\n")
    assert [path.name for path in extract_files(tmp_path / "landing")] == [
        "ssd_cla_episodes.csv",
        "ssd_person.csv",
    ]
    floor = measure_floor(tmp_path / "landing")
    assert (floor.files, floor.rows) == (2, 4)
    assert floor.seconds > 0


def test_the_floor_needs_extracts(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no extract CSV"):
        measure_floor(tmp_path)


def test_a_dataset_is_generated_once_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scale = scale_named("custom-150")
    first = datasets.ensure_dataset(scale, tmp_path, workers=1)
    assert not first.reused
    assert first.total_rows > 0
    assert extract_files(first.landing_dir)

    def no_generation(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached dataset should have been reused")

    monkeypatch.setattr("orchestration.synthetic.generate", no_generation)
    second = datasets.ensure_dataset(scale, tmp_path, workers=1)
    assert second.reused
    assert second.total_rows == first.total_rows


def test_the_cache_key_follows_population_and_generator() -> None:
    assert datasets.fingerprint(100) != datasets.fingerprint(101)
    assert datasets.fingerprint(100) == datasets.fingerprint(100)


def test_reset_removes_the_last_runs_warehouse_and_outputs(tmp_path: Path) -> None:
    dataset = datasets.ensure_dataset(scale_named("custom-150"), tmp_path, workers=1)
    (dataset.folder / "warehouse.duckdb").write_text("x")
    (dataset.folder / "warehouse.work.duckdb").write_text("x")
    (dataset.folder / "output" / "bi").mkdir(parents=True)
    datasets.reset_outputs(dataset)
    assert not list(dataset.folder.glob("warehouse*"))
    assert not (dataset.folder / "output").exists()
    assert dataset.landing_dir.is_dir()


def test_missed_targets_name_the_target() -> None:
    assert RESULT.missed_targets() == []
    slow = dataclasses.replace(RESULT, wall_seconds=90.0)
    assert slow.missed_targets() == [
        "pipeline 4.5x the floor (target <= 3x)",
        "end to end 90 s (target <= 60 s)",
    ]
    england = dataclasses.replace(
        RESULT, scale="england", wall_seconds=700.0, floor_seconds=300.0, peak_rss_bytes=9 * GIB
    )
    assert england.missed_targets() == [
        "full rebuild 700 s (target <= 600 s)",
        "peak RSS 9.0 GiB (target <= 8 GiB)",
    ]


def test_the_report_keeps_the_prose_and_other_scales(tmp_path: Path) -> None:
    results_path, report_path = tmp_path / "benchmarks.json", tmp_path / "benchmarks.md"
    report_path.write_text(f"# Benchmarks\n\nprose\n\n{TABLE_START}\nold\n{TABLE_END}\n\nmore\n")
    region = dataclasses.replace(RESULT, scale="region", population=2_000_000)
    save_results({"region": region, "authority": RESULT}, results_path)
    results = load_results(results_path)
    assert results["region"] == region
    write_report(results, list(SCALES), report_path)
    text = report_path.read_text()
    assert text.startswith("# Benchmarks\n\nprose\n\n")
    assert text.rstrip().endswith("more")
    assert "old" not in text
    table = text[text.index(TABLE_START) : text.index(TABLE_END)]
    assert table.index("| authority |") < table.index("| region |")
    assert "| 70,000 |" in table


def test_the_report_needs_its_markers(tmp_path: Path) -> None:
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n")
    with pytest.raises(ValueError, match="markers"):
        write_report({"authority": RESULT}, list(SCALES), path)


def test_next_month_end() -> None:
    assert next_month_end(dt.date(2026, 10, 31)) == dt.date(2026, 11, 30)
    assert next_month_end(dt.date(2026, 12, 31)) == dt.date(2027, 1, 31)
    assert next_month_end(dt.date(2028, 1, 31)) == dt.date(2028, 2, 29)


def test_the_next_month_adds_only_new_extracts_and_takes_them_away(tmp_path: Path) -> None:
    dataset = datasets.ensure_dataset(scale_named("custom-150"), tmp_path, workers=1)
    base_folders = sorted(path for path in dataset.landing_dir.glob("*/*") if path.is_dir())
    next_landing = tmp_path / "next" / "landing"
    for folder in base_folders:  # the legacy extract and the live system's, re-delivered
        shutil.copytree(folder, next_landing / folder.parent.name / folder.name)
    new = next_landing / "liquid_logic" / "2026-11-30"
    new.mkdir(parents=True)
    (new / "ssd_person.csv").write_text("pers_person_id\n1\n")
    assert new_extract_folders(dataset.landing_dir, next_landing) == [new]

    with next_month_added(dataset, next_landing, dt.date(2026, 11, 30)) as config_path:
        assert (dataset.landing_dir / "liquid_logic" / "2026-11-30" / "ssd_person.csv").exists()
        config = load_config(config_path)
        assert config.as_of_date == dt.date(2026, 11, 30)
        assert config.landing_dir == dataset.landing_dir
    assert not (dataset.landing_dir / "liquid_logic" / "2026-11-30").exists()
    assert sorted(p for p in dataset.landing_dir.glob("*/*") if p.is_dir()) == base_folders


def test_a_next_month_that_adds_nothing_is_refused(tmp_path: Path) -> None:
    dataset = datasets.ensure_dataset(scale_named("custom-150"), tmp_path, workers=1)
    with (
        pytest.raises(RuntimeError, match="adds no extract"),
        next_month_added(dataset, dataset.landing_dir, dt.date(2026, 11, 30)),
    ):
        pass


def test_a_slow_incremental_month_misses_its_target() -> None:
    fine = dataclasses.replace(RESULT, incremental_seconds=47.0)
    assert fine.missed_targets() == []
    slow = dataclasses.replace(RESULT, incremental_seconds=50.0)
    assert slow.missed_targets() == ["incremental month 1.11x the full rebuild (target <= 1.1x)"]


def test_the_floor_reads_a_windows_1252_legacy_extract(tmp_path: Path) -> None:
    extract = tmp_path / "landing" / "carefirst" / "2021-06-30"
    extract.mkdir(parents=True)
    (extract / "ssd_person.csv").write_bytes(
        "pers_person_id,pers_forename\n1,Zoë\n".encode("cp1252")
    )
    assert measure_floor(tmp_path / "landing").rows == 1
