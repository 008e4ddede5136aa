"""Great Expectations suites (``expectations/``) as Dagster asset checks on every layer.

One check per suite, on the asset the suite validates: raw tables (latest extract of each
system), dbt staging models and marts (whole table). The suites of a layer run from one
``multi_asset_check`` (subsettable), so a run that checks several tables imports GX and builds
its context once per layer. A check passes when every expectation is met; when it fails its
severity is ERROR if any ERROR expectation failed, else WARN. Checks open the warehouse
read-only, run in the warehouse pool, and write GX Data Docs to ``<output_dir>/data_docs/``.
"""

# No ``from __future__ import annotations``: Dagster inspects the check function's
# ``context`` annotation at definition time and needs the real class, not a string.
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.config import SYSTEM_FORMAT_SSD

if TYPE_CHECKING:
    from orchestration.lib.gx_runner import ExpectationOutcome, SuiteOutcome

# Same pool as the dbt assets: a check never opens the warehouse while dbt writes to it.
WAREHOUSE_POOL = "duckdb_warehouse"

RAW_PERSON = AssetKey(["raw", "ssd_person"])
RAW_CLA_EPISODES = AssetKey(["raw", "ssd_cla_episodes"])
SCORECARD_MART = AssetKey(["marts", "fct_scorecard_monthly"])
DQ_FINDINGS_MART = AssetKey(["marts", "dq_findings"])


def _raw(table: str) -> AssetKey:
    return AssetKey(["raw", table])


def _staging(model: str) -> AssetKey:
    return AssetKey(["staging", model])


@dataclass(frozen=True)
class SuiteCheck:
    """Wires one suite file (``expectations/<suite_name>.json``) to the asset it validates."""

    suite_name: str
    asset_key: AssetKey
    description: str
    additional_deps: tuple[AssetKey, ...] = ()

    @property
    def check_name(self) -> str:
        return f"gx_{self.suite_name}"

    @property
    def check_key(self) -> AssetCheckKey:
        return AssetCheckKey(self.asset_key, self.check_name)


RAW_SUITE_CHECKS: tuple[SuiteCheck, ...] = (
    SuiteCheck(
        "raw_person",
        RAW_PERSON,
        "GX suite raw_person on each system's latest person extract: ids present and "
        "unique, dates of birth valid (ERROR); sex and ethnicity codes (WARN).",
    ),
    SuiteCheck(
        "raw_cla_episodes",
        RAW_CLA_EPISODES,
        "GX suite raw_cla_episodes on each system's latest CLA episode extract: ids, link "
        "to the person table, dates valid (ERROR); date order and DfE codes (WARN).",
        additional_deps=(RAW_PERSON,),
    ),
    *(
        SuiteCheck(
            f"raw_{table.removeprefix('ssd_')}",
            _raw(table),
            f"GX suite raw_{table.removeprefix('ssd_')} on each system's latest {what} extract: "
            f"ids present and unique, link to {link}, dates readable, not in the future, not "
            f"before 1990 (ERROR); {warn}.",
            additional_deps=(_raw(parent),),
        )
        for table, what, link, parent, warn in (
            (
                "ssd_cla_placement",
                "placement",
                "the person table",
                "ssd_person",
                "date order, start before birth, placement type and provider codes (WARN)",
            ),
            (
                "ssd_legal_status",
                "legal status",
                "the person table",
                "ssd_person",
                "date order, start before birth, legal status codes (WARN)",
            ),
            (
                "ssd_cla_visits",
                "CLA visit",
                "the person table",
                "ssd_person",
                "visit before birth (WARN)",
            ),
            (
                "ssd_cla_reviews",
                "CLA review",
                "the CLA episodes table",
                "ssd_cla_episodes",
                "row count (WARN)",
            ),
            (
                "ssd_cla_health",
                "health check",
                "the person table",
                "ssd_person",
                "check before birth, check type codes (WARN)",
            ),
            (
                "ssd_cin_episodes",
                "CIN episode",
                "the person table",
                "ssd_person",
                "date order, primary need codes (WARN)",
            ),
            (
                "ssd_cin_assessments",
                "CIN assessment",
                "the person table",
                "ssd_person",
                "date order (WARN)",
            ),
            (
                "ssd_cp_plans",
                "CP plan",
                "the person table",
                "ssd_person",
                "date order, category codes (WARN)",
            ),
            ("ssd_cp_visits", "CP visit", "the person table", "ssd_person", "row count (WARN)"),
            ("ssd_cp_reviews", "CP review", "the person table", "ssd_person", "row count (WARN)"),
            (
                "ssd_care_leavers",
                "care leaver",
                "the person table",
                "ssd_person",
                "row count (WARN)",
            ),
        )
    ),
)

STAGING_SUITE_CHECKS: tuple[SuiteCheck, ...] = (
    SuiteCheck(
        "staging_person",
        _staging("stg_ssd__person"),
        "GX suite staging_person on the whole staging person model: dates that raw held but "
        "staging could not parse (ERROR); legacy person ids that name no person, so the "
        "crosswalk cannot join the child's history (WARN).",
        additional_deps=(RAW_PERSON,),
    ),
    *(
        SuiteCheck(
            f"staging_{table.removeprefix('ssd_')}",
            _staging(f"stg_ssd__{table.removeprefix('ssd_')}"),
            f"GX suite staging_{table.removeprefix('ssd_')} on the whole staging model: dates "
            "that raw held but staging could not parse (ERROR).",
            additional_deps=(_raw(table),),
        )
        for table in (
            "ssd_cla_episodes",
            "ssd_cla_placement",
            "ssd_legal_status",
            "ssd_cla_visits",
            "ssd_cin_episodes",
            "ssd_cp_plans",
            "ssd_cp_visits",
        )
    ),
)

MARTS_SUITE_CHECKS: tuple[SuiteCheck, ...] = (
    SuiteCheck(
        "marts_scorecard_monthly",
        SCORECARD_MART,
        "GX suite marts_scorecard_monthly on the whole scorecard: percentages within 0-100, "
        "numerators within denominators, no negative figures (ERROR); month-on-month moves "
        "beyond tolerance (WARN). Counts per indicator.",
    ),
    SuiteCheck(
        "marts_dq_findings",
        DQ_FINDINGS_MART,
        "GX suite marts_dq_findings on the migration-gap findings (decision 0007): any "
        "finding of an ERROR kind (ERROR), of a WARN kind (WARN). Counts per defect kind.",
    ),
)

SUITE_CHECKS: tuple[SuiteCheck, ...] = (
    *RAW_SUITE_CHECKS,
    *STAGING_SUITE_CHECKS,
    *MARTS_SUITE_CHECKS,
)


def _number(value: int | float | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def failures_markdown(failures: Sequence["ExpectationOutcome"]) -> str:
    """A table of failed expectations for the Dagster UI (counts only)."""
    if not failures:
        return "No expectation failed."
    lines = [
        "| severity | check | observed | by system | what it means |",
        "| --- | --- | --- | --- | --- |",
    ]
    for failure in failures:
        by_system = ", ".join(
            f"{system}: {_number(value)}" for system, value in failure.per_system.items()
        )
        lines.append(
            f"| {failure.severity} | `{failure.column}` | {_number(failure.observed_value)} "
            f"| {by_system} | {failure.description} |"
        )
    return "\n".join(lines)


def check_result(suite_check: SuiteCheck, outcome: "SuiteOutcome") -> AssetCheckResult:
    """Turn a suite outcome into the asset check result (metadata holds counts only)."""
    failures = outcome.failures()
    errors = outcome.failures("ERROR")
    severity = AssetCheckSeverity.ERROR if errors else AssetCheckSeverity.WARN
    if failures:
        description = (
            f"{len(failures)} of {len(outcome.expectations)} expectations failed "
            f"({len(errors)} ERROR, {len(failures) - len(errors)} WARN): "
            + ", ".join(failure.column for failure in failures)
        )
    else:
        description = f"All {len(outcome.expectations)} expectations met."
    metadata: dict[str, object] = {
        "suite": outcome.suite_name,
        "expectations_evaluated": len(outcome.expectations),
        "expectations_failed": len(failures),
        "failed_error": len(errors),
        "failed_warn": len(failures) - len(errors),
        "failing_expectations": MetadataValue.md(failures_markdown(failures)),
        "observed": MetadataValue.json(
            {
                expectation.column: {
                    "severity": expectation.severity,
                    "success": expectation.success,
                    "observed": expectation.observed_value,
                    "by_system": dict(expectation.per_system),
                }
                for expectation in outcome.expectations
            }
        ),
        "latest_extracts": MetadataValue.json(
            {
                system.source_system: {
                    "extract_date": system.extract_date.isoformat()
                    if system.extract_date
                    else None,
                    "rows": system.row_count,
                }
                for system in outcome.systems
            }
        ),
        "metrics_seconds": outcome.metrics_seconds,
        "gx_seconds": outcome.seconds,
    }
    if outcome.data_docs_page is not None:
        metadata["data_docs_page"] = MetadataValue.path(str(outcome.data_docs_page))
    if outcome.data_docs_index is not None:
        metadata["data_docs_index"] = MetadataValue.path(str(outcome.data_docs_index))
    return AssetCheckResult(
        asset_key=suite_check.asset_key,
        check_name=suite_check.check_name,
        passed=outcome.success,
        severity=severity,
        description=description,
        metadata=metadata,
    )


def missing_table_result(suite_check: SuiteCheck, reason: str) -> AssetCheckResult:
    """A failed ERROR result for a suite whose table or columns are not in the warehouse."""
    return AssetCheckResult(
        asset_key=suite_check.asset_key,
        check_name=suite_check.check_name,
        passed=False,
        severity=AssetCheckSeverity.ERROR,
        description=f"Not evaluated: {reason}",
        metadata={"suite": suite_check.suite_name, "not_evaluated": reason},
    )


def no_system_result(suite_check: SuiteCheck, reason: str) -> AssetCheckResult:
    """A passed result for a suite with nothing to measure (no system delivers its table)."""
    return AssetCheckResult(
        asset_key=suite_check.asset_key,
        check_name=suite_check.check_name,
        passed=True,
        description=f"Not evaluated: {reason}",
        metadata={"suite": suite_check.suite_name, "not_evaluated": reason},
    )


def build_suite_checks(
    suite_checks: Sequence[SuiteCheck] = RAW_SUITE_CHECKS,
    name: str = "raw_gx_suites",
    extract_format: str | None = None,
) -> AssetChecksDefinition:
    """One subsettable multi-asset check running the given suites with one GX context.

    With ``extract_format`` the suites measure only the systems delivering that format: the
    raw SSD suites have nothing to measure for a system that sends SSDA903 files
    (docs/decisions/0010), whose rows reach staging and are checked there.
    """
    specs = [
        AssetCheckSpec(
            name=suite_check.check_name,
            asset=suite_check.asset_key,
            description=suite_check.description,
            additional_deps=suite_check.additional_deps,
        )
        for suite_check in suite_checks
    ]

    @multi_asset_check(
        name=name,
        specs=specs,
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description="Great Expectations suites from expectations/ (counts per source system).",
    )
    def _run_gx_suites(
        context: AssetCheckExecutionContext, scorecard_config: ScorecardConfigResource
    ) -> Iterator[AssetCheckResult]:
        # Imported here, not at module level: GX takes ~3 s to import and only the processes
        # that run these checks need it, not every load of the code location.
        from orchestration.lib.gx_runner import DATA_DOCS_FOLDER, GxSession, run_suites, suite_path
        from orchestration.lib.quality_metrics import WarehouseSchemaError

        config = scorecard_config.load()
        selected = [c for c in suite_checks if c.check_key in context.selected_asset_check_keys]
        systems = (
            config.system_names
            if extract_format is None
            else config.system_names_in_format(extract_format)
        )
        if not systems:
            reason = f"no configured system delivers {extract_format} extracts"
            for suite_check in selected:
                context.log.info("%s: %s", suite_check.check_name, reason)
                yield no_system_result(suite_check, reason)
            return
        # The layer's Data Docs are written once, after its last suite (see GxSession).
        session = GxSession(config.output_dir / DATA_DOCS_FOLDER, defer_data_docs=True)
        try:
            for suite_check in selected:
                try:
                    (outcome,) = run_suites(
                        [suite_path(suite_check.suite_name)],
                        warehouse_path=config.warehouse_path,
                        systems=systems,
                        output_dir=config.output_dir,
                        run_name=context.run.run_id,
                        session=session,
                    )
                except WarehouseSchemaError as error:
                    # A table not built yet fails its own check; the layer's other suites still run.
                    context.log.error("%s: %s", suite_check.check_name, error)
                    yield missing_table_result(suite_check, str(error))
                    continue
                context.log.info(
                    "%s: %s", suite_check.check_name, "passed" if outcome.success else "failed"
                )
                yield check_result(suite_check, outcome)
        finally:
            session.publish_data_docs()

    return _run_gx_suites


def build_quality_checks() -> list[AssetChecksDefinition]:
    """Every quality check of the code location: one multi-asset check per layer."""
    return [
        build_suite_checks(RAW_SUITE_CHECKS, "raw_gx_suites", extract_format=SYSTEM_FORMAT_SSD),
        build_suite_checks(STAGING_SUITE_CHECKS, "staging_gx_suites"),
        build_suite_checks(MARTS_SUITE_CHECKS, "marts_gx_suites"),
    ]
