"""The SSDA903 CSV set for the latest complete collection year:
``<output_dir>/returns/<YYYY-YY>/ssda903/`` (docs/statutory_returns.md).

Reads the ``returns`` models of the **published** warehouse (decision 0009), so it runs after
``publish/warehouse``. The files carry child identifiers, dates of birth and UPNs: they are
written with mode 0600 into a temporary folder that is renamed into place, and only row
counts per file reach Dagster's metadata and log.
"""

# No `from __future__ import annotations`: Dagster inspects the `context` annotation of
# asset functions at definition time and does not accept a string annotation.
import dagster as dg

from orchestration.defs.publish.warehouse import PUBLISH_WAREHOUSE_KEY
from orchestration.defs.resources import ScorecardConfigResource
from orchestration.defs.retries import retry_transient_failures
from orchestration.lib.returns.ssda903_export import ssda903_folder, write_ssda903
from orchestration.lib.returns.ssda903_files import CollectionYear

SSDA903_KEY = dg.AssetKey(["returns", "ssda903"])


@dg.asset(
    key=SSDA903_KEY,
    group_name="returns",
    deps=[PUBLISH_WAREHOUSE_KEY],
    kinds={"csv"},
    description=(
        "The DfE SSDA903 CSV set (header, episodes, reviews, uasc, oc2, oc3, ad1, "
        "placed_for_adoption, previous_permanence, missing) for the latest complete "
        "collection year, from the returns models of the published warehouse, in "
        "<output_dir>/returns/<YYYY-YY>/ssda903/. Child-level and restricted: mode 0600."
    ),
)
def ssda903(
    context: dg.AssetExecutionContext, scorecard_config: ScorecardConfigResource
) -> dg.MaterializeResult:
    """Write the SSDA903 CSV set for the latest complete collection year."""
    config = scorecard_config.load()
    year = CollectionYear.latest_complete(config.as_of_date)
    with retry_transient_failures(context):
        counts = write_ssda903(config.published_path, year, ssda903_folder(config.output_dir, year))
    context.log.info(f"wrote the SSDA903 set for {year.label}: {counts['header']} children")
    return dg.MaterializeResult(
        metadata={
            "collection_year": year.label,
            **{f"rows_{stem}": dg.MetadataValue.int(rows) for stem, rows in counts.items()},
        }
    )
