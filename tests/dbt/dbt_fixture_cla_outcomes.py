"""Hand-worked looked-after outcome cases for a fixture warehouse of their own.

Two systems: legacy ``carefirst`` (live 2020-04-01 to 2021-06-30, final extract on
2021-06-30) and ``liquid_logic`` (live from the cutover C = 2021-07-01, extract on the
as-of date 2023-03-31, holding migrated history). Each child is one case (``CASES``); the
expected figures in ``test_dbt_cla_outcomes.py`` were worked out by hand from these rows
with the definitions of docs/architecture.md ("Indicator definitions: looked-after
outcomes"). Every child is looked after from its start to the as-of date, legal status C2.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from dbt_fixture_scenario import episode, legal, person, placement, review
from dbt_fixture_warehouse import RawWarehouse

D = dt.date.fromisoformat
LEGACY, SUCCESSOR = "carefirst", "liquid_logic"
HISTORY_START, CUTOVER, AS_OF = D("2020-04-01"), D("2021-07-01"), D("2023-03-31")
LEGACY_FINAL = D("2021-06-30")

CASES = {
    "A": "start 2021-09-30: 365 days in care on 2022-09-30 (in the 12-month cohort); RHA "
    "2022-05-01; SDQ 12; Missing 2022-02-01..02 RHI offered, Absent 2022-02-10..11",
    "B": "start 2021-10-01: 364 days on 2022-09-30 (out), in on 2022-10-31; RHA 2022-05-01; "
    "Missing 2022-03-01..05 RHI not offered",
    "C": "under 5, start 2021-08-02: two RHAs (2022-02-01, 2022-08-01): up to date",
    "D": "under 5, start 2021-08-02: one RHA refused, one done: not up to date; dental",
    "IHA20": "start 2021-12-10: 20th working day across Christmas is 2022-01-12; IHA then",
    "IHA21": "start 2021-12-10: IHA on 2022-01-13, the 21st working day: late",
    "SDQ16": "aged 16 on 2022-09-30: latest SDQ 17 (concern); an older one 10",
    "SDQ17": "aged 17 on 2022-09-30: out of the SDQ cohort (score 20)",
    "PEP183": "PEP 2021-09-29, 183 days before 2022-03-31: up to date; UASC open",
    "PEP184": "PEP 2021-09-28, 184 days: late; placed with parents (P1); UASC ended 2022-01-01",
    "P3IN": "placements 2021-07-05, 2021-09-01, 2022-01-10 (U3): 3 in the window of July "
    "2022, 2 in August 2022 (the first ended on the window start)",
    "P3ADOPT": "placements U6, U4 then A5 (adoption with current foster carers): 2 changes",
    "SEAM": "legacy episode 2020-10-01 ceased at go-live 2021-06-30, successor S episode "
    "2021-07-01: one period from 2020-10-01; reviews 2020-10-20, 2021-01-15 (legacy), "
    "2021-07-10 (successor); Missing 2021-06-25 ending 2021-07-03 after the legacy extract",
    "LT": "legacy from 2020-05-01, U4 throughout (migrated): long-term stable",
    "LTADOPT": "legacy from 2020-05-01, U6 then A5 on 2022-06-01: stable (adoption + previous)",
    "LTMOVE": "legacy from 2020-05-01, U6 then U4 on 2022-06-01: not stable",
}


@dataclass
class Child:
    case: str
    dob: str
    start: str
    placements: list[tuple[str, str, str | None]]
    legacy_id: str | None = None
    legacy_episode_end: str | None = None  # SEAM: legacy episode ceased at go-live
    extra: dict[str, list[dict]] = field(default_factory=dict)


def _health(check_id: str, pid: str, kind: str, date: str, status: str = "Completed") -> dict:
    return {
        "clah_health_check_id": check_id,
        "clah_person_id": pid,
        "clah_health_check_type": kind,
        "clah_health_check_date": date,
        "clah_health_check_status": status,
    }


def _sdq(sdq_id: str, pid: str, date: str, score: int) -> dict:
    return {
        "csdq_table_id": sdq_id,
        "csdq_person_id": pid,
        "csdq_sdq_completed_date": date,
        "csdq_sdq_score": str(score),
    }


def _pep(pep_id: str, pid: str, date: str) -> dict:
    return {"pep_table_id": pep_id, "pep_person_id": pid, "pep_review_date": date}


def _missing(
    mid: str, pid: str, start: str, end: str | None, kind: str, offered: str | None
) -> dict:
    return {
        "miss_table_id": mid,
        "miss_person_id": pid,
        "miss_missing_episode_start_date": start,
        "miss_missing_episode_end_date": end,
        "miss_missing_episode_type": kind,
        "miss_missing_rhi_offered": offered,
    }


def _uasc(status_id: str, pid: str, start: str, end: str | None) -> dict:
    return {
        "immi_immigration_status_id": status_id,
        "immi_person_id": pid,
        "immi_immigration_status": "UASC",
        "immi_immigration_status_start_date": start,
        "immi_immigration_status_end_date": end,
    }


SUCCESSOR_IDS = {case: str(3001 + index) for index, case in enumerate(CASES)}

# CLA_OUT_OF_AREA_20MI: the fixture's LA boundary and (case, placement index): (postcode as
# delivered, distance in miles) on every copy of that placement (legacy and successor).
BOUNDARY_POSTCODES = ("LU5", "SG5 1")
PLACEMENT_LOCATIONS: dict[tuple[str, int], tuple[str, float | None]] = {
    ("A", 0): ("SG5 1AA", 30.0),  # inside: sector SG5 1 is listed
    ("B", 0): ("sg52aa", 30.0),  # outside (sector SG5 2), over 20 miles: counted
    ("C", 0): ("B12 9QQ", None),  # outside, distance not known: not counted
    ("P3IN", 1): ("MK40 2AB", 20.0),  # outside, exactly 20 miles: not over 20
    ("P3IN", 2): ("MK40 2", 25.0),  # partial (sector) postcode outside, 25 miles: counted
    ("LT", 0): ("lu5  4xx", 40.0),  # inside: district LU5, any case and spacing
    ("LTADOPT", 0): ("NN1", 21.5),  # district only, outside: counted until 2022-06-01
    ("LTMOVE", 0): ("XX", 50.0),  # placeholder: location unknown
    ("LTMOVE", 1): ("ZZ99 3VZ", 50.0),  # no fixed abode code: location unknown
}


def _located(row: dict, case: str, index: int) -> dict:
    postcode, distance = PLACEMENT_LOCATIONS.get((case, index), (None, None))
    row["clap_cla_placement_postcode"] = postcode
    row["clap_cla_placement_distance"] = None if distance is None else str(distance)
    return row


def _children() -> list[Child]:
    s = SUCCESSOR_IDS
    return [
        Child("A", "2010-01-01", "2021-09-30", [("U4", "2021-09-30", None)], extra={
            "ssd_cla_health": [_health("HA1", s["A"], "RHA", "2022-05-01")],
            "ssd_sdq_scores": [_sdq("SA1", s["A"], "2022-06-01", 12)],
            "ssd_missing": [
                _missing("MA1", s["A"], "2022-02-01", "2022-02-02", "Missing", "Y"),
                _missing("MA2", s["A"], "2022-02-10", "2022-02-11", "Absent", "N"),
            ],
        }),
        Child("B", "2010-01-01", "2021-10-01", [("U4", "2021-10-01", None)], extra={
            "ssd_cla_health": [_health("HB1", s["B"], "RHA", "2022-05-01")],
            "ssd_missing": [_missing("MB1", s["B"], "2022-03-01", "2022-03-05", "Missing", "N")],
        }),
        Child("C", "2019-01-01", "2021-08-02", [("U6", "2021-08-02", None)], extra={
            "ssd_cla_health": [
                _health("HC1", s["C"], "RHA", "2022-02-01"),
                _health("HC2", s["C"], "RHA", "2022-08-01"),
            ],
        }),
        Child("D", "2019-01-01", "2021-08-02", [("U6", "2021-08-02", None)], extra={
            "ssd_cla_health": [
                _health("HD1", s["D"], "RHA", "2022-02-01", "Refused"),
                _health("HD2", s["D"], "RHA", "2022-08-01"),
                _health("HD3", s["D"], "DENTAL", "2022-03-01"),
            ],
        }),
        Child("IHA20", "2012-01-01", "2021-12-10", [("U6", "2021-12-10", None)], extra={
            "ssd_cla_health": [_health("HI20", s["IHA20"], "IHA", "2022-01-12")],
        }),
        Child("IHA21", "2012-01-01", "2021-12-10", [("U6", "2021-12-10", None)], extra={
            "ssd_cla_health": [_health("HI21", s["IHA21"], "IHA", "2022-01-13")],
        }),
        Child("SDQ16", "2006-03-01", "2021-08-02", [("U6", "2021-08-02", None)], extra={
            "ssd_sdq_scores": [
                _sdq("S161", s["SDQ16"], "2021-12-01", 10),
                _sdq("S162", s["SDQ16"], "2022-06-01", 17),
            ],
        }),
        Child("SDQ17", "2005-09-30", "2021-08-02", [("U6", "2021-08-02", None)], extra={
            "ssd_sdq_scores": [_sdq("S171", s["SDQ17"], "2022-06-01", 20)],
        }),
        Child("PEP183", "2010-01-01", "2021-08-02", [("U6", "2021-08-02", None)], extra={
            "ssd_cla_pep": [_pep("P183", s["PEP183"], "2021-09-29")],
            "ssd_immigration_status": [_uasc("U183", s["PEP183"], "2021-08-02", None)],
        }),
        Child("PEP184", "2010-01-01", "2021-08-02", [("P1", "2021-08-02", None)], extra={
            "ssd_cla_pep": [_pep("P184", s["PEP184"], "2021-09-28")],
            "ssd_immigration_status": [_uasc("U184", s["PEP184"], "2021-08-02", "2022-01-01")],
        }),
        Child("P3IN", "2010-01-01", "2021-07-05", [
            ("U6", "2021-07-05", "2021-09-01"),
            ("U6", "2021-09-01", "2022-01-10"),
            ("U3", "2022-01-10", None),
        ]),
        Child("P3ADOPT", "2020-01-01", "2021-07-05", [
            ("U6", "2021-07-05", "2021-09-01"),
            ("U4", "2021-09-01", "2022-01-10"),
            ("A5", "2022-01-10", None),
        ]),
        Child("SEAM", "2008-01-01", "2020-10-01", [("U4", "2020-10-01", None)],
              legacy_id="CF1", legacy_episode_end="2021-06-30"),
        Child("LT", "2012-01-01", "2020-05-01", [("U4", "2020-05-01", None)], legacy_id="CF2"),
        Child("LTADOPT", "2012-01-01", "2020-05-01", [
            ("U6", "2020-05-01", "2022-06-01"),
            ("A5", "2022-06-01", None),
        ], legacy_id="CF3"),
        Child("LTMOVE", "2012-01-01", "2020-05-01", [
            ("U6", "2020-05-01", "2022-06-01"),
            ("U4", "2022-06-01", None),
        ], legacy_id="CF4"),
    ]  # fmt: skip


def _known(date: str | None, extract: dt.date) -> str | None:
    return date if date is not None and D(date) <= extract else None


def extract_rows() -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """(legacy final extract rows, successor extract rows) by table."""
    legacy: dict[str, list[dict]] = defaultdict(list)
    successor: dict[str, list[dict]] = defaultdict(list)
    for child in _children():
        sid = SUCCESSOR_IDS[child.case]
        cla = f"LA{sid}"
        successor["ssd_person"].append(person(sid, child.dob, child.legacy_id))
        for table, rows in child.extra.items():
            successor[table].extend(rows)
        if child.legacy_id is None:
            successor["ssd_cla_episodes"].append(episode(f"E{sid}", sid, cla, child.start))
            successor["ssd_legal_status"].append(legal(f"L{sid}", sid, "C2", child.start))
            for n, (kind, start, end) in enumerate(child.placements):
                successor["ssd_cla_placement"].append(
                    _located(placement(f"PL{sid}-{n}", sid, cla, kind, start, end), child.case, n)
                )
            continue
        lid = child.legacy_id
        legacy_cla = f"LA{lid}"
        legacy["ssd_person"].append(person(lid, child.dob))
        legacy["ssd_cla_episodes"].append(
            episode(
                f"E{lid}",
                lid,
                legacy_cla,
                child.start,
                child.legacy_episode_end,
                end_reason="E8" if child.legacy_episode_end else None,
            )
        )
        legacy["ssd_legal_status"].append(legal(f"L{lid}", lid, "C2", child.start))
        successor["ssd_legal_status"].append(legal(f"L{sid}", sid, "C2", child.start))
        if child.legacy_episode_end is None:
            # a clean migration: the successor's copy of the open episode
            successor["ssd_cla_episodes"].append(episode(f"E{sid}", sid, cla, child.start))
        else:
            # the period split at go-live: a new S episode on the cutover
            successor["ssd_cla_episodes"].append(episode(f"E{sid}", sid, cla, CUTOVER.isoformat()))
        for n, (kind, start, end) in enumerate(child.placements):
            if D(start) < CUTOVER:
                legacy_row = placement(
                    f"PL{lid}-{n}", lid, legacy_cla, kind, start, _known(end, LEGACY_FINAL)
                )
                legacy["ssd_cla_placement"].append(_located(legacy_row, child.case, n))
            successor["ssd_cla_placement"].append(
                _located(placement(f"PL{sid}-{n}", sid, cla, kind, start, end), child.case, n)
            )
    # SEAM's reviews and its missing episode across the cutover
    seam_sid = SUCCESSOR_IDS["SEAM"]
    legacy["ssd_cla_reviews"] += [
        review("R1", "LACF1", "2020-10-20"),
        review("R2", "LACF1", "2021-01-15"),
    ]
    successor["ssd_cla_reviews"].append(review("R3", f"LA{seam_sid}", "2021-07-10"))
    legacy["ssd_missing"].append(_missing("MS1", "CF1", "2021-06-25", None, "Missing", None))
    successor["ssd_missing"].append(
        _missing("MS1", seam_sid, "2021-06-25", "2021-07-03", "Missing", "Y")
    )
    return legacy, successor


def build_raw(warehouse: RawWarehouse) -> None:
    """Configure the two systems and deliver both extracts."""
    warehouse.configure(
        systems=[(LEGACY, HISTORY_START, LEGACY_FINAL), (SUCCESSOR, CUTOVER, None)],
        as_of_date=AS_OF,
        population={2020: 40_000, 2021: 40_000, 2022: 40_000},
        boundary_postcodes=BOUNDARY_POSTCODES,
    )
    legacy, successor = extract_rows()
    for table, rows in legacy.items():
        warehouse.deliver(LEGACY, LEGACY_FINAL, table, rows)
    for table, rows in successor.items():
        warehouse.deliver(SUCCESSOR, AS_OF, table, rows)
