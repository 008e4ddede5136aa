"""The suite files in expectations/: GX format, analyst-readable meta, reasoned severities."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from great_expectations.core import ExpectationSuite

from orchestration.lib.gx_runner import EXPECTATIONS_DIR, REFERENCE_DIR, load_suite, suite_path
from orchestration.lib.quality_metrics import load_code_reference

SUITE_FILES = sorted(EXPECTATIONS_DIR.glob("*.json"))


def test_the_raw_suites_exist() -> None:
    assert {path.stem for path in SUITE_FILES} >= {"raw_person", "raw_cla_episodes"}


def test_every_layer_has_suites() -> None:
    layers = {load_suite(path).document["meta"]["layer"] for path in SUITE_FILES}
    names = {path.stem for path in SUITE_FILES}

    assert layers == {"raw", "staging", "marts"}
    assert {
        "raw_cla_placement",
        "raw_legal_status",
        "raw_cla_visits",
        "raw_cla_reviews",
        "raw_cla_health",
        "raw_cin_episodes",
        "raw_cin_assessments",
        "raw_cp_plans",
        "raw_cp_visits",
        "raw_cp_reviews",
        "raw_care_leavers",
        "staging_person",
        "marts_scorecard_monthly",
        "marts_dq_findings",
    } <= names


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_suite_names_start_with_their_layer_and_scope_follows_it(path: Path) -> None:
    suite = load_suite(path)
    layer = suite.document["meta"]["layer"]

    assert suite.name.startswith(f"{layer}_")
    assert suite.scope == ("latest_extract_per_system" if layer == "raw" else "whole_table")
    assert suite.asset_key == (suite.schema, suite.table) or layer == "raw"


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_suite_file_is_a_gx_expectation_suite(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))

    suite = ExpectationSuite(**document)

    assert suite.name == path.stem
    assert len(suite.expectations) == len(document["expectations"])
    assert document["meta"]["severity_policy"].strip()


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_every_expectation_has_severity_and_description(path: Path) -> None:
    suite = load_suite(path)

    for expectation in suite.expectations:
        assert expectation.severity in ("ERROR", "WARN")
        assert len(expectation.description) > 30, expectation.column
    gx_suite = suite.to_gx_suite()
    assert [e.severity.value for e in gx_suite.expectations] == [
        "critical" if e.severity == "ERROR" else "warning" for e in suite.expectations
    ]
    assert all(e.description.startswith(("ERROR: ", "WARN: ")) for e in gx_suite.expectations)


# Keys, links between tables and date validity block publishing; codes and order warn.
ERROR_KINDS = {
    "null_count",
    "duplicate_count",
    "orphan_count",
    "unparseable_date_count",
    "future_date_count",
    "date_before_count",
}
WARN_KINDS = {
    "not_in_set_count",
    "unmapped_code_count",
    "date_order_violation_count",
    "before_referenced_date_count",
}
# On dbt outputs: impossible values and lost values block; drift and crosswalk gaps warn (the
# migration-gap models judge those with their own severities).
TABLE_ERROR_KINDS = {
    "value_out_of_range_count",
    "numerator_exceeds_denominator_count",
    "unparsed_source_value_count",
}
TABLE_WARN_KINDS = {"month_on_month_change_count", "orphan_count"}


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_severities_follow_the_policy(path: Path) -> None:
    suite = load_suite(path)
    if suite.scope == "whole_table":
        for expectation in suite.expectations:
            if expectation.metric.kind in TABLE_ERROR_KINDS:
                assert expectation.severity == "ERROR", expectation.column
            elif expectation.metric.kind in TABLE_WARN_KINDS:
                assert expectation.severity == "WARN", expectation.column
        return
    for expectation in suite.expectations:
        if expectation.metric.kind in ERROR_KINDS:
            assert expectation.severity == "ERROR", expectation.column
        elif expectation.metric.kind in WARN_KINDS:
            assert expectation.severity == "WARN", expectation.column


def test_row_count_severity_person_error_episodes_warn() -> None:
    severities = {
        name: {e.column: e.severity for e in load_suite(suite_path(name)).expectations}
        for name in ("raw_person", "raw_cla_episodes")
    }

    assert severities["raw_person"]["row_count"] == "ERROR"
    assert severities["raw_cla_episodes"]["row_count"] == "WARN"


def test_code_fields_named_by_suites_exist_in_the_code_sets_seed() -> None:
    reference = load_code_reference(REFERENCE_DIR)

    for path in SUITE_FILES:
        for expectation in load_suite(path).expectations:
            if expectation.metric.kind == "unmapped_code_count":
                assert reference.codes.get(expectation.metric.params["code_field"])


def test_person_code_sets_match_the_dfe_lists() -> None:
    sets = {
        e.metric.params["column"]: set(e.metric.params["value_set"])
        for e in load_suite(suite_path("raw_person")).expectations
        if e.metric.kind == "not_in_set_count"
    }

    assert sets["pers_sex"] == {"1", "2", "M", "F", "U"}
    assert len(sets["pers_ethnicity"]) == 20
    assert {"WBRI", "MWAS", "CHNE", "REFU", "NOBT"} <= sets["pers_ethnicity"]
