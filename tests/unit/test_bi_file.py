"""The BI file (orchestration/lib/bi_file.py): aggregate-only, complete, swapped in atomically."""

from __future__ import annotations

import datetime as dt
import json
import threading
from contextlib import closing
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.cli import main as cli_main
from orchestration.lib import bi_file
from orchestration.lib.bi_file import (
    BiFileError,
    ChildLevelColumnError,
    build_bi_file,
    child_level_reason,
    current_dir,
    read_manifest,
    rollback,
)
from orchestration.lib.config import PROJECT_ROOT
from tests.unit.minimal_config import load_minimal_config

MARTS = ("dim_indicator", "fct_scorecard_monthly")
MODELS_DIR = PROJECT_ROOT / "dbt_project" / "models"


def _make_warehouse(path: Path, scorecard_rows: int = 3) -> Path:
    """A published warehouse in miniature: child-level schemas beside two aggregate marts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(duckdb.connect(str(path))) as connection:
        connection.execute("create schema raw")
        connection.execute(
            "create table raw.ssd_person as select 'P1' as pers_person_id, "
            "'Alice' as pers_forename, date '2015-03-01' as pers_dob"
        )
        connection.execute("create schema restricted")
        connection.execute(
            "create table restricted.fct_child_compliance as "
            "select 'k1' as person_key, 'CLA_VISITS_IN_TIME' as indicator_code"
        )
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.dim_indicator as select * from (values "
            "('CLA_COUNT', 'Children looked after', 'count'), "
            "('CLA_VISITS_IN_TIME', 'Visits in time', 'pct')) "
            "as t(indicator_code, indicator_name, unit)"
        )
        _write_scorecard(connection, scorecard_rows)
    return path


def _write_scorecard(connection: duckdb.DuckDBPyConnection, rows: int) -> None:
    connection.execute("drop table if exists marts.fct_scorecard_monthly")
    connection.execute(
        "create table marts.fct_scorecard_monthly as select 'CLA_COUNT' as indicator_code, "
        "cast(date '2026-01-31' + to_months(cast(i as integer)) as date) as period_end, "
        "cast(100 + i as bigint) as numerator, cast(null as double) as denominator, "
        "cast(100 + i as double) as value, (i % 2 = 0) as is_suppressed "
        "from range(?) as t(i)",
        [rows],
    )


def _change_scorecard(warehouse: Path, rows: int) -> None:
    with closing(duckdb.connect(str(warehouse))) as connection:
        _write_scorecard(connection, rows)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return _make_warehouse(tmp_path / "wh" / "warehouse.duckdb")


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"


def _rows(connection: duckdb.DuckDBPyConnection, relation: str) -> list[tuple]:
    return connection.execute(f"select * from {relation} order by all").fetchall()


def _builds(output_dir: Path) -> list[Path]:
    return sorted((output_dir / "bi" / "builds").iterdir())


def test_the_bi_file_holds_every_mart_with_identical_rows(
    warehouse: Path, output_dir: Path
) -> None:
    report = build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    assert report.rows == {"dim_indicator": 2, "fct_scorecard_monthly": 3}
    current = current_dir(output_dir)
    with (
        closing(duckdb.connect(str(warehouse), read_only=True)) as source,
        closing(duckdb.connect(str(current / "scorecard_bi.duckdb"), read_only=True)) as bi,
    ):
        for table in MARTS:
            expected = _rows(source, f"marts.{table}")
            assert _rows(bi, f"marts.{table}") == expected
            parquet = current / "parquet" / f"{table}.parquet"
            assert _rows(bi, f"read_parquet('{parquet}')") == expected
            source_types = source.execute(f"describe marts.{table}").fetchall()
            assert bi.execute(f"describe marts.{table}").fetchall() == source_types


def test_the_bi_file_holds_nothing_outside_marts(warehouse: Path, output_dir: Path) -> None:
    build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    current = current_dir(output_dir)
    with closing(duckdb.connect(str(current / "scorecard_bi.duckdb"), read_only=True)) as bi:
        tables = bi.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    assert sorted(tables) == [("marts", "dim_indicator"), ("marts", "fct_scorecard_monthly")]
    assert sorted(path.name for path in (current / "parquet").iterdir()) == [
        "dim_indicator.parquet",
        "fct_scorecard_monthly.parquet",
    ]
    with closing(duckdb.connect()) as reader:
        reader.execute(f"attach '{current / 'scorecard_bi.duckdb'}' as bi (read_only)")
        tags = reader.execute("select tags from duckdb_databases() where database_name = 'bi'")
        # Readable by the DuckDB 1.x drivers BI tools ship.
        assert tags.fetchone() == ({"storage_version": "v1.0.0+"},)
    text = (current / "scorecard_bi.duckdb").read_bytes()
    assert b"Alice" not in text and b"k1" not in text


def test_the_manifest_describes_the_build(warehouse: Path, output_dir: Path) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    manifest = read_manifest(output_dir)
    assert manifest["schema_version"] == bi_file.SCHEMA_VERSION
    built_at = dt.datetime.fromisoformat(str(manifest["built_at"]))
    assert before <= built_at <= dt.datetime.now(dt.UTC)
    source = manifest["source_warehouse"]
    modified = dt.datetime.fromtimestamp(warehouse.stat().st_mtime, dt.UTC).replace(microsecond=0)
    assert dt.datetime.fromisoformat(source["modified_at"]) == modified
    assert source["size_bytes"] == warehouse.stat().st_size
    tables = {table["name"]: table for table in manifest["tables"]}
    assert {name: table["rows"] for name, table in tables.items()} == {
        "dim_indicator": 2,
        "fct_scorecard_monthly": 3,
    }
    assert [column["name"] for column in tables["fct_scorecard_monthly"]["columns"]] == [
        "indicator_code",
        "period_end",
        "numerator",
        "denominator",
        "value",
        "is_suppressed",
    ]
    assert tables["fct_scorecard_monthly"]["columns"][1]["type"] == "DATE"
    assert (current_dir(output_dir) / tables["dim_indicator"]["parquet_file"]).is_file()


def test_the_paths_of_decision_0009_lead_to_the_current_build(
    warehouse: Path, output_dir: Path
) -> None:
    report = build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    folder = output_dir / "bi"
    assert (folder / "current").resolve() == report.build_dir.resolve()
    assert (folder / "scorecard_bi.duckdb").resolve() == report.build_dir / "scorecard_bi.duckdb"
    assert (folder / "parquet").resolve() == report.build_dir / "parquet"
    with closing(duckdb.connect(str(folder / "scorecard_bi.duckdb"), read_only=True)) as bi:
        assert bi.execute("select count(*) from marts.fct_scorecard_monthly").fetchone() == (3,)


def test_a_mart_with_a_child_level_column_is_refused(warehouse: Path, output_dir: Path) -> None:
    build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    current = (output_dir / "bi" / "current").resolve()
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute("alter table marts.dim_indicator add column pers_upn varchar")
    with pytest.raises(ChildLevelColumnError, match=r"marts\.dim_indicator .*'pers_upn'"):
        build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    assert (output_dir / "bi" / "current").resolve() == current
    assert _builds(output_dir) == [current]


def test_a_table_that_is_no_declared_mart_is_refused(warehouse: Path, output_dir: Path) -> None:
    with closing(duckdb.connect(str(warehouse))) as connection:
        # What an older version left in marts: the drill-down before it moved to restricted.
        connection.execute(
            "create table marts.fct_child_compliance as select 'k1' as person_key, "
            "date '2026-01-31' as due_date"
        )
    with pytest.raises(
        ChildLevelColumnError, match=r"marts\.fct_child_compliance .*not a mart.*'person_key'"
    ):
        build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    # Without an allow-list the column guard alone still refuses it.
    with pytest.raises(ChildLevelColumnError, match=r"fct_child_compliance .*'person_key'"):
        build_bi_file(warehouse, output_dir)
    assert not (output_dir / "bi" / "current").exists()
    assert _builds(output_dir) == []


def test_an_innocent_looking_table_outside_the_allow_list_is_refused(
    warehouse: Path, output_dir: Path
) -> None:
    with closing(duckdb.connect(str(warehouse))) as connection:
        connection.execute("create table marts.overdue_visits as select date '2026-01-31' as due")
    with pytest.raises(ChildLevelColumnError, match=r"marts\.overdue_visits"):
        build_bi_file(warehouse, output_dir, allowed_tables=MARTS)


@pytest.mark.parametrize(
    "column",
    [
        "person_key",
        "child_key",
        "person_id",
        "PERS_PERSON_ID",
        "pers_dob",
        "pers_forename",
        "upn",
        "former_upn",
        "date_of_birth",
        "expected_date_of_birth",
        "birth_date",
        "death_date",
        "name",
        "surname",
        "child_surname",
        "worker",
        "referral_worker_id",
        "professional_name",
        "legacy_person_id",
        "common_child_id",
        "placement_postcode",
        "nhs_number",
        "link_identifier_value",
        "care_leaver_personal_advisor",
    ],
)
def test_child_level_column_names_are_denied(column: str) -> None:
    assert child_level_reason(column) is not None


def _yaml_columns(pattern: str) -> list[tuple[str, dict]]:
    found = []
    for path in sorted(MODELS_DIR.glob(pattern)):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models", []):
            for column in model.get("columns", []):
                found.append((model["name"], column))
    return found


def test_every_column_of_the_real_marts_is_allowed() -> None:
    columns = _yaml_columns("marts/*.yml")
    assert len(columns) > 30
    assert [
        (model, column["name"]) for model, column in columns if child_level_reason(column["name"])
    ] == []


def test_every_column_the_dbt_project_tags_as_personal_data_is_denied() -> None:
    """Columns with ``meta: {pii: true}`` in any model's YAML are child-level by name."""

    def is_pii(column: dict) -> bool:
        meta = {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}
        return bool(meta.get("pii"))

    tagged = sorted({column["name"] for _, column in _yaml_columns("**/*.yml") if is_pii(column)})
    assert len(tagged) >= 10
    assert [name for name in tagged if child_level_reason(name) is None] == []


def test_a_failure_mid_build_leaves_the_current_build(
    warehouse: Path, output_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    _change_scorecard(warehouse, rows=5)

    def fail_after_writing(build_dir: Path, tables: list) -> None:
        assert (build_dir / "parquet" / "fct_scorecard_monthly.parquet").is_file()
        raise OSError("disk full")

    monkeypatch.setattr(bi_file, "_verify_build", fail_after_writing)
    with pytest.raises(OSError, match="disk full"):
        build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    assert (output_dir / "bi" / "current").resolve() == first.build_dir.resolve()
    assert _builds(output_dir) == [first.build_dir]
    assert read_manifest(output_dir)["tables"][1]["rows"] == 3


def test_a_reader_holding_the_old_file_keeps_reading_it(warehouse: Path, output_dir: Path) -> None:
    build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    reader = duckdb.connect(str(output_dir / "bi" / "scorecard_bi.duckdb"), read_only=True)
    try:
        for rows in (4, 5, 6):  # the reader's build is pruned by the second of these
            _change_scorecard(warehouse, rows)
            build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
        assert reader.execute("select count(*) from marts.fct_scorecard_monthly").fetchone() == (3,)
    finally:
        reader.close()
    with closing(
        duckdb.connect(str(output_dir / "bi" / "scorecard_bi.duckdb"), read_only=True)
    ) as fresh:
        assert fresh.execute("select count(*) from marts.fct_scorecard_monthly").fetchone() == (6,)


def test_prune_keeps_the_current_and_the_previous_build(warehouse: Path, output_dir: Path) -> None:
    reports = []
    for rows in (3, 4, 5):
        _change_scorecard(warehouse, rows)
        reports.append(build_bi_file(warehouse, output_dir, allowed_tables=MARTS))
    assert _builds(output_dir) == [reports[1].build_dir, reports[2].build_dir]
    assert reports[2].previous == reports[1].build_dir.resolve()
    assert reports[2].pruned == (reports[0].build_dir,)
    assert (output_dir / "bi" / "previous").resolve() == reports[1].build_dir.resolve()


def test_rollback_puts_the_previous_build_back(warehouse: Path, output_dir: Path) -> None:
    build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    with pytest.raises(BiFileError, match="no previous BI build"):
        rollback(output_dir)
    _change_scorecard(warehouse, rows=7)
    second = build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    restored = rollback(output_dir)
    assert restored != second.build_dir.resolve()
    assert read_manifest(output_dir)["tables"][1]["rows"] == 3
    assert (output_dir / "bi" / "previous").resolve() == second.build_dir.resolve()


def test_a_reader_never_sees_a_mixed_or_missing_build(warehouse: Path, output_dir: Path) -> None:
    """While builds replace each other, every look through ``current`` finds one whole build:
    its manifest, DuckDB file and Parquet files agree."""
    build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    current = output_dir / "bi" / "current"
    problems: list[str] = []
    looks = 0
    stop = threading.Event()

    def read_repeatedly() -> None:
        nonlocal looks
        while not stop.is_set():
            build = current.resolve()
            try:
                manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
                expected = {table["name"]: table["rows"] for table in manifest["tables"]}
                with closing(
                    duckdb.connect(str(build / "scorecard_bi.duckdb"), read_only=True)
                ) as bi:
                    for name, rows in expected.items():
                        parquet = build / "parquet" / f"{name}.parquet"
                        counts = bi.execute(
                            f"select (select count(*) from marts.{name}), "
                            f"(select count(*) from read_parquet('{parquet}'))"
                        ).fetchone()
                        if counts != (rows, rows):
                            problems.append(f"{build.name} {name}: {counts} != {rows}")
            except (OSError, duckdb.Error) as error:
                problems.append(f"{build.name}: {error}")
            looks += 1

    reader = threading.Thread(target=read_repeatedly)
    reader.start()
    try:
        for rows in range(4, 10):
            _change_scorecard(warehouse, rows)
            build_bi_file(warehouse, output_dir, allowed_tables=MARTS)
    finally:
        stop.set()
        reader.join()
    assert problems == []
    assert looks > 5


def test_no_published_warehouse_is_a_clear_error(tmp_path: Path, output_dir: Path) -> None:
    with pytest.raises(BiFileError, match="no published warehouse"):
        build_bi_file(tmp_path / "missing.duckdb", output_dir)


def test_the_cli_rebuilds_and_rolls_back(tmp_path: Path) -> None:
    config = load_minimal_config(tmp_path)
    _make_warehouse(config.warehouse_path)
    with closing(duckdb.connect(str(config.warehouse_path))) as connection:
        connection.execute("alter table marts.dim_indicator rename to dim_indicator_old")
        connection.execute("create table marts.dim_indicator as from marts.dim_indicator_old")
    config_path = str(config.source_path)
    # dim_indicator_old is no mart the project declares: refused, exit status 2.
    assert cli_main(["--config", config_path, "bi-file"]) == 2
    with closing(duckdb.connect(str(config.warehouse_path))) as connection:
        connection.execute("drop table marts.dim_indicator_old")
    assert cli_main(["--config", config_path, "bi-file"]) == 0
    assert cli_main(["--config", config_path, "bi-file"]) == 0
    assert cli_main(["--config", config_path, "bi-file", "--rollback"]) == 0
    assert len(_builds(config.output_dir)) == 2
