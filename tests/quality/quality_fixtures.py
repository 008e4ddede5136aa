"""Rows and a builder for a tiny raw warehouse (person + CLA episodes, two systems).

The fixture's names, person ids and dates of birth are distinctive strings so that a test
can search the whole Data Docs folder for them and be sure none leaked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.lib.contract import table_contract

CAREFIRST_EXTRACT = "2021-06-30"
CAREFIRST_OLD_EXTRACT = "2020-03-31"
LIQUID_LOGIC_EXTRACT = "2026-10-31"
SYSTEMS = ("carefirst", "liquid_logic")

LINEAGE_COLUMNS = {
    "_source_system": "VARCHAR",
    "_extract_date": "DATE",
    "_file_name": "VARCHAR",
    "_file_sha256": "VARCHAR",
    "_row_number": "BIGINT",
    "_loaded_at": "TIMESTAMP",
}


def _person(system: str, extract: str, person_id: str, forename: str, surname: str, **values):
    return {
        "_source_system": system,
        "_extract_date": extract,
        "pers_person_id": person_id,
        "pers_forename": forename,
        "pers_surname": surname,
        **values,
    }


def _episode(system: str, extract: str, episode_id: str, person_id: str, **values):
    return {
        "_source_system": system,
        "_extract_date": extract,
        "clae_cla_episode_id": episode_id,
        "clae_person_id": person_id,
        **values,
    }


CF, LL = "carefirst", "liquid_logic"
CLEAN_PERSONS = [
    _person(
        CF,
        CAREFIRST_EXTRACT,
        "CF-70001",
        "Zebedee",
        "Quartermaine",
        pers_sex="1",
        pers_ethnicity="WBRI",
        pers_dob="2011-07-14",
    ),
    _person(
        CF,
        CAREFIRST_EXTRACT,
        "CF-70002",
        "Philippa",
        "Oxenbridge",
        pers_sex="2",
        pers_ethnicity="MWBC",
        pers_dob="03/09/2009",
    ),
    _person(
        LL,
        LIQUID_LOGIC_EXTRACT,
        "LL-80001",
        "Zebedee",
        "Quartermaine",
        pers_sex="M",
        pers_ethnicity="WBRI",
        pers_dob="2011-07-14 00:00:00.000",
        pers_legacy_id="CF-70001",
    ),
    _person(
        LL,
        LIQUID_LOGIC_EXTRACT,
        "LL-80002",
        "Ottoline",
        "Featherstonehaugh",
        pers_sex="F",
        pers_ethnicity="NOBT",
        pers_dob="2016-02-27 08:30:00",
    ),
    _person(
        LL,
        LIQUID_LOGIC_EXTRACT,
        "LL-80003",
        "Barnaby",
        "Wolstenholme",
        pers_sex="U",
        pers_ethnicity=None,
        pers_dob="19/11/2013",
    ),
    # An older carefirst extract full of faults: the suites must look at the latest only.
    _person(
        CF,
        CAREFIRST_OLD_EXTRACT,
        "CF-70001",
        "Zebedee",
        "Quartermaine",
        pers_sex="X",
        pers_ethnicity="White British",
        pers_dob="1900-01-01",
    ),
    _person(
        CF,
        CAREFIRST_OLD_EXTRACT,
        "CF-70001",
        "Zebedee",
        "Quartermaine",
        pers_sex="1",
        pers_ethnicity="WBRI",
        pers_dob="14th July 2011",
    ),
]
CLEAN_EPISODES = [
    _episode(
        CF,
        CAREFIRST_EXTRACT,
        "CFE-501",
        "CF-70001",
        clae_cla_episode_start_date="2019-05-02",
        clae_cla_episode_start_reason="S",
        clae_cla_primary_need_code="N1",
        clae_cla_episode_ceased_date="2021-06-30",
        clae_cla_episode_ceased_reason="X1",
    ),
    _episode(
        CF,
        CAREFIRST_EXTRACT,
        "CFE-502",
        "CF-70002",
        clae_cla_episode_start_date="12/01/2020",
        clae_cla_episode_start_reason="S",
        clae_cla_primary_need_code="N4",
        clae_cla_episode_ceased_date="2020-08-15 00:00:00",
        clae_cla_episode_ceased_reason="E4A",
    ),
    _episode(
        LL,
        LIQUID_LOGIC_EXTRACT,
        "LLE-601",
        "LL-80001",
        clae_cla_episode_start_date="2021-07-01",
        clae_cla_episode_start_reason="Started to be looked after",
        clae_cla_primary_need_code="N1",
    ),
    _episode(
        LL,
        LIQUID_LOGIC_EXTRACT,
        "LLE-602",
        "LL-80002",
        clae_cla_episode_start_date="2023-03-10 14:05:00.250",
        clae_cla_episode_start_reason="started to be looked after ",
        clae_cla_primary_need_code="N2",
        clae_cla_episode_ceased_date="31/01/2024",
        clae_cla_episode_ceased_reason="Returned home - planned",
    ),
    _episode(
        LL,
        LIQUID_LOGIC_EXTRACT,
        "LLE-603",
        "LL-80002",
        clae_cla_episode_start_date="2024-01-31",
        clae_cla_episode_start_reason="P",
        clae_cla_primary_need_code="N2",
    ),
    _episode(
        CF,
        CAREFIRST_OLD_EXTRACT,
        "CFE-501",
        "CF-79999",
        clae_cla_episode_start_date="notadate",
        clae_cla_episode_start_reason="Q",
        clae_cla_primary_need_code="N9",
        clae_cla_episode_ceased_date="2001-01-01",
        clae_cla_episode_ceased_reason="??",
    ),
    _episode(CF, CAREFIRST_OLD_EXTRACT, "CFE-501", None),
]

# Values that identify a child: none may appear anywhere in Data Docs.
IDENTIFYING_VALUES = (
    "CF-70001",
    "CF-70002",
    "LL-80001",
    "LL-80002",
    "LL-80003",
    "CF-79999",
    "CFE-501",
    "CFE-502",
    "LLE-601",
    "LLE-602",
    "LLE-603",
    "Zebedee",
    "Quartermaine",
    "Philippa",
    "Oxenbridge",
    "Ottoline",
    "Featherstonehaugh",
    "Barnaby",
    "Wolstenholme",
    "2011-07-14",
    "14/07/2011",
    "03/09/2009",
    "2009-09-03",
    "2016-02-27",
    "27/02/2016",
    "19/11/2013",
    "2013-11-19",
)


def _create_table(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = [f'"{name}" VARCHAR' for name in table_contract(table).column_names]
    columns += [f'"{name}" {kind}' for name, kind in LINEAGE_COLUMNS.items()]
    connection.execute(f"create table raw.{table} ({', '.join(columns)})")


def _insert(connection: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    contract_columns = table_contract(table).column_names
    records = []
    for number, row in enumerate(rows, start=1):
        system, extract = row["_source_system"], row["_extract_date"]
        record = {name: row.get(name) for name in contract_columns}
        record.update(
            _source_system=system,
            _extract_date=dt.date.fromisoformat(extract),
            _file_name=f"{system}/{extract}/{table}.csv",
            _file_sha256="0" * 64,
            _row_number=number,
            _loaded_at=dt.datetime(2026, 11, 1, 6, 0),
        )
        records.append(record)
    frame = pd.DataFrame.from_records(records).astype({c: "object" for c in contract_columns})
    connection.register("incoming", frame)
    connection.execute(f"insert into raw.{table} by name select * from incoming")
    connection.unregister("incoming")


def build_warehouse(
    path: Path,
    persons: list[dict],
    episodes: list[dict],
    manifest: list[dict] | None = None,
) -> Path:
    """Write a raw schema with the two tables (and optionally a load manifest)."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema raw")
        for table, rows in (("ssd_person", persons), ("ssd_cla_episodes", episodes)):
            _create_table(connection, table)
            _insert(connection, table, rows)
        if manifest is not None:
            connection.execute(
                "create table raw._load_manifest (source_system VARCHAR, extract_date DATE,"
                " table_name VARCHAR, file_name VARCHAR, file_sha256 VARCHAR, encoding VARCHAR,"
                " row_count BIGINT, status VARCHAR, reason VARCHAR, loaded_at TIMESTAMP)"
            )
            for entry in manifest:
                connection.execute(
                    "insert into raw._load_manifest (source_system, extract_date, table_name,"
                    " status, row_count) values (?, ?, ?, ?, ?)",
                    [
                        entry["source_system"],
                        entry["extract_date"],
                        entry["table_name"],
                        entry["status"],
                        entry.get("row_count", 0),
                    ],
                )
    return path


WarehouseBuilder = Callable[..., Path]


# --- dbt outputs for the whole-table suites (staging, marts) --------------------------

SCORECARD_COLUMNS = {
    "indicator_code": "VARCHAR",
    "period_end": "DATE",
    "breakdown": "VARCHAR",
    "breakdown_value": "VARCHAR",
    "numerator": "BIGINT",
    "denominator": "DOUBLE",
    "value": "DOUBLE",
    "unit": "VARCHAR",
}
DQ_FINDINGS_COLUMNS = {
    "finding_id": "VARCHAR",
    "defect_kind": "VARCHAR",
    "source_system": "VARCHAR",
    "table_name": "VARCHAR",
    "severity": "VARCHAR",
    "title": "VARCHAR",
    "child_count": "BIGINT",
    "record_count": "BIGINT",
    "first_affected_month": "DATE",
    "last_affected_month": "DATE",
    "affected_month_count": "INTEGER",
    "affected_indicators": "VARCHAR",
}


def month_ends(first: str, count: int) -> list[dt.date]:
    """``count`` consecutive month ends from the month of ``first`` (YYYY-MM-DD)."""
    start = dt.date.fromisoformat(first).replace(day=1)
    ends = []
    for offset in range(count):
        year, month = divmod(start.month - 1 + offset + 1, 12)
        ends.append(dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1))
    return ends


def scorecard_row(
    indicator: str,
    period_end: dt.date,
    numerator: int | None,
    denominator: float | None = None,
    *,
    unit: str = "pct",
    breakdown: str = "all",
    breakdown_value: str = "all",
    value: float | None = None,
) -> dict:
    """A fct_scorecard_monthly row; a percentage's value is computed unless given."""
    if value is None and numerator is not None:
        value = 100 * numerator / denominator if unit == "pct" and denominator else numerator
    return {
        "indicator_code": indicator,
        "period_end": period_end,
        "breakdown": breakdown,
        "breakdown_value": breakdown_value,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "unit": unit,
    }


def steady_scorecard(months: int = 6) -> list[dict]:
    """A faithful scorecard: a percentage near 80% of 200 children and a count near 300."""
    rows = []
    for index, period_end in enumerate(month_ends("2024-01-31", months)):
        rows.append(scorecard_row("CLA_VISITS_IN_TIME", period_end, 160 + index % 3, 200))
        rows.append(scorecard_row("CLA_COUNT", period_end, 300 + 4 * index, unit="count"))
        rows.append(
            scorecard_row(
                "CLA_VISITS_IN_TIME",
                period_end,
                40 + index % 2,
                50,
                breakdown="age_band",
                breakdown_value="10_to_15",
            )
        )
    return rows


def write_table(
    path: Path, schema: str, table: str, columns: dict[str, str], rows: list[dict]
) -> Path:
    """Create (or replace) ``schema.table`` in the DuckDB file at ``path`` holding ``rows``."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create schema if not exists {schema}")
        definition = ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
        connection.execute(f"create or replace table {schema}.{table} ({definition})")
        if rows:
            frame = pd.DataFrame.from_records([{c: r.get(c) for c in columns} for r in rows])
            connection.register("incoming", frame)
            connection.execute(f"insert into {schema}.{table} by name select * from incoming")
            connection.unregister("incoming")
    return path


def dq_finding(kind: str, severity: str, system: str = "liquid_logic", table: str = "x") -> dict:
    """A marts.dq_findings row (decision 0007 columns)."""
    return {
        "finding_id": f"{kind}:{system}:{table}",
        "defect_kind": kind,
        "source_system": system,
        "table_name": table,
        "severity": severity,
        "title": kind.replace("_", " "),
        "child_count": 3,
        "record_count": 4,
        "first_affected_month": dt.date(2021, 7, 31),
        "last_affected_month": dt.date(2026, 10, 31),
        "affected_month_count": 64,
        "affected_indicators": "CLA_COUNT",
    }
