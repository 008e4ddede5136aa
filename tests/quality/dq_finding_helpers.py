"""Reading the dq_* models of a built authority, shared by the detection tests."""

from __future__ import annotations

from contextlib import closing

import duckdb

from orchestration.evaluation.authority_runs import AuthorityRun
from orchestration.evaluation.dq_eval import Unit, read_truth, units_by_kind


def warehouse_rows(run: AuthorityRun, sql: str) -> list[tuple]:
    """Rows of a query on the run's warehouse, opened read-only."""
    with closing(duckdb.connect(str(run.config.warehouse_path), read_only=True)) as connection:
        return connection.execute(sql).fetchall()


def found_units(run: AuthorityRun, kind: str) -> set[Unit]:
    """The evaluation units (children, or tables for cliffs) intermediate.dq_<kind> found."""
    rows = warehouse_rows(
        run,
        f"select defect_kind, table_name, cast(person_id as varchar) from intermediate.dq_{kind}",
    )
    found = units_by_kind(
        {"defect_kind": defect_kind, "table_name": table_name, "person_id": person_id}
        for defect_kind, table_name, person_id in rows
    )
    return found.get(kind, set())


def truth_units_by_kind(run: AuthorityRun) -> dict[str, set[Unit]]:
    """The generator's truth units per defect kind."""
    return units_by_kind(read_truth(run.truth_dir / "defects.csv"))
