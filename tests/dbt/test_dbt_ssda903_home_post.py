"""The SSDA903 HOME_POST from the optional ssd_address table (ret_ssda903_home_postcodes).

On the looked-after outcome children (``dbt_fixture_cla_outcomes``), with home addresses
delivered for two of them: the address valid on the episode's DECOM, else the latest that
started before it; never one that starts after DECOM; the legacy and successor copies of
one address are one address; a child without an address has no HOME_POST.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dbt_fixture_cla_outcomes import AS_OF, LEGACY, LEGACY_FINAL, SUCCESSOR, SUCCESSOR_IDS
from dbt_fixture_cla_outcomes import build_raw as build_cla_outcomes_raw
from dbt_fixture_warehouse import RawWarehouse, run_dbt


def _address(address_id: str, person: str, start: str, end: str | None, postcode: str) -> dict:
    return {
        "addr_table_id": address_id,
        "addr_person_id": person,
        "addr_address_type": "HOME",
        "addr_address_start_date": start,
        "addr_address_end_date": end,
        "addr_address_postcode": postcode,
        "addr_address_json": f'{{"POSTCODE": "{postcode}"}}',
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    work_dir: Path = tmp_path_factory.mktemp("dbt_home_post")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    build_cla_outcomes_raw(warehouse)
    s = SUCCESSOR_IDS
    warehouse.deliver(
        SUCCESSOR,
        AS_OF,
        "ssd_address",
        [
            # D came into care on 2021-08-02: its only earlier home had ended by then
            _address("AD1", s["D"], "2010-01-01", "2021-03-01", "mk45 1aa"),
            _address("AD2", s["D"], "2023-01-01", None, "LU7 1AA"),
            # LTMOVE (legacy CF4) in care from 2020-05-01, moved placement on 2022-06-01
            _address("AD3", s["LTMOVE"], "2015-01-01", "2021-01-01", "LU5 4AF"),
            _address("AD4", s["LTMOVE"], "2021-01-01", None, "SG5 1AA"),
        ],
    )
    # the legacy copy of LTMOVE's first home, still open when the legacy system closed
    warehouse.deliver(
        LEGACY, LEGACY_FINAL, "ssd_address", [_address("9", "CF4", "2015-01-01", None, "LU5 4AF")]
    )
    # the models (and seeds) upstream, then the tests of the two address models only
    result = run_dbt(
        warehouse.path,
        work_dir,
        "build",
        "--select",
        "+ret_ssda903_home_postcodes",
        "--exclude-resource-type",
        "test",
        "unit_test",
    )
    assert result.returncode == 0, result.stdout[-6000:]
    result = run_dbt(
        warehouse.path, work_dir, "test", "--select", "stg_ssd__address ret_ssda903_home_postcodes"
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return warehouse


def _home_posts(warehouse: RawWarehouse, case: str) -> dict[dt.date, str]:
    rows = warehouse.query(
        "select decom, home_postcode from returns.ret_ssda903_home_postcodes "
        "where child_key like ?",
        [f"%:{SUCCESSOR_IDS[case]}"],
    )
    return dict(rows)


def test_the_latest_home_before_care_when_none_is_valid_on_decom(
    warehouse: RawWarehouse,
) -> None:
    assert _home_posts(warehouse, "D") == {dt.date(2021, 8, 2): "MK45 1AA"}


def test_the_home_valid_on_each_episodes_decom(warehouse: RawWarehouse) -> None:
    posts = _home_posts(warehouse, "LTMOVE")
    assert posts[dt.date(2020, 5, 1)] == "LU5 4AF"
    assert posts[dt.date(2022, 6, 1)] == "SG5 1AA"


def test_a_child_without_an_address_has_no_home_post(warehouse: RawWarehouse) -> None:
    assert _home_posts(warehouse, "A") == {}
    (episodes,) = warehouse.query("select count(*) from returns.ret_ssda903_episode_spells")[0]
    (with_home,) = warehouse.query("select count(*) from returns.ret_ssda903_home_postcodes")[0]
    assert 0 < with_home < episodes
