"""The ``publish/committee_scorecard`` asset on the fixture warehouse: the latest complete
month, from the published file, into <output_dir>/committee, with its metadata."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import yaml

from orchestration.defs.publish.committee import COMMITTEE_SCORECARD_KEY, committee_scorecard
from orchestration.defs.publish.warehouse import PUBLISH_WAREHOUSE_KEY
from orchestration.defs.resources import ScorecardConfigResource
from tests.unit.minimal_config import MINIMAL_CONFIG


def test_asset_writes_the_latest_complete_month(fixture_warehouse: Path, tmp_path: Path) -> None:
    published = tmp_path / "wh" / "warehouse.duckdb"
    published.parent.mkdir()
    shutil.copyfile(fixture_warehouse, published)
    config_path = tmp_path / "scorecard.yaml"
    # as of mid-January: December is the latest complete month the mart holds
    config = {**MINIMAL_CONFIG, "la_name": "Fixture Borough", "as_of_date": "2026-01-20"}
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")

    assert committee_scorecard.keys == {COMMITTEE_SCORECARD_KEY}
    assert PUBLISH_WAREHOUSE_KEY in committee_scorecard.asset_deps[COMMITTEE_SCORECARD_KEY]
    assert committee_scorecard.group_names_by_key[COMMITTEE_SCORECARD_KEY] == "publish"

    result = dg.materialize(
        [committee_scorecard],
        resources={"scorecard_config": ScorecardConfigResource(config_path=str(config_path))},
    )
    assert result.success
    folder = tmp_path / "out" / "committee"
    assert sorted(path.name for path in folder.iterdir()) == [
        "scorecard_2025-12.html",
        "scorecard_2025-12.xlsx",
    ]
    (materialization,) = [
        event.materialization
        for event in result.get_asset_materialization_events()
        if event.asset_key == COMMITTEE_SCORECARD_KEY
    ]
    metadata = materialization.metadata
    assert metadata["month"].value == "2025-12"
    assert metadata["html_path"].value == str(folder / "scorecard_2025-12.html")
    assert metadata["workbook_path"].value == str(folder / "scorecard_2025-12.xlsx")
    assert metadata["indicators"].value == 8  # ADO_PLACED_12M starts in January
    # December: CLA_PLACED_WITH_PARENTS is suppressed (value, numerator, rating,
    # direction, its December trend point: 5 cells; no denominator for a count), and the
    # migration finding's 3 children: 6
    assert metadata["suppressed_cells"].value == 6
    assert "Fixture Borough" in (folder / "scorecard_2025-12.html").read_text(encoding="utf-8")
