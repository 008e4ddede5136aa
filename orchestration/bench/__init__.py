"""``make bench``: the pipeline's speed and memory at three scales, against the floor.

For each scale a synthetic authority is generated once and cached (``datasets``), the
floor is measured (``floor``: DuckDB reading every extract file once plus one aggregate),
the ``scorecard`` job runs as a new process the way ``make run`` starts it, so Dagster's
start-up is counted (``pipeline_run``), the run's SSDA903 export is validated by
csc-validator-be-903 and by our own suite on the same files (``validation_903``), and the
figures are printed and written to ``docs/benchmarks.md`` (``report``). Targets and how
to read the figures: docs/benchmarks.md.
"""
