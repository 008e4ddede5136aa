"""Run the Great Expectations suites in ``expectations/`` against the DuckDB warehouse.

A suite file is an ExpectationSuite in GX's own JSON format. Each expectation carries
``meta.severity`` (``ERROR`` or ``WARN``), a plain-English ``meta.description`` and
``meta.metric``: the aggregate it judges (see ``quality_metrics``). A run

1. loads the suite file and checks it (aggregate expectation types only, known metrics),
2. computes the suite's metrics in DuckDB over a read-only connection (one row per system
   for raw suites; one row, or one per group, over a whole dbt model for the others),
3. validates that small pandas frame with GX through a Checkpoint, and
4. writes GX Data Docs (a static HTML site) to ``<output_dir>/data_docs/``.

Because GX only ever sees counts, Data Docs and results hold no names, identifiers or dates
of birth. GX is slow to import (about 3 s) but cheap to use afterwards: ``GxSession`` holds
one ephemeral context for a whole run and validates any number of suites with it.

This module is pure library code: no Dagster import.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import logging
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.core import ExpectationSuite
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from orchestration.lib.config import PROJECT_ROOT
from orchestration.lib.quality_metrics import (
    LATEST_EXTRACT_SCOPE,
    RAW_SCHEMA,
    SCOPES,
    WHOLE_TABLE_SCOPE,
    CodeReference,
    MetricSpec,
    check_scope,
    compute_metrics,
    compute_table_metrics,
    load_code_reference,
    metric_spec,
)

logger = logging.getLogger(__name__)

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
REFERENCE_DIR = PROJECT_ROOT / "dbt_project" / "seeds" / "reference"
DATA_DOCS_FOLDER = "data_docs"
DATA_DOCS_SITE = "scorecard_quality"
DATASOURCE_NAME = "scorecard_quality_metrics"
BATCH_DEFINITION_NAME = "latest_extract_per_system"

Severity = Literal["ERROR", "WARN"]
SEVERITIES: tuple[Severity, ...] = ("ERROR", "WARN")
_GX_SEVERITY: dict[str, str] = {"ERROR": "critical", "WARN": "warning"}

# Expectations whose result is one aggregate number: the only kinds a suite may use, so an
# observed value can never be a sample of rows.
AGGREGATE_EXPECTATION_TYPES = frozenset(
    {
        "expect_column_sum_to_be_between",
        "expect_column_min_to_be_between",
        "expect_column_max_to_be_between",
    }
)
_LOCK_RETRY_SECONDS = 0.5
_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 0}


class SuiteFileError(ValueError):
    """A suite file is not a valid scorecard suite."""


@dataclass(frozen=True)
class ExpectationDefinition:
    """One expectation of a suite file: the GX expectation plus our meta."""

    expectation_type: str
    metric: MetricSpec
    severity: Severity
    description: str

    @property
    def column(self) -> str:
        """The metrics-frame column the expectation judges (the metric's name)."""
        return self.metric.name


@dataclass(frozen=True)
class QualitySuite:
    """A suite file, checked and ready to run."""

    name: str
    path: Path
    table: str
    asset_key: tuple[str, ...]
    reads_tables: tuple[str, ...]
    notes: str
    expectations: tuple[ExpectationDefinition, ...]
    document: Mapping[str, Any]
    scope: str = LATEST_EXTRACT_SCOPE
    schema: str = RAW_SCHEMA
    group_by: str | None = None

    @property
    def metrics(self) -> tuple[MetricSpec, ...]:
        return tuple(expectation.metric for expectation in self.expectations)

    @property
    def qualified_table(self) -> str:
        return f"{self.schema}.{self.table}"

    @property
    def read_asset_keys(self) -> tuple[tuple[str, ...], ...]:
        """Asset keys of the other tables the metrics join to (``reads_tables``).

        A bare name is a raw table (``ssd_person``); ``schema.table`` names a dbt model.
        """
        return tuple(
            tuple(name.split(".")) if "." in name else (RAW_SCHEMA, name)
            for name in self.reads_tables
        )

    def to_gx_suite(self) -> ExpectationSuite:
        """The GX suite, with each expectation's Data Docs text and GX severity from meta."""
        expectations = []
        for raw, definition in zip(self.document["expectations"], self.expectations, strict=True):
            expectation = copy.deepcopy(dict(raw))
            # Data Docs show ``description`` instead of GX's generated sentence.
            expectation["description"] = f"{definition.severity}: {definition.description}"
            expectation["severity"] = _GX_SEVERITY[definition.severity]
            expectations.append(expectation)
        return ExpectationSuite(
            name=self.name,
            expectations=expectations,
            meta=copy.deepcopy(dict(self.document.get("meta") or {})),
            notes=self.notes or None,
        )


@dataclass(frozen=True)
class SystemExtract:
    """The latest loaded extract of one configured system for a suite's table."""

    source_system: str
    extract_date: dt.date | None
    row_count: int


@dataclass(frozen=True)
class ExpectationOutcome:
    """The result of one expectation: numbers only, never row values."""

    expectation_type: str
    column: str
    source_columns: tuple[str, ...]
    severity: Severity
    success: bool
    observed_value: int | float | None
    description: str
    per_system: Mapping[str, int | float | None]
    error: str | None = None


@dataclass(frozen=True)
class SuiteOutcome:
    """The result of one suite on the latest extracts.

    ``seconds`` is the GX validation (with Data Docs); ``metrics_seconds`` the DuckDB query.
    """

    suite_name: str
    table: str
    success: bool
    expectations: tuple[ExpectationOutcome, ...]
    systems: tuple[SystemExtract, ...]
    data_docs_index: Path | None
    data_docs_page: Path | None
    seconds: float
    metrics_seconds: float = 0.0

    def failures(self, severity: Severity | None = None) -> tuple[ExpectationOutcome, ...]:
        """Failed expectations, optionally only those of one severity."""
        return tuple(
            outcome
            for outcome in self.expectations
            if not outcome.success and (severity is None or outcome.severity == severity)
        )

    @property
    def failing_severity(self) -> Severity | None:
        """ERROR if any ERROR expectation failed, else WARN if any failed, else None."""
        if self.failures("ERROR"):
            return "ERROR"
        return "WARN" if self.failures() else None


def suite_path(name: str, expectations_dir: Path = EXPECTATIONS_DIR) -> Path:
    return expectations_dir / f"{name}.json"


def load_suite(path: Path | str) -> QualitySuite:
    """Read and check a suite file; raises SuiteFileError naming the file and the fault."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SuiteFileError(f"{path}: cannot read the suite file: {exc}") from exc
    return parse_suite(document, path)


def parse_suite(document: Mapping[str, Any], path: Path) -> QualitySuite:
    """Check a parsed suite document (see ``load_suite``)."""
    name = document.get("name")
    meta = document.get("meta") or {}
    if not name or not isinstance(meta, Mapping):
        raise SuiteFileError(f"{path}: a suite needs a 'name' and a 'meta' mapping")
    table = meta.get("table")
    asset_key = meta.get("asset_key")
    if not table or not isinstance(asset_key, list) or not asset_key:
        raise SuiteFileError(f"{path}: meta needs 'table' and 'asset_key' (a list)")
    raw_expectations = document.get("expectations")
    if not isinstance(raw_expectations, list) or not raw_expectations:
        raise SuiteFileError(f"{path}: the suite has no expectations")
    expectations = tuple(
        _parse_expectation(raw, f"{path}: expectation {index}")
        for index, raw in enumerate(raw_expectations)
    )
    columns = [expectation.column for expectation in expectations]
    duplicates = sorted({column for column in columns if columns.count(column) > 1})
    if duplicates:
        raise SuiteFileError(f"{path}: metric columns used twice: {duplicates}")
    reads_tables = tuple(str(t) for t in meta.get("reads_tables") or ())
    scope = str(meta.get("scope") or LATEST_EXTRACT_SCOPE)
    schema = str(meta.get("schema") or RAW_SCHEMA)
    group_by = meta.get("group_by")
    if scope not in SCOPES:
        raise SuiteFileError(f"{path}: meta.scope must be one of {SCOPES}")
    if (scope == WHOLE_TABLE_SCOPE) == (schema == RAW_SCHEMA):
        raise SuiteFileError(
            f"{path}: a {WHOLE_TABLE_SCOPE} suite names its dbt schema in meta.schema;"
            f" a raw suite has neither"
        )
    if group_by is not None and scope != WHOLE_TABLE_SCOPE:
        raise SuiteFileError(f"{path}: meta.group_by is for {WHOLE_TABLE_SCOPE} suites only")
    try:
        check_scope(scope, [e.metric for e in expectations])
    except ValueError as exc:
        raise SuiteFileError(f"{path}: {exc}") from exc
    # The check's Dagster dependencies come from reads_tables, so it must name every table
    # a metric joins to.
    unlisted = sorted(
        {_qualified(e.metric.referenced_table) for e in expectations if e.metric.referenced_table}
        - {f"{schema}.{table}", *(_qualified(name) for name in reads_tables)}
    )
    if unlisted:
        raise SuiteFileError(f"{path}: meta.reads_tables must list {unlisted}")
    return QualitySuite(
        name=str(name),
        path=path,
        table=str(table),
        asset_key=tuple(str(part) for part in asset_key),
        reads_tables=reads_tables,
        notes=str(document.get("notes") or ""),
        expectations=expectations,
        document=document,
        scope=scope,
        schema=schema,
        group_by=str(group_by) if group_by is not None else None,
    )


def _qualified(table: str) -> str:
    """``schema.table`` for a table name; a bare name is a raw table."""
    return table if "." in table else f"{RAW_SCHEMA}.{table}"


def _parse_expectation(raw: Mapping[str, Any], where: str) -> ExpectationDefinition:
    expectation_type = raw.get("type")
    if expectation_type not in AGGREGATE_EXPECTATION_TYPES:
        allowed = sorted(AGGREGATE_EXPECTATION_TYPES)
        raise SuiteFileError(f"{where}: type {expectation_type!r} is not one of {allowed}")
    meta = raw.get("meta") or {}
    column = (raw.get("kwargs") or {}).get("column")
    severity = meta.get("severity")
    description = str(meta.get("description") or "").strip()
    if severity not in SEVERITIES:
        raise SuiteFileError(f"{where}: meta.severity must be one of {SEVERITIES}")
    if not description:
        raise SuiteFileError(f"{where}: meta.description is required")
    if not column:
        raise SuiteFileError(f"{where}: kwargs.column (the metric's name) is required")
    try:
        metric = metric_spec(str(column), meta.get("metric"))
    except ValueError as exc:
        raise SuiteFileError(f"{where}: {exc}") from exc
    return ExpectationDefinition(str(expectation_type), metric, severity, description)


def _context_config(data_docs_dir: Path | None) -> DataContextConfig:
    sites = {}
    if data_docs_dir is not None:
        sites[DATA_DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(data_docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    return DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )


def _as_number(value: Any) -> int | float | None:
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _systems(frame: pd.DataFrame) -> tuple[SystemExtract, ...]:
    extracts = []
    for record in frame.to_dict("records"):
        extract_date = record["extract_date"]
        extracts.append(
            SystemExtract(
                source_system=str(record["source_system"]),
                extract_date=None if pd.isna(extract_date) else pd.Timestamp(extract_date).date(),
                row_count=int(record["row_count"]),
            )
        )
    return tuple(extracts)


def _file_url_to_path(url: str) -> Path:
    return Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path))


class GxSession:
    """One ephemeral GX context, reused to validate several suites in a run.

    Data Docs go to ``data_docs_dir`` when one is given (the site keeps earlier runs'
    validation pages; its index lists them all). With ``defer_data_docs`` the pages are
    written by :meth:`publish_data_docs`, once for all the session's validations.
    """

    def __init__(self, data_docs_dir: Path | None = None, *, defer_data_docs: bool = False) -> None:
        started = time.perf_counter()
        self.data_docs_dir = Path(data_docs_dir) if data_docs_dir is not None else None
        # Deferred: validations only collect their result keys and publish_data_docs()
        # renders them all and the index once. GX re-renders the whole index after every
        # checkpoint otherwise, which cost 10 of the 20 seconds of a layer's suites.
        self.defer_data_docs = defer_data_docs
        self._pending_docs: list[Any] = []
        if self.data_docs_dir is not None:
            self.data_docs_dir.mkdir(parents=True, exist_ok=True)
        self.context: AbstractDataContext = gx.get_context(
            mode="ephemeral", project_config=_context_config(self.data_docs_dir)
        )
        self._datasource = self.context.data_sources.add_pandas(DATASOURCE_NAME)
        logger.debug("GX context ready in %.2f s", time.perf_counter() - started)

    @property
    def data_docs_index(self) -> Path | None:
        if self.data_docs_dir is None:
            return None
        return self.data_docs_dir / "index.html"

    def _checkpoint(self, suite: QualitySuite) -> gx.Checkpoint:
        gx_suite = self.context.suites.add_or_update(suite.to_gx_suite())
        try:
            asset = self._datasource.get_asset(suite.name)
        except LookupError:
            asset = self._datasource.add_dataframe_asset(name=suite.name)
        try:
            batch_definition = asset.get_batch_definition(BATCH_DEFINITION_NAME)
        except KeyError:
            batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)
        validation = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
        )
        actions = []
        if self.data_docs_dir is not None and not self.defer_data_docs:
            actions.append(UpdateDataDocsAction(name="data_docs", site_names=[DATA_DOCS_SITE]))
        return self.context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=suite.name,
                validation_definitions=[validation],
                actions=actions,
                result_format=_RESULT_FORMAT,
            )
        )

    def validate(
        self, suite: QualitySuite, metrics: pd.DataFrame, run_name: str | None = None
    ) -> SuiteOutcome:
        """Validate a metrics frame (one row per system) against a suite."""
        started = time.perf_counter()
        checkpoint = self._checkpoint(suite)
        run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
        result = checkpoint.run(batch_parameters={"dataframe": metrics}, run_id=run_id)
        (result_key, validation), *_ = result.run_results.items()
        by_column = {r.expectation_config.kwargs.get("column"): r for r in validation.results}
        outcomes = tuple(
            self._outcome(definition, by_column.get(definition.column), metrics)
            for definition in suite.expectations
        )
        page = None
        if self.data_docs_dir is not None:
            if self.defer_data_docs:
                self._pending_docs.append(result_key)
            urls = self.context.get_docs_sites_urls(
                resource_identifier=result_key, site_name=DATA_DOCS_SITE, only_if_exists=False
            )
            page = _file_url_to_path(urls[0]["site_url"]) if urls else None
        outcome = SuiteOutcome(
            suite_name=suite.name,
            table=suite.table,
            success=all(o.success for o in outcomes),
            expectations=outcomes,
            systems=_systems(metrics),
            data_docs_index=self.data_docs_index,
            data_docs_page=page,
            seconds=round(time.perf_counter() - started, 3),
        )
        logger.info(
            "suite %s: %d expectations, %d failed (%d ERROR) in %.2f s",
            suite.name,
            len(outcomes),
            len(outcome.failures()),
            len(outcome.failures("ERROR")),
            outcome.seconds,
        )
        return outcome

    def publish_data_docs(self) -> None:
        """Write the pages of the validations deferred so far, and the site index."""
        if self.data_docs_dir is None or not self._pending_docs:
            return
        started = time.perf_counter()
        pending, self._pending_docs = self._pending_docs, []
        self.context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=pending)
        logger.info(
            "Data Docs: %d validation pages in %.2f s", len(pending), time.perf_counter() - started
        )

    @staticmethod
    def _outcome(
        definition: ExpectationDefinition, result: Any, metrics: pd.DataFrame
    ) -> ExpectationOutcome:
        per_system = {
            str(system): _as_number(value)
            for system, value in zip(
                metrics["source_system"], metrics[definition.column], strict=True
            )
        }
        common = {
            "expectation_type": definition.expectation_type,
            "column": definition.column,
            "source_columns": definition.metric.source_columns,
            "severity": definition.severity,
            "description": definition.description,
            "per_system": per_system,
        }
        if result is None:
            return ExpectationOutcome(
                success=False, observed_value=None, error="GX returned no result", **common
            )
        exception = result.exception_info or {}
        error = exception.get("exception_message") if exception.get("raised_exception") else None
        return ExpectationOutcome(
            success=bool(result.success),
            observed_value=_as_number((result.result or {}).get("observed_value")),
            error=error,
            **common,
        )


def open_warehouse(
    warehouse_path: Path, *, lock_timeout_seconds: float = 600.0
) -> duckdb.DuckDBPyConnection:
    """A read-only connection: quality checks can never change the warehouse.

    DuckDB refuses readers while another process writes the file; wait for the writer (up
    to ``lock_timeout_seconds``) rather than fail a check that merely ran at a busy moment.
    """
    if not Path(warehouse_path).is_file():
        raise FileNotFoundError(f"warehouse not found: {warehouse_path}; run ingest first")
    deadline = time.monotonic() + lock_timeout_seconds
    while True:
        try:
            return duckdb.connect(str(warehouse_path), read_only=True)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() >= deadline:
                raise
            logger.info("warehouse %s is being written; waiting to read it", warehouse_path)
            time.sleep(_LOCK_RETRY_SECONDS)


def run_suites(
    suites: Iterable[QualitySuite | Path | str],
    warehouse_path: Path,
    systems: Sequence[str],
    output_dir: Path | None,
    *,
    reference_dir: Path = REFERENCE_DIR,
    run_name: str | None = None,
    session: GxSession | None = None,
) -> list[SuiteOutcome]:
    """Compute each suite's metrics in the warehouse and validate them with GX.

    ``suites`` are loaded suites or suite file paths; ``systems`` are the configured source
    systems in order. Data Docs go to ``<output_dir>/data_docs/`` (none when output_dir is
    None). Pass a ``session`` to reuse one GX context across calls.
    """
    loaded = [s if isinstance(s, QualitySuite) else load_suite(s) for s in suites]
    reference: CodeReference = load_code_reference(reference_dir)
    if session is None:
        docs_dir = Path(output_dir) / DATA_DOCS_FOLDER if output_dir is not None else None
        session = GxSession(docs_dir)
    outcomes = []
    with open_warehouse(warehouse_path) as connection:
        for suite in loaded:
            started = time.perf_counter()
            if suite.scope == WHOLE_TABLE_SCOPE:
                metrics = compute_table_metrics(
                    connection, suite.schema, suite.table, suite.metrics, group_by=suite.group_by
                )
            else:
                metrics = compute_metrics(
                    connection, suite.table, suite.metrics, systems, reference
                )
            metrics_seconds = round(time.perf_counter() - started, 3)
            outcome = session.validate(suite, metrics, run_name=run_name)
            outcomes.append(dataclasses.replace(outcome, metrics_seconds=metrics_seconds))
    return outcomes
