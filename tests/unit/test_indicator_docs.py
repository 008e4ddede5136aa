"""docs/indicators.md is generated from the seeds and must be up to date."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_ROOT / "scripts" / "build_indicator_docs.py"
PAGE = PROJECT_ROOT / "docs" / "indicators.md"


def _load_script():
    spec = importlib.util.spec_from_file_location("build_indicator_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_page_is_up_to_date(tmp_path: Path) -> None:
    generated = tmp_path / "indicators.md"
    generated.write_text(_load_script().render(), encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
        "docs/indicators.md is stale: run .venv/bin/python scripts/build_indicator_docs.py"
    )


def test_every_catalogue_indicator_has_a_section_and_notes() -> None:
    catalogue = PROJECT_ROOT / "dbt_project" / "seeds" / "reference" / "indicator_catalogue.csv"
    with catalogue.open(encoding="utf-8", newline="") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    page = PAGE.read_text(encoding="utf-8")
    assert [code for code in codes if f"### {code}: " not in page] == []
