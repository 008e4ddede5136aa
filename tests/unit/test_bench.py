"""``make bench`` (orchestration/bench): stages, peak memory, the floor, caching, the report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.bench import datasets, validation_903
from orchestration.bench.__main__ import build_parser
from orchestration.bench.floor import extract_files, measure_floor
from orchestration.bench.incremental import (
    ensure_next_month,
    latest_extract_folder,
    new_extract_folders,
    next_month_added,
    next_month_end,
)
from orchestration.bench.pipeline_run import (
    STAGES,
    PeakRssSampler,
    PipelineRun,
    durations,
    stage_of,
    stage_totals,
)
from orchestration.bench.report import (
    GIB,
    TABLE_END,
    TABLE_START,
    ScaleResult,
    format_result,
    load_results,
    save_results,
    write_report,
)
from orchestration.bench.scales import SCALES, scale_named
from orchestration.evaluation.authority_runs import write_config
from orchestration.lib.config import load_config
from orchestration.lib.landing import COMPLETE_MARKER
from orchestration.lib.returns.ssda903_files import FILES, CollectionYear

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
        "england": 12_180_000,  # 174 tiles of authority (tests/unit/test_bench_tiles.py)
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


def test_the_next_month_redelivers_the_live_extract_of_the_same_authority(
    tmp_path: Path,
) -> None:
    dataset = datasets.ensure_dataset(scale_named("custom-150"), tmp_path, workers=1)
    live = latest_extract_folder(dataset.landing_dir)
    assert live.parent.name == "liquid_logic"  # the successor system, not the legacy one

    next_landing, as_of = ensure_next_month(dataset)

    assert as_of == next_month_end(load_config(dataset.config_path).as_of_date)
    (new,) = new_extract_folders(dataset.landing_dir, next_landing)
    assert new == next_landing / "liquid_logic" / as_of.isoformat()
    files = sorted(path.name for path in live.iterdir())
    assert sorted(path.name for path in new.iterdir()) == files
    for name in files:  # the same bytes, linked rather than copied
        assert (new / name).read_bytes() == (live / name).read_bytes()
        assert (new / name).stat().st_ino == (live / name).stat().st_ino
    with next_month_added(dataset, next_landing, as_of):
        added = dataset.landing_dir / "liquid_logic" / as_of.isoformat()
        assert sorted(path.name for path in added.iterdir()) == files
    assert not added.exists()
    assert all((live / name).exists() for name in files)


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


def _write_return_set(folder: Path) -> None:
    folder.mkdir(parents=True)
    for stem, columns in FILES.items():
        (folder / f"{stem}.csv").write_text(",".join(columns) + "\n" + ",".join(columns) + "\n")


def test_the_903_only_config_points_at_the_exported_files(tmp_path: Path) -> None:
    original = load_config(write_config(tmp_path / "authority", population=150, defects={}))
    year = CollectionYear.latest_complete(original.as_of_date)
    exported = validation_903.ssda903_folder(original.output_dir, year)
    _write_return_set(exported)
    assert validation_903.return_folders(original) == (year, exported, None)
    assert validation_903.count_rows(exported) == len(FILES)

    config = load_config(
        validation_903.write_903_config(tmp_path / "validation_903", original, year, exported)
    )
    assert [(s.name, s.format) for s in config.systems] == [("return903", "ssda903")]
    assert config.systems[0].live_from == min(s.live_from for s in original.systems)
    assert config.as_of_date == year.end
    assert (config.la_code, config.population_file) == (original.la_code, original.population_file)
    assert config.warehouse_path.parent == tmp_path / "validation_903"
    assert config.output_dir != original.output_dir
    (extract,) = (config.landing_dir / "return903").iterdir()
    assert extract.name == (year.end + dt.timedelta(days=30)).isoformat()
    assert (extract / COMPLETE_MARKER).exists()
    for stem in FILES:
        assert (extract / f"{stem}.csv").resolve() == (exported / f"{stem}.csv").resolve()


def test_the_903_set_must_be_there_and_the_previous_year_is_used_when_present(
    tmp_path: Path,
) -> None:
    original = load_config(write_config(tmp_path / "authority", population=150, defects={}))
    with pytest.raises(validation_903.ValidationRunError, match="no complete SSDA903 set"):
        validation_903.return_folders(original)
    year = CollectionYear.latest_complete(original.as_of_date)
    _write_return_set(validation_903.ssda903_folder(original.output_dir, year))
    previous = validation_903.ssda903_folder(
        original.output_dir, CollectionYear(year.start_year - 1)
    )
    _write_return_set(previous)
    assert validation_903.return_folders(original)[2] == previous


def test_the_validator_command_line() -> None:
    year = CollectionYear(2025)
    command = validation_903.validator_command(year, Path("/r/2025-26/ssda903"), None, "E06000056")
    assert command == [
        str(validation_903.VALIDATORS_PYTHON),
        str(validation_903.RUNNER),
        "--year",
        "2025-26",
        "--folder",
        "/r/2025-26/ssda903",
        "--local-authority",
        "E06000056",
    ]
    with_previous = validation_903.validator_command(
        year, Path("/r/2025-26/ssda903"), Path("/r/2024-25/ssda903"), "E06000056"
    )
    assert with_previous[6:8] == ["--previous-folder", "/r/2024-25/ssda903"]
    # the LA code is the e2e test's: the synthetic authority's home postcodes' LA
    assert validation_903.local_authority_code() == "E06000056"


def test_the_validator_summary_is_counted(tmp_path: Path) -> None:
    summary = {
        "ruleset": "lac2025_26",
        "with_previous_year": False,
        "rules_run": 290,
        "rules_skipped": [],
        "rules_crashed": ["231", "233"],
        "error_rows": 7,
        "errors": [
            {"code": "218", "message": "", "rows": 5, "tables": {"episodes": 5}},
            {"code": "1001", "message": "", "rows": 2, "tables": {"oc3": 2}},
        ],
    }
    run = validation_903.summarise_validator(summary, 12.5, "0.1.17")
    assert (run.rules_run, run.rules_failed, run.rules_crashed, run.error_rows) == (290, 2, 2, 7)
    assert run.failing_rules == ("218", "1001")
    assert not run.with_previous_year

    # the runner exits 1 when a rule fails: a result, not a failed measurement
    script = tmp_path / "runner.py"
    script.write_text(
        f"import json, sys; print(json.dumps({summary!r})); "
        "print('row values', file=sys.stderr); sys.exit(1)"
    )
    log_path = tmp_path / "validator.log"
    run = validation_903.run_validator([sys.executable, str(script)], log_path=log_path)
    assert run.rules_failed == 2
    assert log_path.read_text().strip() == "row values"
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    script.write_text("import sys; sys.exit(2)")
    with pytest.raises(validation_903.ValidationRunError, match="exit 2"):
        validation_903.run_validator([sys.executable, str(script)], log_path=log_path)


def test_the_data_quality_part_of_the_903_run() -> None:
    steps = {
        "raw__ssda903_header": 0.5,
        "raw__ssda903_episodes": 0.75,
        "raw__ssd_person": 0.25,
        "scorecard_dbt_models": 60.0,
        "restricted__fct_child_compliance": 1.0,
        "raw_gx_suites": 4.0,
        "staging_gx_suites": 2.0,
        "publish__warehouse": 1.0,
    }
    run = PipelineRun(
        wall_seconds=90.0,
        peak_rss_bytes=GIB,
        stage_seconds=stage_totals(steps),
        step_seconds=steps,
    )
    own = validation_903.summarise_own_run(run)
    assert own.ingest_903_seconds == pytest.approx(1.25)
    assert own.dbt_seconds == pytest.approx(61.0)
    assert own.checks_seconds == pytest.approx(6.0)
    assert own.dq_seconds == pytest.approx(68.25)
    assert own.wall_seconds == 90.0


VALIDATED = dataclasses.replace(
    RESULT,
    validation_903_year="2025-26",
    validation_903_rows=4515,
    validator_903_seconds=12.34,
    validator_903_rules_run=290,
    validator_903_rules_failed=3,
    validator_903_failing_rules="218 1001 1002",
    validator_903_rules_crashed=2,
    validator_903_error_rows=40,
    validator_903_with_previous_year=False,
    validator_903_version="0.1.17",
    own_903_wall_seconds=140.0,
    own_903_ingest_seconds=2.0,
    own_903_dbt_seconds=80.0,
    own_903_checks_seconds=13.5,
)


def test_the_903_validation_is_printed_side_by_side() -> None:
    text = format_result(VALIDATED)
    assert "csc-validator-be-903 0.1.17: 12.3 s" in text
    assert "3 reporting 40 rows (rules 218 1001 1002), 2 crashed" in text
    assert "our data-quality suite: 95.5 s" in text
    assert "140.0 s wall" in text
    assert "903 validation" not in format_result(RESULT)


def test_the_report_shows_the_903_columns_and_old_results_still_render(tmp_path: Path) -> None:
    results_path, report_path = tmp_path / "benchmarks.json", tmp_path / "benchmarks.md"
    report_path.write_text(f"{TABLE_START}\n{TABLE_END}\n")
    # a result saved before the 903 validation existed: none of its fields
    old = {key: value for key, value in dataclasses.asdict(RESULT).items() if "903" not in key}
    results_path.write_text(json.dumps({"authority": old}))
    save_results({**load_results(results_path), "region": VALIDATED}, results_path)
    results = load_results(results_path)
    assert results["region"] == VALIDATED
    write_report(results, list(SCALES), report_path)
    header, _, authority, region = report_path.read_text().splitlines()[1:5]
    columns = [cell.strip() for cell in header.strip("|").split("|")]
    assert columns[columns.index("incremental month s") + 1 :][:3] == [
        "903 validator s",
        "903 our DQ s",
        "903 our run s",
    ]
    at = columns.index("903 validator s")
    assert [cell.strip() for cell in authority.strip("|").split("|")][at : at + 3] == [
        "not measured"
    ] * 3
    assert [cell.strip() for cell in region.strip("|").split("|")][at : at + 3] == [
        "12.3",
        "95.5",
        "140.0",
    ]
    assert len(columns) == len(region.strip("|").split("|"))


def test_a_903_measurement_fills_the_scale_result() -> None:
    validator = validation_903.ValidatorRun(
        seconds=12.345,
        ruleset="lac2025_26",
        rules_run=256,
        rules_failed=2,
        failing_rules=("218", "575"),
        error_rows=9,
        rules_crashed=2,
        with_previous_year=False,
        version="0.1.17",
    )
    own = validation_903.OwnSuiteRun(
        wall_seconds=140.0,
        ingest_903_seconds=3.0,
        dbt_seconds=100.0,
        checks_seconds=10.0,
        peak_rss_bytes=GIB,
    )
    measured = validation_903.Validation903("2025-26", 10, 4515, validator, own)
    result = dataclasses.replace(RESULT, **validation_903.scale_result_fields(measured))
    assert result.validator_903_seconds == 12.35
    assert result.validator_903_failing_rules == "218 575"
    assert result.own_903_dq_seconds == pytest.approx(113.0)
    assert RESULT.own_903_dq_seconds is None


def test_the_903_validation_can_be_skipped() -> None:
    assert build_parser().parse_args(["--no-validation"]).no_validation
    assert not build_parser().parse_args([]).no_validation
