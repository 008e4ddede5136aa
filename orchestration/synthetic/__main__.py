"""Command line: ``python -m orchestration.synthetic --config config/demo.yaml``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from orchestration.lib.config import ConfigError, load_config
from orchestration.synthetic.generator import LandingError, generate
from orchestration.synthetic.settings import (
    DEFECT_KINDS,
    GeneratorSettings,
    SettingsError,
    parse_defect_overrides,
)

log = logging.getLogger("orchestration.synthetic")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.synthetic",
        description="Generate a synthetic local authority: SSD extracts of a legacy and a "
        "successor case-management system, its population and the ground truth.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="pipeline YAML (default: $SCORECARD_CONFIG, else config/demo.yaml)",
    )
    parser.add_argument("--population", type=int, help="children aged 0-17 (default: config)")
    parser.add_argument("--seed", type=int, help="random seed (default: config)")
    parser.add_argument("--landing", type=Path, help="output folder (default: landing_dir)")
    parser.add_argument(
        "--defect",
        action="append",
        default=[],
        metavar="KIND=RATE",
        help="set a defect rate (repeatable; KIND 'all' sets every kind): "
        + ", ".join(DEFECT_KINDS),
    )
    parser.add_argument(
        "--clean", action="store_true", help="ignore the config's defects (faithful migration)"
    )
    parser.add_argument("--chunk-size", type=int, help="children simulated per chunk")
    parser.add_argument(
        "--workers",
        type=int,
        help="processes simulating chunks (default: up to 2); the output does not depend on it",
    )
    parser.add_argument("--log-level", default="INFO", help="logging level (default INFO)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        config = load_config(args.config)
        settings = GeneratorSettings.from_config(config).with_overrides(
            population=args.population,
            seed=args.seed,
            defects=parse_defect_overrides(args.defect),
            clean=args.clean,
            chunk_size=args.chunk_size,
        )
        generate(settings, args.landing or config.landing_dir, workers=args.workers)
    except (ConfigError, SettingsError, LandingError) as exc:
        log.error("%s", exc)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
