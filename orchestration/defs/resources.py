"""Dagster resources shared by the code location."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from pydantic import PrivateAttr

from orchestration.lib.config import ScorecardConfig, load_config
from orchestration.lib.publication import ensure_working_copy, hold_run_lock

SCORECARD_CONFIG_RESOURCE_KEY = "scorecard_config"


class ScorecardConfigResource(dg.ConfigurableResource):
    """The pipeline's configuration file (see docs/architecture.md, "Configuration").

    ``config_path`` None means: the path in ``$SCORECARD_CONFIG``, else ``config/demo.yaml``.
    Assets take it as a parameter named ``scorecard_config``.

    Inside a run the resource holds the warehouse's run lock from the run's first step to
    its last (orchestration/lib/publication.py): a second run waits for it, and ``load()``
    hands assets the config with ``warehouse_path`` pointing at the working copy. Outside a
    run (sensors, schedules) ``load()`` is the configured file, the published warehouse.
    """

    config_path: str | None = None
    _in_run: bool = PrivateAttr(default=False)

    @contextmanager
    def yield_for_execution(
        self, context: dg.InitResourceContext
    ) -> Iterator[ScorecardConfigResource]:
        # No run (sensors, schedules), or a finished one: Dagster's JobExecutionResult
        # initialises the resources again after the run ends (`dagster job execute`), and
        # taking the lock then made a finished run wait for the next run to end.
        if context.run is None or context.run.is_finished:
            yield self
            return
        run_id = context.run.run_id
        config = load_config(self.config_path)
        log = context.log
        with hold_run_lock(
            config.warehouse_path,
            run_id,
            timeout_seconds=config.run_lock_timeout_seconds,
            logger=log,  # type: ignore[arg-type]
        ):
            ensure_working_copy(config.warehouse_path, log)  # type: ignore[arg-type]
            self._in_run = True
            try:
                yield self
            finally:
                self._in_run = False

    def load(self) -> ScorecardConfig:
        """Read and check the configuration file (read afresh on every call)."""
        config = load_config(self.config_path)
        return config.for_pipeline_run() if self._in_run else config
