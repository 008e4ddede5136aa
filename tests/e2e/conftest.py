"""One small synthetic authority, generated and run through the whole pipeline once per session."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from orchestration.lib.config import PROJECT_ROOT, ScorecardConfig, load_config

E2E_POPULATION = 15_000
DBT = Path(PROJECT_ROOT) / ".venv" / "bin" / "dbt"


@dataclass(frozen=True)
class PipelineRun:
    config: ScorecardConfig
    config_path: Path
    success: bool


def write_config(folder: Path, *, population: int, defects: dict[str, float]) -> Path:
    """A demo-like config whose files all live in ``folder``."""
    demo = yaml.safe_load((PROJECT_ROOT / "config" / "demo.yaml").read_text(encoding="utf-8"))
    demo.update(
        landing_dir=str(folder / "landing"),
        warehouse_path=str(folder / "warehouse.duckdb"),
        output_dir=str(folder / "output"),
        population_file=str(folder / "landing" / "_reference" / "population_0_17.csv"),
    )
    demo["synthetic"] = {**demo["synthetic"], "population": population, "defects": defects}
    path = folder / "scorecard.yaml"
    path.write_text(yaml.safe_dump(demo), encoding="utf-8")
    return path


def ensure_dbt_manifest() -> None:
    """dagster-dbt reads dbt's manifest; `make` writes it, this covers a bare pytest run."""
    manifest = PROJECT_ROOT / "dbt_project" / "target" / "manifest.json"
    if not manifest.exists():
        project = str(PROJECT_ROOT / "dbt_project")
        subprocess.run(
            [str(DBT), "parse", "--project-dir", project, "--profiles-dir", project, "--quiet"],
            check=True,
        )


def run_pipeline(config_path: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run the `scorecard` job in process against the given config."""
    ensure_dbt_manifest()
    monkeypatch.setenv("SCORECARD_CONFIG", str(config_path))
    from orchestration.definitions import defs

    result = defs.get_job_def("scorecard").execute_in_process(raise_on_error=False)
    return result.success


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    from orchestration.synthetic import GeneratorSettings, generate

    folder = tmp_path_factory.mktemp("clean_authority")
    config_path = write_config(folder, population=E2E_POPULATION, defects={})
    config = load_config(config_path)
    generate(GeneratorSettings.from_config(config), config.landing_dir)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("SCORECARD_DUCKDB_PATH", raising=False)
        # A copy of the demo config is not the demo: it needs its own pseudonym secret.
        monkeypatch.setenv("SCORECARD_PSEUDONYM_KEY", "e2e-test-pseudonym-key-not-secret")
        success = run_pipeline(config_path, monkeypatch)
    assert os.environ.get("SCORECARD_CONFIG") != str(config_path)
    yield PipelineRun(config=config, config_path=config_path, success=success)
