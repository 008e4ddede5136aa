"""The BI file: an aggregate-only copy of the published warehouse's ``marts`` schema.

BI tools (Power BI, Superset, Metabase, Evidence) open a file set under
``<output_dir>/bi/`` instead of the warehouse, which holds child-level schemas
(docs/decisions/0009, docs/bi_file.md). One build is a folder
``bi/builds/<UTC timestamp>-<pid>/`` holding

- ``scorecard_bi.duckdb``: every table of ``marts``, in a schema ``marts`` (so the same SQL
  runs against the warehouse and the BI file), and nothing else;
- ``parquet/<table>.parquet``: one Parquet file per table, the same rows;
- ``manifest.json``: the tables, their columns and row counts, when it was built, and the
  source warehouse's modification time, so readers and tests can check freshness.

Guard. A table is copied only if (1) it is a mart the project declares (``allowed_tables``:
the dbt models of the marts folder and the Dagster-written month-end table) and (2) none of
its columns is child-level by name (:func:`child_level_reason`: person and child keys and
ids, UPNs, names, dates of birth and death, postcodes, worker ids). Either failure stops the
build before anything is swapped in, with an error naming the table (and the column). The
allow-list catches a child-level table whose columns have innocent names (a stale table
left in ``marts`` by an older version); the deny-list catches a declared mart that gains
an identifying column. Neither can see identifiers hidden inside a value: that stays the
marts' contract (their YAML says what each column holds).

Atomic rebuild. The build is written, closed and checked in its own folder, then a
``current`` symlink is replaced in one ``rename`` (``os.replace`` of a fresh symlink): a
reader resolving ``bi/current`` gets the whole old build or the whole new one, never a mix
and never nothing. The build it replaced stays as ``bi/previous`` (for :func:`rollback`);
older builds are deleted. On Linux a reader that still has an old file open keeps reading
it after its folder is deleted. ``bi/scorecard_bi.duckdb`` and ``bi/parquet`` are fixed
symlinks through ``current`` (the paths decision 0009 names). Builds are serialised by an
``flock`` on ``bi/.build.lock``.

Pure library: no Dagster.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Collection, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

_log = logging.getLogger(__name__)

MARTS_SCHEMA = "marts"
BI_DIRNAME = "bi"
BUILDS_DIRNAME = "builds"
CURRENT_LINK = "current"
PREVIOUS_LINK = "previous"
DUCKDB_FILENAME = "scorecard_bi.duckdb"
PARQUET_DIRNAME = "parquet"
MANIFEST_FILENAME = "manifest.json"
LOCK_FILENAME = ".build.lock"
# The layout of the build folder and manifest.json; bump when either changes shape.
SCHEMA_VERSION = 1
# The DuckDB storage format of the BI file: readable by DuckDB 1.0 and later, because BI
# tools' drivers (ODBC, Metabase, duckdb-engine) lag behind the DuckDB that builds it.
STORAGE_VERSION = "v1.0.0"
_SOURCE_ALIAS = "published_warehouse"
_OPEN_ATTEMPTS = 3

# Child-level column names (compared lower-case). Exact names, then name endings, then
# prefixes, then words anywhere in the name. Aggregate marts use none of them: the marts
# count children (child_count) and name indicators, tables and bank holidays (*_name is
# therefore not denied as a whole; the personal *name columns are listed).
_DENIED_NAMES = frozenset(
    {
        "person_key",
        "child_key",
        "person_id",
        "child_id",
        "upn",
        "former_upn",
        "uln",
        "nhs_number",
        "common_child_id",
        "dob",
        "date_of_birth",
        "birth_date",
        "death_date",
        "date_of_death",
        "name",
        "forename",
        "surname",
        "first_name",
        "middle_name",
        "last_name",
        "full_name",
        "given_name",
        "family_name",
        "legacy_id",
        "worker",
        "staff_id",
        "professional_id",
        "professional_name",
        "social_worker_registration_no",
        "personal_advisor",
        "identifier_value",
        "address",
        "postcode",
    }
)
_DENIED_ENDINGS = (
    "_person_id",
    "_person_key",
    "_child_id",
    "_child_key",
    "_upn",
    "_dob",
    "_date_of_birth",
    "_forename",
    "_surname",
    "_first_name",
    "_last_name",
    "_full_name",
    "_worker_id",
    "_worker_name",
    "_professional_id",
    "_professional_name",
    "_personal_advisor",
    "_identifier_value",
    "_postcode",
    "_address",
)
_DENIED_PREFIXES = ("pers_", "prof_")
# Words (between underscores) that identify a person wherever they stand in a name.
_DENIED_WORDS = frozenset({"dob", "upn", "forename", "surname", "postcode", "nhs"})


class BiFileError(RuntimeError):
    """The BI file could not be built; the current build was left as it was."""


class ChildLevelColumnError(BiFileError):
    """A table meant for the BI file carries a child-level column, or is not a known mart."""


@dataclass(frozen=True)
class BiTable:
    """One copied table: its name, columns (name, DuckDB type) and rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    row_count: int


@dataclass(frozen=True)
class BiBuildReport:
    """What one build did."""

    build_dir: Path
    duckdb_path: Path
    parquet_dir: Path
    tables: tuple[BiTable, ...]
    previous: Path | None
    pruned: tuple[Path, ...]
    seconds: float

    @property
    def rows(self) -> dict[str, int]:
        return {table.name: table.row_count for table in self.tables}


def bi_dir(output_dir: Path) -> Path:
    """``<output_dir>/bi``: where the BI file set lives."""
    return output_dir / BI_DIRNAME


def current_dir(output_dir: Path) -> Path:
    """``<output_dir>/bi/current``: the symlink to the build readers open."""
    return bi_dir(output_dir) / CURRENT_LINK


def child_level_reason(column: str) -> str | None:
    """Why ``column`` names child-level data, or None when it does not."""
    name = column.strip().lower()
    if name in _DENIED_NAMES:
        return f"'{name}' is a child-level column name"
    for ending in _DENIED_ENDINGS:
        if name.endswith(ending):
            return f"names ending '{ending}' hold person identifiers"
    for prefix in _DENIED_PREFIXES:
        if name.startswith(prefix):
            return f"'{prefix}*' columns are person or staff fields of the case system"
    words = set(name.split("_"))
    if "date" in words and "birth" in words:
        return "a date of birth"
    denied = sorted(words & _DENIED_WORDS)
    if denied:
        return f"'{denied[0]}' identifies a person"
    return None


def check_aggregate_only(
    tables: dict[str, list[tuple[str, str]]], allowed_tables: Collection[str] | None
) -> None:
    """Refuse any table that is not an allowed mart or that has a child-level column."""
    if allowed_tables is not None:
        allowed = {name.lower() for name in allowed_tables}
        unknown = sorted(name for name in tables if name.lower() not in allowed)
        if unknown:
            denied = [column for column, _ in tables[unknown[0]] if child_level_reason(column)]
            carries = f" (it has the child-level column '{denied[0]}')" if denied else ""
            raise ChildLevelColumnError(
                f"{MARTS_SCHEMA}.{unknown[0]} is in the published warehouse's marts schema "
                f"but is not a mart this project builds{carries}: a table left by an older "
                "version? Nothing was published to the BI file. Drop it from the warehouse, "
                f"or declare it as a mart. Unknown tables: {', '.join(unknown)}"
            )
    for table, columns in sorted(tables.items()):
        for column, _ in columns:
            reason = child_level_reason(column)
            if reason:
                raise ChildLevelColumnError(
                    f"{MARTS_SCHEMA}.{table} has the child-level column '{column}' ({reason}): "
                    "the BI file holds aggregates only, so nothing was published"
                )


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_FILENAME).open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _marts_tables(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    rows = connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [_SOURCE_ALIAS, MARTS_SCHEMA],
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def _attach_published(connection: duckdb.DuckDBPyConnection, published: Path) -> os.stat_result:
    """Attach the published warehouse read-only; return the stat of the file attached.

    A publication renames a new file over the published path; if that happened while
    attaching, attach again, so the stat describes the file whose rows are copied.
    """
    for _ in range(_OPEN_ATTEMPTS):
        before = published.stat()
        connection.execute(f"attach {_sql_string(str(published))} as {_SOURCE_ALIAS} (read_only)")
        after = published.stat()
        if (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns):
            return after
        connection.execute(f"detach {_SOURCE_ALIAS}")
    raise BiFileError(f"{published} kept changing while it was opened; try again")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _write_build(
    published: Path, build_dir: Path, allowed_tables: Collection[str] | None
) -> tuple[list[BiTable], os.stat_result]:
    duckdb_path = build_dir / DUCKDB_FILENAME
    parquet_dir = build_dir / PARQUET_DIRNAME
    parquet_dir.mkdir(parents=True)
    with closing(
        duckdb.connect(str(duckdb_path), config={"storage_compatibility_version": STORAGE_VERSION})
    ) as connection:
        source_stat = _attach_published(connection, published)
        source_tables = _marts_tables(connection)
        if not source_tables:
            raise BiFileError(
                f"the published warehouse {published} has no table in schema {MARTS_SCHEMA}: "
                "run the scorecard job first"
            )
        check_aggregate_only(source_tables, allowed_tables)
        connection.execute(f"create schema {MARTS_SCHEMA}")
        tables: list[BiTable] = []
        for name, columns in sorted(source_tables.items()):
            target = f"{MARTS_SCHEMA}.{_quoted(name)}"
            column_list = ", ".join(_quoted(column) for column, _ in columns)
            connection.execute(
                f"create table {target} as select {column_list} "
                f"from {_SOURCE_ALIAS}.{MARTS_SCHEMA}.{_quoted(name)}"
            )
            row = connection.execute(f"select count(*) from {target}").fetchone()
            tables.append(BiTable(name, tuple(columns), int(row[0]) if row else 0))
        connection.execute(f"detach {_SOURCE_ALIAS}")
        for table in tables:
            parquet_path = parquet_dir / f"{table.name}.parquet"
            connection.execute(
                f"copy {MARTS_SCHEMA}.{_quoted(table.name)} "
                f"to {_sql_string(str(parquet_path))} (format parquet)"
            )
        connection.execute("checkpoint")
    return tables, source_stat


def _verify_build(build_dir: Path, tables: list[BiTable]) -> None:
    """Reopen the closed build read-only: it must hold exactly ``tables`` with their rows."""
    expected = {table.name: table.row_count for table in tables}
    with closing(duckdb.connect(str(build_dir / DUCKDB_FILENAME), read_only=True)) as connection:
        found = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
        outside = sorted(f"{schema}.{name}" for schema, name in found if schema != MARTS_SCHEMA)
        names = sorted(name for schema, name in found if schema == MARTS_SCHEMA)
        if outside or names != sorted(expected):
            raise BiFileError(
                f"the new BI file holds {names + outside}, expected {sorted(expected)}"
            )
        for name, rows in expected.items():
            counts = connection.execute(
                f"select (select count(*) from {MARTS_SCHEMA}.{_quoted(name)}), "
                "(select count(*) from read_parquet(?))",
                [str(build_dir / PARQUET_DIRNAME / f"{name}.parquet")],
            ).fetchone()
            if counts is None or tuple(counts) != (rows, rows):
                raise BiFileError(
                    f"{name}: the new BI file has {counts} rows (DuckDB, Parquet), expected {rows}"
                )
    leftovers = sorted(path.name for path in build_dir.glob(f"{DUCKDB_FILENAME}.*"))
    if leftovers:
        raise BiFileError(f"the new BI file left {leftovers} beside it")


def _manifest(
    tables: list[BiTable], published: Path, source_stat: os.stat_result, built_at: dt.datetime
) -> dict[str, object]:
    modified = dt.datetime.fromtimestamp(source_stat.st_mtime, dt.UTC)
    return {
        "schema_version": SCHEMA_VERSION,
        "built_at": _iso(built_at),
        "source_warehouse": {
            "path": str(published),
            "modified_at": _iso(modified),
            "size_bytes": source_stat.st_size,
        },
        "duckdb_file": DUCKDB_FILENAME,
        "duckdb_storage_version": STORAGE_VERSION,
        "duckdb_schema": MARTS_SCHEMA,
        "tables": [
            {
                "name": table.name,
                "rows": table.row_count,
                "columns": [{"name": name, "type": kind} for name, kind in table.columns],
                "parquet_file": f"{PARQUET_DIRNAME}/{table.name}.parquet",
            }
            for table in tables
        ],
    }


def _make_read_only(build_dir: Path) -> None:
    # BI tools must open the copy read-only: a read-write open would change a build that
    # other readers share (and could leave a write-ahead log beside it).
    for path in build_dir.rglob("*"):
        if path.is_file():
            path.chmod(0o444)


def _link_target(link: Path) -> Path | None:
    if not link.is_symlink():
        return None
    return (link.parent / link.readlink()).resolve()


def _point(link: Path, target: Path) -> None:
    """Make ``link`` a symlink to ``target`` (relative) in one atomic rename."""
    staged = link.with_name(f".{link.name}.{os.getpid()}")
    staged.unlink(missing_ok=True)
    staged.symlink_to(os.path.relpath(target, link.parent))
    try:
        staged.replace(link)
    except OSError:
        staged.unlink(missing_ok=True)
        raise


def _ensure_fixed_links(folder: Path) -> None:
    """``bi/scorecard_bi.duckdb`` and ``bi/parquet``: fixed symlinks through ``current``."""
    for name in (DUCKDB_FILENAME, PARQUET_DIRNAME):
        link = folder / name
        wanted = f"{CURRENT_LINK}/{name}"
        if link.is_symlink() and str(link.readlink()) == wanted:
            continue
        if link.exists() and not link.is_symlink():
            raise BiFileError(f"{link} exists and is not a symlink: move it aside")
        staged = folder / f".{name}.{os.getpid()}"
        staged.unlink(missing_ok=True)
        staged.symlink_to(wanted)
        staged.replace(link)


def _prune(builds: Path, keep: set[Path], log: logging.Logger) -> tuple[Path, ...]:
    pruned = []
    for build in sorted(builds.iterdir()):
        if build.resolve() in keep:
            continue
        try:
            shutil.rmtree(build)
        except OSError as error:
            # A build still open on a file system that refuses to delete open files:
            # leave it, the next build tries again.
            log.warning("Could not remove old BI build %s: %s", build.name, error)
            continue
        pruned.append(build)
    return tuple(pruned)


def build_bi_file(
    published: Path,
    output_dir: Path,
    *,
    allowed_tables: Collection[str] | None = None,
    logger: logging.Logger | None = None,
) -> BiBuildReport:
    """Build the BI file set from the published warehouse and swap it in atomically.

    ``allowed_tables``: the marts the project declares; any other table in ``marts`` stops
    the build (None: every table of ``marts``, still under the child-level column guard).
    If anything fails, ``bi/current`` is left as it was and the half-built folder removed.
    """
    log = logger or _log
    started = time.monotonic()
    if not published.exists():
        raise BiFileError(f"no published warehouse at {published}: run the scorecard job first")
    folder = bi_dir(output_dir)
    builds = folder / BUILDS_DIRNAME
    current = folder / CURRENT_LINK
    with _build_lock(folder):
        if current.exists() and not current.is_symlink():
            raise BiFileError(f"{current} exists and is not a symlink: move it aside")
        builds.mkdir(parents=True, exist_ok=True)
        built_at = _utc_now()
        build_dir = builds / f"{built_at:%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
        build_dir.mkdir()
        try:
            tables, source_stat = _write_build(published, build_dir, allowed_tables)
            _verify_build(build_dir, tables)
            manifest = _manifest(tables, published, source_stat, built_at)
            (build_dir / MANIFEST_FILENAME).write_text(
                json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
            )
            _make_read_only(build_dir)
            _fsync_directory(build_dir)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        previous = _link_target(current)
        if previous is not None and previous.exists():
            _point(folder / PREVIOUS_LINK, previous)
        _point(current, build_dir)
        _ensure_fixed_links(folder)
        _fsync_directory(folder)
        keep = {build_dir.resolve()} | ({previous} if previous else set())
        pruned = _prune(builds, keep, log)
    report = BiBuildReport(
        build_dir=build_dir,
        duckdb_path=current / DUCKDB_FILENAME,
        parquet_dir=current / PARQUET_DIRNAME,
        tables=tuple(tables),
        previous=previous,
        pruned=pruned,
        seconds=time.monotonic() - started,
    )
    log.info(
        "BI file: %d tables, %d rows, build %s (%.1f s)",
        len(tables),
        sum(report.rows.values()),
        build_dir.name,
        report.seconds,
    )
    return report


def rollback(output_dir: Path, logger: logging.Logger | None = None) -> Path:
    """Point ``bi/current`` back at the previous build (and ``previous`` at the one replaced)."""
    log = logger or _log
    folder = bi_dir(output_dir)
    with _build_lock(folder):
        current = _link_target(folder / CURRENT_LINK)
        previous = _link_target(folder / PREVIOUS_LINK)
        if previous is None or not previous.exists():
            raise BiFileError(f"no previous BI build under {folder}: nothing to roll back to")
        _point(folder / CURRENT_LINK, previous)
        if current is not None and current.exists():
            _point(folder / PREVIOUS_LINK, current)
        _fsync_directory(folder)
    log.info("BI file rolled back to build %s", previous.name)
    return previous


def read_manifest(output_dir: Path) -> dict[str, object]:
    """The current build's ``manifest.json``."""
    path = current_dir(output_dir) / MANIFEST_FILENAME
    if not path.exists():
        raise FileNotFoundError(f"no BI file manifest at {path}: build the BI file first")
    return json.loads(path.read_text(encoding="utf-8"))
