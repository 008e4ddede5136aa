"""The migration-gap evaluation (orchestration/evaluation/dq_eval.py) without a pipeline run:
the person-id mapping, the recall/precision maths and reading a tiny warehouse."""

from __future__ import annotations

import csv
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from orchestration.evaluation.dq_eval import (
    ALL_KINDS_SCENARIO,
    CLEAN_SCENARIO,
    EVALUATION_RATES,
    Scenario,
    ScenarioResult,
    evaluate_folder,
    failures,
    main,
    render_markdown,
    scenarios,
    score_scenario,
    simulation_person_key,
)
from orchestration.synthetic.defects import (
    DEFECT_COLUMNS,
    DUPLICATE_OFFSET,
    SPLIT_OFFSET,
    TEST_OFFSET,
)
from orchestration.synthetic.extracts import SystemView
from orchestration.synthetic.settings import DEFECT_KINDS

LEGACY = SystemView("carefirst", True, 0, 0, {})
SUCCESSOR = SystemView("liquid_logic", False, 0, 0, {})


def successor_id(key: int) -> str:
    pid = SUCCESSOR.rid("P", key)
    assert pid is not None
    return pid


def legacy_id(key: int) -> str:
    pid = LEGACY.rid("P", key)
    assert pid is not None
    return pid


# -- the id mapping -----------------------------------------------------------------------


@pytest.mark.parametrize("key", [1, 42, 123_456, 9_999_999, 49_999_999_999])
def test_both_systems_ids_map_to_the_simulation_key(key: int) -> None:
    assert simulation_person_key(legacy_id(key)) == key
    assert simulation_person_key(successor_id(key)) == key


def test_other_prefixes_and_whitespace_invert_too() -> None:
    assert simulation_person_key(f" {SUCCESSOR.rid('EP', 777)} ") == 777


def test_a_duplicate_person_maps_to_the_child_it_duplicates() -> None:
    assert simulation_person_key(successor_id(1_234 + DUPLICATE_OFFSET)) == 1_234


def test_test_records_and_split_keys_keep_their_key() -> None:
    test_key = TEST_OFFSET + 3 * 1_000_000 + 20
    assert simulation_person_key(successor_id(test_key)) == test_key
    assert simulation_person_key(successor_id(SPLIT_OFFSET + 5)) == SPLIT_OFFSET + 5


@pytest.mark.parametrize("person_id", ["", "P123", "PX0000000001", "1.5"])
def test_ids_the_generator_never_makes_are_refused(person_id: str) -> None:
    with pytest.raises(ValueError):
        simulation_person_key(person_id)


def test_an_unmapped_finding_id_counts_as_a_false_positive() -> None:
    scenario = Scenario("test_records", {"test_records": 0.05})
    test_key = TEST_OFFSET + 40
    (scored,) = score_scenario(
        scenario,
        [truth_row("test_records", "ssd_person", successor_id(test_key))],
        [
            finding_row("test_records", "liquid_logic", "ssd_person", successor_id(test_key)),
            finding_row("test_records", "liquid_logic", "ssd_person", "liquid_logic:P1"),
        ],
    )
    assert (scored.truth_units, scored.found_units, scored.true_positives) == (1, 2, 1)


# -- scenarios and rates --------------------------------------------------------------------


def test_rates_and_scenarios() -> None:
    assert set(EVALUATION_RATES) == set(DEFECT_KINDS)
    assert EVALUATION_RATES["recording_cliff"] == 0.5
    assert {rate for kind, rate in EVALUATION_RATES.items() if kind != "recording_cliff"} == {0.05}
    items = scenarios(["test_records", "recording_cliff"])
    assert [item.name for item in items] == [
        "test_records",
        "recording_cliff",
        ALL_KINDS_SCENARIO,
        CLEAN_SCENARIO,
    ]
    assert items[0].defects == {"test_records": 0.05}
    assert items[2].defects == {"test_records": 0.05, "recording_cliff": 0.5}
    assert items[3].defects == {}


# -- recall and precision -------------------------------------------------------------------


def truth_row(kind: str, table: str, person_id: str | None) -> dict[str, str | None]:
    return {
        "defect_kind": kind,
        "source_system": "liquid_logic",
        "table_name": table,
        "record_id": "X",
        "person_id": person_id,
        "detail": "",
    }


def finding_row(kind: str, system: str, table: str, person_id: str | None) -> dict:
    return {
        "defect_kind": kind,
        "source_system": system,
        "table_name": table,
        "person_id": person_id,
    }


def test_children_are_matched_across_systems_and_duplicates() -> None:
    scenario = Scenario("duplicate_person", {"duplicate_person": 0.05})
    truth = [
        truth_row("duplicate_person", "ssd_person", successor_id(11 + DUPLICATE_OFFSET)),
        truth_row("duplicate_person", "ssd_cla_visits", successor_id(11 + DUPLICATE_OFFSET)),
        truth_row("duplicate_person", "ssd_person", successor_id(12 + DUPLICATE_OFFSET)),
        truth_row("duplicate_person", "ssd_person", successor_id(13 + DUPLICATE_OFFSET)),
        truth_row("duplicate_person", "ssd_cla_reviews", None),  # no person column: no unit
    ]
    findings = [
        finding_row("duplicate_person", "liquid_logic", "ssd_person", successor_id(11)),
        finding_row("duplicate_person", "carefirst", "ssd_person", legacy_id(12)),
        finding_row("duplicate_person", "liquid_logic", "ssd_person", successor_id(99)),
        finding_row("shifted_dates", "liquid_logic", "ssd_contacts", successor_id(11)),
    ]
    scores = score_scenario(scenario, truth, findings)
    assert [item.kind for item in scores] == ["duplicate_person", "shifted_dates"]
    duplicate, shifted = scores
    assert (duplicate.truth_units, duplicate.found_units, duplicate.true_positives) == (3, 3, 2)
    assert duplicate.recall == pytest.approx(2 / 3)
    assert duplicate.precision == pytest.approx(2 / 3)
    assert (shifted.truth_units, shifted.found_units, shifted.true_positives) == (0, 1, 0)
    assert shifted.recall is None
    assert shifted.precision == 0


def test_recording_cliff_units_are_tables() -> None:
    scenario = Scenario("recording_cliff", {"recording_cliff": 0.5})
    truth = [
        truth_row("recording_cliff", "ssd_cla_visits", successor_id(1)),
        truth_row("recording_cliff", "ssd_cla_visits", successor_id(2)),
        truth_row("recording_cliff", "ssd_cp_visits", successor_id(3)),
    ]
    findings = [finding_row("recording_cliff", "liquid_logic", "ssd_cla_visits", None)]
    (cliff,) = score_scenario(scenario, truth, findings)
    assert (cliff.truth_units, cliff.found_units, cliff.true_positives) == (2, 1, 1)
    assert cliff.recall == 0.5
    assert cliff.precision == 1.0
    assert failures([_result(scenario, [cliff])]) == ["recording_cliff: recall 1/2"]


def _result(scenario: Scenario, scores: list, error: int = 0, warn: int = 0) -> ScenarioResult:
    return ScenarioResult(scenario, True, tuple(scores), error, warn)


def test_failures_need_full_single_kind_recall_and_a_silent_clean_run() -> None:
    single = Scenario("test_records", {"test_records": 0.05})
    test_key = TEST_OFFSET + 10
    perfect = score_scenario(
        single,
        [truth_row("test_records", "ssd_person", successor_id(test_key))],
        [finding_row("test_records", "liquid_logic", "ssd_person", successor_id(test_key))],
    )
    clean = Scenario(CLEAN_SCENARIO, {})
    together = Scenario(ALL_KINDS_SCENARIO, {"test_records": 0.05})
    missed = score_scenario(
        together, [truth_row("test_records", "ssd_person", successor_id(test_key))], []
    )
    assert failures([_result(single, perfect), _result(together, missed), _result(clean, [])]) == []
    assert failures([_result(clean, [], error=1, warn=2)]) == [
        "clean scenario has 3 finding(s) (1 ERROR, 2 WARN)"
    ]
    empty = score_scenario(single, [], [])
    assert failures([_result(single, empty)]) == [
        "test_records: the generator injected no unit of this kind"
    ]


# -- a tiny warehouse -----------------------------------------------------------------------


def make_folder(folder: Path, truth: list[dict], records: list[tuple], findings: list[str]) -> None:
    truth_dir = folder / "landing" / "_truth"
    truth_dir.mkdir(parents=True)
    with (truth_dir / "defects.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=DEFECT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in truth:
            writer.writerow({name: "" if value is None else value for name, value in row.items()})
    with closing(duckdb.connect(str(folder / "warehouse.duckdb"))) as connection:
        connection.execute("create schema intermediate")
        connection.execute("create schema marts")
        connection.execute(
            "create table intermediate.int_dq_finding_records (defect_kind varchar, "
            "source_system varchar, table_name varchar, child_key varchar, person_id varchar, "
            "record_id varchar, affected_from date, affected_to date, detail varchar)"
        )
        for kind, system, table, person_id in records:
            connection.execute(
                "insert into intermediate.int_dq_finding_records values "
                "(?, ?, ?, ?, ?, null, date '2021-07-31', null, 'x')",
                [kind, system, table, f"{system}:{person_id}", person_id],
            )
        connection.execute(
            "create table marts.dq_findings (finding_id varchar, defect_kind varchar, "
            "source_system varchar, table_name varchar, severity varchar)"
        )
        for number, severity in enumerate(findings):
            connection.execute(
                "insert into marts.dq_findings values (?, 'k', 's', 't', ?)",
                [f"finding{number}", severity],
            )


def test_evaluate_folder_reads_truth_and_warehouse(tmp_path: Path) -> None:
    scenario = Scenario("missing_open_children", {"missing_open_children": 0.05})
    folder = tmp_path / scenario.name
    make_folder(
        folder,
        truth=[
            truth_row("missing_open_children", "ssd_person", successor_id(501)),
            truth_row("missing_open_children", "ssd_cla_episodes", successor_id(501)),
            truth_row("missing_open_children", "ssd_person", successor_id(502)),
        ],
        records=[
            ("missing_open_children", "carefirst", "ssd_person", legacy_id(501)),
            ("missing_open_children", "carefirst", "ssd_person", legacy_id(502)),
        ],
        findings=["ERROR", "ERROR", "WARN"],
    )
    result = evaluate_folder(scenario, folder, pipeline_succeeded=False)
    (missing,) = result.scores
    assert (missing.truth_units, missing.found_units, missing.true_positives) == (2, 2, 2)
    assert (result.error_findings, result.warn_findings, result.findings) == (2, 1, 3)
    assert failures([result]) == []
    markdown = render_markdown([result])
    assert "| missing_open_children | missing_open_children | 2 | 2 | 2 | 100.0% | 100.0% |" in (
        markdown
    )
    assert "| missing_open_children | failed | 3 | 2 | 1 | 0 |" in markdown


def test_clean_folder_without_truth_file_and_tables_empty(tmp_path: Path) -> None:
    folder = tmp_path / CLEAN_SCENARIO
    make_folder(folder, truth=[], records=[], findings=[])
    (folder / "landing" / "_truth" / "defects.csv").unlink()
    result = evaluate_folder(Scenario(CLEAN_SCENARIO, {}), folder, pipeline_succeeded=True)
    assert result.scores == ()
    assert failures([result]) == []
    assert "Clean scenario: 0 finding(s)" in render_markdown([result])


def test_a_failed_check_on_the_clean_scenario_fails_the_evaluation(tmp_path: Path) -> None:
    folder = tmp_path / CLEAN_SCENARIO
    make_folder(folder, truth=[], records=[], findings=[])
    (folder / "failed_checks.txt").write_text(
        "marts/fct_scorecard_monthly:gx_marts_scorecard_monthly (WARN)\n", encoding="utf-8"
    )
    result = evaluate_folder(Scenario(CLEAN_SCENARIO, {}), folder, pipeline_succeeded=True)
    assert result.failed_checks == (
        "marts/fct_scorecard_monthly:gx_marts_scorecard_monthly (WARN)",
    )
    assert any("check(s) not passed" in reason for reason in failures([result]))
    assert "1 asset check(s) not passed" in render_markdown([result])


def test_cli_scores_existing_folders_and_writes_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test_key = TEST_OFFSET + 30
    found = [("test_records", "liquid_logic", "ssd_person", successor_id(test_key))]
    truth = [truth_row("test_records", "ssd_person", successor_id(test_key))]
    make_folder(tmp_path / "test_records", truth=truth, records=found, findings=["ERROR"])
    make_folder(tmp_path / ALL_KINDS_SCENARIO, truth=truth, records=found, findings=["ERROR"])
    make_folder(tmp_path / CLEAN_SCENARIO, truth=[], records=[], findings=[])
    arguments = ["--kinds", "test_records", "--workdir", str(tmp_path), "--evaluate-only"]
    assert main(arguments) == 0
    written = (tmp_path / "dq_eval.md").read_text(encoding="utf-8")
    assert written in capsys.readouterr().out
    assert "| test_records | test_records | 1 | 1 | 1 | 100.0% | 100.0% |" in written

    make_folder(tmp_path / "noisy", truth=[], records=[], findings=["WARN"])
    (tmp_path / CLEAN_SCENARIO / "warehouse.duckdb").unlink()
    (tmp_path / "noisy" / "warehouse.duckdb").rename(tmp_path / CLEAN_SCENARIO / "warehouse.duckdb")
    assert main(arguments) == 1
