"""The dbt CLI resource skips dagster-dbt's ``dbt --version`` probe and its unused adapter."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from dagster_dbt import DbtCliResource

from orchestration.defs.transform.assets import dbt_resource
from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, dbt_executable
from orchestration.lib.dbt_resource import ScorecardDbtCliResource, is_project_dbt


@pytest.fixture
def resource() -> ScorecardDbtCliResource:
    built = dbt_resource()
    assert isinstance(built, ScorecardDbtCliResource)
    return built


def test_the_hooks_it_overrides_are_still_dagster_dbts() -> None:
    # If a dagster-dbt release renames these, the override would silently stop working.
    assert isinstance(
        DbtCliResource.__dict__.get("_cli_version"),
        type(ScorecardDbtCliResource.__dict__["_cli_version"]),
    )
    assert callable(DbtCliResource.__dict__.get("_initialize_dbt_core_adapter"))


def test_version_is_the_one_the_executable_reports(resource: ScorecardDbtCliResource) -> None:
    assert is_project_dbt(resource.dbt_executable)
    reported = subprocess.run(
        [dbt_executable(), "--version"], check=True, capture_output=True, text=True
    ).stdout
    match = re.search(r"(\d+\.\d+\.\d+)", reported)
    assert match is not None
    assert str(resource._cli_version) == match.group(1)


def test_version_needs_no_dbt_process(resource: ScorecardDbtCliResource) -> None:
    with mock.patch("dagster_dbt.core.resource.check_output") as probe:
        assert resource._cli_version.major >= 1
    probe.assert_not_called()


def test_another_executable_is_still_asked(tmp_path: Path) -> None:
    other = tmp_path / "dbt"
    other.write_text("#!/bin/sh\necho 'Core:\n  - installed: 1.9.4'\n")
    other.chmod(0o755)
    resource = ScorecardDbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(other),
    )
    assert not is_project_dbt(str(other))
    assert str(resource._cli_version) == "1.9.4"


@pytest.fixture
def no_dbt_process() -> Iterator[mock.MagicMock]:
    with mock.patch("dagster_dbt.core.dbt_cli_invocation.DbtCliInvocation.run") as run:
        yield run


def test_cli_builds_no_adapter(
    resource: ScorecardDbtCliResource, no_dbt_process: mock.MagicMock
) -> None:
    resource.cli(["parse"])
    (call,) = no_dbt_process.call_args_list
    assert call.kwargs["adapter"] is None
