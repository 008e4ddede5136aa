"""Run the DfE SSDA903 validator (csc-validator-be-903) on one exported collection year.

Run with the validators' own interpreter (``make validators`` creates it):

    .venv-validators/bin/python scripts/validators/run_ssda903.py \
        --year 2025-26 --folder var/output/returns/2025-26/ssda903 \
        [--previous-folder var/output/returns/2024-25/ssda903] [--local-authority E06000056]

It reads the ten CSV files the way the validator's own ``run`` command does
(``lac_validator.utils.process_uploaded_files`` and ``LacValidator``), as "This year";
the previous year's set, when given, is read as "Prev year" (the ``*_last`` tables), so
the continuity rules (502, 503A-J, 1010, 202-208, ...) run too. The rule set is the
year's own (``lac2025_26`` for 2025-26).

It prints one JSON object to stdout, aggregate only: per failing rule its code, message,
and the number of failing rows per table; plus the rules that could not run. No child
identifiers or values are printed. The exit code is 0 when no rule failed and none
crashed, 1 otherwise, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import re
import sys
from pathlib import Path

FILE_STEMS = (
    "header",
    "episodes",
    "reviews",
    "uasc",
    "oc2",
    "oc3",
    "ad1",
    "placed_for_adoption",
    "previous_permanence",
    "missing",
)
YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
# The ONS code of the returning LA. It cannot be derived from the config's DfE LA number:
# the validator's qlacref_authorities lists ONS codes and names only (LTLA21CD, UTLA21CD),
# no DfE numbers. The default is the LA whose real postcodes the synthetic authority (823)
# lives in, Central Bedfordshire (orchestration/synthetic/reference/postcodes.csv, home
# units); pass --local-authority for any other authority.
DEFAULT_LOCAL_AUTHORITY = "E06000056"


def _parse_year(text: str) -> int:
    match = YEAR_PATTERN.match(text)
    if not match or int(match.group(2)) != (int(match.group(1)) + 1) % 100:
        raise argparse.ArgumentTypeError(f"collection year {text!r}: expected YYYY-YY")
    return int(match.group(1))


def _uploaded_files(folder: Path, description: str) -> list[dict[str, object]]:
    files = []
    for stem in FILE_STEMS:
        path = folder / f"{stem}.csv"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing 903 file {stem}.csv")
        files.append(
            {"name": str(path), "file_content": path.read_bytes(), "description": description}
        )
    return files


def validate(
    folder: Path,
    start_year: int,
    previous_folder: Path | None,
    local_authority: str,
    rules: list[str] | None = None,
) -> dict[str, object]:
    """Validate one year's 903 set (every rule, or only ``rules``); return the summary.

    The validator hands all rules one shared copy of the tables, and some rules change it
    in place (rule 365 fills blank end dates with 31 March), so a later rule can fail on
    data the file does not hold. ``rules`` runs the named rules alone on fresh tables.
    """
    from lac_validator import lac_validator

    ruleset = f"lac{start_year}_{(start_year + 1) % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = _uploaded_files(folder, "This year")
    if previous_folder is not None:
        files += _uploaded_files(previous_folder, "Prev year")
    metadata = {"collectionYear": str(start_year + 1), "localAuthority": local_authority}
    # Some rules print to stdout; keep stdout for the summary alone.
    with contextlib.redirect_stdout(sys.stderr):
        validator = lac_validator.LacValidator(
            metadata=metadata, files=files, registry=registry, selected_rules=rules
        )
    failing: dict[str, dict[str, int]] = {}
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in frame.columns:
            if not str(column).startswith("ERR_"):
                continue
            count = int(frame[column].fillna(False).astype(bool).sum())
            if count:
                failing.setdefault(str(column)[4:], {})[table] = count
    errors = [
        {
            "code": code,
            "message": registry[code].message if code in registry else "",
            "rows": sum(tables.values()),
            "tables": tables,
        }
        for code, tables in sorted(failing.items())
    ]
    return {
        "ruleset": ruleset,
        "with_previous_year": previous_folder is not None,
        "rules_run": len(validator.dones),
        "rules_skipped": sorted(validator.skips),
        "rules_crashed": sorted(validator.fails),
        "error_rows": sum(error["rows"] for error in errors),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", required=True, type=_parse_year, help="e.g. 2025-26")
    parser.add_argument("--folder", required=True, type=Path, help="the year's 903 CSV folder")
    parser.add_argument("--previous-folder", type=Path, default=None)
    parser.add_argument("--local-authority", default=DEFAULT_LOCAL_AUTHORITY)
    parser.add_argument(
        "--rules", default=None, help="comma-separated rule codes to run alone (default: all)"
    )
    args = parser.parse_args(argv)
    # The validator logs every rule (and, on failure, row values) at INFO: keep it quiet.
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger().setLevel(logging.ERROR)
    try:
        rules = args.rules.split(",") if args.rules else None
        summary = validate(
            args.folder, args.year, args.previous_folder, args.local_authority, rules
        )
    except FileNotFoundError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0 if not summary["errors"] and not summary["rules_crashed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
