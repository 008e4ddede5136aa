"""The GX runner on a tiny raw warehouse: clean data passes, each fault fails the right
expectation with the right severity, and Data Docs hold no identifying values."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from quality_fixtures import (
    CAREFIRST_EXTRACT,
    IDENTIFYING_VALUES,
    LIQUID_LOGIC_EXTRACT,
    SYSTEMS,
    WarehouseBuilder,
)

from orchestration.lib.gx_runner import (
    GxSession,
    SuiteFileError,
    SuiteOutcome,
    load_suite,
    open_warehouse,
    run_suites,
    suite_path,
)
from orchestration.lib.quality_metrics import WarehouseSchemaError

SUITES = ("raw_person", "raw_cla_episodes")


@pytest.fixture(scope="module")
def session() -> GxSession:
    """One GX context for the module, without Data Docs (the slow part is importing GX)."""
    return GxSession(data_docs_dir=None)


def _run(warehouse: Path, session: GxSession, systems=SYSTEMS) -> dict[str, SuiteOutcome]:
    outcomes = run_suites(
        [suite_path(name) for name in SUITES], warehouse, systems, None, session=session
    )
    return {outcome.suite_name: outcome for outcome in outcomes}


def _failed(outcomes: dict[str, SuiteOutcome]) -> dict[str, dict[str, str]]:
    """Failed expectations per suite as {metric column: severity}, for exact comparison."""
    return {
        name: {failure.column: failure.severity for failure in outcome.failures()}
        for name, outcome in outcomes.items()
    }


def _row(rows: list[dict], key: str, value: str) -> dict:
    """The row of the latest extract whose ``key`` column holds ``value``."""
    latest = {CAREFIRST_EXTRACT, LIQUID_LOGIC_EXTRACT}
    return next(r for r in rows if r.get(key) == value and r["_extract_date"] in latest)


def _person(persons: list[dict], person_id: str) -> dict:
    return _row(persons, "pers_person_id", person_id)


def _episode(episodes: list[dict], episode_id: str) -> dict:
    return _row(episodes, "clae_cla_episode_id", episode_id)


Mutation = Callable[[list[dict], list[dict]], None]


def _duplicate_person(persons: list[dict], episodes: list[dict]) -> None:
    persons.append(copy.deepcopy(_person(persons, "LL-80002")))


def _missing_person_id(persons: list[dict], episodes: list[dict]) -> None:
    _person(persons, "LL-80003")["pers_person_id"] = None


def _duplicate_episode(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-603")["clae_cla_episode_id"] = "LLE-602"


def _missing_episode_id(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "CFE-502")["clae_cla_episode_id"] = None


def _orphan_episode(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-603")["clae_person_id"] = "LL-89999"


def _episode_without_person(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-603")["clae_person_id"] = None


def _unreadable_dob(persons: list[dict], episodes: list[dict]) -> None:
    _person(persons, "LL-80003")["pers_dob"] = "31/02/2015"


def _future_dob(persons: list[dict], episodes: list[dict]) -> None:
    _person(persons, "LL-80003")["pers_dob"] = "2026-11-01"


def _dob_before_1990(persons: list[dict], episodes: list[dict]) -> None:
    _person(persons, "CF-70002")["pers_dob"] = "1900-01-01"


def _missing_start(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-603")["clae_cla_episode_start_date"] = None


def _unreadable_start(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-603")["clae_cla_episode_start_date"] = "2024-13-01"


def _future_start(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "CFE-502")["clae_cla_episode_start_date"] = "2021-07-01"
    _episode(episodes, "CFE-502")["clae_cla_episode_ceased_date"] = None


def _unreadable_ceased(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-602")["clae_cla_episode_ceased_date"] = "2024-01-31T00:00"


def _future_ceased(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-602")["clae_cla_episode_ceased_date"] = "2026-11-01 00:00:00"


def _ceased_before_start(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "CFE-502")["clae_cla_episode_ceased_date"] = "11/01/2020"


def _start_before_birth(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-602")["clae_cla_episode_start_date"] = "2016-02-26"


def _unmapped_start_reason(persons: list[dict], episodes: list[dict]) -> None:
    # A Liquid Logic description is only mapped for liquid_logic, not for carefirst.
    _episode(episodes, "CFE-501")["clae_cla_episode_start_reason"] = "Started to be looked after"


def _unmapped_ceased_reason(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-602")["clae_cla_episode_ceased_reason"] = "Went home"


def _unknown_need(persons: list[dict], episodes: list[dict]) -> None:
    _episode(episodes, "LLE-601")["clae_cla_primary_need_code"] = "N9"


def _gender_code_as_sex(persons: list[dict], episodes: list[dict]) -> None:
    _person(persons, "LL-80003")["pers_sex"] = "9"


def _ethnicity_description(persons: list[dict], episodes: list[dict]) -> None:
    _person(persons, "CF-70001")["pers_ethnicity"] = "White British"


def _system_without_episodes(persons: list[dict], episodes: list[dict]) -> None:
    episodes[:] = [e for e in episodes if e["_source_system"] != "liquid_logic"]


def _system_without_people(persons: list[dict], episodes: list[dict]) -> None:
    persons[:] = [p for p in persons if p["_source_system"] != "liquid_logic"]


FAULTS: list[tuple[str, Mutation, dict[str, dict[str, str]]]] = [
    ("duplicate person id", _duplicate_person, {"raw_person": {"duplicate_person_id": "ERROR"}}),
    ("missing person id", _missing_person_id, {"raw_person": {"missing_person_id": "ERROR"}}),
    (
        "duplicate episode id",
        _duplicate_episode,
        {"raw_cla_episodes": {"duplicate_episode_id": "ERROR"}},
    ),
    (
        "missing episode id",
        _missing_episode_id,
        {"raw_cla_episodes": {"missing_episode_id": "ERROR"}},
    ),
    (
        "episode person not in person table",
        _orphan_episode,
        {"raw_cla_episodes": {"person_not_in_person_table": "ERROR"}},
    ),
    (
        "episode without person",
        _episode_without_person,
        {"raw_cla_episodes": {"missing_person_id": "ERROR"}},
    ),
    ("unreadable dob", _unreadable_dob, {"raw_person": {"unparseable_dob": "ERROR"}}),
    ("dob after extract date", _future_dob, {"raw_person": {"future_dob": "ERROR"}}),
    ("dob before 1990", _dob_before_1990, {"raw_person": {"dob_before_1990": "ERROR"}}),
    ("missing start date", _missing_start, {"raw_cla_episodes": {"missing_start_date": "ERROR"}}),
    (
        "unreadable start date",
        _unreadable_start,
        {"raw_cla_episodes": {"unparseable_start_date": "ERROR"}},
    ),
    (
        "start after extract date",
        _future_start,
        {"raw_cla_episodes": {"future_start_date": "ERROR"}},
    ),
    (
        "unreadable ceased date",
        _unreadable_ceased,
        {"raw_cla_episodes": {"unparseable_ceased_date": "ERROR"}},
    ),
    (
        "ceased after extract date",
        _future_ceased,
        {"raw_cla_episodes": {"future_ceased_date": "ERROR"}},
    ),
    (
        "ceased before start",
        _ceased_before_start,
        {"raw_cla_episodes": {"ceased_before_start": "WARN"}},
    ),
    (
        "start before birth",
        _start_before_birth,
        {"raw_cla_episodes": {"start_before_birth": "WARN"}},
    ),
    (
        "start reason not mapped for this system",
        _unmapped_start_reason,
        {"raw_cla_episodes": {"unmapped_start_reason": "WARN"}},
    ),
    (
        "unknown ceased reason",
        _unmapped_ceased_reason,
        {"raw_cla_episodes": {"unmapped_ceased_reason": "WARN"}},
    ),
    (
        "unknown primary need",
        _unknown_need,
        {"raw_cla_episodes": {"primary_need_not_in_code_set": "WARN"}},
    ),
    ("gender code as sex", _gender_code_as_sex, {"raw_person": {"sex_not_in_code_set": "WARN"}}),
    (
        "ethnicity description",
        _ethnicity_description,
        {"raw_person": {"ethnicity_not_in_code_set": "WARN"}},
    ),
    (
        "system without episodes",
        _system_without_episodes,
        {"raw_cla_episodes": {"row_count": "WARN"}},
    ),
    (
        "system without people",
        _system_without_people,
        {
            "raw_person": {"row_count": "ERROR"},
            "raw_cla_episodes": {"person_not_in_person_table": "ERROR"},
        },
    ),
]


def test_clean_data_passes_every_expectation(
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
    session: GxSession,
) -> None:
    # The fixture also holds an older carefirst extract full of faults: only the latest
    # extract of each system may be judged, so this passing proves the filter too.
    outcomes = _run(make_warehouse(clean_persons, clean_episodes), session)

    assert _failed(outcomes) == {"raw_person": {}, "raw_cla_episodes": {}}
    assert all(outcome.success for outcome in outcomes.values())
    person = outcomes["raw_person"]
    assert [(s.source_system, s.extract_date.isoformat(), s.row_count) for s in person.systems] == [
        ("carefirst", CAREFIRST_EXTRACT, 2),
        ("liquid_logic", LIQUID_LOGIC_EXTRACT, 3),
    ]
    assert len(person.expectations) == 8
    assert len(outcomes["raw_cla_episodes"].expectations) == 15


@pytest.mark.parametrize(("fault", "mutate", "expected"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_fails_the_right_expectation(
    fault: str,
    mutate: Mutation,
    expected: dict[str, dict[str, str]],
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
    session: GxSession,
) -> None:
    mutate(clean_persons, clean_episodes)

    outcomes = _run(make_warehouse(clean_persons, clean_episodes), session)

    assert _failed(outcomes) == {suite: expected.get(suite, {}) for suite in SUITES}
    for suite, failures in expected.items():
        outcome = outcomes[suite]
        assert not outcome.success
        assert outcome.failing_severity == ("ERROR" if "ERROR" in failures.values() else "WARN")
        for failure in outcome.failures():
            assert isinstance(failure.observed_value, int)
            assert failure.observed_value != 0 or failure.column == "row_count"


def test_observed_values_are_counts_per_system(
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
    session: GxSession,
) -> None:
    for episode_id in ("CFE-501", "CFE-502", "LLE-601"):
        _episode(clean_episodes, episode_id)["clae_cla_primary_need_code"] = "N0"

    outcome = _run(make_warehouse(clean_persons, clean_episodes), session)["raw_cla_episodes"]

    (need,) = outcome.failures()
    assert need.observed_value == 3
    assert dict(need.per_system) == {"carefirst": 2, "liquid_logic": 1}
    assert need.source_columns == ("clae_cla_primary_need_code",)
    assert need.expectation_type == "expect_column_sum_to_be_between"
    assert "N1 to N8" in need.description


def test_a_newer_empty_extract_in_the_manifest_counts_as_no_rows(
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
    session: GxSession,
) -> None:
    manifest = [
        # loaded, but the file held no rows: the system's latest person extract is empty
        {
            "source_system": "carefirst",
            "extract_date": "2021-07-01",
            "table_name": "ssd_person",
            "status": "loaded",
        },
        # quarantined: never the latest loaded extract
        {
            "source_system": "liquid_logic",
            "extract_date": "2026-11-30",
            "table_name": "ssd_cla_episodes",
            "status": "quarantined",
        },
    ]

    outcomes = _run(make_warehouse(clean_persons, clean_episodes, manifest), session)

    assert _failed(outcomes) == {
        "raw_person": {"row_count": "ERROR"},
        "raw_cla_episodes": {"person_not_in_person_table": "ERROR"},
    }
    carefirst = outcomes["raw_person"].systems[0]
    assert (carefirst.extract_date.isoformat(), carefirst.row_count) == ("2021-07-01", 0)
    episodes_liquid_logic = outcomes["raw_cla_episodes"].systems[1]
    assert episodes_liquid_logic.extract_date.isoformat() == LIQUID_LOGIC_EXTRACT


def test_a_configured_system_without_any_extract_fails_the_row_counts(
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
    session: GxSession,
) -> None:
    outcomes = _run(make_warehouse(clean_persons, clean_episodes), session, (*SYSTEMS, "mosaic"))

    assert _failed(outcomes) == {
        "raw_person": {"row_count": "ERROR"},
        "raw_cla_episodes": {"row_count": "WARN"},
    }
    mosaic = outcomes["raw_person"].systems[-1]
    assert (mosaic.source_system, mosaic.extract_date, mosaic.row_count) == ("mosaic", None, 0)


def test_data_docs_are_written_without_identifying_values(
    tmp_path: Path,
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Faults in identifying columns are where a row-level validator would print samples.
    for mutate in (_duplicate_person, _orphan_episode, _unreadable_dob, _future_start):
        mutate(clean_persons, clean_episodes)
    warehouse = make_warehouse(clean_persons, clean_episodes)
    output_dir = tmp_path / "output"

    with caplog.at_level("DEBUG"):
        outcomes = run_suites([suite_path(name) for name in SUITES], warehouse, SYSTEMS, output_dir)

    docs = output_dir / "data_docs"
    index = docs / "index.html"
    assert index.is_file()
    for outcome in outcomes:
        assert not outcome.success
        assert outcome.data_docs_index == index
        assert outcome.data_docs_page is not None and outcome.data_docs_page.is_file()
        assert docs in outcome.data_docs_page.parents
        assert f"validations/{outcome.suite_name}/" in index.read_text(encoding="utf-8")
    files = [path for path in docs.rglob("*") if path.is_file()]
    assert len(files) > 5
    texts = {path: path.read_bytes().decode("utf-8", errors="replace") for path in files}
    assert "person_not_in_person_table" in "".join(texts.values())
    leaks = {
        (str(path.relative_to(docs)), value)
        for path, text in texts.items()
        for value in IDENTIFYING_VALUES
        if value in text
    }
    assert leaks == set()
    assert [value for value in IDENTIFYING_VALUES if value in caplog.text] == []


def test_one_session_serves_several_runs(
    tmp_path: Path,
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    session = GxSession(tmp_path / "docs")
    clean = make_warehouse(copy.deepcopy(clean_persons), copy.deepcopy(clean_episodes))
    _orphan_episode(clean_persons, clean_episodes)
    faulty = make_warehouse(clean_persons, clean_episodes)

    first = _run(clean, session)
    second = _run(faulty, session)

    assert first["raw_cla_episodes"].success
    assert not second["raw_cla_episodes"].success
    pages = sorted((tmp_path / "docs" / "validations" / "raw_cla_episodes").rglob("*.html"))
    assert len(pages) == 2


def test_deferred_data_docs_are_written_once_at_the_end(
    tmp_path: Path,
    make_warehouse: WarehouseBuilder,
    clean_persons: list[dict],
    clean_episodes: list[dict],
) -> None:
    docs = tmp_path / "docs"
    session = GxSession(docs, defer_data_docs=True)
    outcomes = _run(make_warehouse(clean_persons, clean_episodes), session)

    pages = {name: outcome.data_docs_page for name, outcome in outcomes.items()}
    assert all(page is not None and docs in page.parents for page in pages.values())
    assert not any(page.exists() for page in pages.values())
    assert not (docs / "index.html").exists()

    session.publish_data_docs()

    assert all(page.is_file() for page in pages.values())
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert all(f"validations/{name}/" in index for name in pages)
    written = {path: path.stat().st_mtime_ns for path in docs.rglob("*.html")}
    session.publish_data_docs()  # nothing pending: nothing is written again
    assert {path: path.stat().st_mtime_ns for path in docs.rglob("*.html")} == written


def test_the_warehouse_is_opened_read_only(
    make_warehouse: WarehouseBuilder, clean_persons: list[dict], clean_episodes: list[dict]
) -> None:
    warehouse = make_warehouse(clean_persons, clean_episodes)

    with open_warehouse(warehouse) as connection, pytest.raises(duckdb.Error, match="read-only"):
        connection.execute("create table raw.tampered (id integer)")


def test_a_reader_waits_for_a_writer_in_another_process(
    make_warehouse: WarehouseBuilder, clean_persons: list[dict], clean_episodes: list[dict]
) -> None:
    warehouse = make_warehouse(clean_persons, clean_episodes)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]);"
            " print('locked', flush=True); time.sleep(1.5)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
    started = time.monotonic()

    with open_warehouse(warehouse, lock_timeout_seconds=30) as connection:
        waited = time.monotonic() - started
        assert connection.execute("select count(*) from raw.ssd_person").fetchone() == (7,)
    writer.wait()
    assert waited > 0.5


def test_a_missing_raw_table_is_reported_not_guessed(tmp_path: Path, session: GxSession) -> None:
    warehouse = tmp_path / "empty.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema raw")

    with pytest.raises(WarehouseSchemaError, match=r"raw\.ssd_person"):
        _run(warehouse, session)


def test_a_missing_warehouse_is_reported(tmp_path: Path, session: GxSession) -> None:
    with pytest.raises(FileNotFoundError, match="run ingest first"):
        _run(tmp_path / "absent.duckdb", session)


def test_a_suite_must_list_the_tables_it_joins_to(tmp_path: Path) -> None:
    document = copy.deepcopy(dict(load_suite(suite_path("raw_cla_episodes")).document))
    document["meta"].pop("reads_tables")
    path = tmp_path / "unlisted.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(SuiteFileError, match=r"reads_tables must list \['raw\.ssd_person'\]"):
        load_suite(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(type="expect_column_values_to_be_in_set"), "is not one of"),
        (lambda e: e["meta"].pop("severity"), "severity"),
        (lambda e: e["meta"].update(severity="FATAL"), "severity"),
        (lambda e: e["meta"].update(description=" "), "description"),
        (lambda e: e["meta"]["metric"].update(kind="mean_age"), "unknown metric kind"),
        (lambda e: e["meta"]["metric"].update(column="pers_dob; drop table x"), "identifier"),
    ],
    ids=["row-level type", "no severity", "bad severity", "no description", "bad kind", "sql"],
)
def test_suite_files_are_checked_on_load(
    tmp_path: Path, change: Callable[[dict], object], message: str
) -> None:
    document = copy.deepcopy(dict(load_suite(suite_path("raw_person")).document))
    change(document["expectations"][1])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(SuiteFileError, match=message):
        load_suite(path)
