"""The 903 export validated two ways on the same files, timed side by side (issue 7, part 3).

After the full run of a scale, its SSDA903 set for the latest complete collection year
(``<output_dir>/returns/<YYYY-YY>/ssda903/``) is validated:

- by the sector's validator, ``csc-validator-be-903``, through the project's runner
  ``scripts/validators/run_ssda903.py`` in its own interpreter (``.venv-validators``), as
  ``tests/e2e/test_ssda903_return.py`` runs it. The time is the runner's wall time, its
  interpreter start-up and file reading included;
- by our own data-quality suite: the ``scorecard`` job, started as a new process like the
  bench's full run, on a configuration with one ``format: ssda903`` system whose only
  extract folder links to those same files (decision 0010; laid out as in
  ``tests/e2e/test_ssda903_round_trip.py``). Its data-quality part is the per-file format
  checks of the ``raw__ssda903_*`` ingest steps, the dbt build with its tests, and the GX
  suites; the job's whole wall time (start-up, the other ingest steps and publishing
  included) is kept beside it.

Everything lives in ``<scale folder>/validation_903/``, made afresh each time. The files are
child-level: only counts and times leave this module, and the validator's stderr (which
may echo values) goes to a private log file, never to the terminal.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from orchestration.bench.pipeline_run import PipelineRun, PipelineRunError, run_job
from orchestration.evaluation.authority_runs import SSDA903_SYSTEM, write_ssda903_only_config
from orchestration.lib.config import PROJECT_ROOT, ScorecardConfig, load_config
from orchestration.lib.landing import COMPLETE_MARKER
from orchestration.lib.returns.ssda903_export import ssda903_folder
from orchestration.lib.returns.ssda903_files import FILES, CollectionYear

log = logging.getLogger(__name__)

VALIDATION_DIR = "validation_903"
SYSTEM = SSDA903_SYSTEM
VALIDATORS_PYTHON = PROJECT_ROOT / ".venv-validators" / "bin" / "python"
RUNNER = PROJECT_ROOT / "scripts" / "validators" / "run_ssda903.py"
VALIDATOR_PACKAGE = "csc-validator-be-903"
# The runner's exit codes: 0 no rule failed, 1 some rule failed or crashed (a result, not
# a failure of the measurement), 2 bad arguments or a missing file.
VALIDATOR_RESULT_CODES = (0, 1)
INGEST_903_PREFIX = "raw__ssda903_"
PRIVATE_FILE_MODE = 0o600


class ValidationRunError(PipelineRunError):
    """One side of the 903 validation could not be measured."""


@dataclass(frozen=True)
class ValidatorRun:
    """``csc-validator-be-903`` on one year's set, from the runner's JSON summary."""

    seconds: float
    ruleset: str
    rules_run: int
    rules_failed: int  # rules that reported at least one row
    failing_rules: tuple[str, ...]  # their codes (rule codes only, no values)
    error_rows: int  # rows reported, summed over the failing rules
    rules_crashed: int
    with_previous_year: bool
    version: str | None = None


@dataclass(frozen=True)
class OwnSuiteRun:
    """The ``scorecard`` job on the 903 set alone, and its data-quality steps."""

    wall_seconds: float
    ingest_903_seconds: float  # the raw__ssda903_* steps: per-file format checks and load
    dbt_seconds: float  # the dbt stage: staging to marts and all their tests
    checks_seconds: float  # the *_gx_suites steps
    peak_rss_bytes: int

    @property
    def dq_seconds(self) -> float:
        return self.ingest_903_seconds + self.dbt_seconds + self.checks_seconds


@dataclass(frozen=True)
class Validation903:
    collection_year: str
    files: int
    rows: int
    validator: ValidatorRun
    own: OwnSuiteRun


def return_folders(config: ScorecardConfig) -> tuple[CollectionYear, Path, Path | None]:
    """The year of the set the run exported, its folder, and the previous year's folder
    when that set is present too (the continuity rules of the validator need it)."""
    year = CollectionYear.latest_complete(config.as_of_date)
    folder = ssda903_folder(config.output_dir, year)
    if not all((folder / f"{stem}.csv").is_file() for stem in FILES):
        raise ValidationRunError(f"no complete SSDA903 set in {folder}: did the run export one?")
    previous = ssda903_folder(config.output_dir, CollectionYear(year.start_year - 1))
    has_previous = all((previous / f"{stem}.csv").is_file() for stem in FILES)
    return year, folder, previous if has_previous else None


def count_rows(folder: Path) -> int:
    """Data rows over the set's files (headers excluded)."""
    rows = 0
    for stem in FILES:
        with (folder / f"{stem}.csv").open(encoding="utf-8", newline="") as handle:
            rows += max(sum(1 for _ in csv.reader(handle)) - 1, 0)
    return rows


def local_authority_code() -> str:
    """The synthetic authority's ONS code, which the validator needs (``localAuthority``).

    Taken as tests/e2e/test_ssda903_return.py takes it: the generator's home postcodes are
    real units of one LA, and there is no mapping from the config's DfE number.
    """
    from orchestration.synthetic import postcodes

    (code,) = {unit.la_code for unit in postcodes.book().home}
    return code


def validator_command(
    year: CollectionYear,
    folder: Path,
    previous_folder: Path | None,
    local_authority: str,
    *,
    python: Path = VALIDATORS_PYTHON,
) -> list[str]:
    """The runner's command line for one year's set."""
    command = [str(python), str(RUNNER), "--year", year.label, "--folder", str(folder)]
    if previous_folder is not None:
        command += ["--previous-folder", str(previous_folder)]
    return [*command, "--local-authority", local_authority]


def summarise_validator(summary: dict, seconds: float, version: str | None) -> ValidatorRun:
    """Counts from the runner's JSON summary (aggregate only: no child data in it)."""
    return ValidatorRun(
        seconds=seconds,
        ruleset=str(summary["ruleset"]),
        rules_run=int(summary["rules_run"]),
        rules_failed=len(summary["errors"]),
        failing_rules=tuple(str(error["code"]) for error in summary["errors"]),
        error_rows=int(summary["error_rows"]),
        rules_crashed=len(summary["rules_crashed"]),
        with_previous_year=bool(summary["with_previous_year"]),
        version=version,
    )


def validator_version(python: Path = VALIDATORS_PYTHON) -> str | None:
    """The installed validator's version (outside the timed run), or None if unknown."""
    script = f"import importlib.metadata as m; print(m.version({VALIDATOR_PACKAGE!r}))"
    completed = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        return None
    return completed.stdout.strip() or None


def run_validator(command: list[str], *, log_path: Path) -> ValidatorRun:
    """Run and time the validator; its stderr goes to ``log_path`` (private)."""
    python = Path(command[0])
    if not python.is_file():
        raise ValidationRunError(f"{python} is missing: run `make validators`")
    version = validator_version(python)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with _private(log_path).open("wb") as log_file:
        started = time.perf_counter()
        completed = subprocess.run(
            command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=log_file, check=False
        )
        seconds = time.perf_counter() - started
    if completed.returncode not in VALIDATOR_RESULT_CODES:
        raise ValidationRunError(
            f"{VALIDATOR_PACKAGE} failed (exit {completed.returncode}); see {log_path}"
        )
    try:
        summary = json.loads(completed.stdout)
    except json.JSONDecodeError:
        raise ValidationRunError(
            f"{VALIDATOR_PACKAGE} printed no JSON summary; see {log_path}"
        ) from None
    return summarise_validator(summary, seconds, version)


def write_903_config(
    folder: Path, original: ScorecardConfig, year: CollectionYear, return_folder: Path
) -> Path:
    """A configuration of one ``format: ssda903`` system whose one extract folder links to
    the files in ``return_folder``; as of 31 March, same LA and population as ``original``.

    The extract is dated the month after the year ends, as a council sends its return.
    """
    extract = folder / "landing" / SYSTEM / (year.end + dt.timedelta(days=30)).isoformat()
    extract.mkdir(parents=True)
    for stem in FILES:
        (extract / f"{stem}.csv").symlink_to((return_folder / f"{stem}.csv").resolve())
    (extract / COMPLETE_MARKER).touch()
    return write_ssda903_only_config(folder, original, year, system=SYSTEM)


def summarise_own_run(run: PipelineRun) -> OwnSuiteRun:
    """The data-quality part of the 903-only run, from its step times."""
    ingest_903 = sum(
        seconds for step, seconds in run.step_seconds.items() if step.startswith(INGEST_903_PREFIX)
    )
    return OwnSuiteRun(
        wall_seconds=run.wall_seconds,
        ingest_903_seconds=ingest_903,
        dbt_seconds=run.stage_seconds["dbt"],
        checks_seconds=run.stage_seconds["checks"],
        peak_rss_bytes=run.peak_rss_bytes,
    )


def measure_903_validation(config_path: Path, work_dir: Path) -> Validation903:
    """Validate the run's latest 903 set both ways, timed; ``work_dir`` is made afresh."""
    original = load_config(config_path)
    year, return_folder, previous = return_folders(original)
    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    rows = count_rows(return_folder)
    log.info("903 validation: %s set, %s rows, csc-validator-be-903", year.label, f"{rows:,}")
    validator = run_validator(
        validator_command(year, return_folder, previous, local_authority_code()),
        log_path=work_dir / "validator.log",
    )
    log.info("903 validation: the scorecard job on the 903 set alone")
    own_config = write_903_config(work_dir, original, year, return_folder)
    own = summarise_own_run(
        run_job(own_config, work_dir / "dagster_home", log_path=work_dir / "pipeline.log")
    )
    return Validation903(
        collection_year=year.label, files=len(FILES), rows=rows, validator=validator, own=own
    )


def scale_result_fields(validation: Validation903) -> dict[str, object]:
    """The ``ScaleResult`` fields of one measurement (report.py), rounded as the others."""
    validator, own = validation.validator, validation.own
    return {
        "validation_903_year": validation.collection_year,
        "validation_903_rows": validation.rows,
        "validator_903_seconds": round(validator.seconds, 2),
        "validator_903_rules_run": validator.rules_run,
        "validator_903_rules_failed": validator.rules_failed,
        "validator_903_failing_rules": " ".join(validator.failing_rules),
        "validator_903_rules_crashed": validator.rules_crashed,
        "validator_903_error_rows": validator.error_rows,
        "validator_903_with_previous_year": validator.with_previous_year,
        "validator_903_version": validator.version,
        "own_903_wall_seconds": round(own.wall_seconds, 2),
        "own_903_ingest_seconds": round(own.ingest_903_seconds, 2),
        "own_903_dbt_seconds": round(own.dbt_seconds, 2),
        "own_903_checks_seconds": round(own.checks_seconds, 2),
    }


def _private(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 (its content may hold child-level values)."""
    path.touch(mode=PRIVATE_FILE_MODE, exist_ok=True)
    path.chmod(PRIVATE_FILE_MODE)
    return path
