"""Data-quality checks: Great Expectations suites run as Dagster asset checks.

``quality_checks`` is what the root Definitions include (with the ``scorecard_config``
resource, ``orchestration.defs.resources.ScorecardConfigResource``).
"""

from orchestration.defs.quality.alerts import build_alert_sensors
from orchestration.defs.quality.checks import build_quality_checks

quality_checks = build_quality_checks()
quality_sensors = build_alert_sensors()

__all__ = ["quality_checks", "quality_sensors"]
