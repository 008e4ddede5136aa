"""The data dictionary: every mart column described, both exposures declared, docs generated.

Reads the manifest of a ``dbt parse`` into its own target path (never the shared
dbt_project/target), and the catalog of a ``dbt docs generate`` against the hand-worked
fixture warehouse.
"""

from __future__ import annotations

import json
import re
from contextlib import closing
from pathlib import Path

import duckdb
import pytest
from dbt_fixture_warehouse import REPO_ROOT, RawWarehouse, run_dbt

MARTS_PATH = "models/marts/"
COMMITTEE_MARTS = {"fct_scorecard_monthly", "dim_indicator", "dq_findings"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_docs_parse")
    result = run_dbt(work_dir / "unused.duckdb", work_dir, "parse")
    if result.returncode != 0:
        pytest.fail(f"dbt parse failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return json.loads((work_dir / "target" / "manifest.json").read_text(encoding="utf-8"))


def _marts(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith(MARTS_PATH)
    }


def _is_meaningful(description: str, column: str) -> bool:
    words = re.findall(r"[A-Za-z0-9_%`'-]+", description)
    return len(words) >= 3 and description.strip().strip(".").lower() != column.lower()


def test_the_marts_folder_holds_the_known_marts(manifest: dict) -> None:
    assert {"fct_scorecard_monthly", "dim_indicator", "dim_date", "dq_findings"} <= set(
        _marts(manifest)
    )


def test_every_mart_and_mart_column_has_a_meaningful_description(manifest: dict) -> None:
    undescribed = []
    for name, node in sorted(_marts(manifest).items()):
        if not _is_meaningful(node["description"], name):
            undescribed.append(name)
        if not node["columns"]:
            undescribed.append(f"{name}: no columns in the YAML")
        for column, properties in node["columns"].items():
            if not _is_meaningful(properties.get("description") or "", column):
                undescribed.append(f"{name}.{column}")
    assert undescribed == []


def test_every_mart_has_an_enforced_contract_naming_every_column(manifest: dict) -> None:
    """With the contract enforced, dbt refuses to build a mart whose SQL returns a column
    the YAML does not list (or misses one it lists), so the YAML is every column."""
    problems = []
    for name, node in sorted(_marts(manifest).items()):
        if not node["config"]["contract"]["enforced"]:
            problems.append(f"{name}: contract not enforced")
        untyped = [column for column, props in node["columns"].items() if not props["data_type"]]
        if untyped:
            problems.append(f"{name}: columns without data_type {untyped}")
    assert problems == []


def _exposure(manifest: dict, name: str) -> dict:
    exposures = {node["name"]: node for node in manifest["exposures"].values()}
    assert name in exposures, f"exposure {name} is not declared"
    return exposures[name]


def _depends_on(manifest: dict, exposure: dict) -> set[str]:
    return {manifest["nodes"][unique_id]["name"] for unique_id in exposure["depends_on"]["nodes"]}


@pytest.mark.parametrize("name", ["committee_scorecard", "bi_file"])
def test_the_exposures_are_documented(manifest: dict, name: str) -> None:
    exposure = _exposure(manifest, name)
    assert exposure["owner"]["name"] or exposure["owner"]["email"]
    assert exposure["maturity"] in {"high", "medium", "low"}
    assert exposure["description"].strip()
    assert (REPO_ROOT / exposure["config"]["meta"]["docs"]).is_file()
    assert exposure["config"]["meta"]["written_by"] == f"publish/{name}"


def test_the_committee_scorecard_reads_the_scorecard_indicators_and_findings(
    manifest: dict,
) -> None:
    assert _depends_on(manifest, _exposure(manifest, "committee_scorecard")) == COMMITTEE_MARTS


def test_the_bi_file_depends_on_every_mart(manifest: dict) -> None:
    assert _depends_on(manifest, _exposure(manifest, "bi_file")) == set(_marts(manifest))


def test_docs_generate_lists_every_mart_column_and_no_child_level_value(
    built_warehouse: RawWarehouse, manifest: dict, tmp_path: Path
) -> None:
    result = run_dbt(
        built_warehouse.path,
        tmp_path,
        "docs",
        "generate",
        "--static",
        "--select",
        "path:models/marts",
    )
    assert result.returncode == 0, result.stdout[-4000:]
    target = tmp_path / "target"
    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    for name, node in _marts(manifest).items():
        entry = catalog["nodes"][node["unique_id"]]
        assert {column.lower() for column in entry["columns"]} == set(node["columns"]), name
        assert entry["metadata"]["schema"] == "marts"
        # The catalog holds names, types and positions of columns: no data values.
        for column in entry["columns"].values():
            assert set(column) <= {"type", "index", "name", "comment"}
        assert set(entry["stats"]) == {"has_stats"}
    # A child's id or name would appear as a JSON string; none does, in catalog or site.
    with closing(duckdb.connect(str(built_warehouse.path), read_only=True)) as connection:
        identifiers = {
            value
            for (value,) in connection.execute(
                "select pers_person_id from raw.ssd_person union "
                "select pers_forename from raw.ssd_person union "
                "select pers_surname from raw.ssd_person"
            ).fetchall()
            if value and len(value) >= 4
        }
    assert identifiers
    strings: set[str] = set()
    for name in ("static_index.html", "catalog.json"):
        text = (target / name).read_text(encoding="utf-8")
        strings.update(re.findall(r'"([^"\\]{4,80})"', text))
    assert len(strings) > 1000  # the site's strings were found
    assert sorted(identifiers & strings) == []
