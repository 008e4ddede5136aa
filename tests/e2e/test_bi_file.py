"""The BI file after a whole scorecard run: the published marts, nothing child-level."""

from __future__ import annotations

import json
from contextlib import closing

import duckdb

from orchestration.defs.publish.bi_file import declared_marts
from orchestration.lib.bi_file import child_level_reason, current_dir
from tests.e2e.conftest import PipelineRun


def _marts_in(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = 'marts' order by 1",
        [catalog],
    ).fetchall()
    return [row[0] for row in rows]


def test_the_bi_file_holds_exactly_the_published_marts(clean_run: PipelineRun) -> None:
    assert clean_run.success
    bi_path = current_dir(clean_run.config.output_dir) / "scorecard_bi.duckdb"
    assert bi_path.is_file()
    with closing(duckdb.connect(str(bi_path), read_only=True)) as connection:
        connection.execute(f"attach '{clean_run.config.warehouse_path}' as published (read_only)")
        published = _marts_in(connection, "published")
        assert "fct_scorecard_monthly" in published and "dq_findings" in published
        assert set(published) <= declared_marts()
        assert _marts_in(connection, "scorecard_bi") == published
        outside = connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_catalog = 'scorecard_bi' and table_schema <> 'marts'"
        ).fetchall()
        assert outside == []
        for table in published:
            bi_table = f"scorecard_bi.marts.{table}"
            source_table = f"published.marts.{table}"
            parquet = bi_path.parent / "parquet" / f"{table}.parquet"
            for left, right in (
                (bi_table, source_table),
                (source_table, bi_table),
                (f"read_parquet('{parquet}')", source_table),
                (source_table, f"read_parquet('{parquet}')"),
            ):
                missing = connection.execute(
                    f"select count(*) from (from {left} except all from {right})"
                ).fetchone()
                assert missing == (0,), f"{table}: {left} has rows {right} lacks"
            counts = connection.execute(
                f"select (select count(*) from {bi_table}), (select count(*) from {source_table})"
            ).fetchone()
            assert counts is not None and counts[0] == counts[1]
            if table != "dq_findings":  # empty on a faithful migration
                assert counts[0] > 0, f"{table} is empty"


def test_the_bi_file_has_no_child_level_column_or_value(clean_run: PipelineRun) -> None:
    current = current_dir(clean_run.config.output_dir)
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    columns = [
        (table["name"], column["name"])
        for table in manifest["tables"]
        for column in table["columns"]
    ]
    assert columns and [pair for pair in columns if child_level_reason(pair[1])] == []
    # Every child's pseudonym and source id, looked for in every text column of the BI file.
    with closing(duckdb.connect(str(current / "scorecard_bi.duckdb"), read_only=True)) as bi:
        bi.execute(f"attach '{clean_run.config.warehouse_path}' as published (read_only)")
        bi.execute(
            "create temp table identifiers as "
            "select distinct person_key as identifier "
            "from published.restricted.fct_child_compliance "
            "union select distinct pers_person_id from published.raw.ssd_person "
            "union select distinct pers_forename from published.raw.ssd_person "
            "where length(pers_forename) > 3"
        )
        assert bi.execute("select count(*) from identifiers").fetchone()[0] > 100
        text_columns = bi.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_catalog = 'scorecard_bi' and data_type = 'VARCHAR'"
        ).fetchall()
        for table, column in text_columns:
            found = bi.execute(
                f"select count(*) from scorecard_bi.marts.{table} as t "
                f'inner join identifiers on t."{column}" = identifiers.identifier'
            ).fetchone()
            assert found == (0,), f"marts.{table}.{column} holds a child's identifier or name"


def test_the_manifest_matches_the_published_warehouse(clean_run: PipelineRun) -> None:
    manifest = json.loads(
        (current_dir(clean_run.config.output_dir) / "manifest.json").read_text(encoding="utf-8")
    )
    source = manifest["source_warehouse"]
    assert source["path"] == str(clean_run.config.warehouse_path)
    assert source["size_bytes"] == clean_run.config.warehouse_path.stat().st_size
    with closing(duckdb.connect(str(clean_run.config.warehouse_path), read_only=True)) as wh:
        for table in manifest["tables"]:
            rows = wh.execute(f"select count(*) from marts.{table['name']}").fetchone()
            assert rows == (table["rows"],)
