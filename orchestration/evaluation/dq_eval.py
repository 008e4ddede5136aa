"""How well the migration-gap models find the defects the generator injected (``make dq-eval``).

For every defect kind the generator builds an authority with that kind alone, then one
with all the kinds together and one clean (a faithful migration), runs the whole pipeline
on each (``authority_runs.build_authority``) and compares the warehouse's findings
(``intermediate.int_dq_finding_records``, ``marts.dq_findings``) with the generator's
truth (``landing/_truth/defects.csv``). Units (docs/decisions/0007-migration-gap-findings.md):
the child, reached from either system's person id, for every kind except
``recording_cliff``, whose unit is the table. Recall = truth units found / truth units;
precision = found units in the truth / found units.

Rates (``EVALUATION_RATES``): 0.05 touches about one eligible child or record in twenty,
enough for every kind to hit some children of a 5,000-child authority (rarer kinds such as
children open at cutover still give dozens) while staying small enough that the defects
rarely overlap on one child, so a finding can be traced to its kind. ``recording_cliff``
drops each visit, review or health check in the first months after go-live with its rate,
and its unit is the table: at 0.05 a cliff is a 5% dip, within the month-to-month noise a
model must tolerate to stay silent on a clean migration, so it is evaluated at 0.5, the
kind of cliff an analyst needs to hear about.

The command exits non-zero when any single-kind scenario misses a truth unit of its kind
(recall below 100%) or the clean scenario has any finding. Precision is reported, not
enforced: a defect of one kind can honestly show as another (a child whose history was
truncated may also look split).
"""

from __future__ import annotations

import argparse
import csv
import logging
import multiprocessing
import re
import shutil
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Evaluation code may lean on the generator's internals: it knows how ids were made.
from orchestration.synthetic.defects import DUPLICATE_OFFSET, SPLIT_OFFSET
from orchestration.synthetic.extracts import _SCRAMBLE_MODULUS, _SCRAMBLE_MULTIPLIER
from orchestration.synthetic.settings import DEFECT_KINDS

log = logging.getLogger(__name__)

DEFAULT_POPULATION = 5_000
DEFAULT_WORKDIR = Path("var/dq_eval")
REPORT_NAME = "dq_eval.md"
FAILED_CHECKS_NAME = "failed_checks.txt"
CLEAN_SCENARIO = "clean"
ALL_KINDS_SCENARIO = "all_kinds"
TABLE_UNIT_KINDS = frozenset({"recording_cliff"})
EVALUATION_RATES: dict[str, float] = {
    kind: (0.5 if kind == "recording_cliff" else 0.05) for kind in DEFECT_KINDS
}
FINDING_RECORDS_TABLE = "intermediate.int_dq_finding_records"
FINDINGS_TABLE = "marts.dq_findings"

# SystemView.rid: successor id = prefix + f"{(key * multiplier + 7_777) % modulus:011d}".
_SCRAMBLE_INCREMENT = 7_777
_SCRAMBLE_INVERSE = pow(_SCRAMBLE_MULTIPLIER, -1, _SCRAMBLE_MODULUS)
_SUCCESSOR_ID = re.compile(r"[A-Za-z]+(\d{11})")

Unit = int | str


def simulation_person_key(person_id: str) -> int:
    """The simulation's person key behind a person id of either system.

    The id's form tells the systems apart: the legacy system's ids are the key as digits,
    the successor's a letter prefix and the scrambled key (``SystemView.rid``), inverted
    here with the multiplier's inverse modulo 10**11. A duplicate person the successor
    invented (key + ``DUPLICATE_OFFSET``) maps back to the child it duplicates; test
    records (keys from ``TEST_OFFSET``) are their own units and keep their key.
    """
    text = person_id.strip()
    if text.isdigit():
        key = int(text)
    else:
        match = _SUCCESSOR_ID.fullmatch(text)
        if match is None:
            raise ValueError(f"not a generated person id: {person_id!r}")
        scrambled = int(match.group(1))
        key = ((scrambled - _SCRAMBLE_INCREMENT) * _SCRAMBLE_INVERSE) % _SCRAMBLE_MODULUS
    if DUPLICATE_OFFSET <= key < SPLIT_OFFSET:
        key -= DUPLICATE_OFFSET
    return key


@dataclass(frozen=True)
class Scenario:
    """One generated authority: a name and the defect rates it is generated with."""

    name: str
    defects: Mapping[str, float]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind in DEFECT_KINDS if self.defects.get(kind, 0.0) > 0)


@dataclass(frozen=True)
class KindScore:
    """Truth against findings for one defect kind in one scenario."""

    scenario: str
    kind: str
    truth_units: int
    found_units: int
    true_positives: int

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.truth_units if self.truth_units else None

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.found_units if self.found_units else None


@dataclass(frozen=True)
class ScenarioResult:
    """Everything the evaluation learnt from one scenario's warehouse and truth."""

    scenario: Scenario
    pipeline_succeeded: bool
    scores: tuple[KindScore, ...]
    error_findings: int
    warn_findings: int
    # asset checks (dbt tests, GX suites) that did not pass in the scenario's run
    failed_checks: tuple[str, ...] = ()

    @property
    def findings(self) -> int:
        return self.error_findings + self.warn_findings


def scenarios(kinds: Sequence[str]) -> list[Scenario]:
    """Each kind alone, the kinds together, and the clean migration."""
    singles = [Scenario(kind, {kind: EVALUATION_RATES[kind]}) for kind in kinds]
    together = Scenario(ALL_KINDS_SCENARIO, {kind: EVALUATION_RATES[kind] for kind in kinds})
    return [*singles, together, Scenario(CLEAN_SCENARIO, {})]


def unit_of(kind: str, table_name: str | None, person_id: str | None) -> Unit | None:
    """A truth or finding row's unit: its table for table-unit kinds, else its child.

    None when the row names no child (an SSD table without a person column, such as
    ``ssd_cla_reviews``): such rows cannot be counted per child. An id the generator cannot
    have made stays a unit of its own (``unmapped:<id>``), with a warning.
    """
    if kind in TABLE_UNIT_KINDS:
        return table_name or None
    if person_id is None or not str(person_id).strip():
        return None
    try:
        return simulation_person_key(str(person_id))
    except ValueError:
        # Counted, so it shows as a miss or a false positive, rather than stop the evaluation.
        log.warning("%s: person id %r is not a generated id", kind, person_id)
        return f"unmapped:{person_id}"


def units_by_kind(rows: Iterable[Mapping[str, str | None]]) -> dict[str, set[Unit]]:
    """Group truth or finding rows (``defect_kind``, ``table_name``, ``person_id``) into units."""
    units: dict[str, set[Unit]] = {}
    for row in rows:
        kind = str(row["defect_kind"])
        unit = unit_of(kind, row.get("table_name"), row.get("person_id"))
        bucket = units.setdefault(kind, set())
        if unit is not None:
            bucket.add(unit)
    return units


def score(scenario: str, kind: str, truth: set[Unit], found: set[Unit]) -> KindScore:
    """Recall and precision counts for one kind."""
    return KindScore(
        scenario=scenario,
        kind=kind,
        truth_units=len(truth),
        found_units=len(found),
        true_positives=len(truth & found),
    )


def score_scenario(
    scenario: Scenario,
    truth_rows: Iterable[Mapping[str, str | None]],
    finding_rows: Iterable[Mapping[str, str | None]],
) -> list[KindScore]:
    """One score per kind injected in the scenario or found in its warehouse."""
    truth = units_by_kind(truth_rows)
    found = units_by_kind(finding_rows)
    kinds = set(scenario.kinds) | {kind for kind, units in found.items() if units}
    ordered = [kind for kind in DEFECT_KINDS if kind in kinds]
    ordered += sorted(kinds - set(DEFECT_KINDS))
    return [
        score(scenario.name, kind, truth.get(kind, set()), found.get(kind, set()))
        for kind in ordered
    ]


def read_truth(path: Path) -> list[dict[str, str | None]]:
    """The generator's ``defects.csv`` (no file: no defects); empty cells as None."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {name: (value if value != "" else None) for name, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def read_warehouse(path: Path) -> tuple[list[dict[str, str | None]], dict[str, int]]:
    """Finding records and the findings' count per severity, read without a write lock."""
    with closing(duckdb.connect(str(path), read_only=True)) as connection:
        records = [
            {"defect_kind": kind, "source_system": system, "table_name": table, "person_id": pid}
            for kind, system, table, pid in connection.execute(
                "select defect_kind, source_system, table_name, cast(person_id as varchar) "
                f"from {FINDING_RECORDS_TABLE}"
            ).fetchall()
        ]
        severities = dict(
            connection.execute(
                f"select severity, count(*) from {FINDINGS_TABLE} group by severity"
            ).fetchall()
        )
    return records, {str(name): int(count) for name, count in severities.items()}


def evaluate_folder(scenario: Scenario, folder: Path, pipeline_succeeded: bool) -> ScenarioResult:
    """Score one scenario from its folder (``landing/_truth/defects.csv``, the warehouse)."""
    truth = read_truth(folder / "landing" / "_truth" / "defects.csv")
    records, severities = read_warehouse(folder / "warehouse.duckdb")
    failed_checks_file = folder / FAILED_CHECKS_NAME
    failed_checks = (
        tuple(line for line in failed_checks_file.read_text(encoding="utf-8").splitlines() if line)
        if failed_checks_file.exists()
        else ()
    )
    return ScenarioResult(
        scenario=scenario,
        pipeline_succeeded=pipeline_succeeded,
        scores=tuple(score_scenario(scenario, truth, records)),
        error_findings=severities.get("ERROR", 0),
        warn_findings=severities.get("WARN", 0),
        failed_checks=failed_checks,
    )


def failures(results: Iterable[ScenarioResult]) -> list[str]:
    """Why the evaluation fails: a single-kind recall below 100%, or a clean finding or
    failed check."""
    reasons = []
    for result in results:
        name = result.scenario.name
        if name == CLEAN_SCENARIO:
            if result.findings:
                reasons.append(
                    f"clean scenario has {result.findings} finding(s) "
                    f"({result.error_findings} ERROR, {result.warn_findings} WARN)"
                )
            if result.failed_checks:
                reasons.append(
                    f"clean scenario: {len(result.failed_checks)} check(s) not passed: "
                    + ", ".join(result.failed_checks)
                )
            continue
        if name == ALL_KINDS_SCENARIO:
            continue
        for kind_score in result.scores:
            if kind_score.kind != name:
                continue
            if kind_score.truth_units == 0:
                reasons.append(f"{name}: the generator injected no unit of this kind")
            elif kind_score.true_positives < kind_score.truth_units:
                reasons.append(
                    f"{name}: recall {kind_score.true_positives}/{kind_score.truth_units}"
                )
    return reasons


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def render_markdown(results: Sequence[ScenarioResult]) -> str:
    """The evaluation as markdown: per (scenario, kind) scores, then findings per scenario."""
    lines = [
        "# Migration-gap evaluation",
        "",
        "| scenario | kind | truth units | found units | true positives | recall | precision |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for kind_score in result.scores:
            lines.append(
                f"| {result.scenario.name} | {kind_score.kind} | {kind_score.truth_units} | "
                f"{kind_score.found_units} | {kind_score.true_positives} | "
                f"{_percent(kind_score.recall)} | {_percent(kind_score.precision)} |"
            )
        if not result.scores:
            lines.append(f"| {result.scenario.name} | (none) | 0 | 0 | 0 | n/a | n/a |")
    lines += [
        "",
        "| scenario | pipeline | findings | ERROR | WARN | checks not passed |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        status = "succeeded" if result.pipeline_succeeded else "failed"
        lines.append(
            f"| {result.scenario.name} | {status} | {result.findings} | "
            f"{result.error_findings} | {result.warn_findings} | {len(result.failed_checks)} |"
        )
    clean = [result for result in results if result.scenario.name == CLEAN_SCENARIO]
    if clean:
        lines += [
            "",
            f"Clean scenario: {clean[0].findings} finding(s) in `{FINDINGS_TABLE}` "
            f"({clean[0].error_findings} ERROR, {clean[0].warn_findings} WARN); "
            f"{len(clean[0].failed_checks)} asset check(s) not passed.",
        ]
    return "\n".join(lines) + "\n"


def _run_scenario(folder: str, population: int, defects: dict[str, float]) -> bool:
    """Worker: build one authority in a fresh process (the pipeline sets process env)."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from orchestration.evaluation.authority_runs import build_authority

    run = build_authority(Path(folder), population=population, defects=defects)
    # Kept beside the warehouse so --evaluate-only re-reads it.
    (Path(folder) / FAILED_CHECKS_NAME).write_text(
        "".join(f"{check}\n" for check in run.failed_checks), encoding="utf-8"
    )
    return run.success


def run_scenarios(
    items: Sequence[Scenario], workdir: Path, *, population: int, jobs: int
) -> dict[str, bool]:
    """Generate and run every scenario in ``workdir/<name>``, at most ``jobs`` at a time."""
    for scenario in items:
        folder = workdir / scenario.name
        if folder.exists():
            # A stale warehouse would skip extracts it believes already ingested.
            shutil.rmtree(folder)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=max(1, jobs), mp_context=context, max_tasks_per_child=1
    ) as pool:
        futures = {
            scenario.name: pool.submit(
                _run_scenario, str(workdir / scenario.name), population, dict(scenario.defects)
            )
            for scenario in items
        }
        outcomes = {}
        for name, future in futures.items():
            outcomes[name] = future.result()
            log.info("scenario %s: pipeline %s", name, "ok" if outcomes[name] else "failed")
    return outcomes


def main(argv: list[str] | None = None) -> int:
    """``python -m orchestration.evaluation.dq_eval [--population N] [--kinds ...] ...``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--population", type=int, default=DEFAULT_POPULATION)
    parser.add_argument(
        "--kinds", nargs="+", choices=DEFECT_KINDS, default=list(DEFECT_KINDS), metavar="KIND"
    )
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--jobs", type=int, default=2, help="pipeline runs at once")
    parser.add_argument(
        "--evaluate-only",
        action="store_true",
        help="score the folders already in --workdir without generating or running again",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    workdir = args.workdir.resolve()
    kinds = [kind for kind in DEFECT_KINDS if kind in set(args.kinds)]
    items = scenarios(kinds)
    if args.evaluate_only:
        outcomes = {scenario.name: True for scenario in items}
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        outcomes = run_scenarios(items, workdir, population=args.population, jobs=args.jobs)
    results = [
        evaluate_folder(scenario, workdir / scenario.name, outcomes[scenario.name])
        for scenario in items
    ]
    report = render_markdown(results)
    (workdir / REPORT_NAME).write_text(report, encoding="utf-8")
    print(report)
    reasons = failures(results)
    for reason in reasons:
        log.error("dq-eval: %s", reason)
    log.info("wrote %s", workdir / REPORT_NAME)
    return 1 if reasons else 0


if __name__ == "__main__":
    raise SystemExit(main())
