"""Operations: the month-end partitions, schedules and sensors that run the pipeline.

``operations_assets``, ``operations_schedules`` and ``operations_sensors`` are what the root
Definitions include; the jobs they target live in ``orchestration.defs.jobs``.

- ``marts/fct_scorecard_month_end`` (``month_end.py``): the scorecard as reported for each
  month end, partitioned by month, backfilled from the UI or the command line.
- ``nightly_ingest_schedule`` and ``monthly_scorecard_schedule`` (``schedules.py``).
- ``landing_extracts_sensor`` (``landing_sensor.py``): a new complete extract folder starts
  a scorecard run.
- ``month_end_after_scorecard`` (``month_end_sensor.py``): the month-end partition after
  the monthly scorecard run.
- ``run_failure_alerts`` (``failure_alerts.py``): any failed run goes to the alert channels.
"""

from orchestration.defs.operations.failure_alerts import run_failure_alerts
from orchestration.defs.operations.landing_sensor import landing_extracts_sensor
from orchestration.defs.operations.month_end import fct_scorecard_month_end
from orchestration.defs.operations.month_end_sensor import month_end_after_scorecard
from orchestration.defs.operations.schedules import operations_schedules

operations_assets = [fct_scorecard_month_end]
operations_sensors = [landing_extracts_sensor, month_end_after_scorecard, run_failure_alerts]

__all__ = ["operations_assets", "operations_schedules", "operations_sensors"]
