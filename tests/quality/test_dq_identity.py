"""The identity migration-gap models (``dbt_project/models/intermediate/data_quality/identity``)
on an authority with every changeover defect (docs/decisions/0007-migration-gap-findings.md).

Unit of recall and precision: the child, i.e. the simulation's person reached from either
system's person id (``orchestration.evaluation.dq_eval.units_by_kind``, as ``make dq-eval``
counts it); truth rows that name no person (``ssd_cla_reviews``) are not counted. Every
truth child of each kind must be found. That the models are empty on a faithful migration
is checked end to end for every ``dq_*`` model, not here.
"""

from __future__ import annotations

import re

import pytest
from dq_finding_helpers import found_units, truth_units_by_kind, warehouse_rows

from orchestration.evaluation.authority_runs import AuthorityRun
from orchestration.evaluation.dq_eval import Unit

IDENTITY_KINDS = (
    "missing_open_children",
    "test_records",
    "reused_person_id",
    "duplicate_person",
    "split_period_at_cutover",
)
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
# With one kind at 5% the children rarely overlap, so nearly every child found is a truth child.
MIN_PRECISION = 0.9


@pytest.fixture(scope="module")
def truth_units(defect_authority: AuthorityRun) -> dict[str, set[Unit]]:
    assert defect_authority.success
    return truth_units_by_kind(defect_authority)


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
def test_the_model_has_the_finding_columns(defect_authority: AuthorityRun, kind: str) -> None:
    columns = warehouse_rows(
        defect_authority,
        "select column_name from information_schema.columns "
        f"where table_schema = 'intermediate' and table_name = 'dq_{kind}' "
        "order by ordinal_position",
    )
    assert [name for (name,) in columns] == FINDING_COLUMNS


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
def test_every_truth_child_is_found(
    defect_authority: AuthorityRun, truth_units: dict[str, set[Unit]], kind: str
) -> None:
    truth = truth_units.get(kind, set())
    assert truth, f"the generator injected no {kind}"
    missed = truth - found_units(defect_authority, kind)
    assert not missed, f"{len(missed)} of {len(truth)} {kind} children not found"


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
def test_found_children_are_mostly_truth_children(
    defect_authority: AuthorityRun, truth_units: dict[str, set[Unit]], kind: str
) -> None:
    found = found_units(defect_authority, kind)
    true_positives = found & truth_units.get(kind, set())
    assert found
    assert len(true_positives) / len(found) >= MIN_PRECISION


def test_a_reused_id_flags_the_host_and_the_absorbed_legacy_child(
    defect_authority: AuthorityRun,
) -> None:
    legacy, successor = (system.name for system in defect_authority.config.systems)
    counts = dict(
        warehouse_rows(
            defect_authority,
            "select source_system, count(*) from intermediate.dq_reused_person_id group by 1",
        )
    )
    assert counts.get(legacy, 0) > 0
    assert counts.get(successor, 0) > 0


def test_a_missing_child_is_reported_in_the_legacy_system(
    defect_authority: AuthorityRun,
) -> None:
    legacy = defect_authority.config.systems[0].name
    systems = warehouse_rows(
        defect_authority,
        "select distinct source_system from intermediate.dq_missing_open_children",
    )
    assert systems == [(legacy,)]


@pytest.mark.parametrize("kind", IDENTITY_KINDS)
def test_detail_names_no_id_name_or_date(defect_authority: AuthorityRun, kind: str) -> None:
    details = {
        detail
        for (detail,) in warehouse_rows(
            defect_authority, f"select distinct detail from intermediate.dq_{kind}"
        )
    }
    names = {
        name
        for row in warehouse_rows(
            defect_authority, "select forename, surname from staging.stg_ssd__person"
        )
        for name in row
        if name
    }
    assert details
    for detail in details:
        # ids and dates all carry digits; no fixed detail text needs one
        assert not re.search(r"\d", detail), detail
        assert not set(re.findall(r"[^\W\d_]+", detail)) & names, detail
