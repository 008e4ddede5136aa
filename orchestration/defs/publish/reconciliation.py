"""The migration reconciliation report: ``<output_dir>/migration_reconciliation.html``.

Reads ``marts.dq_findings`` and, for example keys, ``intermediate.int_dq_finding_records``
(docs/decisions/0007-migration-gap-findings.md) from the warehouse read-only (waiting, as
the quality checks do, while another process writes it); replaces each example
``child_key`` by its keyed pseudonym (docs/decisions/0005-pseudonymisation.md) before
anything reaches the page, and writes the file atomically (a temporary file in the same
folder, then a rename), so a reader never opens half a report.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation of
# asset functions at definition time and does not accept a string annotation.
import datetime as dt
import os
import tempfile
from contextlib import closing
from pathlib import Path

import dagster as dg

from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.pseudonymise import pseudonym_key, pseudonymise
from orchestration.lib.reconciliation_report import (
    MAX_EXAMPLES,
    ReportMetadata,
    render_reconciliation_report,
)

FINDINGS_TABLE = "marts.dq_findings"
FINDING_RECORDS_TABLE = "intermediate.int_dq_finding_records"
REPORT_FILE_NAME = "migration_reconciliation.html"
FINDING_COLUMNS = (
    "finding_id",
    "defect_kind",
    "source_system",
    "table_name",
    "severity",
    "title",
    "what_it_means",
    "what_to_do",
    "child_count",
    "record_count",
    "first_affected_month",
    "last_affected_month",
    "affected_month_count",
    "affected_indicators",
)


def read_findings(
    warehouse_path: Path, key: bytes
) -> tuple[list[dict[str, object]], dict[str, list[str]]]:
    """The findings and, per ``finding_id``, up to five pseudonymised example children.

    The examples are the first children by ``child_key`` (a stable choice); only their
    pseudonyms leave this function.
    """
    # Imported here: gx_runner loads Great Expectations (about 5 s), which loading the
    # definitions should not pay for.
    from orchestration.lib.gx_runner import open_warehouse

    with closing(open_warehouse(warehouse_path)) as connection:
        relation = connection.sql(
            f"select {', '.join(FINDING_COLUMNS)} from {FINDINGS_TABLE} "
            "order by defect_kind, source_system, table_name"
        )
        findings = [dict(zip(FINDING_COLUMNS, row, strict=True)) for row in relation.fetchall()]
        example_rows = connection.execute(
            "with children as ("
            "  select distinct defect_kind, source_system, table_name, child_key"
            f"  from {FINDING_RECORDS_TABLE} where child_key is not null"
            "), ranked as ("
            "  select *, row_number() over ("
            "    partition by defect_kind, source_system, table_name order by child_key"
            "  ) as example_number from children"
            ") "
            "select defect_kind || ':' || source_system || ':' || table_name, child_key "
            "from ranked where example_number <= ? order by 1, 2",
            [MAX_EXAMPLES],
        ).fetchall()
    examples: dict[str, list[str]] = {}
    for finding_id, child_key in example_rows:
        examples.setdefault(str(finding_id), []).append(pseudonymise(str(child_key), key))
    return findings, examples


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dg.asset(
    key=dg.AssetKey(["publish", "migration_reconciliation_report"]),
    group_name="publish",
    deps=[
        dg.AssetKey(["marts", "dq_findings"]),
        dg.AssetKey(["intermediate", "int_dq_finding_records"]),
    ],
    pool="duckdb_warehouse",
)
def migration_reconciliation_report(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    """What the changeover broke, where and what to do: one HTML page for analysts
    (severity, children and records, indicators and months, pseudonymised examples)."""
    config = scorecard_config.load()
    findings, examples = read_findings(config.warehouse_path, pseudonym_key(config))
    metadata = ReportMetadata(
        la_code=config.la_code,
        la_name=config.la_name,
        as_of_date=config.as_of_date,
        generated_at=dt.datetime.now().replace(microsecond=0),
        systems=config.system_names,
        run_id=context.run.run_id,
    )
    path = config.output_dir / REPORT_FILE_NAME
    write_atomically(path, render_reconciliation_report(findings, examples, metadata))
    errors = sum(1 for row in findings if row["severity"] == "ERROR")
    warnings = sum(1 for row in findings if row["severity"] == "WARN")
    context.log.info(f"wrote {path}: {len(findings)} findings, {errors} ERROR, {warnings} WARN")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "findings": dg.MetadataValue.int(len(findings)),
            "error_findings": dg.MetadataValue.int(errors),
            "warn_findings": dg.MetadataValue.int(warnings),
        }
    )
