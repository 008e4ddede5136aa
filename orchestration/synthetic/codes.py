"""Code lists and the weights the simulation draws them with.

Codes come from the DfE code sets (``dbt_project/seeds/reference/code_sets.csv``) and the
SSD category lists. What each source system writes instead of a code (Liquid Logic's
descriptions, CareFirst's health-check labels) is read from ``code_map.csv`` for the
system's configured name, so the extracts use exactly the mapped ``source_value`` text.
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

from orchestration.lib.config import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "dbt_project" / "seeds" / "reference"
CODE_MAP_CSV = REFERENCE_DIR / "code_map.csv"
CODE_SETS_CSV = REFERENCE_DIR / "code_sets.csv"

# Fields whose values a system may send as local text rather than DfE codes.
MAPPED_FIELDS = (
    "episode_start_reason",
    "episode_ceased_reason",
    "cp_category",
    "health_check_type",
)


@dataclass(frozen=True)
class Choice:
    """A categorical distribution: ``pick(u)`` maps a uniform draw to a value."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: dict[str, float]) -> Choice:
        total = sum(weights.values())
        cumulative = tuple(value / total for value in accumulate(weights.values()))
        return cls(tuple(weights), cumulative)

    def pick(self, uniform: float) -> str:
        index = bisect_right(self.cumulative, uniform)
        return self.values[min(index, len(self.values) - 1)]


@cache
def source_values(system: str) -> dict[str, dict[str, str]]:
    """``{field: {code: source_value}}`` a system sends instead of codes (code_map.csv);
    an empty mapping for a field means the system sends the DfE code itself."""
    mapping: dict[str, dict[str, str]] = {field: {} for field in MAPPED_FIELDS}
    with Path(CODE_MAP_CSV).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["source_system"] == system and row["code_field"] in mapping:
                mapping[row["code_field"]].setdefault(row["code"], row["source_value"])
    return mapping


@cache
def code_set(field: str) -> frozenset[str]:
    """Valid DfE codes of one field in code_sets.csv."""
    with Path(CODE_SETS_CSV).open(encoding="utf-8") as handle:
        return frozenset(
            row["code"] for row in csv.DictReader(handle) if row["code_field"] == field
        )


ETHNICITY = Choice.of(
    {
        "WBRI": 68.0, "WIRI": 0.3, "WOTH": 6.0, "WIRT": 0.1, "WROM": 0.4, "MWBC": 1.6,
        "MWBA": 1.0, "MWAS": 1.3, "MOTH": 2.2, "AIND": 2.6, "APKN": 4.0, "ABAN": 1.5,
        "AOTH": 1.6, "BCRB": 0.9, "BAFR": 3.8, "BOTH": 0.8, "CHNE": 0.4, "OOTH": 1.8,
        "REFU": 0.3, "NOBT": 1.0,
    }
)  # fmt: skip
ETHNICITY_UASC = Choice.of({"AOTH": 35.0, "BAFR": 30.0, "OOTH": 25.0, "WOTH": 5.0, "BOTH": 5.0})
NATIONALITY_UASC = Choice.of(
    {"Afghan": 30.0, "Eritrean": 20.0, "Sudanese": 18.0, "Iranian": 12.0, "Vietnamese": 6.0,
     "Albanian": 6.0, "Syrian": 4.0, "Iraqi": 4.0}
)  # fmt: skip

REFERRAL_SOURCE_TEXT: dict[str, str] = {
    "1A": "INDIVIDUAL - family member, relative or carer",
    "1B": "INDIVIDUAL - acquaintance (including neighbours and child minders)",
    "1C": "INDIVIDUAL - self",
    "1D": "INDIVIDUAL - other (including strangers or Members of Parliament (MPs))",
    "2A": "SCHOOLS",
    "2B": "EDUCATION SERVICES",
    "3A": "HEALTH SERVICES - general practitioner (GP)",
    "3B": "HEALTH SERVICES - health visitor",
    "3C": "HEALTH SERVICES - school nurse",
    "3D": "HEALTH SERVICES - other primary health services",
    "3E": "HEALTH SERVICES - A&E (accident and emergency department)",
    "3F": "HEALTH SERVICES - other (for example hospice)",
    "4": "HOUSING - local authority housing or housing association",
    "5A": "LA SERVICES - social care, for example adults social care services",
    "5B": "LA SERVICES - other internal services",
    "5C": "LA SERVICES - external, from another local authority's services",
    "5D": "LA SERVICES - early help",
    "6": "POLICE",
    "7": "OTHER LEGAL AGENCY - including courts, probation, immigration, CAFCASS or prison",
    "8": "OTHER - including children's centres, independent agency providers or voluntary "
    "organisations",
    "9": "ANONYMOUS",
    "10": "UNKNOWN",
}
REFERRAL_SOURCE = Choice.of(
    {"1A": 5.0, "1B": 1.0, "1C": 1.0, "1D": 1.0, "2A": 20.0, "2B": 2.0, "3A": 3.0, "3B": 2.0,
     "3C": 1.0, "3D": 4.0, "3E": 3.0, "3F": 2.0, "4": 2.0, "5A": 3.0, "5B": 2.0, "5C": 3.0,
     "5D": 4.0, "6": 29.0, "7": 3.0, "8": 4.0, "9": 1.0, "10": 2.0}
)  # fmt: skip
PRIMARY_NEED = Choice.of(
    {"N1": 56.0, "N2": 8.0, "N3": 4.0, "N4": 10.0, "N5": 14.0, "N6": 2.0, "N7": 1.0, "N8": 5.0}
)
CP_CATEGORY = Choice.of({"NEG": 50.0, "EMO": 36.0, "PHY": 7.0, "SAB": 4.0, "MUL": 3.0})

CONTACT_OUTCOMES = Choice.of(
    {"No Further Action": 40.0, "Information and Advice": 35.0, "EH Referral": 25.0}
)
ASSESSMENT_NFA_OUTCOMES = Choice.of({"No Further Action": 70.0, "Step-down to Early Help": 30.0})

# for children aged 4 or over: PN0 is "child under 4" (903 rule 440)
REVIEW_PARTICIPATION = Choice.of(
    {"PN1": 61.0, "PN2": 8.0, "PN3": 8.0, "PN4": 6.0, "PN5": 8.0, "PN6": 5.0, "PN7": 4.0}
)  # fmt: skip
CP_REVIEW_PARTICIPATION = Choice.of(
    {"Attended": 40.0, "Views conveyed": 35.0, "Did not attend": 10.0, "Too young": 15.0}
)

PLACEMENT_CHANGE_REASON = Choice.of(
    {"CARPL": 38.0, "CREQB": 14.0, "CREQO": 10.0, "CHILD": 6.0, "LAREQ": 8.0, "STAND": 4.0,
     "ALLEG": 3.0, "CLOSE": 4.0, "APPRR": 2.0, "OTHER": 11.0}
)  # fmt: skip
WORKER_CHANGE_REASON = Choice.of(
    {"MANAGE": 20.0, "ORGRST": 15.0, "ABSENC": 10.0, "CHCHAN": 15.0, "PCCHAN": 5.0,
     "FCONTA": 5.0, "OTHERS": 30.0}
)  # fmt: skip

# Care leavers (SSDA903 OC3 codes); suitability is a separate Y/N flag.
CARE_LEAVER_IN_TOUCH = Choice.of({"YES": 94.0, "NO": 3.0, "REFU": 1.2, "NREQ": 1.2, "RHOM": 0.6})
CARE_LEAVER_ACCOMMODATION = Choice.of(
    {"U": 34.0, "B": 14.0, "Z": 11.0, "D": 12.0, "E": 6.0, "K": 4.0, "T": 2.0, "C": 2.0,
     "Y": 4.0, "S": 1.5, "V": 1.2, "W": 0.8, "X": 2.0, "G": 0.5}
)  # fmt: skip
UNSUITABLE_ACCOMMODATION = frozenset({"S", "V", "W", "X"})
ACTIVITY_EET = Choice.of(
    {"F1": 10.0, "P1": 2.0, "F2": 35.0, "P2": 6.0, "F4": 30.0, "P4": 12.0, "F5": 4.0, "P5": 1.0}
)
ACTIVITY_NEET = Choice.of({"G4": 22.0, "G5": 66.0, "G6": 12.0})
EET_ACTIVITIES = frozenset(ACTIVITY_EET.values)

CLA_VISIT_TEAM = "Children in Care Team"
TEAMS: dict[str, float] = {
    # team -> expected open allocations per 10,000 children (sets the workforce size)
    "Assessment Team": 70.0,
    "Children in Need Team": 120.0,
    "Child Protection Team": 42.0,
    CLA_VISIT_TEAM: 70.0,
    "Disabled Children Team": 25.0,
}
LEAVING_CARE_TEAM = "Leaving Care Team"
SHORT_BREAK_PLACEMENTS = Choice.of({"K2": 60.0, "U6": 30.0, "U3": 10.0})


def ll_or_code(mapping: dict[str, str], code: str) -> str:
    """The text a system writes for a code: its mapped source value, else the code."""
    return mapping.get(code, code)
