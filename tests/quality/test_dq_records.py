"""The record migration-gap models (``dbt_project/models/intermediate/data_quality/records``)
on an authority with every changeover defect (docs/decisions/0007-migration-gap-findings.md).

Unit of recall and precision: the child (the simulation's person reached from either
system's person id, ``orchestration.evaluation.dq_eval.units_by_kind``, as ``make dq-eval``
counts it), except ``recording_cliff``, whose unit is the table. With every kind at once,
a child whose identity is itself broken (missing, merged under a reused id, a duplicate,
a test record) cannot be compared with its legacy record, and one defect can overwrite
another's field, so recall and precision are checked on the other children and with a
small margin.
Single-kind authorities reach 100% recall (the model descriptions give the rules); that
the models are empty on a faithful migration is checked end to end for every ``dq_*`` model.
"""

from __future__ import annotations

import re

import pytest
from dq_finding_helpers import found_units, truth_units_by_kind, warehouse_rows

from orchestration.evaluation.authority_runs import AuthorityRun
from orchestration.evaluation.dq_eval import Unit

RECORD_KINDS = (
    "truncated_history",
    "recording_cliff",
    "merged_duplicates",
    "defaulted_dates",
    "shifted_dates",
    "unmapped_codes",
    "emptied_fields",
    "sentinel_keys",
)
IDENTITY_KINDS = ("missing_open_children", "test_records", "reused_person_id", "duplicate_person")
FINDING_COLUMNS = [
    "defect_kind",
    "source_system",
    "table_name",
    "child_key",
    "person_id",
    "record_id",
    "affected_from",
    "affected_to",
    "detail",
]
CLIFF_TABLES = {
    "ssd_cla_visits",
    "ssd_cp_visits",
    "ssd_cin_visits",
    "ssd_cla_reviews",
    "ssd_cp_reviews",
    "ssd_cla_health",
}
MIN_RECALL = 0.9
MIN_PRECISION = 0.9
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}")


@pytest.fixture(scope="module")
def truth_units(defect_authority: AuthorityRun) -> dict[str, set[Unit]]:
    assert defect_authority.success
    return truth_units_by_kind(defect_authority)


@pytest.fixture(scope="module")
def broken_identities(truth_units: dict[str, set[Unit]]) -> set[Unit]:
    """Children an identity defect broke: missing, merged under a reused id, duplicated or
    test records."""
    return set().union(*(truth_units.get(kind, set()) for kind in IDENTITY_KINDS))


@pytest.fixture(scope="module")
def comparable_truth(
    truth_units: dict[str, set[Unit]], broken_identities: set[Unit]
) -> dict[str, set[Unit]]:
    """Each kind's truth children whose identity no identity defect broke."""
    return {
        kind: units if kind == "recording_cliff" else units - broken_identities
        for kind, units in truth_units.items()
    }


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_the_model_has_the_finding_columns(defect_authority: AuthorityRun, kind: str) -> None:
    columns = warehouse_rows(
        defect_authority,
        "select column_name from information_schema.columns "
        f"where table_schema = 'intermediate' and table_name = 'dq_{kind}' "
        "order by ordinal_position",
    )
    assert [name for (name,) in columns] == FINDING_COLUMNS


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_truth_children_are_found(
    defect_authority: AuthorityRun, comparable_truth: dict[str, set[Unit]], kind: str
) -> None:
    truth = comparable_truth.get(kind, set())
    assert truth, f"the generator injected no {kind}"
    found = found_units(defect_authority, kind)
    assert len(truth & found) / len(truth) >= MIN_RECALL, (
        f"{len(truth - found)} of {len(truth)} {kind} units not found"
    )


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_found_children_are_mostly_truth_children(
    defect_authority: AuthorityRun,
    truth_units: dict[str, set[Unit]],
    broken_identities: set[Unit],
    kind: str,
) -> None:
    """Precision over the same children as recall: a child whose identity is broken is left
    out, because a duplicate holding part of a child's history makes the rest look lost (a
    true gap, found and reported by the identity models)."""
    found = found_units(defect_authority, kind)
    if kind != "recording_cliff":
        found -= broken_identities
    assert found
    assert len(found & truth_units.get(kind, set())) / len(found) >= MIN_PRECISION


def test_every_cliff_table_is_found_and_nothing_else(
    defect_authority: AuthorityRun, truth_units: dict[str, set[Unit]]
) -> None:
    assert truth_units["recording_cliff"] == CLIFF_TABLES
    assert found_units(defect_authority, "recording_cliff") == CLIFF_TABLES


def test_cliff_rows_are_aggregate_months_after_go_live(defect_authority: AuthorityRun) -> None:
    go_live = defect_authority.config.systems[1].live_from
    rows = warehouse_rows(
        defect_authority,
        "select child_key, person_id, record_id, affected_from, affected_to "
        "from intermediate.dq_recording_cliff",
    )
    assert rows
    for child_key, person_id, record_id, affected_from, affected_to in rows:
        assert (child_key, person_id, record_id) == (None, None, None)
        assert affected_from == affected_to
        assert affected_from >= go_live


def test_an_open_end_migrated_as_1900_distorts_every_month_from_the_cutover(
    defect_authority: AuthorityRun,
) -> None:
    go_live = defect_authority.config.systems[1].live_from
    rows = warehouse_rows(
        defect_authority,
        "select affected_from, affected_to from intermediate.dq_defaulted_dates "
        "where detail like 'end date defaulted%'",
    )
    assert rows
    for affected_from, affected_to in rows:
        assert affected_to is None
        assert affected_from >= go_live


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_detail_names_no_id_name_or_date(defect_authority: AuthorityRun, kind: str) -> None:
    rows = warehouse_rows(
        defect_authority,
        f"select distinct detail, child_key, person_id, record_id from intermediate.dq_{kind}",
    )
    ids = {value for row in rows for value in row[1:] if value}
    names = {
        name
        for row in warehouse_rows(
            defect_authority, "select forename, surname from staging.stg_ssd__person"
        )
        for name in row
        if name
    }
    details = {detail for detail, *_ in rows}
    assert details
    for detail in details:
        assert not DATE_PATTERN.search(detail), detail
        assert not any(identifier in detail for identifier in ids), detail
        # ids of either system are long digit runs; a percentage is not
        assert not re.search(r"\d{5,}", detail), detail
        assert not set(re.findall(r"[^\W\d_]+", detail)) & names, detail
