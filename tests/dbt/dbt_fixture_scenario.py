"""Hand-worked children for the dbt fixture warehouse, and what the marts must say.

Two systems: legacy ``carefirst`` (live 2020-04-01 to 2021-06-30, final extract on
2021-06-30, an older extract on 2021-03-31) and ``liquid_logic`` (live from the cutover
C = 2021-07-01, extract on the as-of date 2022-03-31). Each child is one hand-worked case
(see the ``CASES`` notes). ``TRUTH`` states each child's history as the pipeline must
reconstruct it; ``dbt_fixture_definitions.expected_scorecard`` applies the definitions
of docs/architecture.md to it independently of the SQL.
"""

from __future__ import annotations

import datetime as dt

from dbt_fixture_definitions import Child, Period
from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat
LEGACY, SUCCESSOR = "carefirst", "liquid_logic"
HISTORY_START, CUTOVER, AS_OF = D("2020-04-01"), D("2021-07-01"), D("2022-03-31")
LEGACY_FINAL, LEGACY_OLD = D("2021-06-30"), D("2021-03-31")
LA_CODE = "999"
POPULATION = {2020: 40_000, 2021: 40_400}

CASES = {
    "liquid_logic:1001": "A: in care across the cutover, clean migration (one period)",
    "liquid_logic:1002": "B: period split at the cutover in the successor (E8 at C-1, new S on C)",
    "carefirst:CF03": "C: legacy child open at cutover missing from the successor",
    "liquid_logic:1004": "D: visits from legacy before C and successor after C; linked identifier",
    "liquid_logic:1005": "E1: last visit 42 days before 2021-11-30 (in time)",
    "liquid_logic:1006": "E2: last visit 43 days before 2021-11-30 (late)",
    "liquid_logic:1007": "F: placed with parents (P1): 7 days before the first review, 28 after",
    "liquid_logic:1008": "G: long-term foster U4 across the cutover, 91 days after a year",
    "liquid_logic:1009": "H: short breaks (V3) are not counted",
    "liquid_logic:1010": "I: ceases on a period end; no legal status; date with a time",
    "liquid_logic:1011": "J: re-enters within 12 months, counted once as a start; DD/MM/YYYY",
    "liquid_logic:1014": "M1: starts on a window start (legacy, DD/MM/YYYY, migrated closed copy)",
    "carefirst:CF09": "M2: starts the day before a window start",
    "liquid_logic:1012": "O1: stays with carers at 18 (E17 aged 18): age18",
    "liquid_logic:1013": "O2: independent living at 16 (E5 under 18): other; unmapped start",
}


def _dates(*values: str) -> list[dt.date]:
    return [D(value) for value in values]


DOB = D("2010-01-01")
TRUTH: dict[str, Child] = {
    "liquid_logic:1001": Child(
        DOB,
        [Period(D("2020-05-10"))],
        [(D("2020-05-10"), None, "C2")],
        [(D("2020-05-10"), None, "U6")],
        _dates(
            "2020-05-12",
            "2020-06-15",
            "2020-07-20",
            "2020-08-30",
            "2020-10-05",
            "2020-11-10",
            "2020-12-20",
            "2021-01-25",
            "2021-03-01",
            "2021-04-10",
            "2021-05-20",
            "2021-06-25",
            "2021-08-01",
            "2021-09-05",
            "2021-10-15",
            "2021-11-20",
            "2021-12-28",
            "2022-02-01",
            "2022-03-10",
        ),
    ),
    "liquid_logic:1002": Child(
        DOB,
        [Period(D("2020-09-01"))],
        [(D("2020-09-01"), None, "C1")],
        [(D("2020-09-01"), None, "U6")],
        _dates(
            "2020-09-03",
            "2020-10-10",
            "2020-11-25",
            "2021-01-02",
            "2021-02-10",
            "2021-03-20",
            "2021-04-30",
            "2021-06-10",
            "2021-07-15",
            "2021-08-20",
            "2021-10-01",
            "2021-11-05",
            "2021-12-15",
            "2022-01-20",
            "2022-03-01",
        ),
    ),
    "carefirst:CF03": Child(
        DOB,
        [Period(D("2021-01-15"), CUTOVER, None, lost_at_cutover=True)],
        [(D("2021-01-15"), CUTOVER, "V2")],
        [(D("2021-01-15"), CUTOVER, "U6")],
        _dates("2021-01-20", "2021-03-01", "2021-04-20", "2021-06-01"),
    ),
    "liquid_logic:1004": Child(
        DOB,
        [Period(D("2021-05-01"))],
        [(D("2021-05-01"), None, "C2")],
        [(D("2021-05-01"), None, "U6")],
        _dates(
            "2021-05-05",
            "2021-06-20",
            "2021-07-25",
            "2021-09-10",
            "2021-10-20",
            "2021-12-01",
            "2022-01-10",
            "2022-02-20",
            "2022-03-25",
        ),
    ),
    "liquid_logic:1005": Child(
        DOB,
        [Period(D("2021-08-01"))],
        [(D("2021-08-01"), None, "C2")],
        [(D("2021-08-01"), None, "U6")],
        _dates(
            "2021-08-03",
            "2021-09-10",
            "2021-10-19",
            "2021-12-10",
            "2022-01-15",
            "2022-02-20",
            "2022-03-25",
        ),
    ),
    "liquid_logic:1006": Child(
        DOB,
        [Period(D("2021-08-01"))],
        [(D("2021-08-01"), None, "C2")],
        [(D("2021-08-01"), None, "U6")],
        _dates(
            "2021-08-03",
            "2021-09-10",
            "2021-10-18",
            "2021-12-10",
            "2022-01-15",
            "2022-02-20",
            "2022-03-25",
        ),
    ),
    "liquid_logic:1007": Child(
        DOB,
        [Period(D("2021-09-01"))],
        [(D("2021-09-01"), None, "C1")],
        [(D("2021-09-01"), None, "P1")],
        _dates(
            "2021-09-20",
            "2021-10-10",
            "2021-11-20",
            "2021-12-15",
            "2022-01-10",
            "2022-02-05",
            "2022-03-01",
        ),
        _dates("2021-10-05", "2022-01-05"),
    ),
    "liquid_logic:1008": Child(
        DOB,
        [Period(D("2020-06-01"))],
        [(D("2020-06-01"), None, "C2")],
        [(D("2020-06-01"), None, "U4")],
        _dates(
            "2020-06-03",
            "2020-07-10",
            "2020-08-15",
            "2020-09-20",
            "2020-10-30",
            "2020-12-05",
            "2021-01-10",
            "2021-02-15",
            "2021-03-25",
            "2021-05-01",
            "2021-06-15",
            "2021-09-10",
            "2021-11-25",
            "2022-02-10",
        ),
    ),
    "liquid_logic:1009": Child(
        DOB,
        [
            Period(D("2021-09-28"), D("2021-10-02"), "E4A", short_break=True),
            Period(D("2021-12-30"), D("2022-01-02"), "E4A", short_break=True),
        ],
        [(D("2021-09-28"), D("2021-10-02"), "V3"), (D("2021-12-30"), D("2022-01-02"), "V3")],
    ),
    "liquid_logic:1010": Child(
        DOB,
        [Period(D("2021-08-10"), D("2021-10-31"), "E4A")],
        [],
        [(D("2021-08-10"), D("2021-10-31"), "U6")],
        _dates("2021-08-12", "2021-09-20"),
    ),
    "liquid_logic:1011": Child(
        DOB,
        [Period(D("2021-08-01"), D("2021-09-15"), "E4B"), Period(D("2021-11-01"))],
        [(D("2021-08-01"), D("2021-09-15"), "C1"), (D("2021-11-01"), None, "C1")],
        [(D("2021-08-01"), D("2021-09-15"), "U6"), (D("2021-11-01"), None, "U6")],
        _dates("2021-08-05", "2021-11-03", "2021-12-10", "2022-01-20", "2022-03-01"),
    ),
    "liquid_logic:1014": Child(
        DOB,
        [Period(D("2021-04-01"), D("2021-05-10"), "E13")],
        [(D("2021-04-01"), D("2021-05-10"), "C2")],
        [],
        _dates("2021-04-05"),
    ),
    "carefirst:CF09": Child(
        DOB,
        [Period(D("2021-03-31"), D("2021-04-20"), "E4A")],
        [(D("2021-03-31"), D("2021-04-20"), "V2")],
    ),
    "liquid_logic:1012": Child(
        D("2003-10-15"),
        [Period(D("2021-08-20"), D("2021-10-20"), "E17")],
        [(D("2021-08-20"), D("2021-10-20"), "C2")],
        [],
        _dates("2021-08-25"),
    ),
    "liquid_logic:1013": Child(
        D("2004-12-01"),
        [Period(D("2021-08-20"), D("2021-10-20"), "E5")],
        [(D("2021-08-20"), D("2021-10-20"), "C2")],
    ),
}


# --- raw rows -------------------------------------------------------------------------


def person(person_id: str, dob: str = "2010-01-01", legacy_id: str | None = None) -> dict:
    return {
        "pers_person_id": person_id,
        "pers_dob": dob,
        "pers_legacy_id": legacy_id,
        "pers_sex": "M",
    }


def episode(
    episode_id: str,
    person_id: str,
    cla_id: str,
    start: str,
    end: str | None = None,
    start_reason: str = "S",
    end_reason: str | None = None,
) -> dict:
    return {
        "clae_cla_episode_id": episode_id,
        "clae_person_id": person_id,
        "clae_cla_id": cla_id,
        "clae_cla_episode_start_date": start,
        "clae_cla_episode_start_reason": start_reason,
        "clae_cla_episode_ceased_date": end,
        "clae_cla_episode_ceased_reason": end_reason,
    }


def legal(status_id: str, person_id: str, code: str, start: str, end: str | None = None) -> dict:
    return {
        "lega_legal_status_id": status_id,
        "lega_person_id": person_id,
        "lega_legal_status": code,
        "lega_legal_status_start_date": start,
        "lega_legal_status_end_date": end,
    }


def placement(
    placement_id: str,
    person_id: str,
    cla_id: str,
    placement_type: str,
    start: str,
    end: str | None = None,
    provider: str = "PR1",
) -> dict:
    return {
        "clap_cla_placement_id": placement_id,
        "clap_person_id": person_id,
        "clap_cla_id": cla_id,
        "clap_cla_placement_type": placement_type,
        "clap_cla_placement_start_date": start,
        "clap_cla_placement_end_date": end,
        "clap_cla_placement_provider": provider,
    }


def visit(visit_id: str, person_id: str, cla_id: str, date: str, seen: str = "Y") -> dict:
    return {
        "clav_cla_visit_id": visit_id,
        "clav_person_id": person_id,
        "clav_cla_id": cla_id,
        "clav_cla_visit_date": date,
        "clav_cla_visit_seen": seen,
    }


def review(review_id: str, cla_id: str, date: str, cancelled: str = "N") -> dict:
    return {
        "clar_cla_review_id": review_id,
        "clar_cla_id": cla_id,
        "clar_cla_review_date": date,
        "clar_cla_review_cancelled": cancelled,
    }


def _visits(prefix: str, person_id: str, cla_id: str, dates: list[dt.date]) -> list[dict]:
    return [
        visit(f"{prefix}{n}", person_id, cla_id, day.isoformat()) for n, day in enumerate(dates)
    ]


def legacy_rows() -> dict[str, list[dict]]:
    """carefirst's final extract (2021-06-30): codes, ISO and DD/MM/YYYY dates."""
    before = {key: [v for v in child.seen_visits if v < CUTOVER] for key, child in TRUTH.items()}
    return {
        "ssd_person": [
            person("CF01"),
            person("CF02"),
            person("CF03"),
            person("CF04"),
            person("CF07"),
            person("CF08", dob="01/01/2010"),
            person("CF09"),
        ],
        "ssd_cla_episodes": [
            episode("E01", "CF01", "K01", "2020-05-10"),
            episode("E02", "CF02", "K02", "2020-09-01"),
            episode("E03", "CF03", "K03", "2021-01-15"),
            episode("E04", "CF04", "K04", "2021-05-01"),
            episode("E07", "CF07", "K07", "2020-06-01"),
            # M1: DD/MM/YYYY dates; starts on the window start of March 2022
            episode("E08", "CF08", "K08", "01/04/2021", "10/05/2021", "S", "E13"),
            episode("E09", "CF09", "K09", "2021-03-31", "2021-04-20", "S", "E4A"),
        ],
        "ssd_legal_status": [
            legal("L01", "CF01", "C2", "2020-05-10"),
            legal("L02", "CF02", "C1", "2020-09-01"),
            legal("L03", "CF03", "V2", "2021-01-15"),
            legal("L04", "CF04", "C2", "2021-05-01"),
            legal("L07", "CF07", "C2", "2020-06-01"),
            legal("L08", "CF08", "C2", "01/04/2021", "10/05/2021"),
            legal("L09", "CF09", "V2", "2021-03-31", "2021-04-20"),
        ],
        "ssd_cla_placement": [
            placement("P01", "CF01", "K01", "U6", "2020-05-10"),
            placement("P02", "CF02", "K02", "U6", "2020-09-01"),
            placement("P03", "CF03", "K03", "U6", "2021-01-15"),
            placement("P04", "CF04", "K04", "U6", "2021-05-01"),
            placement("P07", "CF07", "K07", "U4", "2020-06-01"),
        ],
        "ssd_cla_visits": [
            *_visits("V01-", "CF01", "K01", before["liquid_logic:1001"]),
            *_visits("V02-", "CF02", "K02", before["liquid_logic:1002"]),
            *_visits("V03-", "CF03", "K03", before["carefirst:CF03"]),
            *_visits("V04-", "CF04", "K04", before["liquid_logic:1004"]),
            visit("V04-X", "CF04", "K04", "2021-06-28", seen="N"),
            # dated after the cutover in the legacy system: not the record, ignored
            visit("V04-Y", "CF04", "K04", "2021-07-28"),
            *_visits("V07-", "CF07", "K07", before["liquid_logic:1008"]),
            *_visits("V08-", "CF08", "K08", before["liquid_logic:1014"]),
        ],
        "ssd_cla_reviews": [],
        "ssd_cla_health": [
            {
                "clah_health_check_id": "H1",
                "clah_person_id": "CF01",
                "clah_health_check_type": "dentist",
                "clah_health_check_date": "2021-02-01",
            },
        ],
    }


def legacy_old_rows() -> dict[str, list[dict]]:
    """An older carefirst extract (2021-03-31): replaced by the final one, never counted."""
    return {
        "ssd_person": [person("CF01"), person("CF10")],
        "ssd_cla_episodes": [
            episode("E01", "CF01", "K01", "2020-05-10"),
            episode("E10", "CF10", "K10", "2021-02-01"),
        ],
    }


START = "Started to be looked after"


def successor_rows() -> dict[str, list[dict]]:
    """liquid_logic's extract (2022-03-31): descriptions for reasons, migrated history."""
    after = {key: [v for v in child.seen_visits if v >= CUTOVER] for key, child in TRUTH.items()}
    before = {key: [v for v in child.seen_visits if v < CUTOVER] for key, child in TRUTH.items()}
    return {
        "ssd_person": [
            person("1001", legacy_id="CF01"),
            person("1002", legacy_id="CF02"),
            person("1004"),
            person("1005"),
            person("1006"),
            person("1007"),
            person("1008", legacy_id="CF07"),
            person("1009"),
            person("1010"),
            person("1011"),
            person("1012", dob="2003-10-15"),
            person("1013", dob="2004-12-01"),
            person("1014", legacy_id="CF08"),
        ],
        "ssd_linked_identifiers": [
            {
                "link_table_id": "LI1",
                "link_person_id": "1004",
                "link_identifier_type": "Former system ID",
                "link_identifier_value": "CF04",
            },
        ],
        "ssd_cla_episodes": [
            # A: migrated copy of the open episode
            episode("N01", "1001", "M01", "2020-05-10", start_reason=START),
            # B: migrated copy closed the day before go-live (E8) and a new S episode on C
            episode("N02a", "1002", "M02", "2020-09-01", "2021-06-30", START, "Other reason"),
            episode("N02b", "1002", "M02b", "2021-07-01", start_reason=START),
            episode("N04", "1004", "M04", "2021-05-01", start_reason=START),
            episode("N05", "1005", "M05", "2021-08-01", start_reason=START),
            episode("N06", "1006", "M06", "2021-08-01", start_reason=START),
            episode("N07", "1007", "M07", "2021-09-01", start_reason=START),
            episode("N08", "1008", "M08", "2020-06-01", start_reason=START),
            episode(
                "N09a", "1009", "M09a", "2021-09-28", "2021-10-02", START, "Returned home - planned"
            ),
            episode(
                "N09b", "1009", "M09b", "2021-12-30", "2022-01-02", START, "Returned home - planned"
            ),
            # I: descriptions in odd case, ceased date with a time
            episode(
                "N10",
                "1010",
                "M10",
                "2021-08-10",
                "2021-10-31 00:00:00.000",
                "started to be LOOKED AFTER",
                "RETURNED HOME - PLANNED",
            ),
            episode(
                "N11a",
                "1011",
                "M11a",
                "2021-08-01",
                "2021-09-15",
                START,
                "Returned home - unplanned",
            ),
            episode("N11b", "1011", "M11b", "01/11/2021", start_reason=START),
            episode(
                "N12",
                "1012",
                "M12",
                "2021-08-20",
                "2021-10-20",
                START,
                "Staying with carers at 18 plus",
            ),
            episode(
                "N13",
                "1013",
                "M13",
                "2021-08-20",
                "2021-10-20",
                "Unknown start text",
                "Independent living - supported",
            ),
            # M1: migrated copy of a period closed before the cutover (legacy is the record)
            episode(
                "N14",
                "1014",
                "M14",
                "2021-04-01",
                "2021-05-10",
                START,
                "Living with parents or relatives without PR",
            ),
        ],
        "ssd_legal_status": [
            legal("S01", "1001", "C2", "2020-05-10"),
            legal("S02", "1002", "C1", "2020-09-01"),
            legal("S04", "1004", "C2", "2021-05-01"),
            legal("S05", "1005", "C2", "2021-08-01"),
            legal("S06", "1006", "C2", "2021-08-01"),
            legal("S07", "1007", "C1", "2021-09-01"),
            legal("S08", "1008", "C2", "2020-06-01"),
            legal("S09a", "1009", "V3", "2021-09-28", "2021-10-02"),
            legal("S09b", "1009", "V3", "2021-12-30", "2022-01-02"),
            legal("S11a", "1011", "C1", "2021-08-01", "2021-09-15"),
            legal("S11b", "1011", "C1", "2021-11-01"),
            legal("S12", "1012", "C2", "2021-08-20", "2021-10-20"),
            legal("S13", "1013", "C2", "2021-08-20", "2021-10-20"),
            legal("S14", "1014", "C2", "2021-04-01", "2021-05-10"),
        ],
        "ssd_cla_placement": [
            placement("Q01", "1001", "M01", "U6", "2020-05-10"),
            # B: placement split too: migrated copy closed on C-1, new record on C
            placement("Q02a", "1002", "M02", "U6", "2020-09-01", "2021-06-30"),
            placement("Q02b", "1002", "M02b", "U6", "2021-07-01"),
            placement("Q04", "1004", "M04", "U6", "2021-05-01"),
            placement("Q05", "1005", "M05", "U6", "2021-08-01"),
            placement("Q06", "1006", "M06", "U6", "2021-08-01"),
            placement("Q07", "1007", "M07", "P1", "2021-09-01"),
            # G: the provider code is not in the code sets (unmapped)
            placement("Q08", "1008", "M08", "U4", "2020-06-01", provider="XYZ"),
            placement("Q10", "1010", "M10", "U6", "2021-08-10", "2021-10-31"),
            placement("Q11a", "1011", "M11a", "U6", "2021-08-01", "2021-09-15"),
            placement("Q11b", "1011", "M11b", "U6", "2021-11-01"),
        ],
        "ssd_cla_visits": [
            # A: the successor also holds migrated copies of the legacy visits
            *_visits("W01m-", "1001", "M01", before["liquid_logic:1001"]),
            *_visits("W01-", "1001", "M01", after["liquid_logic:1001"]),
            *_visits("W02-", "1002", "M02b", after["liquid_logic:1002"]),
            # D: a migrated visit dated before C that the legacy system does not hold
            visit("W04m", "1004", "M04", "2021-06-25"),
            *_visits("W04-", "1004", "M04", after["liquid_logic:1004"]),
            *_visits("W05-", "1005", "M05", after["liquid_logic:1005"]),
            *_visits("W06-", "1006", "M06", after["liquid_logic:1006"]),
            *_visits("W07-", "1007", "M07", after["liquid_logic:1007"]),
            *_visits("W08-", "1008", "M08", after["liquid_logic:1008"]),
            *_visits("W10-", "1010", "M10", after["liquid_logic:1010"]),
            *_visits("W11-", "1011", "M11b", after["liquid_logic:1011"]),
            *_visits("W12-", "1012", "M12", after["liquid_logic:1012"]),
        ],
        "ssd_cla_health": [
            # descriptions in any case, with stray spaces (ingest trims, staging trims too)
            {
                "clah_health_check_id": "H2",
                "clah_person_id": "1001",
                "clah_health_check_type": "  initial health ASSESSMENT ",
                "clah_health_check_date": "2021-08-01",
            },
            {
                "clah_health_check_id": "H3",
                "clah_person_id": "1001",
                "clah_health_check_type": "Review health assessment (local)",
                "clah_health_check_date": "2021-09-01",
            },
        ],
        "ssd_cla_reviews": [
            # F: a cancelled review is not a review
            review("R07a", "M07", "2021-09-25", cancelled="Y"),
            review("R07b", "M07", "2021-10-05"),
            review("R07c", "M07", "2022-01-05"),
        ],
    }


def build_raw(warehouse: RawWarehouse) -> None:
    """Configure the two systems and deliver every extract."""
    warehouse.configure(
        systems=[(LEGACY, HISTORY_START, D("2021-06-30")), (SUCCESSOR, CUTOVER, None)],
        as_of_date=AS_OF,
        la_code=LA_CODE,
        population=POPULATION,
    )
    for table, rows in legacy_old_rows().items():
        warehouse.deliver(LEGACY, LEGACY_OLD, table, rows)
    for table, rows in legacy_rows().items():
        warehouse.deliver(LEGACY, LEGACY_FINAL, table, rows)
    for table, rows in successor_rows().items():
        warehouse.deliver(SUCCESSOR, AS_OF, table, rows)
