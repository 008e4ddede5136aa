"""Round trip: export a year's SSDA903 set, ingest it as a ``format: ssda903`` system, and get
the same looked-after indicators (docs/decisions/0010-ssda903-input-format.md).

A 903 set holds one collection year (1 April to 31 March): the episodes open at any time
in the year, the reviews, missing episodes and UASC of that year, and year-end outcome
flags. From it the pipeline can reproduce exactly:

- at every month end of the year, the snapshot counts that need only the episodes open on
  that day (legal status, placement type) and UASC status;
- at 31 March only, the 12-month flows, because their window is then the collection year
  itself (at earlier month ends the window reaches into the year before, which the set
  does not hold).

Everything else needs data a 903 set does not carry (visits, health and dental dates,
PEPs, SDQ dates, return home interviews, placement distance) or history from before the
year (review timeliness, long-term stability). ``NOT_REPRODUCIBLE`` names each with its
reason; the test fails when a new CLA indicator is added without a decision here.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from orchestration.evaluation.authority_runs import (
    EVALUATION_PSEUDONYM_KEY,
    SSDA903_SYSTEM,
    ensure_dbt_manifest,
    environment,
    write_ssda903_only_config,
)
from orchestration.lib.config import PROJECT_ROOT, load_config
from orchestration.lib.landing import COMPLETE_MARKER
from orchestration.lib.returns.ssda903_export import write_ssda903
from orchestration.lib.returns.ssda903_files import CollectionYear

pytestmark = pytest.mark.e2e

SYSTEM = SSDA903_SYSTEM
CATALOGUE = PROJECT_ROOT / "dbt_project" / "seeds" / "reference" / "indicator_catalogue.csv"

# Equal at each of the twelve month ends of the collection year.
EVERY_MONTH_END = (
    "CLA_COUNT",
    "CLA_RATE_10K",
    "CLA_UASC",
    "CLA_PLACED_WITH_PARENTS",
    "CLA_CONNECTED_CARERS",
)
# Equal at 31 March, where the 12 months ending period_end are the collection year.
AT_YEAR_END = (
    "CLA_STARTS_12M",
    "CLA_CEASES_12M",
    "CLA_STABILITY_3PLUS",
    "CLA_MISSING_12M",
)
# A 903 set holds no children in need: the CIN census step writes nothing and succeeds.
# No step may fail.
STEPS_THAT_NEED_OTHER_DATA: set[str] = set()
NOT_REPRODUCIBLE = {
    "CLA_OUT_OF_AREA_20MI": "903 carries placement postcodes, not the distance from home",
    "CLA_STABILITY_LONG_TERM": "needs 2.5 years of care history; 903 starts at 1 April",
    "CLA_VISITS_IN_TIME": "903 carries no social worker visits",
    "CLA_REVIEWS_IN_TIME": "needs the review before 1 April and the date care began",
    "CLA_IHA_20WD": "903 carries no health assessment dates",
    "CLA_HEALTH_ASSESSMENT": "OC2 holds a year-end yes/no, not assessment dates",
    "CLA_DENTAL": "OC2 holds a year-end yes/no, not dental check dates",
    "CLA_PEP": "903 carries no personal education plans",
    "CLA_SDQ_AVG": "OC2 holds the score without its date",
    "CLA_SDQ_CONCERN": "OC2 holds the score without its date",
    "CLA_MISSING_RHI": "903 carries no return home interviews",
}


def month_ends(year: CollectionYear) -> list[dt.date]:
    """The twelve month ends from 30 April to 31 March."""
    ends = []
    for offset in range(12):
        month = (year.start.month - 1 + offset) % 12 + 1
        calendar_year = year.start_year + (year.start.month - 1 + offset) // 12
        first_of_next = dt.date(calendar_year + month // 12, month % 12 + 1, 1)
        ends.append(first_of_next - dt.timedelta(days=1))
    return ends


def run_scorecard_job(config_path: Path) -> set[str]:
    """Run the ``scorecard`` job in process on ``config_path``; the keys of failed steps."""
    ensure_dbt_manifest()
    with environment(
        {
            "SCORECARD_CONFIG": str(config_path),
            "SCORECARD_DUCKDB_PATH": None,
            "SCORECARD_PSEUDONYM_KEY": os.environ.get(
                "SCORECARD_PSEUDONYM_KEY", EVALUATION_PSEUDONYM_KEY
            ),
        }
    ):
        from orchestration.definitions import defs

        result = defs.get_job_def("scorecard").execute_in_process(raise_on_error=False)
    return set(result.get_failed_step_keys())


def headline_rows(
    warehouse: Path, codes: tuple[str, ...], period_ends: list[dt.date]
) -> dict[tuple[str, dt.date], tuple]:
    """(numerator, denominator, value) of the headline rows, by (code, period_end)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select indicator_code, period_end, numerator, denominator, value "
            "from marts.fct_scorecard_monthly where breakdown = 'all' "
            "and indicator_code = any(?) and period_end = any(?)",
            [list(codes), period_ends],
        ).fetchall()
    return {(code, period_end): tuple(values) for code, period_end, *values in rows}


@pytest.fixture(scope="module")
def round_trip(clean_run, tmp_path_factory: pytest.TempPathFactory):
    assert clean_run.success
    original = clean_run.config
    year = CollectionYear.latest_complete(original.as_of_date)
    folder = tmp_path_factory.mktemp("ssda903_round_trip")
    config_path = write_ssda903_only_config(folder, original, year)
    # delivered the month after the year ends, as a council sends its return
    extract = folder / "landing" / SYSTEM / (year.end + dt.timedelta(days=30)).isoformat()
    counts = write_ssda903(original.published_path, year, extract)
    (extract / COMPLETE_MARKER).touch()
    failed_steps = run_scorecard_job(config_path)
    return original, load_config(config_path), year, counts, failed_steps


def test_every_cla_indicator_has_a_round_trip_decision() -> None:
    with CATALOGUE.open(encoding="utf-8") as handle:
        cla_codes = {row["code"] for row in csv.DictReader(handle) if row["area"] == "cla"}
    decided = set(EVERY_MONTH_END) | set(AT_YEAR_END) | set(NOT_REPRODUCIBLE)
    assert cla_codes == decided


def test_round_trip_run_publishes_every_903_file(round_trip) -> None:
    _, config, year, counts, failed_steps = round_trip
    assert failed_steps <= STEPS_THAT_NEED_OTHER_DATA
    assert counts["header"] > 0 and counts["episodes"] >= counts["header"]
    with duckdb.connect(str(config.published_path), read_only=True) as connection:
        ((as_of_date,),) = connection.execute(
            "select as_of_date from raw.pipeline_settings"
        ).fetchall()
        assert as_of_date == year.end
        for stem, rows in counts.items():
            ((loaded,),) = connection.execute(f"select count(*) from raw.ssda903_{stem}").fetchall()
            assert loaded == rows, stem
        ((quarantined,),) = connection.execute(
            "select count(*) from raw._load_manifest where status = 'quarantined'"
        ).fetchall()
        assert quarantined == 0


def test_snapshot_indicators_equal_at_every_month_end(round_trip) -> None:
    original, config, year, _, failed_steps = round_trip
    assert failed_steps <= STEPS_THAT_NEED_OTHER_DATA
    period_ends = month_ends(year)
    expected = headline_rows(original.published_path, EVERY_MONTH_END, period_ends)
    assert len(expected) == len(EVERY_MONTH_END) * 12
    assert expected[("CLA_COUNT", year.end)][0] > 0
    assert headline_rows(config.published_path, EVERY_MONTH_END, period_ends) == expected


def test_twelve_month_flows_equal_at_year_end(round_trip) -> None:
    original, config, year, _, failed_steps = round_trip
    assert failed_steps <= STEPS_THAT_NEED_OTHER_DATA
    expected = headline_rows(original.published_path, AT_YEAR_END, [year.end])
    assert len(expected) == len(AT_YEAR_END)
    assert expected[("CLA_STARTS_12M", year.end)][0] > 0
    assert headline_rows(config.published_path, AT_YEAR_END, [year.end]) == expected
