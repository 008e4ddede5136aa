"""The dbt docs site (`make docs`): one self-contained page, ``<output_dir>/dbt_docs/index.html``.

It documents every model, column, test and lineage edge, and the exposures (the committee
scorecard and the BI file). ``dbt docs generate --static`` runs against a **copy** of the
published warehouse: dbt-duckdb opens its database read-write, and the copy leaves the
published file free for readers and runs. The catalog holds relation and column names and
types only, never rows, so the page carries no child-level value.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from orchestration.lib.dbt_cli import DBT_PROJECT_DIR, WAREHOUSE_ENV_VAR, dbt_executable

DOCS_FOLDER = "dbt_docs"


class DbtDocsError(RuntimeError):
    """The docs site could not be built."""


def build_dbt_docs(published_warehouse: Path, output_dir: Path) -> Path:
    """Generate the docs site from a copy of ``published_warehouse``; return the page's path.

    The page is replaced in one rename, so a reader sees the old page or the new one.
    """
    if not published_warehouse.is_file():
        raise DbtDocsError(
            f"no published warehouse at {published_warehouse}: run the pipeline first "
            "(make demo, or make run)"
        )
    target = output_dir / DOCS_FOLDER / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dbt-docs-", dir=target.parent) as scratch:
        work = Path(scratch)
        warehouse_copy = work / "warehouse.duckdb"
        shutil.copyfile(published_warehouse, warehouse_copy)
        command = [
            dbt_executable(),
            "--no-use-colors",
            "docs",
            "generate",
            "--static",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ]
        environment = {**os.environ, WAREHOUSE_ENV_VAR: str(warehouse_copy)}
        result = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=False
        )
        page = work / "target" / "static_index.html"
        if result.returncode != 0 or not page.is_file():
            raise DbtDocsError(
                f"dbt docs generate failed (exit {result.returncode}):\n{result.stdout[-4000:]}"
            )
        staged = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(page, staged)
        staged.replace(target)
    return target
