"""Fixtures for the synthetic-authority tests: small generated landings, built once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synthetic_helpers import SEED, SMALL_POPULATION, demo_settings

from orchestration.synthetic import GeneratorSettings, generate

CLEAN_POPULATION = 10_000


@pytest.fixture(scope="session")
def demo() -> GeneratorSettings:
    """The demo configuration's generator settings (systems, dates, clean)."""
    return demo_settings()


@pytest.fixture(scope="session")
def clean_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean (faithful migration) authority of 10,000 children."""
    landing = tmp_path_factory.mktemp("clean") / "landing"
    generate(demo_settings(population=CLEAN_POPULATION, seed=SEED), landing, workers=1)
    return landing


@pytest.fixture(scope="session")
def small_clean_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean baseline the defect runs are compared with."""
    landing = tmp_path_factory.mktemp("small_clean") / "landing"
    generate(demo_settings(population=SMALL_POPULATION, seed=SEED), landing, workers=1)
    return landing


@pytest.fixture(scope="session")
def demo_size_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's default size (70,000 children), for plausibility against England."""
    landing = tmp_path_factory.mktemp("demo_size") / "landing"
    generate(demo_settings(population=70_000), landing, workers=2)
    return landing


@pytest.fixture(scope="session")
def defect_landing(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, float], Path]:
    """``defect_landing(kind, rate)``: the small authority with one defect kind switched on."""
    cache: dict[tuple[str, float], Path] = {}

    def build(kind: str, rate: float) -> Path:
        if (kind, rate) not in cache:
            landing = tmp_path_factory.mktemp(kind) / "landing"
            settings = demo_settings(population=SMALL_POPULATION, seed=SEED, defects={kind: rate})
            generate(settings, landing, workers=1)
            cache[(kind, rate)] = landing
        return cache[(kind, rate)]

    return build
