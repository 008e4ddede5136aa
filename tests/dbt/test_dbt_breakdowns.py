"""Breakdown rows of CLA_COUNT, CP_COUNT and CIN_COUNT on hand-worked children.

A small one-system authority of its own (one extra ``dbt build``): three looked-after
children whose groups on period_end are worked out by hand. Rules: age in completed
years on period_end (a birthday on period_end counts), UASC from an immigration status
open on period_end, the team of the involvement open on period_end ('unallocated' when
none), an ethnicity code outside the DfE list is 'unknown'; the groups of every
breakdown add up to the headline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dbt_fixture_scenario import episode, legal, person, placement
from dbt_fixture_warehouse import RawWarehouse, run_dbt

D = dt.date.fromisoformat
SYSTEM = "liquid_logic"
HISTORY_START, AS_OF = D("2021-04-01"), D("2022-03-31")
BREAKDOWNS = ("age_band", "sex", "ethnicity_group", "uasc", "team")  # all three counts

# child person id -> (date of birth, sex, ethnicity code, what the case shows)
CHILDREN = {
    "2001": (
        "2017-03-31",
        "F",
        "WBRI",
        "fifth birthday on 2022-03-31: 5_9 then, 1_4 a month before",
    ),
    "2002": ("2017-04-01", "M", "XXXX", "aged 4 on 2022-03-31; unknown code; no involvement"),
    "2003": ("2005-06-15", "M", "AOTH", "UASC from 2021-09-01, aged 16"),
}


def _person(person_id: str) -> dict:
    dob, sex, ethnicity, _ = CHILDREN[person_id]
    return {**person(person_id, dob), "pers_sex": sex, "pers_ethnicity": ethnicity}


def _involvement(involvement_id: str, person_id: str, team: str, start: str) -> dict:
    return {
        "invo_involvements_id": involvement_id,
        "invo_professional_id": f"W{involvement_id}",
        "invo_professional_team": team,
        "invo_person_id": person_id,
        "invo_involvement_start_date": start,
        "invo_involvement_end_date": None,
    }


def _rows() -> dict[str, list[dict]]:
    return {
        "ssd_person": [_person(person_id) for person_id in CHILDREN],
        "ssd_cla_episodes": [
            episode("E2001", "2001", "CLA2001", "2021-06-01"),
            episode("E2002", "2002", "CLA2002", "2021-06-01"),
            episode("E2003", "2003", "CLA2003", "2021-09-01"),
        ],
        "ssd_legal_status": [
            legal("L2001", "2001", "C2", "2021-06-01"),
            legal("L2002", "2002", "C2", "2021-06-01"),
            legal("L2003", "2003", "V2", "2021-09-01"),
        ],
        "ssd_cla_placement": [
            placement("P2001", "2001", "CLA2001", "U4", "2021-06-01"),
            placement("P2003", "2003", "CLA2003", "K2", "2021-09-01"),
        ],
        "ssd_immigration_status": [
            {
                "immi_immigration_status_id": "U2003",
                "immi_person_id": "2003",
                "immi_immigration_status": "UASC",
                "immi_immigration_status_start_date": "2021-09-01",
                "immi_immigration_status_end_date": None,
            }
        ],
        "ssd_involvements": [
            _involvement("I2001", "2001", "Team North", "2021-06-01"),
            _involvement("I2003", "2003", "Team South", "2021-09-01"),
        ],
    }


@pytest.fixture(scope="module")
def breakdown_warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    """The three children's raw layer after a successful ``dbt build``."""
    work_dir: Path = tmp_path_factory.mktemp("dbt_breakdowns")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    warehouse.configure(
        systems=[(SYSTEM, HISTORY_START, None)],
        as_of_date=AS_OF,
        la_code="999",
        population={2021: 40_000},
    )
    for table, rows in _rows().items():
        warehouse.deliver(SYSTEM, AS_OF, table, rows)
    result = run_dbt(warehouse.path, work_dir, "build")
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-8000:]}\n{result.stderr[-2000:]}")
    return warehouse


def groups(warehouse: RawWarehouse, indicator: str, period_end: str, breakdown: str) -> dict:
    return dict(
        warehouse.query(
            "select breakdown_value, numerator from marts.fct_scorecard_monthly "
            "where indicator_code = ? and period_end = ? and breakdown = ?",
            [indicator, D(period_end), breakdown],
        )
    )


def test_birthday_on_period_end_counts_as_a_completed_year(
    breakdown_warehouse: RawWarehouse,
) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "age_band") == {
        "5_9": 1,
        "1_4": 1,
        "16_17": 1,
    }
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-02-28", "age_band") == {
        "1_4": 2,
        "16_17": 1,
    }


def test_uasc_child_is_uasc_only_while_the_status_is_open(
    breakdown_warehouse: RawWarehouse,
) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "uasc") == {
        "uasc": 1,
        "not_uasc": 2,
    }
    assert groups(breakdown_warehouse, "CLA_COUNT", "2021-08-31", "uasc") == {"not_uasc": 2}


def test_child_without_an_involvement_is_unallocated(breakdown_warehouse: RawWarehouse) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "team") == {
        "Team North": 1,
        "Team South": 1,
        "unallocated": 1,
    }


def test_unknown_ethnicity_code_is_unknown(breakdown_warehouse: RawWarehouse) -> None:
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "ethnicity_group") == {
        "white": 1,
        "asian": 1,
        "unknown": 1,
    }
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "sex") == {"F": 1, "M": 2}


def test_placement_type_group_of_the_open_placement(breakdown_warehouse: RawWarehouse) -> None:
    # 2002 has no placement on record: 'other', so the groups still add up
    assert groups(breakdown_warehouse, "CLA_COUNT", "2022-03-31", "placement_type_group") == {
        "foster": 1,
        "residential": 1,
        "other": 1,
    }
    assert groups(breakdown_warehouse, "CP_COUNT", "2022-03-31", "placement_type_group") == {}


def test_every_breakdown_adds_up_to_the_headline(breakdown_warehouse: RawWarehouse) -> None:
    headlines = breakdown_warehouse.query(
        "select indicator_code, period_end, numerator from marts.fct_scorecard_monthly "
        "where indicator_code in ('CLA_COUNT', 'CP_COUNT', 'CIN_COUNT') and breakdown = 'all'"
    )
    assert headlines
    for indicator, period_end, headline in headlines:
        for breakdown in BREAKDOWNS:
            group_counts = groups(breakdown_warehouse, indicator, period_end.isoformat(), breakdown)
            assert sum(group_counts.values()) == headline, (indicator, period_end, breakdown)
