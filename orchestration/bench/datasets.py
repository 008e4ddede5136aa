"""Synthetic authorities for the benchmark, generated once per scale and cached.

A dataset is a folder holding a demo-like configuration and its landing area. It is
reused while the generator's code and reference data, the demo configuration and the
population are unchanged (``fingerprint``); otherwise it is generated again. A tiled scale
(``england``) is copies of a smaller scale's dataset (``tiles.py``), made again when that
dataset or the tiling changes. Each benchmark run gets a fresh warehouse and output folder
beside the landing area.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from orchestration.bench.scales import Scale, scale_named
from orchestration.bench.tiles import tile_landing, tiling_fingerprint
from orchestration.evaluation.authority_runs import write_config
from orchestration.lib.config import PROJECT_ROOT, load_config

log = logging.getLogger(__name__)

DATASET_FILE = "dataset.json"
# What the generated files depend on, besides the population.
GENERATOR_SOURCES = (
    PROJECT_ROOT / "orchestration" / "synthetic",
    PROJECT_ROOT / "config" / "demo.yaml",
)


@dataclass(frozen=True)
class Dataset:
    """A cached synthetic authority: its configuration and what generating it cost."""

    scale: Scale
    folder: Path
    config_path: Path
    total_rows: int
    generation_seconds: float
    reused: bool

    @property
    def landing_dir(self) -> Path:
        return self.folder / "landing"

    @property
    def dagster_home(self) -> Path:
        """The Dagster instance of the dataset's runs (full rebuild and incremental month)."""
        return self.folder / "dagster_home"

    @property
    def run_log(self) -> Path:
        """The full rebuild's job output."""
        return self.folder / "pipeline.log"


def fingerprint(population: int) -> str:
    """A digest of everything the generated files depend on."""
    digest = hashlib.sha256(f"population={population}\n".encode())
    for source in GENERATOR_SOURCES:
        paths = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
        for path in paths:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_dataset(scale: Scale, cache_dir: Path, *, workers: int | None = None) -> Dataset:
    """The scale's cached dataset, generated (or tiled) first when missing or out of date."""
    if scale.tile_of:
        return _ensure_tiled_dataset(scale, cache_dir, workers=workers)
    folder = (cache_dir / scale.name).resolve()
    wanted = fingerprint(scale.population)
    recorded = _read_record(folder)
    if recorded and recorded.get("fingerprint") == wanted and (folder / "landing").is_dir():
        log.info("%s: reusing the dataset in %s", scale.name, folder)
        return _dataset(scale, folder, recorded, reused=True)

    from orchestration.synthetic import GeneratorSettings, generate

    log.info("%s: generating %s children into %s", scale.name, f"{scale.population:,}", folder)
    if folder.exists():
        shutil.rmtree(folder)
    config_path = write_config(folder, population=scale.population, defects={})
    config = load_config(config_path)
    summary = generate(GeneratorSettings.from_config(config), config.landing_dir, workers=workers)
    record = {
        "fingerprint": wanted,
        "population": scale.population,
        "total_rows": summary.total_rows,
        "generation_seconds": round(summary.seconds, 1),
    }
    (folder / DATASET_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return _dataset(scale, folder, record, reused=False)


def _ensure_tiled_dataset(scale: Scale, cache_dir: Path, *, workers: int | None) -> Dataset:
    """A dataset of ``scale.tiles`` copies of the ``scale.tile_of`` dataset (``tiles.py``)."""
    source = ensure_dataset(scale_named(scale.tile_of or ""), cache_dir, workers=workers)
    source_record = _read_record(source.folder) or {}
    folder = (cache_dir / scale.name).resolve()
    wanted = tiling_fingerprint(str(source_record.get("fingerprint")), scale.tiles)
    recorded = _read_record(folder)
    if recorded and recorded.get("fingerprint") == wanted and (folder / "landing").is_dir():
        log.info("%s: reusing the dataset in %s", scale.name, folder)
        return _dataset(scale, folder, recorded, reused=True)

    log.info(
        "%s: %d tiles of %s (%s children) into %s",
        scale.name,
        scale.tiles,
        source.scale.name,
        f"{scale.population:,}",
        folder,
    )
    if folder.exists():
        shutil.rmtree(folder)
    config_path = write_config(folder, population=scale.population, defects={})
    summary = tile_landing(source.landing_dir, load_config(config_path).landing_dir, scale.tiles)
    record = {
        "fingerprint": wanted,
        "population": scale.population,
        "total_rows": summary.rows,
        "generation_seconds": round(summary.seconds, 1),
        "tiles_of": source.scale.name,
        "tiles": scale.tiles,
    }
    (folder / DATASET_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return _dataset(scale, folder, record, reused=False)


def reset_outputs(dataset: Dataset) -> None:
    """Remove the warehouse and outputs of an earlier run, so the next run rebuilds all."""
    config = load_config(dataset.config_path)
    for path in dataset.folder.glob(f"{config.warehouse_path.stem}*"):
        path.unlink()
    for folder in (config.output_dir, dataset.dagster_home):
        if folder.exists():
            shutil.rmtree(folder)


def _read_record(folder: Path) -> dict | None:
    path = folder / DATASET_FILE
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def _dataset(scale: Scale, folder: Path, record: dict, *, reused: bool) -> Dataset:
    return Dataset(
        scale=scale,
        folder=folder,
        config_path=folder / "scorecard.yaml",
        total_rows=int(record["total_rows"]),
        generation_seconds=float(record["generation_seconds"]),
        reused=reused,
    )
