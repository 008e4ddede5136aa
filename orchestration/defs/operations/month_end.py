"""``marts/fct_scorecard_month_end``: the scorecard as reported for each month end.

Why two tables. ``marts.fct_scorecard_monthly`` (dbt) is rebuilt in full on every run,
because every extract is a full snapshot that may correct any earlier month: it always shows
today's best view of every month. ``marts.fct_scorecard_month_end`` keeps what was reported:
partition ``2026-10`` holds the rows ``fct_scorecard_monthly`` had for period_end
2026-10-31 when that partition was last materialised. A later rebuild that restates
October changes ``fct_scorecard_monthly`` only; the month-end table keeps October as
reported until partition ``2026-10`` is materialised again (a backfill).

What a materialisation does. For each month in the run's partition range it deletes the
month's rows from ``marts.fct_scorecard_month_end`` and inserts that month's rows of
``marts.fct_scorecard_monthly`` (the same columns in the same order, nothing added, rows in
a fixed order), all months in one transaction: a failure leaves the table as it was, and
rerunning gives an identical table. It refuses, before writing anything, a month that ends
after the configuration's ``as_of_date`` (the extracts do not cover it yet) or has no rows,
and a working copy holding warehouse changes that no run has published (see
:func:`check_nothing_unpublished`).
Then it publishes the run's working copy of the warehouse
(``orchestration.lib.publication.publish_run_warehouse``), because its runs do not include
``publish/warehouse``.

Partitions: ``YYYY-MM`` months in Europe/London from the month of the earliest system's
``live_from`` to the last full month (``orchestration.defs.operations.partitions``). The
backfill policy is a single run: a range of months is one run, one transaction and one
publication, never a run per month fighting over the DuckDB file.

Materialising and backfilling:

- The monthly schedule (``monthly_scorecard_schedule``) runs ``scorecard`` on the 5th
  working day and, when it succeeds, the ``month_end_after_scorecard`` sensor materialises
  the month just closed (job ``month_end_scorecard``).
- UI: Assets -> marts/fct_scorecard_month_end -> Materialize -> choose the months (or
  "Backfill" on the job ``month_end_scorecard``); one run covers the whole range.
- Command line (runs in this process, no daemon needed)::

      dagster asset materialize -m orchestration.definitions \\
          --select marts/fct_scorecard_month_end --partition 2026-10
      dagster asset materialize -m orchestration.definitions \\
          --select marts/fct_scorecard_month_end --partition-range 2026-04...2026-10
"""

# No ``from __future__ import annotations``: Dagster inspects the asset function's parameter
# annotations (the resource) at definition time and needs the real classes.
import datetime as dt
import warnings
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.ingest import WAREHOUSE_POOL
from orchestration.defs.jobs import CADENCE_TAG, MONTH_END_CADENCE
from orchestration.defs.operations.partitions import build_month_end_partitions, month_end
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.lib.publication import publish_run_warehouse

SCHEMA = "marts"
SOURCE_TABLE = "fct_scorecard_monthly"
TARGET_TABLE = "fct_scorecard_month_end"
MONTH_END_KEY = dg.AssetKey([SCHEMA, TARGET_TABLE])
SCORECARD_KEY = dg.AssetKey([SCHEMA, SOURCE_TABLE])


class MonthEndError(RuntimeError):
    """A month cannot be reported: not covered by the extracts, or no rows."""


def check_months_reportable(period_ends: Sequence[dt.date], as_of_date: dt.date) -> None:
    """Refuse months that end after ``as_of_date``, naming the month and the date."""
    late = [day for day in period_ends if day > as_of_date]
    if late:
        months = ", ".join(f"{day:%Y-%m}" for day in late)
        raise MonthEndError(
            f"month {months} ends after the configuration's as_of_date {as_of_date}: the "
            "extracts do not cover it yet. Deliver a later extract and set as_of_date first."
        )


def _columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [SCHEMA, table],
    ).fetchall()
    return [row[0] for row in rows]


def _row_counts(
    connection: duckdb.DuckDBPyConnection, period_ends: Sequence[dt.date]
) -> dict[dt.date, int]:
    rows = connection.execute(
        f"select period_end, count(*) from {SCHEMA}.{SOURCE_TABLE} "
        "where period_end in (select unnest(?::date[])) group by period_end",
        [list(period_ends)],
    ).fetchall()
    return {day: int(count) for day, count in rows}


def table_fingerprints(warehouse_path: Path) -> dict[str, tuple[int, int]]:
    """``schema.table`` -> (row count, sum of row hashes) of every base table outside ``raw``
    (the month-end table itself excluded)."""
    with closing(duckdb.connect(str(warehouse_path), read_only=True)) as connection:
        tables = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_catalog = current_database() "
            "and table_schema <> 'raw' and not (table_schema = ? and table_name = ?) "
            "order by 1, 2",
            [SCHEMA, TARGET_TABLE],
        ).fetchall()
        fingerprints = {}
        for schema, table in tables:
            count, hashes = connection.execute(
                f'select count(*), coalesce(sum(hash(t)), 0) from "{schema}"."{table}" as t'
            ).fetchone()
            fingerprints[f"{schema}.{table}"] = (int(count), int(hashes))
    return fingerprints


def check_nothing_unpublished(working: Path, published: Path) -> None:
    """Refuse to run on a working copy holding warehouse changes no run has published.

    A month-end run publishes the whole working copy. If a scorecard run rebuilt the
    warehouse and then stopped before publishing (a failed check, a kill), its half-finished
    work is in the working copy, and publishing it here would put it in front of readers.
    Raw tables are not compared: ``nightly_ingest`` loads them without publishing.
    """
    if working == published or not working.exists() or not published.exists():
        return
    ours, theirs = table_fingerprints(working), table_fingerprints(published)
    differing = sorted(
        name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name)
    )
    if differing:
        shown = ", ".join(differing[:5]) + (" ..." if len(differing) > 5 else "")
        raise MonthEndError(
            f"the working copy {working.name} holds changes no run has published ({shown}): "
            "a scorecard run stopped before publishing. Run the scorecard job until it "
            "publishes, then materialise the month again; nothing was written."
        )


def snapshot_month_ends(
    warehouse_path: Path, period_ends: Sequence[dt.date], as_of_date: dt.date
) -> dict[dt.date, int]:
    """Replace the month-end rows of ``period_ends``; returns the rows written per month.

    Checks every month first, then deletes and inserts all of them in one transaction.
    """
    check_months_reportable(period_ends, as_of_date)
    with closing(duckdb.connect(str(warehouse_path))) as connection:
        columns = _columns(connection, SOURCE_TABLE)
        if not columns:
            raise MonthEndError(
                f"{SCHEMA}.{SOURCE_TABLE} is not in the warehouse: run the scorecard job first"
            )
        counts = _row_counts(connection, period_ends)
        empty = [day for day in period_ends if not counts.get(day)]
        if empty:
            raise MonthEndError(
                f"{SCHEMA}.{SOURCE_TABLE} has no rows for month "
                f"{', '.join(f'{day:%Y-%m}' for day in empty)} (as_of_date {as_of_date})"
            )
        column_list = ", ".join(columns)
        connection.execute("begin transaction")
        try:
            connection.execute(
                f"create table if not exists {SCHEMA}.{TARGET_TABLE} as "
                f"select {column_list} from {SCHEMA}.{SOURCE_TABLE} limit 0"
            )
            existing = _columns(connection, TARGET_TABLE)
            if existing != columns:
                raise MonthEndError(
                    f"{SCHEMA}.{TARGET_TABLE} has columns {existing}, but "
                    f"{SCHEMA}.{SOURCE_TABLE} now has {columns}: the scorecard's shape "
                    f"changed. Rename {TARGET_TABLE} aside and backfill every month."
                )
            for day in period_ends:
                connection.execute(
                    f"delete from {SCHEMA}.{TARGET_TABLE} where period_end = ?", [day]
                )
                connection.execute(
                    f"insert into {SCHEMA}.{TARGET_TABLE} ({column_list}) "
                    f"select {column_list} from {SCHEMA}.{SOURCE_TABLE} "
                    "where period_end = ? order by all",
                    [day],
                )
            connection.execute("commit")
        except BaseException:
            connection.execute("rollback")
            raise
    return {day: counts[day] for day in period_ends}


def _build_month_end_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key=MONTH_END_KEY,
        group_name=SCHEMA,
        deps=[SCORECARD_KEY],
        partitions_def=build_month_end_partitions(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=WAREHOUSE_POOL,
        tags={CADENCE_TAG: MONTH_END_CADENCE},
    )
    def fct_scorecard_month_end(
        context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
    ) -> dg.MaterializeResult:
        """The scorecard as reported for each month end: one partition per month (YYYY-MM),
        a copy of that month's fct_scorecard_monthly rows, kept until the month is
        backfilled."""
        config = scorecard_config.load()
        period_ends = [month_end(key) for key in context.partition_keys]
        check_months_reportable(period_ends, config.as_of_date)
        check_nothing_unpublished(config.warehouse_path, config.published_path)
        written = snapshot_month_ends(config.warehouse_path, period_ends, config.as_of_date)
        for day, rows in written.items():
            context.log.info("month %s: %d scorecard rows reported", f"{day:%Y-%m}", rows)
        # This asset's runs have no publish/warehouse: publish the working copy here.
        publish_run_warehouse(config, context.log)  # type: ignore[arg-type]
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": dg.MetadataValue.int(sum(written.values())),
                "months": dg.MetadataValue.text(", ".join(f"{d:%Y-%m}" for d in written)),
            }
        )

    return fct_scorecard_month_end


with warnings.catch_warnings():
    # backfill_policy is marked beta in Dagster 1.13; single-run backfills are what we want.
    warnings.simplefilter("ignore", dg.BetaWarning)
    fct_scorecard_month_end = _build_month_end_asset()
