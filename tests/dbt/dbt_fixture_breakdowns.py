"""Hand-worked children for the breakdown rows (``test_dbt_breakdowns.py``).

A one-system authority (``liquid_logic``, history 2021-04-01 to 2022-03-31). Three
looked-after children (2001-2003), two on child protection plans (2004, 2005) and two
with child in need plans (2006, 2007). ``CASES`` says what each shows; the expected
figures in the tests were worked out by hand from these rows.
"""

from __future__ import annotations

import datetime as dt

from dbt_fixture_scenario import episode, legal, person, placement, visit
from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat
SYSTEM = "liquid_logic"
HISTORY_START, AS_OF = D("2021-04-01"), D("2022-03-31")

# child person id -> (date of birth, sex, ethnicity code)
CHILDREN = {
    "2001": ("2017-03-31", "F", "WBRI"),
    "2002": ("2017-04-01", "M", "XXXX"),
    "2003": ("2005-06-15", "M", "AOTH"),
    "2004": ("2015-05-05", "F", "MWBC"),
    "2005": ("2012-02-10", "M", "BAFR"),
    "2006": ("2013-07-07", "F", "WBRI"),
    "2007": ("2013-08-08", "M", "WBRI"),
}

CASES = {
    "2001": "CLA: fifth birthday on 2022-03-31 (5_9 then, 1_4 a month before); U4 from "
    "2021-06-01 (303 days: 42-day interval), seen 2022-03-01 (30 days: in time); Team North",
    "2002": "CLA: aged 4 on 2022-03-31; unknown ethnicity code; no placement (other), no "
    "visit since the period start 2021-06-01 (late); no involvement (unallocated)",
    "2003": "CLA: UASC from 2021-09-01, aged 16; three placements since 2021-09-01 (K2, U6, "
    "K2 from 2021-12-01: stability 3+); seen 2022-02-01, 58 days before 2022-03-31 (late); "
    "Team South",
    "2004": "CP plan from 2022-01-04; seen 2022-03-21 (8 working days before 2022-03-31: in "
    "time); first review not due until 2022-04-04; mixed; Team West",
    "2005": "CP plan from 2021-11-01; never seen (late); review due 2022-02-01, none held "
    "(late); black; no involvement",
    "2006": "CIN plan from 2022-01-04 without a CIN episode (not in CIN_COUNT); seen "
    "2022-03-01 (22 working days before 2022-03-31: late); no involvement",
    "2007": "CIN episode from 2021-12-01, CIN plan from 2022-01-04; seen 2022-03-15 (12 "
    "working days: in time); Team East",
}


def _person(person_id: str) -> dict:
    dob, sex, ethnicity = CHILDREN[person_id]
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


def rows() -> dict[str, list[dict]]:
    """The successor's extract on the as-of date, by SSD table."""
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
            placement("P2003a", "2003", "CLA2003", "K2", "2021-09-01", "2021-10-01", "PR1"),
            placement("P2003b", "2003", "CLA2003", "U6", "2021-10-01", "2021-12-01", "PR2"),
            placement("P2003c", "2003", "CLA2003", "K2", "2021-12-01", None, "PR3"),
        ],
        "ssd_cla_visits": [
            visit("V2001", "2001", "CLA2001", "2022-03-01"),
            visit("V2003", "2003", "CLA2003", "2022-02-01"),
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
            _involvement("I2004", "2004", "Team West", "2022-01-04"),
            _involvement("I2007", "2007", "Team East", "2021-12-01"),
        ],
        "ssd_cp_plans": [
            {
                "cppl_cp_plan_id": f"CP{person_id}",
                "cppl_person_id": person_id,
                "cppl_cp_plan_start_date": start,
                "cppl_cp_plan_end_date": None,
            }
            for person_id, start in (("2004", "2022-01-04"), ("2005", "2021-11-01"))
        ],
        "ssd_cp_visits": [
            {
                "cppv_cp_visit_id": "CPV2004",
                "cppv_person_id": "2004",
                "cppv_cp_visit_date": "2022-03-21",
                "cppv_cp_visit_seen": "Y",
            }
        ],
        "ssd_cin_episodes": [
            {
                "cine_referral_id": "R2007",
                "cine_person_id": "2007",
                "cine_referral_date": "2021-12-01",
                "cine_close_date": None,
                "cine_referral_nfa": "N",
            }
        ],
        "ssd_cin_plans": [
            {
                "cinp_cin_plan_id": f"CINP{person_id}",
                "cinp_person_id": person_id,
                "cinp_cin_plan_start_date": "2022-01-04",
            }
            for person_id in ("2006", "2007")
        ],
        "ssd_cin_visits": [
            {
                "cinv_cin_visit_id": f"CINV{person_id}",
                "cinv_person_id": person_id,
                "cinv_cin_visit_date": date,
                "cinv_cin_visit_seen": "Y",
            }
            for person_id, date in (("2006", "2022-03-01"), ("2007", "2022-03-15"))
        ],
    }


def build_raw(warehouse: RawWarehouse) -> None:
    """Configure the one system and deliver its extract."""
    warehouse.configure(
        systems=[(SYSTEM, HISTORY_START, None)],
        as_of_date=AS_OF,
        la_code="999",
        population={2021: 40_000},
    )
    for table, table_rows in rows().items():
        warehouse.deliver(SYSTEM, AS_OF, table, table_rows)
