"""The config file's optional `targets:` and raw.indicator_target_overrides."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.lib.config import ConfigError, IndicatorTarget, load_config
from orchestration.lib.warehouse import write_indicator_targets
from tests.unit.minimal_config import load_minimal_config


def test_targets_are_optional(tmp_path: Path) -> None:
    assert load_minimal_config(tmp_path).targets == {}


def test_targets_parse_with_and_without_tolerance(tmp_path: Path) -> None:
    config = load_minimal_config(
        tmp_path,
        targets={
            "CLA_VISITS_IN_TIME": {"target": 92, "tolerance": 3.5},
            "CLA_RATE_10K": {"target": 60},
        },
    )
    assert config.targets == {
        "CLA_VISITS_IN_TIME": IndicatorTarget(target=92.0, tolerance=3.5),
        "CLA_RATE_10K": IndicatorTarget(target=60.0, tolerance=None),
    }


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (["CLA_COUNT"], "'targets' must map indicator codes"),
        ({"CLA_COUNT": 5}, "targets.CLA_COUNT must be a mapping"),
        ({"CLA_COUNT": {"tolerance": 1}}, "targets.CLA_COUNT must be a mapping"),
        ({"CLA_COUNT": {"target": "high"}}, "targets.CLA_COUNT.target: expected a number"),
        ({"CLA_COUNT": {"target": True}}, "targets.CLA_COUNT.target: expected a number"),
        ({"CLA_COUNT": {"target": 1, "tolerance": -1}}, "tolerance must not be negative"),
        ({"CLA_COUNT": {"target": 1, "amber": 2}}, "unknown keys ['amber']"),
    ],
)
def test_bad_targets_are_refused(tmp_path: Path, targets: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_minimal_config(tmp_path, targets=targets)
    assert message in str(error.value)


def test_overrides_table_is_replaced_and_exists_when_empty(tmp_path: Path) -> None:
    with duckdb.connect() as connection:
        with_targets = load_minimal_config(
            tmp_path, targets={"CLA_PEP": {"target": 90, "tolerance": 2}}
        )
        assert write_indicator_targets(connection, with_targets) == 1
        assert connection.execute("select * from raw.indicator_target_overrides").fetchall() == [
            ("CLA_PEP", 90.0, 2.0)
        ]
        assert write_indicator_targets(connection, load_minimal_config(tmp_path)) == 0
        assert connection.execute(
            "select count(*) from raw.indicator_target_overrides"
        ).fetchall() == [(0,)]
        columns = connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'indicator_target_overrides' order by ordinal_position"
        ).fetchall()
    assert columns == [("indicator_code", "VARCHAR"), ("target", "DOUBLE"), ("tolerance", "DOUBLE")]


def test_demo_config_has_no_overrides() -> None:
    assert load_config().targets == {}
