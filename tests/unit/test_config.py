"""The configuration loader: paths, systems and the errors a user sees."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from orchestration.lib.config import ConfigError, load_config

BASE = {
    "la_code": "823",
    "landing_dir": "landing",
    "warehouse_path": "wh/warehouse.duckdb",
    "output_dir": "out",
    "as_of_date": "2026-10-31",
    "systems": [
        {"name": "liquid_logic", "live_from": "2021-07-01"},
        {"name": "carefirst", "live_from": "2016-04-01", "live_to": "2021-06-30"},
    ],
}


def _write(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "scorecard.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_paths_resolve_against_the_config_folder_and_systems_sort(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, BASE))
    assert config.landing_dir == tmp_path / "landing"
    assert config.warehouse_path == tmp_path / "wh" / "warehouse.duckdb"
    assert config.system_names == ("carefirst", "liquid_logic")
    assert config.cutovers()[0][1].live_from == dt.date(2021, 7, 1)
    assert config.as_of_date == dt.date(2026, 10, 31)


def test_env_var_chooses_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORECARD_CONFIG", str(_write(tmp_path, BASE)))
    assert load_config().la_code == "823"


def test_demo_config_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCORECARD_CONFIG", raising=False)
    config = load_config()
    assert config.synthetic is not None
    assert config.synthetic.population == 70_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"la_code": None}, "missing required key 'la_code'"),
        ({"as_of_date": "31/10/2026"}, "not a YYYY-MM-DD date"),
        (
            {
                "systems": [
                    {"name": "carefirst", "live_from": "2016-04-01", "live_to": "2021-06-30"},
                    {"name": "liquid_logic", "live_from": "2021-08-01"},
                ]
            },
            "must go live the day after",
        ),
        ({"systems": []}, "non-empty list"),
    ],
)
def test_bad_config_names_the_problem(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, {**BASE, **change}))


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
