"""The committee scorecard paper: ``<output_dir>/committee/scorecard_<YYYY-MM>.html`` and
``.xlsx`` for the latest complete month (docs/committee_scorecard.md).

Reads the **published** warehouse (docs/decisions/0009-outputs-for-readers.md), so it runs
after ``publish/warehouse`` and always matches what readers see; a failed run changes
nothing. The latest complete month is the latest ``period_end`` in
``marts.fct_scorecard_monthly`` on or before the config's ``as_of_date``. Small numbers
are suppressed (``c``) by orchestration/lib/committee_scorecard/data.py; the files hold no
child-level data. Both files are written through a temporary file and a rename.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation of
# asset functions at definition time and does not accept a string annotation.
import dagster as dg

from orchestration.defs.publish.warehouse import PUBLISH_WAREHOUSE_KEY
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.committee_scorecard.outputs import COMMITTEE_FOLDER, write_month

COMMITTEE_SCORECARD_KEY = dg.AssetKey(["publish", "committee_scorecard"])


@dg.asset(
    key=COMMITTEE_SCORECARD_KEY,
    group_name="publish",
    deps=[PUBLISH_WAREHOUSE_KEY],
    kinds={"html", "excel"},
    description=(
        "The councillors' scorecard paper for the latest complete month: one self-contained "
        "HTML page and one Excel workbook in <output_dir>/committee/, read from the published "
        "warehouse, small numbers suppressed as c."
    ),
)
def committee_scorecard(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    """Write this month's committee scorecard (HTML and Excel) from the published warehouse."""
    config = scorecard_config.load()
    with retry_transient_failures(context):
        files = write_month(
            config.published_path,
            config.output_dir / COMMITTEE_FOLDER,
            None,
            la_code=config.la_code,
            la_name=config.la_name or config.la_code,
            as_of_date=config.as_of_date,
        )
    paper = files.paper
    context.log.info(
        f"wrote the committee scorecard for {paper.month_key}: {files.html_path.name}, "
        f"{files.workbook_path.name} ({paper.indicator_count} indicators, "
        f"{paper.suppressed_cell_count} cells suppressed)"
    )
    return dg.MaterializeResult(
        metadata={
            "month": paper.month_key,
            "html_path": dg.MetadataValue.path(str(files.html_path)),
            "workbook_path": dg.MetadataValue.path(str(files.workbook_path)),
            "indicators": dg.MetadataValue.int(paper.indicator_count),
            "suppressed_cells": dg.MetadataValue.int(paper.suppressed_cell_count),
            "migration_notes": dg.MetadataValue.int(len(paper.findings)),
        }
    )
