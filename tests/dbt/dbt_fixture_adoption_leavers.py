"""Hand-worked adoption and care-leaver cases for a fixture warehouse of their own.

Two systems: legacy ``carefirst`` (live 2020-04-01 to 2021-06-30, final extract on
2021-06-30) and ``liquid_logic`` (live from the cutover C = 2021-07-01, extract on the
as-of date 2022-03-31, holding migrated history). Each child is one case (``CASES``); the
expected figures in ``test_dbt_adoption_leavers.py`` were worked out by hand from these
rows with the definitions of docs/architecture.md ("Indicator definitions: adoption and
care leavers").
"""

from __future__ import annotations

import datetime as dt

from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat
LEGACY, SUCCESSOR = "carefirst", "liquid_logic"
HISTORY_START, CUTOVER, AS_OF = D("2020-04-01"), D("2021-07-01"), D("2022-03-31")
LEGACY_FINAL = D("2021-06-30")

CASES = {
    # adoption (36-month window of March 2022: 2019-04-01 to 2022-03-31)
    "liquid_logic:2021": "ADO A: in care from 2020-06-01 (legacy) across the cutover; moved in "
    "with foster carers 2020-08-01 who adopt; order 2021-03-01, matched 2021-05-01, placed "
    "2021-09-01 (successor record), adopted E11 2022-01-15: A1 457, A2 61, A10 61",
    "liquid_logic:2022": "ADO B: matched 2021-09-20 before the order 2021-10-01: A2 = 0; "
    "A1 = A10 = 80 (2021-08-01 to placed 2021-10-20); adopted E12 2022-02-20",
    "liquid_logic:2023": "ADO C: placed with consent, no placement order: out of A2 only; "
    "A1 = A10 = 67; adopted 2022-03-10",
    "liquid_logic:2024": "ADO D: placed 2022-02-01, not adopted yet: ADO_PLACED_12M only",
    "liquid_logic:2025": "ADO E: legacy adoption before the cutover (placed 2020-12-01, on the "
    "window start of Nov 2021); the successor's migrated copy has a wrong match date "
    "(legacy is the record): A1 = A10 = 235, A2 = 61",
    # care leavers
    "liquid_logic:2101": "CL19: former relevant, turns 19 on 2021-11-30 (in 19-21 that day, "
    "out of 17-18)",
    "liquid_logic:2102": "CL22: former relevant, turns 22 on 2022-01-31 (out that day); "
    "unsuitable, NEET; still served at 21 with a review 183 days before 2022-01-31",
    "liquid_logic:2103": "NT: former relevant aged 20, refused contact: in every denominator",
    "liquid_logic:2104": "X: legacy record 2021-03-01 (suitable, in touch) whose migrated copy "
    "in the successor says otherwise (legacy is the record), then a successor record",
    "carefirst:CF32": "OLD21: legacy only, aged 21, last record before the 21st birthday: in "
    "19-21, out of the pathway plan cohort",
    "liquid_logic:2105": "R17: relevant, turns 17 on 2021-12-31 (in 17-18 that day)",
    "liquid_logic:2106": "R19: former relevant, turns 19 on 2022-01-31 (leaves 17-18, joins 19-21)",
    "liquid_logic:2107": "E17: eligible (still looked after) aged 17: not a 17-18 care leaver",
    "liquid_logic:2108": "P183: pathway plan reviewed 183 days before 2022-01-31 (in time)",
    "liquid_logic:2109": "P184: pathway plan reviewed 184 days before 2022-01-31 (late)",
}


def person(person_id: str, dob: str, legacy_id: str | None = None) -> dict:
    return {
        "pers_person_id": person_id,
        "pers_dob": dob,
        "pers_legacy_id": legacy_id,
        "pers_sex": "F",
    }


def episode(
    episode_id: str,
    person_id: str,
    start: str,
    end: str | None = None,
    end_reason: str | None = None,
) -> dict:
    return {
        "clae_cla_episode_id": episode_id,
        "clae_person_id": person_id,
        "clae_cla_id": f"C{episode_id}",
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_start_reason": "S",
        "clae_cla_episode_ceased_date": end,
        "clae_cla_episode_ceased_reason": end_reason,
    }


def permanence(
    record_id: str,
    person_id: str,
    *,
    order: str | None = None,
    matched: str | None = None,
    placed: str | None = None,
    by_carer: str | None = None,
    foster_carer: str | None = None,
) -> dict:
    return {
        "perm_table_id": record_id,
        "perm_person_id": person_id,
        "perm_placement_order_date": order,
        "perm_matched_date": matched,
        "perm_placed_for_adoption_date": placed,
        "perm_adopted_by_carer_flag": by_carer,
        "perm_placed_foster_carer_date": foster_carer,
    }


def leaver(
    record_id: str,
    person_id: str,
    contact: str,
    eligibility: str,
    in_touch: str = "YES",
    suitable: str | None = "Y",
    activity: str = "F2",
    review: str | None = None,
) -> dict:
    return {
        "clea_table_id": record_id,
        "clea_person_id": person_id,
        "clea_care_leaver_eligibility": eligibility,
        "clea_care_leaver_in_touch": in_touch,
        "clea_care_leaver_latest_contact": contact,
        "clea_care_leaver_accommodation": "R" if suitable is None else "U",
        "clea_care_leaver_accom_suitable": suitable,
        "clea_care_leaver_activity": activity,
        "clea_pathway_plan_review_date": review,
    }


FR = "Former Relevant"


def legacy_rows() -> dict[str, list[dict]]:
    """carefirst's final extract (2021-06-30)."""
    return {
        "ssd_person": [
            person("CF21", "2019-05-01"),
            person("CF25", "2019-01-01"),
            person("CF31", "2002-02-10"),
            person("CF32", "2000-06-01"),
        ],
        "ssd_cla_episodes": [
            episode("L21", "CF21", "2020-06-01"),
            episode("L25", "CF25", "2020-04-10", "2021-05-30", "E11"),
        ],
        "ssd_permanence": [
            # A: placed after the legacy extract, so not yet known here
            permanence("PL21", "CF21", order="2021-03-01"),
            permanence(
                "PL25",
                "CF25",
                order="2020-09-01",
                matched="2020-11-01",
                placed="2020-12-01",
                by_carer="N",
            ),
        ],
        "ssd_care_leavers": [
            leaver("CL31a", "CF31", "2021-03-01", FR, activity="F4", review="2021-03-01"),
            leaver("CL32", "CF32", "2021-05-01", FR, activity="F4", review="2021-05-01"),
        ],
    }


def successor_rows() -> dict[str, list[dict]]:
    """liquid_logic's extract (2022-03-31), with migrated history."""
    return {
        "ssd_person": [
            person("2021", "2019-05-01", legacy_id="CF21"),
            person("2022", "2020-01-01"),
            person("2023", "2020-02-01"),
            person("2024", "2020-03-01"),
            person("2025", "2019-01-01", legacy_id="CF25"),
            person("2101", "2002-11-30"),
            person("2102", "2000-01-31"),
            person("2103", "2001-05-15"),
            person("2104", "2002-02-10", legacy_id="CF31"),
            person("2105", "2004-12-31"),
            person("2106", "2003-01-31"),
            person("2107", "2004-06-01"),
            person("2108", "2005-06-01"),
            person("2109", "2005-06-01"),
        ],
        "ssd_cla_episodes": [
            episode("N21", "2021", "2020-06-01", "2022-01-15", "E11"),
            episode("N22", "2022", "2021-08-01", "2022-02-20", "E12"),
            episode("N23", "2023", "2021-07-10", "2022-03-10", "E11"),
            episode("N24", "2024", "2021-09-01"),
            episode("N25", "2025", "2020-04-10", "2021-05-30", "E11"),
        ],
        "ssd_permanence": [
            permanence(
                "PN21",
                "2021",
                order="2021-03-01",
                matched="2021-05-01",
                placed="2021-09-01",
                by_carer="Y",
                foster_carer="2020-08-01",
            ),
            permanence(
                "PN22",
                "2022",
                order="2021-10-01",
                matched="2021-09-20",
                placed="2021-10-20",
                by_carer="N",
            ),
            permanence("PN23", "2023", matched="2021-09-01", placed="2021-09-15", by_carer="N"),
            permanence(
                "PN24",
                "2024",
                order="2021-11-01",
                matched="2021-12-01",
                placed="2022-02-01",
                by_carer="N",
            ),
            # E: migrated copy with a different match date; the legacy record counts
            permanence(
                "PN25",
                "2025",
                order="2020-09-01",
                matched="2020-10-01",
                placed="2020-12-01",
                by_carer="N",
            ),
        ],
        "ssd_care_leavers": [
            leaver("K01", "2101", "2021-10-01", FR, review="2021-09-15"),
            leaver(
                "K02", "2102", "2021-08-01", FR, suitable="N", activity="G5", review="2021-08-01"
            ),
            leaver("K03", "2103", "2021-09-01", FR, in_touch="REFU", suitable=None, activity="0"),
            # X: migrated copy of the legacy record, recorded differently
            leaver("K04m", "2104", "2021-03-01", FR, in_touch="NO", suitable=None, activity="0"),
            leaver("K04", "2104", "2021-09-01", FR, activity="F1", review="2021-09-01"),
            leaver("K05", "2105", "2021-10-01", "Relevant", review="2021-10-01"),
            leaver("K06", "2106", "2021-10-01", FR, activity="G4", review="2021-10-01"),
            leaver("K07", "2107", "2021-10-01", "Eligible", review="2021-10-01"),
            leaver("K08", "2108", "2021-10-01", "Eligible", review="2021-08-01"),
            leaver("K09", "2109", "2021-10-01", "Eligible", review="2021-07-31"),
        ],
    }


def build_raw(warehouse: RawWarehouse) -> None:
    """Configure the two systems and deliver both extracts."""
    warehouse.configure(
        systems=[(LEGACY, HISTORY_START, LEGACY_FINAL), (SUCCESSOR, CUTOVER, None)],
        as_of_date=AS_OF,
        population={2020: 40_000, 2021: 40_400},
    )
    for table, rows in legacy_rows().items():
        warehouse.deliver(LEGACY, LEGACY_FINAL, table, rows)
    for table, rows in successor_rows().items():
        warehouse.deliver(SUCCESSOR, AS_OF, table, rows)
