"""The synthetic local authority: a seeded simulation of children's social care with a
case-management system changeover, its SSD extracts, changeover defects and ground truth.

Use ``generate(GeneratorSettings.from_config(load_config()), landing_dir)`` or
``python -m orchestration.synthetic --config config/demo.yaml``.
"""

from orchestration.synthetic.generator import generate
from orchestration.synthetic.settings import (
    DEFECT_KINDS,
    GenerationSummary,
    GeneratorSettings,
    parse_defect_overrides,
)

__all__ = [
    "DEFECT_KINDS",
    "GenerationSummary",
    "GeneratorSettings",
    "generate",
    "parse_defect_overrides",
]
