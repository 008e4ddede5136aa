"""dagster-dbt's CLI resource, without two start-up costs a scorecard run does not use.

Before it starts ``dbt build``, ``DbtCliResource.cli`` runs ``dbt --version`` in a new
process to learn which dbt it is driving (about 2.5 s: that process imports dbt), then
builds a dbt adapter inside Dagster's own process (about 2 s: it loads the profile and the
project). The adapter serves only ``fetch_row_counts()`` and ``fetch_column_metadata()``,
which this project does not call. Together that was 5 s of each run's dbt step, more than
the slowest dbt model at one authority (docs/benchmarks.md).

:class:`ScorecardDbtCliResource` answers the version from the installed ``dbt-core``
package when the executable is the project's own (the dbt beside this Python, in the same
virtualenv, so the same package), and asks the executable otherwise. It builds no adapter.
Both are private hooks of dagster-dbt: ``tests/unit/test_dbt_resource.py`` fails if a new
dagster-dbt release renames them, rather than letting the cost come back unnoticed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version


def is_project_dbt(executable: str) -> bool:
    """Whether ``executable`` is the dbt installed beside this Python (same virtualenv)."""
    beside_python = Path(sys.executable).parent / "dbt"
    return Path(executable) == beside_python or Path(executable).resolve() == (
        beside_python.resolve()
    )


class ScorecardDbtCliResource(DbtCliResource):
    """``DbtCliResource`` that skips the ``dbt --version`` probe and the unused adapter."""

    @cached_property
    def _cli_version(self) -> version.Version:
        if is_project_dbt(self.dbt_executable):
            return version.parse(installed_version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        # Only fetch_row_counts() and fetch_column_metadata() use the adapter; None is
        # dagster-dbt's own value when it could not build one.
        return None
