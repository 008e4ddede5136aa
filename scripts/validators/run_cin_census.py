"""Run the sector's CIN census validator (csc-validator-be-cin) on one census XML file.

Run it with the validators' own interpreter, which has ``cin_validator`` and its pinned
numpy/pandas (``make validators``)::

    .venv-validators/bin/python scripts/validators/run_cin_census.py FILE.xml [--ruleset cin2025_26]

It reads the XML the way ``python -m cin_validator run`` does (``convert_data`` then
``process_data``), runs every rule of the rule set and prints one JSON object: the number of
children, the failing ERROR rules and QUERY rules (the validator's two rule types) with
their number of failing locations, return-level rules that failed, and rules that crashed
instead of checking. It prints counts and rule codes only,
never a child's identifier or a value. The rule set defaults to the collection year that
the file's ``Header/CollectionDetails/Year`` ends (Year 2026 -> ``cin2025_26``).

Exit status: 0 when no ERROR rule failed and no rule crashed, 1 otherwise, 2 when the file
cannot be read.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import re
import sys
import warnings
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

_RULE_CRASH = re.compile(r"^Error with rule (\S+): (\w+)", re.MULTILINE)


def ruleset_for(root: ET.Element) -> str:
    """The rule set for the census ``Year`` in the file's header (2026 -> cin2025_26)."""
    year_text = root.findtext("Header/CollectionDetails/Year")
    if not year_text or not year_text.strip().isdigit():
        raise ValueError("Header/CollectionDetails/Year is missing or not a year")
    end_year = int(year_text.strip())
    return f"cin{end_year - 1}_{end_year % 100:02d}"


def validate(path: Path, ruleset: str | None = None) -> dict[str, object]:
    """The aggregate result of running the CIN rule set on the XML file at ``path``."""
    from cin_validator import cin_validator

    root = ET.parse(path).getroot()
    chosen = ruleset or ruleset_for(root)
    registry = importlib.import_module(f"cin_validator.rules.{chosen}").registry
    data_files = cin_validator.process_data(cin_validator.convert_data(root))
    children = len(data_files["ChildIdentifiers"])

    # The validator prints a line for each rule that raises instead of checking; keep those
    # lines out of this script's JSON and report the rules as crashed.
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), warnings.catch_warnings():
        # the validator's pandas 1.x code raises FutureWarnings by the hundred
        warnings.simplefilter("ignore", FutureWarning)
        validator = cin_validator.CinValidator(data_files, registry)
    crashed = sorted({code for code, _ in _RULE_CRASH.findall(captured.getvalue())})

    rule_types = {str(rule.code): rule.rule_type.name for rule in registry.values()}
    child_level = Counter(str(code) for code in validator.full_issue_df["rule_code"])
    return_level = Counter(str(code) for code in validator.multichild_issues["rule_code"])
    failing = child_level + return_level
    # ERROR rules reject a return; QUERY rules ask the authority to check or explain.
    errors_by_rule = {code: n for code, n in sorted(failing.items()) if rule_types[code] != "QUERY"}
    queries_by_rule = {
        code: n for code, n in sorted(failing.items()) if rule_types[code] == "QUERY"
    }
    return {
        "file": path.name,
        "ruleset": chosen,
        "rules_run": len(registry),
        "children": children,
        "error_count": sum(errors_by_rule.values()),
        "errors_by_rule": errors_by_rule,
        "query_count": sum(queries_by_rule.values()),
        "queries_by_rule": queries_by_rule,
        "return_level_rules_failed": sorted(return_level),
        "rules_crashed": crashed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the CIN census XML file")
    parser.add_argument("--ruleset", help="rule set name, e.g. cin2025_26 (default: from Year)")
    args = parser.parse_args(argv)
    try:
        summary = validate(args.path, args.ruleset)
    except (OSError, ET.ParseError, ValueError) as error:
        print(json.dumps({"file": args.path.name, "error": str(error)}))
        return 2
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0 if summary["error_count"] == 0 and not summary["rules_crashed"] else 1


if __name__ == "__main__":
    sys.exit(main())
