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
