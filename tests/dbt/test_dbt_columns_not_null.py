"""The ``columns_not_null`` generic test (dbt_project/tests/generic/columns_not_null.sql).

It replaces one dbt ``not_null`` test per column: it must fail exactly when one of its
columns holds a NULL, and say which columns and how many rows.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.dbt.dbt_fixture_warehouse import run_dbt

ROWS = "(select * from (values (1, 'a', null), (2, null, null), (3, 'c', 7)) as t(id, code, score))"


def failing_columns(tmp_path: Path, columns: list[str]) -> dict[str, int]:
    """The test's failure rows on ROWS, as {column: rows with a NULL}."""
    macro = f"{{{{ test_columns_not_null(model={ROWS!r}, column_names={columns!r}) }}}}"
    result = run_dbt(
        tmp_path / "warehouse.duckdb",
        tmp_path,
        "show",
        "--inline",
        macro,
        "--output",
        "json",
        "--log-format",
        "json",
        "--limit",
        "100",
    )
    assert result.returncode == 0, result.stdout[-2000:]
    for line in result.stdout.splitlines():
        event = json.loads(line)
        preview = event.get("data", {}).get("preview")
        if preview is not None:
            return {row["column_name"]: row["null_rows"] for row in json.loads(preview)}
    raise AssertionError("dbt show printed no preview")


def test_it_names_each_column_with_nulls_and_counts_them(tmp_path: Path) -> None:
    assert failing_columns(tmp_path, ["id", "code", "score"]) == {"code": 1, "score": 2}


def test_it_passes_when_no_listed_column_has_a_null(tmp_path: Path) -> None:
    assert failing_columns(tmp_path, ["id"]) == {}
