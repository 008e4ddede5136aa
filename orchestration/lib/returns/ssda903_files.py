"""The SSDA903 CSV set: file names, columns and formats, shared by the export and the ingest.

Column lists follow the DfE specification as the sector's validator reads it
(csc-validator-be-903, ``lac_validator/config.py``). Dates are written ``dd/mm/YYYY``.
A collection year ``2025-26`` runs from 1 April 2025 to 31 March 2026.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DATE_FORMAT = "%d/%m/%Y"

# file stem -> columns, in the order the DfE specification lists them
FILES: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "oc2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "placed_for_adoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
    "previous_permanence": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
}


@dataclass(frozen=True)
class CollectionYear:
    """A DfE collection year, 1 April to 31 March, written ``2025-26``."""

    start_year: int

    @classmethod
    def parse(cls, text: str) -> CollectionYear:
        try:
            first, second = text.split("-")
            start = int(first)
            if len(first) != 4 or len(second) != 2 or int(second) != (start + 1) % 100:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"collection year {text!r}: expected YYYY-YY, for example 2025-26"
            ) from None
        return cls(start)

    @classmethod
    def latest_complete(cls, as_of: dt.date) -> CollectionYear:
        """The last collection year that ended on or before ``as_of``."""
        end_year = as_of.year if as_of >= dt.date(as_of.year, 3, 31) else as_of.year - 1
        return cls(end_year - 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def validator_ruleset(self) -> str:
        """The csc-validator-be-903 rule set name, e.g. ``lac2025_26``."""
        return f"lac{self.start_year}_{(self.start_year + 1) % 100:02d}"

    @property
    def census_year(self) -> int:
        """The CIN census ``Year``: the calendar year the collection ends in."""
        return self.start_year + 1
