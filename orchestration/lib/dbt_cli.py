"""Where the dbt project and the dbt command are, and how dbt finds the warehouse."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from orchestration.lib.config import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# dbt's DuckDB profile reads the warehouse path from this variable (dbt_project/profiles.yml).
WAREHOUSE_ENV_VAR = "SCORECARD_DUCKDB_PATH"


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's virtualenv), else dbt on PATH."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")
