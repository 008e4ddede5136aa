"""The CIN census XML for a collection year, written from the ``returns`` models.

The file follows the DfE CIN census schema (``CIN_schema_2026.xsd`` beside this module):
``Message/Header/(CollectionDetails, Source)/Children/Child`` with, per child,
``ChildIdentifiers``, ``ChildCharacteristics`` and one ``CINdetails`` per CIN episode open in
the year, each child element in the schema's sequence order. The rows come from the dbt
models in ``dbt_project/models/returns/cin_census`` (scope, codes and dates are decided
there); this module only lays them out.

The file carries child identifiers, so it is written with mode 0600 through a temporary
file and a rename, and nothing child-level is logged (decision 0009).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.config import ScorecardConfig
from orchestration.lib.returns.ssda903_files import CollectionYear

LOGGER = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).with_name("CIN_schema_2026.xsd")
RETURNS_FOLDER = "returns"
SOFTWARE_CODE = "csc-scorecard"
RELEASE = "1"
SERIAL_NO = "001"

# model -> the columns the writer reads, in the order the queries return them
MODEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "ret_cin_children": (
        "child_key",
        "la_child_id",
        "upn",
        "upn_unknown",
        "date_of_birth",
        "expected_date_of_birth",
        "sex",
        "death_date",
        "ethnicity",
    ),
    "ret_cin_disabilities": ("child_key", "disability"),
    "ret_cin_details": (
        "child_key",
        "cin_episode_key",
        "referral_date",
        "referral_source",
        "primary_need",
        "closure_date",
        "reason_for_closure",
        "date_of_initial_cpc",
        "is_referral_nfa",
    ),
    "ret_cin_assessments": (
        "cin_episode_key",
        "assessment_key",
        "assessment_start_date",
        "assessment_authorisation_date",
    ),
    "ret_cin_assessment_factors": ("assessment_key", "assessment_factor"),
    "ret_cin_plan_dates": ("cin_episode_key", "cin_plan_start_date", "cin_plan_end_date"),
    "ret_cin_section47": (
        "cin_episode_key",
        "s47_start_date",
        "initial_cpc_target_date",
        "date_of_initial_cpc",
        "is_icpc_not_required",
    ),
    "ret_cin_cp_plans": (
        "cin_episode_key",
        "cp_plan_key",
        "cp_plan_start_date",
        "cp_plan_end_date",
        "initial_category",
        "latest_category",
        "number_of_previous_cpp",
    ),
    "ret_cin_cp_reviews": ("cp_plan_key", "cp_review_date"),
}

# how each model's rows are ordered in the file (element order within a parent)
MODEL_ORDER: dict[str, str] = {
    "ret_cin_children": "la_child_id, child_key",
    "ret_cin_disabilities": "child_key, disability",
    "ret_cin_details": "child_key, referral_date, cin_episode_key",
    "ret_cin_assessments": "cin_episode_key, assessment_start_date, assessment_key",
    "ret_cin_assessment_factors": "assessment_key, assessment_factor",
    "ret_cin_plan_dates": "cin_episode_key, cin_plan_start_date",
    "ret_cin_section47": "cin_episode_key, s47_start_date",
    "ret_cin_cp_plans": "cin_episode_key, cp_plan_start_date, cp_plan_key",
    "ret_cin_cp_reviews": "cp_plan_key, cp_review_date",
}

# models a warehouse may lack when the authority records nothing of that kind
OPTIONAL_MODELS = frozenset({"ret_cin_disabilities", "ret_cin_assessment_factors"})

_LA_CODE = re.compile(r"\d{3}")


class CinCensusExportError(RuntimeError):
    """The warehouse cannot produce a CIN census for the year asked."""


class NoChildrenInNeedError(CinCensusExportError):
    """No child had a CIN episode open in the year (e.g. an authority loaded from 903 files)."""


@dataclass(frozen=True)
class CinCensusCounts:
    """Element counts of a written census (no child-level values)."""

    children: int
    cin_details: int
    assessments: int
    cin_plans: int
    section47: int
    cp_plans: int
    cp_reviews: int


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _add(parent: ET.Element, tag: str, value: object, required: bool = False) -> None:
    """Append ``<tag>value</tag>``; an empty optional value writes no element."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CinCensusExportError(f"CIN census: required element {tag} has no value")
        return
    ET.SubElement(parent, tag).text = _text(value)


def _read_model(
    connection: duckdb.DuckDBPyConnection, model: str, year: CollectionYear
) -> list[dict[str, object]]:
    columns = MODEL_COLUMNS[model]
    exists = connection.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'returns' and table_name = ?",
        [model],
    ).fetchone()
    if not exists or exists[0] == 0:
        if model in OPTIONAL_MODELS:
            return []
        raise CinCensusExportError(
            f"CIN census: table returns.{model} is missing from the warehouse "
            "(build the dbt models in models/returns/cin_census)"
        )
    rows = connection.execute(
        f"select {', '.join(columns)} from returns.{model} "
        f"where collection_year = ? order by {MODEL_ORDER[model]}",
        [year.label],
    ).fetchall()
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _group(rows: Iterable[dict[str, object]], key: str) -> dict[object, list[dict[str, object]]]:
    grouped: dict[object, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _header(message: ET.Element, year: CollectionYear, la_code: str, now: dt.datetime) -> None:
    header = ET.SubElement(message, "Header")
    details = ET.SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", year.census_year)
    _add(details, "ReferenceDate", year.end)
    source = ET.SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", la_code, required=True)
    _add(source, "SoftwareCode", SOFTWARE_CODE)
    _add(source, "Release", RELEASE)
    _add(source, "SerialNo", SERIAL_NO)
    _add(source, "DateTime", now.replace(microsecond=0).isoformat())


def build_cin_census(
    connection: duckdb.DuckDBPyConnection,
    year: CollectionYear,
    la_code: str,
    now: dt.datetime | None = None,
) -> tuple[ET.ElementTree, CinCensusCounts]:
    """The census document for ``year`` from the ``returns`` models on ``connection``."""
    if not _LA_CODE.fullmatch(la_code):
        raise CinCensusExportError(
            f"CIN census: la_code {la_code!r} is not a three-digit DfE LA number"
        )
    tables = {model: _read_model(connection, model, year) for model in MODEL_COLUMNS}
    children = tables["ret_cin_children"]
    if not children:
        raise NoChildrenInNeedError(
            f"CIN census: no child has a CIN episode open in collection year {year.label} "
            "(returns.ret_cin_children holds no row for it)"
        )
    disabilities = _group(tables["ret_cin_disabilities"], "child_key")
    details = _group(tables["ret_cin_details"], "child_key")
    assessments = _group(tables["ret_cin_assessments"], "cin_episode_key")
    factors = _group(tables["ret_cin_assessment_factors"], "assessment_key")
    plan_dates = _group(tables["ret_cin_plan_dates"], "cin_episode_key")
    section47 = _group(tables["ret_cin_section47"], "cin_episode_key")
    cp_plans = _group(tables["ret_cin_cp_plans"], "cin_episode_key")
    reviews = _group(tables["ret_cin_cp_reviews"], "cp_plan_key")
    tables_by_episode = (assessments, factors, plan_dates, section47, cp_plans, reviews)

    message = ET.Element("Message")
    _header(message, year, la_code, now or dt.datetime.now(dt.UTC).replace(tzinfo=None))
    children_element = ET.SubElement(message, "Children")
    for number, row in enumerate(children, start=1):
        episodes = details.get(row["child_key"], [])
        if not episodes:
            raise CinCensusExportError(
                f"CIN census {year.label}: child row {number} of returns.ret_cin_children "
                "has no CIN episode in returns.ret_cin_details"
            )
        try:
            _child(children_element, row, episodes, disabilities, tables_by_episode)
        except CinCensusExportError as error:
            raise CinCensusExportError(
                f"{error} (child row {number} of returns.ret_cin_children, "
                f"collection year {year.label})"
            ) from None

    counts = CinCensusCounts(
        children=len(children),
        cin_details=len(tables["ret_cin_details"]),
        assessments=len(tables["ret_cin_assessments"]),
        cin_plans=len(tables["ret_cin_plan_dates"]),
        section47=len(tables["ret_cin_section47"]),
        cp_plans=len(tables["ret_cin_cp_plans"]),
        cp_reviews=len(tables["ret_cin_cp_reviews"]),
    )
    return ET.ElementTree(message), counts


def _child(
    children_element: ET.Element,
    row: dict[str, object],
    episodes: list[dict[str, object]],
    disabilities: dict[object, list[dict[str, object]]],
    tables_by_episode: tuple[dict[object, list[dict[str, object]]], ...],
) -> None:
    child = ET.SubElement(children_element, "Child")
    identifiers = ET.SubElement(child, "ChildIdentifiers")
    _add(identifiers, "LAchildID", row["la_child_id"], required=True)
    _add(identifiers, "UPN", row["upn"])
    _add(identifiers, "UPNunknown", row["upn_unknown"])
    _add(identifiers, "PersonBirthDate", row["date_of_birth"])
    _add(identifiers, "ExpectedPersonBirthDate", row["expected_date_of_birth"])
    _add(identifiers, "Sex", row["sex"], required=True)
    _add(identifiers, "PersonDeathDate", row["death_date"])
    characteristics = ET.SubElement(child, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", row["ethnicity"], required=True)
    child_disabilities = disabilities.get(row["child_key"], [])
    if child_disabilities:
        disabilities_element = ET.SubElement(characteristics, "Disabilities")
        for disability in child_disabilities:
            _add(disabilities_element, "Disability", disability["disability"], required=True)
    for episode in episodes:
        _cin_details(child, episode, *tables_by_episode)


def _cin_details(
    child: ET.Element,
    episode: dict[str, object],
    assessments: dict[object, list[dict[str, object]]],
    factors: dict[object, list[dict[str, object]]],
    plan_dates: dict[object, list[dict[str, object]]],
    section47: dict[object, list[dict[str, object]]],
    cp_plans: dict[object, list[dict[str, object]]],
    reviews: dict[object, list[dict[str, object]]],
) -> None:
    key = episode["cin_episode_key"]
    element = ET.SubElement(child, "CINdetails")
    _add(element, "CINreferralDate", episode["referral_date"], required=True)
    _add(element, "ReferralSource", episode["referral_source"], required=True)
    _add(element, "PrimaryNeedCode", episode["primary_need"])
    _add(element, "CINclosureDate", episode["closure_date"])
    _add(element, "ReasonForClosure", episode["reason_for_closure"])
    _add(element, "DateOfInitialCPC", episode["date_of_initial_cpc"])
    for assessment in assessments.get(key, []):
        block = ET.SubElement(element, "Assessments")
        _add(block, "AssessmentActualStartDate", assessment["assessment_start_date"], True)
        _add(block, "AssessmentAuthorisationDate", assessment["assessment_authorisation_date"])
        assessment_factors = factors.get(assessment["assessment_key"], [])
        if assessment_factors:
            factor_block = ET.SubElement(block, "FactorsIdentifiedAtAssessment")
            for factor in assessment_factors:
                _add(factor_block, "AssessmentFactors", factor["assessment_factor"], True)
    for plan in plan_dates.get(key, []):
        block = ET.SubElement(element, "CINPlanDates")
        _add(block, "CINPlanStartDate", plan["cin_plan_start_date"], required=True)
        _add(block, "CINPlanEndDate", plan["cin_plan_end_date"])
    for enquiry in section47.get(key, []):
        block = ET.SubElement(element, "Section47")
        _add(block, "S47ActualStartDate", enquiry["s47_start_date"], required=True)
        _add(block, "InitialCPCtarget", enquiry["initial_cpc_target_date"])
        _add(block, "DateOfInitialCPC", enquiry["date_of_initial_cpc"])
        _add(block, "ICPCnotRequired", bool(enquiry["is_icpc_not_required"]), required=True)
    _add(element, "ReferralNFA", bool(episode["is_referral_nfa"]), required=True)
    for plan in cp_plans.get(key, []):
        block = ET.SubElement(element, "ChildProtectionPlans")
        _add(block, "CPPstartDate", plan["cp_plan_start_date"], required=True)
        _add(block, "CPPendDate", plan["cp_plan_end_date"])
        _add(block, "InitialCategoryOfAbuse", plan["initial_category"], required=True)
        _add(block, "LatestCategoryOfAbuse", plan["latest_category"], required=True)
        _add(block, "NumberOfPreviousCPP", plan["number_of_previous_cpp"], required=True)
        plan_reviews = reviews.get(plan["cp_plan_key"], [])
        if plan_reviews:
            review_block = ET.SubElement(block, "Reviews")
            for review in plan_reviews:
                _add(review_block, "CPPreviewDate", review["cp_review_date"], required=True)


@contextlib.contextmanager
def _private_temp_file(directory: Path, prefix: str) -> Iterator[Path]:
    """A temporary file in ``directory`` (mode 0600), removed unless renamed away."""
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    os.close(handle)
    temp_path = Path(name)
    try:
        temp_path.chmod(0o600)
        yield temp_path
    finally:
        temp_path.unlink(missing_ok=True)


def write_cin_census_file(
    warehouse: Path,
    year: CollectionYear,
    path: Path,
    la_code: str,
    now: dt.datetime | None = None,
) -> CinCensusCounts:
    """Write the CIN census XML for ``year`` to ``path``; return its element counts.

    Reads the ``returns`` models of ``warehouse`` read-only. The file appears whole or not
    at all (temporary file in the same folder, then a rename) and is readable by its owner
    only.
    """
    if not warehouse.is_file():
        raise CinCensusExportError(f"CIN census: warehouse {warehouse} does not exist")
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as connection:
        tree, counts = build_cin_census(connection, year, la_code, now)
    ET.indent(tree, space="  ")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _private_temp_file(path.parent, f".{path.name}.") as temp_path:
        with temp_path.open("wb") as stream:
            tree.write(stream, encoding="utf-8", xml_declaration=True)
            stream.flush()
            os.fsync(stream.fileno())
        temp_path.replace(path)
    path.chmod(0o600)
    LOGGER.info(
        "CIN census %s written: %d children, %d CIN episodes",
        year.label,
        counts.children,
        counts.cin_details,
    )
    return counts


def write_cin_census(warehouse: Path, year: CollectionYear, path: Path, la_code: str) -> int:
    """Write the CIN census XML for ``year`` to ``path``; return the number of Child elements."""
    return write_cin_census_file(warehouse, year, path, la_code).children


def cin_census_path(output_dir: Path, year: CollectionYear) -> Path:
    """Where the census for ``year`` goes: ``returns/<YYYY-YY>/cin_census_<Year>.xml``."""
    return output_dir / RETURNS_FOLDER / year.label / f"cin_census_{year.census_year}.xml"


def export_command(config: ScorecardConfig, year_text: str, out: Path | None) -> int:
    """``cli cin-census-export``: write ``year_text``'s census from the published warehouse.

    Prints the file's path; returns 2 (after logging why) when the year or the warehouse
    cannot give a census.
    """
    try:
        year = CollectionYear.parse(year_text)
        path = out or cin_census_path(config.output_dir, year)
        counts = write_cin_census_file(config.published_path, year, path, config.la_code)
    except (ValueError, CinCensusExportError, duckdb.Error) as error:
        LOGGER.error("cin-census-export: %s", error)
        return 2
    sys.stdout.write(f"{path}\n")
    LOGGER.info("%d children in the CIN census %s", counts.children, year.label)
    return 0
