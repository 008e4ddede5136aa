"""Each changeover defect alone: reported in defects.csv, visible in the successor's
extract, and nothing else changes (legacy extract, truth, population)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from synthetic_helpers import extract_folder, parse_day, read_rows

from orchestration.synthetic import DEFECT_KINDS, GeneratorSettings
from orchestration.synthetic.codes import code_set

RATE = 0.25
Landings = Callable[[str, float], Path]


def _defects(landing: Path) -> list[dict[str, str]]:
    with (landing / "_truth" / "defects.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_clean_run_reports_no_defects(small_clean_landing: Path) -> None:
    header = (small_clean_landing / "_truth" / "defects.csv").read_text(encoding="utf-8")
    assert header.splitlines() == [
        "defect_kind,source_system,table_name,record_id,person_id,detail"
    ]


@pytest.mark.parametrize("kind", DEFECT_KINDS)
def test_a_defect_is_reported_and_touches_only_the_successor(
    kind: str, defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing(kind, RATE)
    defects = _defects(landing)
    assert defects, f"{kind} reported nothing"
    assert {row["defect_kind"] for row in defects} == {kind}
    assert {row["source_system"] for row in defects} == {demo.successor.name}
    assert all(row["record_id"] for row in defects)
    legacy = demo.legacy.name
    assert _files(extract_folder(landing, legacy)) == _files(
        extract_folder(small_clean_landing, legacy)
    )
    for name in ("_truth/indicators.csv", "_reference/population_0_17.csv"):
        assert (landing / name).read_bytes() == (small_clean_landing / name).read_bytes()
    assert _files(extract_folder(landing, demo.successor.name)) != _files(
        extract_folder(small_clean_landing, demo.successor.name)
    )


def _successor(landing: Path, demo: GeneratorSettings, table: str) -> list[dict[str, str]]:
    return read_rows(landing, demo.successor.name, table)


def test_missing_open_children(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("missing_open_children", RATE)
    clean = {r["pers_legacy_id"] for r in _successor(small_clean_landing, demo, "ssd_person")}
    damaged = {r["pers_legacy_id"] for r in _successor(landing, demo, "ssd_person")}
    missing = clean - damaged
    assert missing and damaged < clean
    reported = {r["person_id"] for r in _defects(landing) if r["table_name"] == "ssd_person"}
    assert len(reported) == len(missing)
    gone = {r["person_id"] for r in _defects(landing)}
    assert not gone & {r["clae_person_id"] for r in _successor(landing, demo, "ssd_cla_episodes")}


def test_split_period_at_cutover(defect_landing: Landings, demo: GeneratorSettings) -> None:
    landing = defect_landing("split_period_at_cutover", RATE)
    episodes = _successor(landing, demo, "ssd_cla_episodes")
    cutover = demo.cutover_date
    ceased = [
        r
        for r in episodes
        if parse_day(r["clae_cla_episode_ceased_date"]) == cutover - dt.timedelta(days=1)
        and r["clae_cla_episode_ceased_reason"] == "Other reason"
    ]
    started = [
        r
        for r in episodes
        if parse_day(r["clae_cla_episode_start_date"]) == cutover
        and r["clae_cla_episode_start_reason"] == "Started to be looked after"
    ]
    assert ceased and len(ceased) == len(started)
    assert {r["clae_person_id"] for r in ceased} == {r["clae_person_id"] for r in started}
    assert not {r["clae_cla_id"] for r in ceased} & {r["clae_cla_id"] for r in started}


def test_truncated_history(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("truncated_history", RATE)
    live_to = demo.legacy.live_to
    for table, column in (
        ("ssd_cla_placement", "clap_cla_placement_start_date"),
        ("ssd_cla_visits", "clav_cla_visit_date"),
        ("ssd_cla_health", "clah_health_check_date"),
    ):

        def before(rows: list[dict[str, str]], column: str = column) -> int:
            return sum(1 for r in rows if parse_day(r[column]) <= live_to)

        def after(rows: list[dict[str, str]], column: str = column) -> int:
            return sum(1 for r in rows if parse_day(r[column]) > live_to)

        clean, damaged = (
            _successor(small_clean_landing, demo, table),
            _successor(landing, demo, table),
        )
        assert before(damaged) < before(clean), table
        assert after(damaged) == after(clean), table


def test_duplicate_person(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("duplicate_person", RATE)
    people = _successor(landing, demo, "ssd_person")
    assert len(people) > len(_successor(small_clean_landing, demo, "ssd_person"))
    identities = Counter((r["pers_forename"], r["pers_surname"], r["pers_dob"]) for r in people)
    twins = [
        r for r in people if identities[(r["pers_forename"], r["pers_surname"], r["pers_dob"])] > 1
    ]
    assert any(not r["pers_legacy_id"] for r in twins)
    duplicate_ids = {r["person_id"] for r in _defects(landing) if r["table_name"] == "ssd_person"}
    visits = {r["clav_person_id"] for r in _successor(landing, demo, "ssd_cla_visits")}
    contacts = {r["cont_person_id"] for r in _successor(landing, demo, "ssd_contacts")}
    assert duplicate_ids & (visits | contacts)


def test_reused_person_id(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("reused_person_id", RATE)
    assert len(_successor(landing, demo, "ssd_person")) < len(
        _successor(small_clean_landing, demo, "ssd_person")
    )
    links = Counter(
        r["link_person_id"] for r in _successor(landing, demo, "ssd_linked_identifiers")
    )
    assert max(links.values()) >= 2


def test_unmapped_codes(defect_landing: Landings, demo: GeneratorSettings) -> None:
    landing = defect_landing("unmapped_codes", RATE)
    placements = {
        r["clap_cla_placement_type"] for r in _successor(landing, demo, "ssd_cla_placement")
    }
    statuses = {r["lega_legal_status"] for r in _successor(landing, demo, "ssd_legal_status")}
    ethnicities = {r["pers_ethnicity"] for r in _successor(landing, demo, "ssd_person")}
    assert "FC6" in placements and placements - code_set("placement_type")
    assert "S20" in statuses and statuses - code_set("legal_status")
    assert "OTHR" in ethnicities


def test_emptied_fields(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("emptied_fields", RATE)
    for table, column in (
        ("ssd_person", "pers_ethnicity"),
        ("ssd_person", "pers_common_child_id"),
        ("ssd_legal_status", "lega_legal_status"),
        ("ssd_cla_placement", "clap_cla_placement_postcode"),
        ("ssd_cla_placement", "clap_cla_placement_distance"),
    ):

        def empty(rows: list[dict[str, str]], column: str = column) -> int:
            return sum(1 for r in rows if not r[column])

        assert empty(_successor(landing, demo, table)) > empty(
            _successor(small_clean_landing, demo, table)
        ), column


def test_recording_cliff(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("recording_cliff", RATE)
    cutover = demo.cutover_date
    months = cutover.year * 12 + cutover.month - 1 + 3
    three_months = dt.date(months // 12, months % 12 + 1, cutover.day)

    def counts(rows: list[dict[str, str]]) -> tuple[int, int]:
        days = [parse_day(r["clav_cla_visit_date"]) for r in rows]
        return (
            sum(1 for d in days if cutover <= d < three_months),
            sum(1 for d in days if not cutover <= d < three_months),
        )

    damaged = counts(_successor(landing, demo, "ssd_cla_visits"))
    clean = counts(_successor(small_clean_landing, demo, "ssd_cla_visits"))
    assert damaged[0] < clean[0] and damaged[1] == clean[1]


def test_defaulted_dates(defect_landing: Landings, demo: GeneratorSettings) -> None:
    landing = defect_landing("defaulted_dates", RATE)
    defaulted = Counter()
    for table in ("ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_cp_plans",
                  "ssd_cin_episodes", "ssd_cin_plans", "ssd_involvements"):  # fmt: skip
        for row in _successor(landing, demo, table):
            for column, value in row.items():
                if value.startswith("1900-01-01"):
                    defaulted["1900"] += 1
                elif column.endswith(("start_date", "referral_date")) and value:
                    defaulted["go-live"] += parse_day(value) == demo.cutover_date
    assert defaulted["1900"] and defaulted["go-live"]
    details = " ".join(r["detail"] for r in _defects(landing))
    assert "1900-01-01" in details and "go-live" in details


def test_shifted_dates(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("shifted_dates", RATE)
    clean = {
        r["clav_cla_visit_id"]: r["clav_cla_visit_date"]
        for r in _successor(small_clean_landing, demo, "ssd_cla_visits")
    }
    damaged = {
        r["clav_cla_visit_id"]: r["clav_cla_visit_date"]
        for r in _successor(landing, demo, "ssd_cla_visits")
    }
    changed = {key for key in clean if clean[key] != damaged[key]}
    assert changed
    assert all(parse_day(clean[key]) <= demo.legacy.live_to for key in changed)
    reported = {r["record_id"] for r in _defects(landing) if r["table_name"] == "ssd_cla_visits"}
    assert changed == reported


def test_sentinel_keys(defect_landing: Landings, demo: GeneratorSettings) -> None:
    landing = defect_landing("sentinel_keys", RATE)
    visits = _successor(landing, demo, "ssd_cla_visits")
    placements = _successor(landing, demo, "ssd_cla_placement")
    assert any(r["clav_cla_id"] == "-1" for r in visits)
    assert {r["clap_cla_placement_postcode"] for r in placements} & {"ZZZ", "XX"}


def test_merged_duplicates(
    defect_landing: Landings, small_clean_landing: Path, demo: GeneratorSettings
) -> None:
    landing = defect_landing("merged_duplicates", RATE)
    merged = [r for r in _defects(landing) if r["detail"].startswith("merged into")]
    assert merged
    table = merged[0]["table_name"]
    id_column = {
        "ssd_cla_visits": "clav_cla_visit_id",
        "ssd_cp_visits": "cppv_cp_visit_id",
        "ssd_cin_visits": "cinv_cin_visit_id",
        "ssd_cla_reviews": "clar_cla_review_id",
        "ssd_cp_reviews": "cppr_cp_review_id",
    }[table]
    remaining = {r[id_column] for r in _successor(landing, demo, table)}
    assert not {r["record_id"] for r in merged if r["table_name"] == table} & remaining
    assert len(remaining) < len(_successor(small_clean_landing, demo, table))


def test_test_records(defect_landing: Landings, demo: GeneratorSettings) -> None:
    landing = defect_landing("test_records", RATE)
    people = _successor(landing, demo, "ssd_person")
    tests = {
        r["pers_person_id"]
        for r in people
        if r["pers_forename"] in ("TEST", "Test", "ZZTEST", "Admin")
    }
    assert tests
    episodes = {r["clae_person_id"] for r in _successor(landing, demo, "ssd_cla_episodes")}
    assert tests <= episodes
