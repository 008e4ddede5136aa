"""Generate a synthetic authority into a folder and run the ``scorecard`` job on it.

Each run lives in its own folder: a demo-like configuration file, the landing area, the
warehouse and the outputs. Used by ``make dq-eval`` and by the tests that need a warehouse
built by the real pipeline (defects injected, truth in ``landing/_truth/``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from orchestration.lib.config import PROJECT_ROOT, ScorecardConfig, load_config
from orchestration.lib.returns.ssda903_files import CollectionYear

log = logging.getLogger(__name__)

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# A copy of the demo config is not the demo: it needs its own (non-secret) pseudonym key.
EVALUATION_PSEUDONYM_KEY = "evaluation-pseudonym-key-not-secret"
SCORECARD_JOB = "scorecard"
# The system of a configuration built from an authority's own SSDA903 set.
SSDA903_SYSTEM = "return903"


@dataclass(frozen=True)
class AuthorityRun:
    """One generated authority and the outcome of the pipeline run on it."""

    folder: Path
    config_path: Path
    config: ScorecardConfig
    success: bool
    # "<asset key>:<check name> (<severity>)" of every asset check that did not pass
    failed_checks: tuple[str, ...] = ()

    @property
    def truth_dir(self) -> Path:
        return self.config.landing_dir / "_truth"


def write_config(folder: Path, *, population: int, defects: Mapping[str, float]) -> Path:
    """A copy of the demo configuration whose files all live in ``folder``."""
    demo = yaml.safe_load((PROJECT_ROOT / "config" / "demo.yaml").read_text(encoding="utf-8"))
    demo.update(
        landing_dir=str(folder / "landing"),
        warehouse_path=str(folder / "warehouse.duckdb"),
        output_dir=str(folder / "output"),
        population_file=str(folder / "landing" / "_reference" / "population_0_17.csv"),
    )
    demo["synthetic"] = {**demo["synthetic"], "population": population, "defects": dict(defects)}
    path = folder / "scorecard.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(demo), encoding="utf-8")
    return path


def write_ssda903_only_config(
    folder: Path, original: ScorecardConfig, year: CollectionYear, *, system: str = SSDA903_SYSTEM
) -> Path:
    """A configuration with one ``format: ssda903`` system whose landing is ``folder/landing``:
    as of the end of ``year``, with ``original``'s LA, boundary, population and history start
    (so a run covers the same months). The caller puts the 903 files in the landing area.
    """
    config: dict[str, object] = {
        "la_code": original.la_code,
        "la_name": f"{original.la_name} (from its {year.label} SSDA903 set)",
        "landing_dir": str(folder / "landing"),
        "warehouse_path": str(folder / "warehouse.duckdb"),
        "output_dir": str(folder / "output"),
        "as_of_date": year.end.isoformat(),
        "systems": [
            {
                "name": system,
                "live_from": min(entry.live_from for entry in original.systems).isoformat(),
                "format": "ssda903",
            }
        ],
        "boundary_postcodes": list(original.boundary_postcodes),
    }
    if original.population_file is not None:
        config["population_file"] = str(original.population_file)
    path = folder / "scorecard.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def job_process(
    config_path: Path, dagster_home: Path, *, pseudonym_key: str = EVALUATION_PSEUDONYM_KEY
) -> tuple[list[str], dict[str, str]]:
    """The command and environment that run the ``scorecard`` job in a new process, as
    ``make run`` does, on ``config_path`` with the instance in ``dagster_home``.

    The instance gets the project's ``config/dagster.yaml``. ``SCORECARD_DUCKDB_PATH`` is
    dropped, so dbt writes the configuration's warehouse and no other.
    """
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "config" / "dagster.yaml", dagster_home / "dagster.yaml")
    environment = {
        **os.environ,
        "SCORECARD_CONFIG": str(config_path),
        "DAGSTER_HOME": str(dagster_home),
        "SCORECARD_PSEUDONYM_KEY": pseudonym_key,
    }
    environment.pop("SCORECARD_DUCKDB_PATH", None)
    dagster = Path(sys.executable).with_name("dagster")
    command = [
        str(dagster),
        "job",
        "execute",
        "-m",
        "orchestration.definitions",
        "-j",
        SCORECARD_JOB,
    ]
    return command, environment


def ensure_dbt_manifest() -> None:
    """dagster-dbt reads dbt's manifest; ``make`` writes it, this covers a bare run."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    if manifest.exists():
        return
    dbt = Path(PROJECT_ROOT) / ".venv" / "bin" / "dbt"
    project = str(DBT_PROJECT_DIR)
    subprocess.run(
        [str(dbt), "parse", "--project-dir", project, "--profiles-dir", project, "--quiet"],
        check=True,
    )


@contextmanager
def environment(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables for the duration of the block."""
    previous = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_pipeline(config_path: Path) -> tuple[bool, tuple[str, ...]]:
    """Run the ``scorecard`` job in process against the given configuration file; returns
    whether the run succeeded and the asset checks that did not pass."""
    ensure_dbt_manifest()
    with environment(
        {
            "SCORECARD_CONFIG": str(config_path),
            "SCORECARD_DUCKDB_PATH": None,
            "SCORECARD_PSEUDONYM_KEY": os.environ.get(
                "SCORECARD_PSEUDONYM_KEY", EVALUATION_PSEUDONYM_KEY
            ),
        }
    ):
        from orchestration.definitions import defs

        result = defs.get_job_def("scorecard").execute_in_process(raise_on_error=False)
    failed = tuple(
        sorted(
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name} "
            f"({evaluation.severity.value})"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed
        )
    )
    return result.success, failed


def generate_authority(
    folder: Path, *, population: int, defects: Mapping[str, float]
) -> tuple[Path, ScorecardConfig]:
    """Write the configuration and generate the synthetic extracts and truth."""
    from orchestration.synthetic import GeneratorSettings, generate

    config_path = write_config(folder, population=population, defects=defects)
    config = load_config(config_path)
    generate(GeneratorSettings.from_config(config), config.landing_dir)
    return config_path, config


def build_authority(folder: Path, *, population: int, defects: Mapping[str, float]) -> AuthorityRun:
    """Generate an authority in ``folder`` and run the whole pipeline on it."""
    config_path, config = generate_authority(folder, population=population, defects=defects)
    log.info("running the pipeline on %s", folder)
    success, failed_checks = run_pipeline(config_path)
    return AuthorityRun(
        folder=folder,
        config_path=config_path,
        config=config,
        success=success,
        failed_checks=failed_checks,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m orchestration.evaluation.authority_runs FOLDER [--defect KIND=RATE]``."""
    import argparse

    from orchestration.synthetic.settings import parse_defect_overrides

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--population", type=int, default=5_000)
    parser.add_argument("--defect", action="append", default=[], metavar="KIND=RATE")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    run = build_authority(
        args.folder.resolve(),
        population=args.population,
        defects=parse_defect_overrides(args.defect),
    )
    print(f"pipeline {'succeeded' if run.success else 'FAILED'}: {run.config_path}")
    for check in run.failed_checks:
        print(f"  check not passed: {check}")
    return 0 if run.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
