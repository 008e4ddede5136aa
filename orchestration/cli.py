"""Small command-line helpers around the pipeline (``python -m orchestration.cli --help``)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

import duckdb

from orchestration.lib.config import ScorecardConfig, load_config

logger = logging.getLogger(__name__)

_SUMMARY_SQL = """
select
    coalesce(d.area, '') as area,
    s.indicator_code,
    coalesce(d.indicator_name, s.indicator_code) as indicator_name,
    s.value,
    s.unit,
    s.target,
    s.rag,
    s.england_value,
    s.sn_value,
    s.benchmark_year,
    s.data_quality_flag
from marts.fct_scorecard_monthly as s
left join marts.dim_indicator as d on d.indicator_code = s.indicator_code
where s.breakdown = 'all'
  and s.period_end = (select max(period_end) from marts.fct_scorecard_monthly)
order by area, s.indicator_code
"""

_UNIT_SUFFIX = {"pct": "%", "rate_10k": "/10k", "days": "d"}


def _format_number(value: float | None, unit: str | None = None) -> str:
    if value is None:
        return "-"
    suffix = _UNIT_SUFFIX.get(unit or "", "")
    if unit == "count" or float(value).is_integer():
        return f"{value:,.0f}{suffix}"
    return f"{value:,.1f}{suffix}"


def scorecard_summary(config: ScorecardConfig) -> str:
    """The latest month's headline scorecard rows, grouped by area, as a plain-text table."""
    if not config.warehouse_path.exists():
        raise FileNotFoundError(f"no warehouse at {config.warehouse_path}: run the pipeline first")
    with duckdb.connect(str(config.warehouse_path), read_only=True) as connection:
        latest = connection.execute(
            "select max(period_end) from marts.fct_scorecard_monthly"
        ).fetchone()[0]
        rows = connection.execute(_SUMMARY_SQL).fetchall()
        quarantined = connection.execute(
            "select count(*) from raw._load_manifest where status = 'quarantined'"
        ).fetchone()[0]
    header = (
        f"{'indicator':<24} {'name':<52} {'value':>9} {'target':>8} {'RAG':<6} "
        f"{'England':>9} {'SN mean':>8} {'year':<8} flag"
    )
    lines = [
        f"Scorecard for {config.la_name or config.la_code} (LA {config.la_code}), "
        f"month ending {latest}",
    ]
    current_area = None
    for area, code, name, value, unit, target, rag, england, sn_value, year, flag in rows:
        if area != current_area:
            lines += ["", f"[{area or 'other'}]", header, "-" * len(header)]
            current_area = area
        lines.append(
            f"{code:<24} {name[:52]:<52} {_format_number(value, unit):>9} "
            f"{_format_number(target, unit):>8} {(rag or '-'):<6} "
            f"{_format_number(england, unit):>9} {_format_number(sn_value, unit):>8} "
            f"{(year or '-'):<8} {flag or ''}"
        )
    lines += [
        "",
        "RAG against the configured target and tolerance (docs/decisions/0004-rag-rule.md); "
        "England and statistical-neighbour mean from DfE LAIT (OGL v3.0).",
        f"Warehouse:         {config.warehouse_path}",
        f"Data Docs:         {config.data_docs_dir / 'index.html'}",
        f"Quarantined files: {quarantined} (see {config.quarantine_dir})",
        *_output_lines(config, latest),
    ]
    return "\n".join(lines)


def _output_lines(config: ScorecardConfig, latest: dt.date | None) -> list[str]:
    """Where the run's outputs for readers are (decision 0009), for those that exist."""
    from orchestration.lib.bi_file import DUCKDB_FILENAME, current_dir
    from orchestration.lib.committee_scorecard.outputs import COMMITTEE_FOLDER
    from orchestration.lib.returns.cin_census_export import cin_census_path
    from orchestration.lib.returns.ssda903_export import ssda903_folder
    from orchestration.lib.returns.ssda903_files import CollectionYear

    year = CollectionYear.latest_complete(config.as_of_date)
    committee = config.output_dir / COMMITTEE_FOLDER
    stem = f"scorecard_{latest:%Y-%m}" if latest else None
    candidates = [
        ("Committee paper", committee / f"{stem}.html" if stem else None),
        ("Committee workbook", committee / f"{stem}.xlsx" if stem else None),
        ("BI file", current_dir(config.output_dir) / DUCKDB_FILENAME),
        (f"SSDA903 {year.label}", ssda903_folder(config.output_dir, year)),
        (f"CIN census {year.label}", cin_census_path(config.output_dir, year)),
    ]
    return [f"{label + ':':<18} {path}" for label, path in candidates if path and path.exists()]


def send_alert(config: ScorecardConfig, run_id: str, dry_run: bool, force: bool) -> int:
    """Send (or with ``dry_run`` print) the alert digest of a run of the scorecard job.

    ``run_id`` ``latest`` means the newest finished run. The runs are read from the Dagster
    instance in ``$DAGSTER_HOME`` (``make`` sets it to ``var/dagster_home``). Returns 0 when
    every channel delivered (or nothing was due), 1 when any channel failed.
    """
    # Imported here: Dagster is slow to import and only this command needs it.
    import dagster as dg

    from orchestration.defs.jobs import scorecard_job
    from orchestration.defs.quality.alerts import digest_for_run, send_run_digest
    from orchestration.lib.alerts import render_text

    # The instance's SQLite migrations log every plugin at INFO; only their warnings matter.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not os.environ.get("DAGSTER_HOME"):
        raise RuntimeError("DAGSTER_HOME is not set: point it at the instance the run used")
    if config.alerts is None and not dry_run:
        # Alerts are optional: a configuration without them has nothing due (make run calls
        # this after every run, the demo included).
        logger.info("%s: no alerts: block, no digest sent", config.source_path)
        return 0
    with dg.DagsterInstance.get() as instance:
        if run_id == "latest":
            finished = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE]
            runs = instance.get_runs(
                filters=dg.RunsFilter(job_name=scorecard_job.name, statuses=finished), limit=1
            )
            if not runs:
                raise RuntimeError(f"no finished {scorecard_job.name} run in this instance")
            run = runs[0]
        else:
            run = instance.get_run_by_id(run_id)
            if run is None:
                raise RuntimeError(f"no run {run_id} in this instance")
        if dry_run:
            sys.stdout.write(render_text(digest_for_run(instance, run, config)))
            return 0
        _, results = send_run_digest(instance, run, config, os.environ, force=force)
    if not results:
        logger.info("run %s: nothing failed, no alert sent (use --force to send)", run.run_id)
        return 0
    for result in results:
        logger.info("%s: %s (%s)", result.channel, "sent" if result.ok else "FAILED", result.detail)
    return 0 if all(result.ok for result in results) else 1


def load_raw_into_postgres(config: ScorecardConfig) -> int:
    """Copy ``raw.*`` of the configured DuckDB warehouse into the PostgreSQL database that the
    ``SCORECARD_PG_*`` variables name (as dbt's ``postgres`` target); returns 0 on success."""
    from contextlib import closing

    from orchestration.lib.postgres_warehouse import PostgresSettings, load_raw_from_duckdb

    settings = PostgresSettings.from_environment(os.environ)
    logger.info("loading raw into %r", settings)
    with closing(settings.connect()) as connection:
        row_counts = load_raw_from_duckdb(config.warehouse_path, connection)
    logger.info("%d raw tables, %d rows", len(row_counts), sum(row_counts.values()))
    return 0


def warehouse_command(config: ScorecardConfig, action: str) -> int:
    """``status``, ``restore-previous`` or ``discard-working`` (docs/runbook.md)."""
    from orchestration.lib.publication import (
        WarehouseBusyError,
        discard_working_copy,
        hold_run_lock,
        previous_path,
        restore_previous,
        working_path,
    )

    published = config.warehouse_path
    if action == "status":
        for label, path in (
            ("published", published),
            ("working copy", working_path(published)),
            ("previous", previous_path(published)),
        ):
            if path.exists():
                size = path.stat().st_size / 1e6
                changed = dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(
                    sep=" ", timespec="seconds"
                )
                sys.stdout.write(f"{label:<13} {path}  {size:,.1f} MB, changed {changed}\n")
            else:
                sys.stdout.write(f"{label:<13} {path}  (none)\n")
        return 0
    try:
        with hold_run_lock(published, "cli", timeout_seconds=0, logger=logger):
            if action == "restore-previous":
                restore_previous(published, logger)
            else:
                discard_working_copy(published, logger)
    except (WarehouseBusyError, FileNotFoundError) as exc:
        logger.error("warehouse %s: %s", action, exc)
        return 2
    return 0


def bi_file_command(config: ScorecardConfig, rollback: bool) -> int:
    """Rebuild the BI file from the published warehouse, or roll back to the previous build."""
    from orchestration.lib import bi_file

    try:
        if rollback:
            bi_file.rollback(config.output_dir, logger)
            return 0
        # Imported here: it loads the Dagster definitions (slow) for the declared marts.
        from orchestration.defs.publish.bi_file import declared_marts

        report = bi_file.build_bi_file(
            config.published_path, config.output_dir, allowed_tables=declared_marts(), logger=logger
        )
    except (bi_file.BiFileError, duckdb.Error) as exc:
        logger.error("bi-file: %s", exc)
        return 2
    sys.stdout.write(f"{report.duckdb_path}\n")
    return 0


def committee_scorecard_command(config: ScorecardConfig, month: str, out_dir: Path | None) -> int:
    """Write the committee scorecard (HTML and Excel) of ``month`` (YYYY-MM) from the
    published warehouse into ``out_dir`` (default ``<output_dir>/committee``)."""
    from orchestration.lib.committee_scorecard.data import ScorecardDataError, parse_month
    from orchestration.lib.committee_scorecard.outputs import COMMITTEE_FOLDER, write_month

    try:
        files = write_month(
            config.published_path,
            out_dir or config.output_dir / COMMITTEE_FOLDER,
            parse_month(month),
            la_code=config.la_code,
            la_name=config.la_name or config.la_code,
            as_of_date=config.as_of_date,
        )
    except (ScorecardDataError, duckdb.Error) as exc:
        logger.error("committee-scorecard: %s", exc)
        return 2
    sys.stdout.write(f"{files.html_path}\n{files.workbook_path}\n")
    return 0


def dbt_docs_command(config: ScorecardConfig) -> int:
    """Build the dbt docs site from a copy of the published warehouse (``make docs``)."""
    from orchestration.lib.dbt_docs import DbtDocsError, build_dbt_docs

    try:
        page = build_dbt_docs(config.published_path, config.output_dir)
    except DbtDocsError as exc:
        logger.error("dbt-docs: %s", exc)
        return 2
    sys.stdout.write(f"{page}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli")
    parser.add_argument("--config", type=Path, default=None, help="config YAML (default: demo)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("summary", help="print the latest month's scorecard")
    alert = commands.add_parser(
        "alert", help="send the digest of failed checks of a scorecard run (config alerts:)"
    )
    alert.add_argument("--run-id", default="latest", help="a run id, or latest (default)")
    alert.add_argument("--dry-run", action="store_true", help="print the digest, send nothing")
    alert.add_argument("--force", action="store_true", help="send even when nothing failed")
    commands.add_parser(
        "postgres-load-raw",
        help="copy the DuckDB warehouse's raw schema into PostgreSQL (SCORECARD_PG_* variables)",
    )
    warehouse = commands.add_parser(
        "warehouse", help="the published warehouse, its working copy and the previous one"
    )
    warehouse.add_argument(
        "action",
        choices=["status", "restore-previous", "discard-working"],
        help="status: list the files; restore-previous: put back the warehouse the last "
        "publication replaced; discard-working: drop the working copy (the next run starts "
        "from the published file)",
    )
    bi = commands.add_parser(
        "bi-file",
        help="rebuild the aggregate-only BI file (<output_dir>/bi/current) from the published "
        "warehouse (docs/bi_file.md)",
    )
    bi.add_argument(
        "--rollback", action="store_true", help="point bi/current back at the previous build"
    )
    commands.add_parser(
        "dbt-docs",
        help="build the dbt docs site (<output_dir>/dbt_docs/index.html) from a copy of the "
        "published warehouse",
    )
    committee = commands.add_parser(
        "committee-scorecard",
        help="write the committee scorecard (HTML and Excel) of any month from the published "
        "warehouse (docs/committee_scorecard.md)",
    )
    committee.add_argument("--month", required=True, help="the month, YYYY-MM")
    committee.add_argument(
        "--out-dir", type=Path, default=None, help="folder (default: <output_dir>/committee)"
    )
    cin_census = commands.add_parser(
        "cin-census-export",
        help="write the CIN census XML of a collection year from the published warehouse "
        "(docs/statutory_returns.md)",
    )
    cin_census.add_argument("--year", required=True, help="the collection year, YYYY-YY")
    cin_census.add_argument(
        "--out",
        type=Path,
        default=None,
        help="file (default: <output_dir>/returns/<YYYY-YY>/cin_census_<Year>.xml)",
    )
    ssda903 = commands.add_parser(
        "ssda903-export",
        help="write the SSDA903 CSV set of a collection year from the published warehouse "
        "(docs/statutory_returns.md)",
    )
    ssda903.add_argument("--year", required=True, help="the collection year, YYYY-YY")
    ssda903.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="folder for the ten CSV files (default: <output_dir>/returns/<YYYY-YY>/ssda903)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = load_config(args.config)
    if args.command == "summary":
        sys.stdout.write(scorecard_summary(config) + "\n")
    elif args.command == "alert":
        try:
            return send_alert(config, args.run_id, dry_run=args.dry_run, force=args.force)
        except RuntimeError as exc:
            logger.error("alert: %s", exc)
            return 2
    elif args.command == "warehouse":
        return warehouse_command(config, args.action)
    elif args.command == "postgres-load-raw":
        return load_raw_into_postgres(config)
    elif args.command == "dbt-docs":
        return dbt_docs_command(config)
    elif args.command == "bi-file":
        return bi_file_command(config, rollback=args.rollback)
    elif args.command == "committee-scorecard":
        return committee_scorecard_command(config, args.month, args.out_dir)
    elif args.command == "cin-census-export":
        from orchestration.lib.returns.cin_census_export import export_command

        return export_command(config, args.year, args.out)
    elif args.command == "ssda903-export":
        from orchestration.lib.returns.ssda903_export import export_command as ssda903_export

        return ssda903_export(config, args.year, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
