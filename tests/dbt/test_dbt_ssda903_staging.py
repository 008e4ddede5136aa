"""SSDA903 rows mapped onto the SSD staging shapes (dbt_project/models/staging/ssda903/).

Hand-worked: one child with a legal-status-only change inside a placement, a move, a
ceased period and a new period; another who is UASC, went missing and away, and whose
SEX is written M/F. The raw rows are what the 903 ingest loads (text, lineage).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dbt_fixture_warehouse import RawWarehouse, run_dbt

SYSTEM = "return903"
EXTRACT = dt.date(2025, 4, 30)
D = dt.date


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> RawWarehouse:
    work_dir: Path = tmp_path_factory.mktemp("dbt_ssda903")
    warehouse = RawWarehouse(work_dir / "warehouse.duckdb")
    warehouse.configure(systems=[(SYSTEM, D(2016, 4, 1), None)], as_of_date=D(2025, 3, 31))
    warehouse.deliver(
        SYSTEM,
        EXTRACT,
        "ssda903_header",
        [
            {"child": "C1", "sex": "1", "dob": "01/06/2012", "ethnic": "WBRI", "mother": ""},
            {"child": "C2", "sex": "F", "dob": "29/02/2008", "ethnic": "AOTH", "mother": "0"},
        ],
    )
    episode = dict.fromkeys(
        ("place_provider", "home_post", "pl_post", "urn", "cin", "reason_place_change"), None
    )
    warehouse.deliver(
        SYSTEM,
        EXTRACT,
        "ssda903_episodes",
        [
            {**episode, "child": "C1", "decom": "01/04/2024", "rne": "S", "ls": "C2",
             "place": "U1", "dec": "10/06/2024", "rec": "X1", "cin": "N1"},
            # legal status change only: the U1 placement goes on
            {**episode, "child": "C1", "decom": "10/06/2024", "rne": "L", "ls": "C1",
             "place": "U1", "dec": "01/09/2024", "rec": "X1", "reason_place_change": "CARPL"},
            {**episode, "child": "C1", "decom": "01/09/2024", "rne": "P", "ls": "C1",
             "place": "U4", "dec": "15/01/2025", "rec": "E4A"},
            {**episode, "child": "C1", "decom": "01/03/2025", "rne": "S", "ls": "V2",
             "place": "P1"},
            {**episode, "child": "C2", "decom": "05/05/2024", "rne": "S", "ls": "V2",
             "place": "K2"},
        ],
    )  # fmt: skip
    warehouse.deliver(
        SYSTEM,
        EXTRACT,
        "ssda903_reviews",
        [{"child": "C1", "dob": "01/06/2012", "review": "20/04/2024", "review_code": "PN1"}],
    )
    warehouse.deliver(
        SYSTEM,
        EXTRACT,
        "ssda903_uasc",
        [{"child": "C2", "sex": "F", "dob": "29/02/2008", "duc": "28/02/2026"}],
    )
    warehouse.deliver(
        SYSTEM,
        EXTRACT,
        "ssda903_missing",
        [
            {"child": "C2", "missing": "M", "mis_start": "01/06/2024", "mis_end": "02/06/2024"},
            {"child": "C2", "missing": "a", "mis_start": "03/07/2024", "mis_end": ""},
        ],
    )
    result = run_dbt(
        warehouse.path,
        work_dir,
        "build",
        "--select",
        "+int_cla_periods_of_care",
        "+int_cla_reviews_unified",
        "+int_immigration_status_unified",
        "+int_missing_unified",
        "path:models/staging/ssda903",
        # only the tests whose every parent is built here
        "--indirect-selection",
        "cautious",
    )
    if result.returncode != 0:
        pytest.fail(f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return warehouse


def test_header_becomes_person(warehouse: RawWarehouse) -> None:
    rows = warehouse.query(
        "select source_system, person_id, sex, ethnicity, date_of_birth, is_mother,"
        " source_file from staging.stg_ssd__person order by person_id"
    )
    file_name = f"{SYSTEM}/{EXTRACT.isoformat()}/ssda903_header.csv"
    assert rows == [
        (SYSTEM, "C1", "M", "WBRI", D(2012, 6, 1), None, file_name),
        (SYSTEM, "C2", "F", "AOTH", D(2008, 2, 29), False, file_name),
    ]


def test_episodes_and_legal_statuses(warehouse: RawWarehouse) -> None:
    episodes = warehouse.query(
        "select episode_start_date, episode_start_reason, episode_ceased_date,"
        " episode_ceased_reason, cla_id from staging.stg_ssd__cla_episodes"
        " where person_id = 'C1' order by episode_start_date"
    )
    assert episodes == [
        (D(2024, 4, 1), "S", D(2024, 6, 10), "X1", "C1"),
        (D(2024, 6, 10), "L", D(2024, 9, 1), "X1", "C1"),
        (D(2024, 9, 1), "P", D(2025, 1, 15), "E4A", "C1"),
        (D(2025, 3, 1), "S", None, None, "C1"),
    ]
    statuses = warehouse.query(
        "select legal_status, legal_status_start_date, legal_status_end_date"
        " from staging.stg_ssd__legal_status where person_id = 'C1'"
        " order by legal_status_start_date"
    )
    assert statuses == [
        ("C2", D(2024, 4, 1), D(2024, 6, 10)),
        ("C1", D(2024, 6, 10), D(2024, 9, 1)),
        ("C1", D(2024, 9, 1), D(2025, 1, 15)),
        ("V2", D(2025, 3, 1), None),
    ]


def test_legal_status_change_does_not_start_a_placement(warehouse: RawWarehouse) -> None:
    placements = warehouse.query(
        "select placement_id, placement_type, placement_start_date, placement_end_date,"
        " placement_change_reason, placement_distance from staging.stg_ssd__cla_placement"
        " where person_id = 'C1' order by placement_start_date"
    )
    assert placements == [
        ("placement-C1-1", "U1", D(2024, 4, 1), D(2024, 9, 1), "CARPL", None),
        ("placement-C1-2", "U4", D(2024, 9, 1), D(2025, 1, 15), None, None),
        ("placement-C1-3", "P1", D(2025, 3, 1), None, None, None),
    ]


def test_periods_of_care_from_903_episodes(warehouse: RawWarehouse) -> None:
    periods = warehouse.query(
        "select child_key, period_start_date, period_end_date, period_end_reason,"
        " is_short_break from intermediate.int_cla_periods_of_care order by 1, 2"
    )
    assert periods == [
        (f"{SYSTEM}:C1", D(2024, 4, 1), D(2025, 1, 15), "E4A", False),
        (f"{SYSTEM}:C1", D(2025, 3, 1), None, None, False),
        (f"{SYSTEM}:C2", D(2024, 5, 5), None, None, False),
    ]


def test_reviews_find_their_child(warehouse: RawWarehouse) -> None:
    rows = warehouse.query(
        "select child_key, review_date, review_participation"
        " from intermediate.int_cla_reviews_unified"
    )
    assert rows == [(f"{SYSTEM}:C1", D(2024, 4, 20), "PN1")]


def test_uasc_runs_from_birth_to_duc(warehouse: RawWarehouse) -> None:
    rows = warehouse.query(
        "select child_key, is_uasc, immigration_status_start_date, immigration_status_end_date"
        " from intermediate.int_immigration_status_unified"
    )
    assert rows == [(f"{SYSTEM}:C2", True, D(2008, 2, 29), D(2026, 2, 28))]


def test_missing_and_away_episodes(warehouse: RawWarehouse) -> None:
    rows = warehouse.query(
        "select missing_episode_type, missing_episode_start_date, missing_episode_end_date,"
        " is_rhi_offered from staging.stg_ssd__missing order by 2"
    )
    assert rows == [
        ("Missing", D(2024, 6, 1), D(2024, 6, 2), None),
        ("Absent", D(2024, 7, 3), None, None),
    ]
