"""Dagster resources shared by the code location."""

from __future__ import annotations

import dagster as dg

from orchestration.lib.config import ScorecardConfig, load_config

SCORECARD_CONFIG_RESOURCE_KEY = "scorecard_config"


class ScorecardConfigResource(dg.ConfigurableResource):
    """The pipeline's configuration file (see docs/architecture.md, "Configuration").

    ``config_path`` None means: the path in ``$SCORECARD_CONFIG``, else ``config/demo.yaml``.
    Assets take it as a parameter named ``scorecard_config``.
    """

    config_path: str | None = None

    def load(self) -> ScorecardConfig:
        """Read and check the configuration file (read afresh on every call)."""
        return load_config(self.config_path)
