"""One small synthetic authority, generated and run through the whole pipeline once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orchestration.evaluation.authority_runs import AuthorityRun, build_authority

E2E_POPULATION = 15_000

# The tests read the run's config, config_path and success.
PipelineRun = AuthorityRun


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    folder = tmp_path_factory.mktemp("clean_authority")
    yield build_authority(folder, population=E2E_POPULATION, defects={})
