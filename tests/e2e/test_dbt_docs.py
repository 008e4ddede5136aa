"""`make docs` after a whole scorecard run: one page documenting the marts and exposures."""

from __future__ import annotations

import re
from contextlib import closing

import duckdb

from orchestration.cli import main
from tests.e2e.conftest import PipelineRun


def test_the_docs_page_documents_the_marts_and_leaves_the_warehouse_alone(
    clean_run: PipelineRun,
) -> None:
    published = clean_run.config.warehouse_path
    before = published.stat().st_mtime_ns
    assert main(["--config", str(clean_run.config_path), "dbt-docs"]) == 0
    page = clean_run.config.output_dir / "dbt_docs" / "index.html"
    text = page.read_text(encoding="utf-8")
    for name in ("fct_scorecard_monthly", "dq_findings", "committee_scorecard", "bi_file"):
        assert name in text
    # built from a copy: the published file is untouched, and no scratch is left behind
    assert published.stat().st_mtime_ns == before
    assert sorted(path.name for path in page.parent.iterdir()) == ["index.html"]
    # the catalog holds names and types only: no child's id reaches the page (names are
    # not compared: a surname such as Green is also a RAG status in the docs)
    with closing(duckdb.connect(str(published), read_only=True)) as connection:
        identifiers = {
            value
            for (value,) in connection.execute(
                "select distinct pers_person_id from raw.ssd_person"
            ).fetchall()
            if value and len(value) >= 5
        }
    strings = set(re.findall(r'"([^"\\]{5,80})"', text))
    assert identifiers
    assert sorted(identifiers & strings) == []
