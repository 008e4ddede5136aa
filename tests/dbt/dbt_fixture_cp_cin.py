"""Hand-worked children for the child protection, children in need and workforce models.

Two systems: legacy ``carefirst`` (live 2022-04-01 to 2023-06-30, final extract on
2023-06-30) and ``liquid_logic`` (live from the cutover C = 2023-07-01, extract on the
as-of date 2024-10-31). Legacy children (``L..``) are migrated to the successor (``N..``
with ``pers_legacy_id``); their records in both systems carry each system's own ids.
Working days below were counted on the England calendar (Christmas 2023: 25, 26 December
and 1 January; Easter 2024: 29 March and 1 April are bank holidays).
"""

from __future__ import annotations

import datetime as dt

from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat
LEGACY, SUCCESSOR = "carefirst", "liquid_logic"
HISTORY_START, CUTOVER, AS_OF = D("2022-04-01"), D("2023-07-01"), D("2024-10-31")
LEGACY_FINAL = D("2023-06-30")
LA_CODE = "998"
POPULATION = {2022: 20_000, 2023: 20_200, 2024: 20_400}

CASES = {
    "N1": "CP plan from 2022-07-02 across the cutover: 729 days open on 2024-06-30 (not 2y+)",
    "N2": "CP plan from 2022-07-01 across the cutover: 730 days open on 2024-06-30 (2y+)",
    "N3": "CP plan 2022-09-01 to 2024-08-30 (729 days) across the cutover: not 2y+ ended",
    "N4": "CP plan 2022-09-01 to 2024-08-31 (730 days) across the cutover: 2y+ ended",
    "N5": "second plan starts 2023-12-16, the day after the first ended: repeat (ever, 2y)",
    "N6": "S47 2023-12-11, ICPC 2024-01-04: working day 15 across Christmas (in time)",
    "N7": "S47 2023-12-11, ICPC 2024-01-05: working day 16 across Christmas (late)",
    "N8": "S47 2024-03-15, ICPC 2024-04-09: working day 15 across Easter (in time)",
    "N9": "S47 2024-03-15, ICPC 2024-04-10: working day 16 across Easter (late)",
    "N10": "transfer-in ICPC: excluded from CP_ICPC_15WD",
    "N11": "S47 2023-06-20 in legacy (migrated), ICPC 2023-07-07 in the successor: day 13",
    "N12": "CP plan; seen 2024-09-16 = 10 working days before 2024-09-30 (in time); also "
    "on a CIN plan, so not in the CIN visits cohort",
    "N13": "CP plan; seen 2024-09-13 = 11 working days before 2024-09-30 (late)",
    "N14": "CP plan from 2024-09-23: under 10 working days on 2024-09-30 (not due)",
    "N15": "CP plan 2024-01-10, first review 2024-04-10 (3 months: in time)",
    "N16": "CP plan 2024-01-10, first review 2024-04-11 (a day late)",
    "N17": "CP plan 2024-06-30, no review: due 2024-09-30 (in time then), overdue in October",
    "N18": "referrals 2022-09-10 (legacy, migrated) and 2023-09-10: 365 days, re-referral",
    "N19": "referrals 2022-09-09 (legacy, migrated) and 2023-09-10: 366 days, not",
    "N20": "open NFA referral: not a child in need",
    "N21": "open referral with a CP plan: a child in need",
    "N22": "CIN plan; seen 2024-09-02 = 20 working days before 2024-09-30 (in time)",
    "N23": "CIN plan; seen 2024-08-30 = 21 working days before 2024-09-30 (late)",
    "N25": "CIN plan while looked after: not in the CIN visits cohort",
    "N26": "CIN plan from 2024-09-20: under 20 working days on 2024-09-30 (not due)",
    "N27": "assessment 2024-02-01 to 2024-04-08: 45 working days across Easter (in time)",
    "N28": "assessment 2024-02-01 to 2024-04-09: 46 working days (late)",
    "W25": "worker (FTE 0.5) with 25 cases open on 2024-09-30 (one more ended that day)",
    "W26": "worker (FTE unknown) with 26 cases open on 2024-09-30",
}

MIGRATED = ("1", "2", "3", "4", "11", "18", "19")
SUCCESSOR_CHILDREN = (*MIGRATED, "5", "6", "7", "8", "9", "10", "12", "13", "14", "15", "16",
                      "17", "20", "21", "22", "23", "25", "26", "27", "28")  # fmt: skip


def person(person_id: str, legacy_id: str | None = None) -> dict:
    return {"pers_person_id": person_id, "pers_dob": "2015-01-01", "pers_legacy_id": legacy_id}


def cp_plan(plan_id: str, person_id: str, start: str, end: str | None = None) -> dict:
    return {
        "cppl_cp_plan_id": plan_id,
        "cppl_person_id": person_id,
        "cppl_cp_plan_start_date": start,
        "cppl_cp_plan_end_date": end,
    }


def s47(s47_id: str, person_id: str, start: str) -> dict:
    return {
        "s47e_s47_enquiry_id": s47_id,
        "s47e_person_id": person_id,
        "s47e_s47_start_date": start,
    }


def icpc(icpc_id: str, person_id: str, s47_id: str, held: str, transfer_in: str = "N") -> dict:
    return {
        "icpc_icpc_id": icpc_id,
        "icpc_person_id": person_id,
        "icpc_s47_enquiry_id": s47_id,
        "icpc_icpc_date": held,
        "icpc_icpc_transfer_in": transfer_in,
    }


def referral(
    referral_id: str, person_id: str, date: str, close: str | None = None, nfa: str = "N"
) -> dict:
    return {
        "cine_referral_id": referral_id,
        "cine_person_id": person_id,
        "cine_referral_date": date,
        "cine_close_date": close,
        "cine_referral_nfa": nfa,
    }


def involvements(worker: str, count: int, prefix: str, end: str | None = None) -> list[dict]:
    return [
        {
            "invo_involvements_id": f"{prefix}{number}",
            "invo_professional_id": worker,
            "invo_person_id": f"{prefix}C{number}",
            "invo_involvement_start_date": "2024-06-01",
            "invo_involvement_end_date": end,
        }
        for number in range(count)
    ]


def legacy_rows() -> dict[str, list[dict]]:
    return {
        "ssd_person": [person(f"L{number}") for number in MIGRATED],
        # open at the legacy final extract (their ends come after it)
        "ssd_cp_plans": [
            cp_plan("LP1", "L1", "2022-07-02"),
            cp_plan("LP2", "L2", "2022-07-01"),
            cp_plan("LP3", "L3", "2022-09-01"),
            cp_plan("LP4", "L4", "2022-09-01"),
        ],
        "ssd_s47_enquiry": [s47("LS11", "L11", "2023-06-20")],
        "ssd_cin_episodes": [
            referral("LR18", "L18", "2022-09-10", "2022-10-01"),
            referral("LR19", "L19", "2022-09-09", "2022-10-01"),
        ],
    }


def successor_rows() -> dict[str, list[dict]]:
    people = [
        person(f"N{number}", f"L{number}" if number in MIGRATED else None)
        for number in SUCCESSOR_CHILDREN
    ]
    return {
        "ssd_person": people,
        "ssd_cp_plans": [
            cp_plan("NP1", "N1", "2022-07-02"),
            cp_plan("NP2", "N2", "2022-07-01"),
            cp_plan("NP3", "N3", "2022-09-01", "2024-08-30"),
            cp_plan("NP4", "N4", "2022-09-01", "2024-08-31"),
            cp_plan("NP5a", "N5", "2023-08-01", "2023-12-15"),
            cp_plan("NP5b", "N5", "2023-12-16"),
            cp_plan("NP12", "N12", "2024-05-01"),
            cp_plan("NP13", "N13", "2024-05-01"),
            cp_plan("NP14", "N14", "2024-09-23"),
            cp_plan("NP15", "N15", "2024-01-10"),
            cp_plan("NP16", "N16", "2024-01-10"),
            cp_plan("NP17", "N17", "2024-06-30"),
            cp_plan("NP21", "N21", "2024-06-01", "2024-07-31"),
        ],
        "ssd_s47_enquiry": [
            s47("NS6", "N6", "2023-12-11"),
            s47("NS7", "N7", "2023-12-11"),
            s47("NS8", "N8", "2024-03-15"),
            s47("NS9", "N9", "2024-03-15"),
            s47("NS10", "N10", "2024-01-25"),
            s47("NS11", "N11", "2023-06-20"),
        ],
        "ssd_initial_cp_conference": [
            icpc("NI6", "N6", "NS6", "2024-01-04"),
            icpc("NI7", "N7", "NS7", "2024-01-05"),
            icpc("NI8", "N8", "NS8", "2024-04-09"),
            icpc("NI9", "N9", "NS9", "2024-04-10"),
            icpc("NI10", "N10", "NS10", "2024-02-01", transfer_in="Y"),
            icpc("NI11", "N11", "NS11", "2023-07-07"),
        ],
        "ssd_cp_visits": [
            {
                "cppv_cp_visit_id": "NV12a",
                "cppv_person_id": "N12",
                "cppv_cp_visit_date": "2024-09-16",
                "cppv_cp_visit_seen": "Y",
            },
            {
                "cppv_cp_visit_id": "NV12b",
                "cppv_person_id": "N12",
                "cppv_cp_visit_date": "2024-09-25",
                "cppv_cp_visit_seen": "N",
            },
            {
                "cppv_cp_visit_id": "NV13",
                "cppv_person_id": "N13",
                "cppv_cp_visit_date": "2024-09-13",
                "cppv_cp_visit_seen": "Y",
            },
        ],
        "ssd_cp_reviews": [
            {
                "cppr_cp_review_id": "NR15",
                "cppr_person_id": "N15",
                "cppr_cp_review_date": "2024-04-10",
            },
            {
                "cppr_cp_review_id": "NR16",
                "cppr_person_id": "N16",
                "cppr_cp_review_date": "2024-04-11",
            },
        ],
        "ssd_cin_episodes": [
            referral("NR18a", "N18", "2022-09-10", "2022-10-01"),
            referral("NR18b", "N18", "2023-09-10", "2023-10-15"),
            referral("NR19a", "N19", "2022-09-09", "2022-10-01"),
            referral("NR19b", "N19", "2023-09-10", "2023-10-15"),
            referral("NR20", "N20", "2024-06-01", nfa="Y"),
            referral("NR21", "N21", "2024-06-01", "2024-08-15"),
        ],
        "ssd_cin_plans": [
            {
                "cinp_cin_plan_id": f"NC{number}",
                "cinp_person_id": f"N{number}",
                "cinp_cin_plan_start_date": "2024-09-20" if number == "26" else "2024-05-01",
            }
            for number in ("12", "22", "23", "25", "26")
        ],
        "ssd_cin_visits": [
            {
                "cinv_cin_visit_id": f"NW{number}",
                "cinv_person_id": f"N{number}",
                "cinv_cin_visit_date": date,
                "cinv_cin_visit_seen": "Y",
            }
            for number, date in (
                ("22", "2024-09-02"),
                ("23", "2024-08-30"),
                ("12", "2024-09-27"),
                ("25", "2024-09-27"),
            )
        ],
        "ssd_cla_episodes": [
            {
                "clae_cla_episode_id": "NE25",
                "clae_person_id": "N25",
                "clae_cla_id": "NL25",
                "clae_cla_episode_start_date": "2024-06-01",
                "clae_cla_episode_start_reason": "S",
            },
        ],
        "ssd_cin_assessments": [
            {
                "cina_assessment_id": "NA27",
                "cina_person_id": "N27",
                "cina_assessment_start_date": "2024-02-01",
                "cina_assessment_auth_date": "2024-04-08",
            },
            {
                "cina_assessment_id": "NA28",
                "cina_person_id": "N28",
                "cina_assessment_start_date": "2024-02-01",
                "cina_assessment_auth_date": "2024-04-09",
            },
        ],
        "ssd_involvements": [
            *involvements("W25", 25, "IA"),
            *involvements("W25", 1, "IB", end="2024-09-30"),
            *involvements("W26", 26, "IC"),
        ],
        "ssd_professionals": [
            {"prof_professional_id": "W25", "prof_full_time_equivalency": "0.5"},
            {"prof_professional_id": "W26"},
        ],
    }


def build_raw(warehouse: RawWarehouse) -> None:
    """Configure the two systems and deliver both final extracts."""
    warehouse.configure(
        systems=[(LEGACY, HISTORY_START, LEGACY_FINAL), (SUCCESSOR, CUTOVER, None)],
        as_of_date=AS_OF,
        la_code=LA_CODE,
        population=POPULATION,
    )
    for table, rows in legacy_rows().items():
        warehouse.deliver(LEGACY, LEGACY_FINAL, table, rows)
    for table, rows in successor_rows().items():
        warehouse.deliver(SUCCESSOR, AS_OF, table, rows)
