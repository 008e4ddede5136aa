"""The extract contract: which SSD tables the pipeline reads, and their columns and types.

Column definitions come from the SSD field list (``contract/ssd_fields.csv``, copied from
the Data to Insight SSD spec). Which tables are required or optional comes from the
contract README. ``ssd_cla_pep`` is ours (SSD has no PEP table yet) and is declared here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIELDS_CSV = Path(__file__).with_name("contract") / "ssd_fields.csv"

REQUIRED_TABLES: tuple[str, ...] = (
    "ssd_person",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_legal_status",
    "ssd_cla_visits",
    "ssd_cla_health",
    "ssd_cla_reviews",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cp_plans",
    "ssd_cp_visits",
    "ssd_cp_reviews",
    "ssd_cin_visits",
    "ssd_care_leavers",
    "ssd_permanence",
    "ssd_missing",
    "ssd_sdq_scores",
    "ssd_immigration_status",
    "ssd_professionals",
    "ssd_involvements",
)

OPTIONAL_TABLES: tuple[str, ...] = (
    "ssd_linked_identifiers",
    "ssd_contacts",
    "ssd_cin_plans",
    "ssd_cla_care_plan",
    "ssd_cla_immunisations",
    "ssd_cla_previous_permanence",
    "ssd_cla_pep",
    # Children's home addresses: the 903 HOME_POST (postcode before entering care).
    "ssd_address",
)

# SSD has no PEP table yet; the contract defines this one in SSD style.
_EXTRA_FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("ssd_cla_pep", "pep_table_id", "nvarchar", True),
    ("ssd_cla_pep", "pep_person_id", "nvarchar", False),
    ("ssd_cla_pep", "pep_review_date", "datetime", False),
)

# Logical types used by validation at the door, mapped from the SSD SQL Server types.
_LOGICAL_TYPES = {
    "nvarchar": "text",
    "nchar": "text",
    "varchar": "text",
    "binary": "text",
    "datetime": "date",
    "int": "integer",
    "bit": "flag",
    "float": "number",
}


@dataclass(frozen=True)
class Column:
    """One contract column: its SSD name, SSD type and the logical type we validate."""

    name: str
    ssd_type: str
    logical_type: str
    is_primary_key: bool


@dataclass(frozen=True)
class TableContract:
    """One SSD table the pipeline ingests."""

    name: str
    columns: tuple[Column, ...]
    required: bool

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def primary_key(self) -> str | None:
        keys = [column.name for column in self.columns if column.is_primary_key]
        return keys[0] if keys else None

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.name == name), None)


def _logical_type(ssd_type: str) -> str:
    return _LOGICAL_TYPES.get(ssd_type.strip().lower(), "text")


@cache
def table_contracts() -> dict[str, TableContract]:
    """Every table the pipeline ingests, keyed by SSD table name, required ones first."""
    rows: dict[str, list[Column]] = {}
    with FIELDS_CSV.open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            rows.setdefault(record["table"], []).append(
                Column(
                    name=record["field"].strip().lower(),
                    ssd_type=record["type"].strip().lower(),
                    logical_type=_logical_type(record["type"]),
                    is_primary_key=record["primary_key"].strip() == "True",
                )
            )
    for table, name, ssd_type, is_key in _EXTRA_FIELDS:
        rows.setdefault(table, []).append(Column(name, ssd_type, _logical_type(ssd_type), is_key))
    contracts = {}
    for table in REQUIRED_TABLES + OPTIONAL_TABLES:
        if table not in rows:
            raise KeyError(f"{FIELDS_CSV}: no columns listed for contract table {table}")
        contracts[table] = TableContract(table, tuple(rows[table]), table in REQUIRED_TABLES)
    return contracts


def table_contract(name: str) -> TableContract:
    return table_contracts()[name]
