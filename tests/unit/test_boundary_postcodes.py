"""The config file's `boundary_postcodes:` (CLA_OUT_OF_AREA_20MI) and raw.la_boundary_postcodes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.lib.config import PROJECT_ROOT, ConfigError, load_config
from orchestration.lib.warehouse import write_boundary_postcodes
from orchestration.synthetic.names import AWAY_DISTRICTS, HOME_DISTRICTS
from tests.unit.minimal_config import load_minimal_config


def test_boundary_is_optional(tmp_path: Path) -> None:
    assert load_minimal_config(tmp_path).boundary_postcodes == ()


def test_districts_and_sectors_are_normalised_sorted_and_deduplicated(tmp_path: Path) -> None:
    config = load_minimal_config(
        tmp_path, boundary_postcodes=["lu5", "SG5  1", "LU5", "sw1a", "MK45 2"]
    )
    assert config.boundary_postcodes == ("LU5", "MK45 2", "SG5 1", "SW1A")


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("LU5", "'boundary_postcodes' must be a list"),
        (["LU5 4XX"], "boundary_postcodes[0] = 'LU5 4XX' is not a postcode district"),
        (["LU5", "5LU"], "boundary_postcodes[1] = '5LU'"),
        (["ZZZ"], "boundary_postcodes[0] = 'ZZZ'"),
    ],
)
def test_bad_boundaries_are_refused(tmp_path: Path, boundary: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_minimal_config(tmp_path, boundary_postcodes=boundary)
    assert message in str(error.value)


def test_boundary_table_is_replaced_and_exists_when_empty(tmp_path: Path) -> None:
    with duckdb.connect() as connection:
        assert write_boundary_postcodes(
            connection, load_minimal_config(tmp_path, boundary_postcodes=["LU5"])
        )
        assert connection.execute("select * from raw.la_boundary_postcodes").fetchall() == [
            ("LU5",)
        ]
        assert write_boundary_postcodes(connection, load_minimal_config(tmp_path)) == 0
        assert connection.execute("select count(*) from raw.la_boundary_postcodes").fetchall() == [
            (0,)
        ]


def test_demo_boundary_is_the_synthetic_authoritys_home_districts() -> None:
    """The generator's truth counts placements outside HOME_DISTRICTS as out of area."""
    demo = load_config(PROJECT_ROOT / "config" / "demo.yaml")
    assert set(demo.boundary_postcodes) == set(HOME_DISTRICTS)
    assert not set(HOME_DISTRICTS) & set(AWAY_DISTRICTS)
