"""The CIN census XML for the latest complete collection year:
``<output_dir>/returns/<YYYY-YY>/cin_census_<census year>.xml`` (docs/statutory_returns.md).

Reads the ``returns`` models of the **published** warehouse (decision 0009), so it runs after
``publish/warehouse``. The file carries child identifiers: it is written with mode 0600
through a temporary file and a rename, and only element counts reach Dagster's metadata
and log.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation of
# asset functions at definition time and does not accept a string annotation.
import dagster as dg

from orchestration.defs.publish.warehouse import PUBLISH_WAREHOUSE_KEY
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.returns.cin_census_export import (
    NoChildrenInNeedError,
    cin_census_path,
    write_cin_census_file,
)
from orchestration.lib.returns.ssda903_files import CollectionYear

CIN_CENSUS_KEY = dg.AssetKey(["returns", "cin_census"])


@dg.asset(
    key=CIN_CENSUS_KEY,
    group_name="returns",
    deps=[PUBLISH_WAREHOUSE_KEY],
    kinds={"xml"},
    description=(
        "The DfE CIN census XML for the latest complete collection year (1 April to "
        "31 March), from the returns models of the published warehouse, in "
        "<output_dir>/returns/<YYYY-YY>/. Child-level and restricted: mode 0600."
    ),
)
def cin_census(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    """Write the CIN census XML for the latest complete collection year."""
    config = scorecard_config.load()
    year = CollectionYear.latest_complete(config.as_of_date)
    path = cin_census_path(config.output_dir, year)
    try:
        with retry_transient_failures(context):
            counts = write_cin_census_file(config.published_path, year, path, config.la_code)
    except NoChildrenInNeedError as exc:
        # Nothing to return (for example an authority loaded from SSDA903 files only):
        # no file is written and any earlier file for the year is left as it was.
        context.log.warning(str(exc))
        return dg.MaterializeResult(
            metadata={"collection_year": year.label, "children": dg.MetadataValue.int(0)}
        )
    context.log.info(
        f"wrote the CIN census for {year.label}: {counts.children} children, "
        f"{counts.cin_details} CIN episodes"
    )
    return dg.MaterializeResult(
        metadata={
            "collection_year": year.label,
            "children": dg.MetadataValue.int(counts.children),
            "cin_details": dg.MetadataValue.int(counts.cin_details),
            "assessments": dg.MetadataValue.int(counts.assessments),
            "cin_plans": dg.MetadataValue.int(counts.cin_plans),
            "section47": dg.MetadataValue.int(counts.section47),
            "cp_plans": dg.MetadataValue.int(counts.cp_plans),
            "cp_reviews": dg.MetadataValue.int(counts.cp_reviews),
        }
    )
