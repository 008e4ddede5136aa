"""The extracts follow the input contract: tables, columns, encodings, dates, codes."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from synthetic_helpers import extract_folder, parse_day, read_rows

from orchestration.lib.contract import table_contracts
from orchestration.synthetic import GeneratorSettings
from orchestration.synthetic.codes import CODE_MAP_CSV, code_set

LEGACY_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
SUCCESSOR_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}\.\d{3})?$")
FLAG_COLUMNS = ("_seen", "_seen_alone", "_nfa", "_cancelled", "_flag", "_child_seen")


def _source_values(system: str, field: str) -> set[str]:
    with CODE_MAP_CSV.open(encoding="utf-8") as handle:
        return {
            row["source_value"]
            for row in csv.DictReader(handle)
            if row["source_system"] == system and row["code_field"] == field
        }


def test_every_contract_table_and_column_is_written(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    for system in (demo.legacy.name, demo.successor.name):
        folder = extract_folder(clean_landing, system)
        assert (folder / "_complete").is_file()
        newest_table = max((folder / f"{t}.csv").stat().st_mtime_ns for t in table_contracts())
        assert (folder / "_complete").stat().st_mtime_ns >= newest_table
        for table, contract in table_contracts().items():
            rows = read_rows(clean_landing, system, table)
            header = (folder / f"{table}.csv").read_bytes().splitlines()[0]
            columns = header.decode("utf-8-sig" if system == demo.successor.name else "cp1252")
            assert set(contract.column_names) <= set(columns.split(",")), table
            if contract.required and table != "ssd_linked_identifiers":
                assert rows, f"{system} {table} is empty"


def test_extract_dates_are_the_legacy_live_to_and_the_as_of_date(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    assert extract_folder(clean_landing, demo.legacy.name).name == str(demo.legacy.live_to)
    assert extract_folder(clean_landing, demo.successor.name).name == str(demo.as_of_date)


def test_legacy_files_are_windows_1252_with_crlf_and_dd_mm_yyyy(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    folder = extract_folder(clean_landing, demo.legacy.name)
    for table, contract in table_contracts().items():
        raw = (folder / f"{table}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        raw.decode("cp1252")
        assert raw.count(b"\r\n") == raw.count(b"\n"), table
        dates = [c.name for c in contract.columns if c.logical_type == "date"]
        for row in read_rows(clean_landing, demo.legacy.name, table)[:3000]:
            for column in dates:
                assert not row[column] or LEGACY_DATE.match(row[column]), (table, row[column])


def test_successor_files_are_utf8_with_bom_and_iso_dates(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    folder = extract_folder(clean_landing, demo.successor.name)
    for table, contract in table_contracts().items():
        raw = (folder / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), table
        raw.decode("utf-8")
        dates = [c.name for c in contract.columns if c.logical_type == "date"]
        for row in read_rows(clean_landing, demo.successor.name, table)[:3000]:
            for column in dates:
                assert not row[column] or SUCCESSOR_DATE.match(row[column]), (table, row[column])


def test_names_need_the_declared_encodings(clean_landing: Path, demo: GeneratorSettings) -> None:
    names = {
        row["pers_forename"] for row in read_rows(clean_landing, demo.legacy.name, "ssd_person")
    }
    assert any(not name.isascii() for name in names), "expected accented names (Zoë, Siân...)"


def test_flags_are_y_or_n(clean_landing: Path, demo: GeneratorSettings) -> None:
    for system in (demo.legacy.name, demo.successor.name):
        for table in ("ssd_cla_visits", "ssd_cp_visits", "ssd_cin_episodes", "ssd_cla_reviews"):
            for row in read_rows(clean_landing, system, table):
                for column, value in row.items():
                    if column.endswith(FLAG_COLUMNS):
                        assert value in ("Y", "N", ""), (table, column, value)


def test_legacy_extract_holds_nothing_after_live_to(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    live_to = demo.legacy.live_to
    assert live_to is not None
    latest = {}
    for table, contract in table_contracts().items():
        dates = [c.name for c in contract.columns if c.logical_type == "date"]
        for row in read_rows(clean_landing, demo.legacy.name, table):
            for column in dates:
                value = parse_day(row[column])
                if value is not None:
                    latest[table] = max(latest.get(table, value), value)
    assert latest, "legacy extract has no dates at all"
    assert all(value <= live_to for value in latest.values()), latest
    assert max(latest.values()) == live_to


def test_successor_extract_holds_nothing_after_the_as_of_date(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    for table, contract in table_contracts().items():
        dates = [c.name for c in contract.columns if c.logical_type == "date"]
        for row in read_rows(clean_landing, demo.successor.name, table):
            for column in dates:
                value = parse_day(row[column])
                assert value is None or value <= demo.as_of_date, (table, column, value)


def test_ids_differ_between_systems(clean_landing: Path, demo: GeneratorSettings) -> None:
    for table, column in (("ssd_person", "pers_person_id"), ("ssd_cla_episodes", "clae_cla_id")):
        legacy = {r[column] for r in read_rows(clean_landing, demo.legacy.name, table)}
        successor = {r[column] for r in read_rows(clean_landing, demo.successor.name, table)}
        assert legacy and successor and not legacy & successor
        assert all(value.isdigit() for value in legacy)


def test_each_system_writes_its_own_texts_for_mapped_codes(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    legacy, successor = demo.legacy.name, demo.successor.name
    episodes = read_rows(clean_landing, successor, "ssd_cla_episodes")
    assert {r["clae_cla_episode_start_reason"] for r in episodes} <= _source_values(
        successor, "episode_start_reason"
    )
    ceased = {r["clae_cla_episode_ceased_reason"] for r in episodes} - {""}
    assert ceased <= _source_values(successor, "episode_ceased_reason")
    plans = read_rows(clean_landing, successor, "ssd_cp_plans")
    assert {r["cppl_cp_plan_initial_category"] for r in plans} <= _source_values(
        successor, "cp_category"
    )
    health = {
        r["clah_health_check_type"] for r in read_rows(clean_landing, successor, "ssd_cla_health")
    }
    assert health <= _source_values(successor, "health_check_type")
    legacy_episodes = read_rows(clean_landing, legacy, "ssd_cla_episodes")
    assert {r["clae_cla_episode_start_reason"] for r in legacy_episodes} <= code_set(
        "episode_start_reason"
    )
    assert {r["clae_cla_episode_ceased_reason"] for r in legacy_episodes} - {""} <= code_set(
        "episode_ceased_reason"
    )
    legacy_health = {
        r["clah_health_check_type"] for r in read_rows(clean_landing, legacy, "ssd_cla_health")
    }
    assert legacy_health <= _source_values(legacy, "health_check_type")


def test_placements_and_legal_statuses_use_dfe_codes_by_year(
    clean_landing: Path, demo: GeneratorSettings
) -> None:
    placements = read_rows(clean_landing, demo.successor.name, "ssd_cla_placement")
    assert {r["clap_cla_placement_type"] for r in placements} <= code_set("placement_type")
    for row in placements:
        start = parse_day(row["clap_cla_placement_start_date"])
        assert start is not None
        if row["clap_cla_placement_type"] == "K3":
            assert start.year >= 2024
        if row["clap_cla_placement_type"] == "H5":
            assert start.year <= 2024
    statuses = {
        r["lega_legal_status"]
        for r in read_rows(clean_landing, demo.successor.name, "ssd_legal_status")
    }
    assert statuses <= code_set("legal_status")
    assert {"V3", "C2", "V2"} <= statuses


def test_upns_have_13_characters(clean_landing: Path, demo: GeneratorSettings) -> None:
    upns = [
        r["pers_common_child_id"]
        for r in read_rows(clean_landing, demo.successor.name, "ssd_person")
    ]
    present = [upn for upn in upns if upn]
    assert present and all(len(upn) == 13 and upn[0].isalpha() for upn in present)


def test_population_file_covers_the_history(clean_landing: Path, demo: GeneratorSettings) -> None:
    with (clean_landing / "_reference" / "population_0_17.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["la_code", "year", "mid_year_date", "population_0_17"]
    years = [int(row["year"]) for row in rows]
    assert years == list(range(demo.history_start.year - 1, demo.as_of_date.year + 1))
    assert all(row["mid_year_date"] == f"{row['year']}-06-30" for row in rows)
    assert all(9_000 < int(row["population_0_17"]) < 11_000 for row in rows)


def test_a_missing_episode_ends_within_its_period_of_care(
    demo_size_landing: Path, demo: GeneratorSettings
) -> None:
    # 903 rule 577: a child found after leaving care was no longer missing from care.
    system = demo.successor.name
    periods: dict[tuple[str, str], list[dt.date | None]] = {}
    for row in read_rows(demo_size_landing, system, "ssd_cla_episodes"):
        start = parse_day(row["clae_entered_care_date"])
        ceased = parse_day(row["clae_cla_episode_ceased_date"])
        key = (row["clae_person_id"], row["clae_cla_id"])
        bounds = periods.setdefault(key, [start, ceased])
        bounds[1] = None if ceased is None or bounds[1] is None else max(bounds[1], ceased)
    by_person: dict[str, list[list[dt.date | None]]] = {}
    for (person, _), bounds in periods.items():
        by_person.setdefault(person, []).append(bounds)
    outside = 0
    rows = read_rows(demo_size_landing, system, "ssd_missing")
    for row in rows:
        start = parse_day(row["miss_missing_episode_start_date"])
        end = parse_day(row["miss_missing_episode_end_date"])
        inside = any(
            start >= entered and (left is None or (end is not None and end <= left))
            for entered, left in by_person.get(row["miss_person_id"], [])
        )
        outside += not inside
    assert rows and outside == 0
