"""A throwaway DuckDB warehouse with the raw layer exactly as ingest writes it, and dbt.

The raw schema follows docs/architecture.md ("Raw layer"): every contract table of
``orchestration.lib.contract`` with each contract column as VARCHAR plus the lineage
columns, and the pipeline tables (source_systems, pipeline_settings, la_population,
_load_manifest). Tests insert hand-written rows, run ``dbt build`` once and query marts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.lib.contract import table_contracts
from orchestration.lib.ssda903_input import ssda903_contracts

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DBT_EXECUTABLE = Path(sys.executable).with_name("dbt")

LINEAGE_COLUMNS = (
    ("_source_system", "VARCHAR"),
    ("_extract_date", "DATE"),
    ("_file_name", "VARCHAR"),
    ("_file_sha256", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
)

PIPELINE_TABLES = {
    "source_systems": "system_name VARCHAR, system_order INTEGER, live_from DATE, live_to DATE",
    "pipeline_settings": "la_code VARCHAR, la_name VARCHAR, as_of_date DATE, history_start DATE",
    "la_population": "la_code VARCHAR, year INTEGER, mid_year_date DATE, population_0_17 INTEGER",
    "indicator_target_overrides": "indicator_code VARCHAR, target DOUBLE, tolerance DOUBLE",
    "la_boundary_postcodes": "postcode_prefix VARCHAR",
    "_load_manifest": (
        "source_system VARCHAR, extract_date DATE, table_name VARCHAR, file_name VARCHAR, "
        "file_sha256 VARCHAR, encoding VARCHAR, row_count BIGINT, status VARCHAR, "
        "reason VARCHAR, loaded_at TIMESTAMP"
    ),
}


def create_raw_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """Create every raw table, empty, as the ingest assets do."""
    connection.execute("create schema if not exists raw")
    contracts = [*table_contracts().values(), *ssda903_contracts().values()]
    for contract in contracts:
        table = contract.name
        columns = [f'"{name}" VARCHAR' for name in contract.column_names]
        columns += [f'"{name}" {data_type}' for name, data_type in LINEAGE_COLUMNS]
        connection.execute(f"create table raw.{table} ({', '.join(columns)})")
    for table, columns in PIPELINE_TABLES.items():
        connection.execute(f"create table raw.{table} ({columns})")


@dataclass
class RawWarehouse:
    """Builds the raw layer of a fixture warehouse, one delivered file at a time."""

    path: Path
    build_log: str = field(default="", init=False)
    _loads: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        with duckdb.connect(str(self.path)) as connection:
            create_raw_schema(connection)

    def configure(
        self,
        *,
        systems: Iterable[tuple[str, dt.date, dt.date | None]],
        as_of_date: dt.date,
        la_code: str = "999",
        population: Mapping[int, int] | None = None,
        boundary_postcodes: Iterable[str] = (),
    ) -> None:
        """Write source_systems, pipeline_settings, la_population and the LA boundary."""
        systems = list(systems)
        with duckdb.connect(str(self.path)) as connection:
            for order, (name, live_from, live_to) in enumerate(systems, start=1):
                connection.execute(
                    "insert into raw.source_systems values (?, ?, ?, ?)",
                    [name, order, live_from, live_to],
                )
            connection.execute(
                "insert into raw.pipeline_settings values (?, ?, ?, ?)",
                [la_code, "Fixture authority", as_of_date, min(s[1] for s in systems)],
            )
            for year, count in (population or {}).items():
                connection.execute(
                    "insert into raw.la_population values (?, ?, ?, ?)",
                    [la_code, year, dt.date(year, 6, 30), count],
                )
            for prefix in boundary_postcodes:
                connection.execute("insert into raw.la_boundary_postcodes values (?)", [prefix])

    def deliver(
        self,
        system: str,
        extract_date: dt.date,
        table: str,
        rows: Iterable[Mapping[str, str | None]],
    ) -> None:
        """Load one extract file's rows into raw.<table> with lineage and a manifest row.

        Columns missing from a row are NULL (an empty cell); values are text as delivered.
        """
        ssda903 = {contract.name: contract for contract in ssda903_contracts().values()}
        contract = {**table_contracts(), **ssda903}[table]
        rows = list(rows)
        unknown = {key for row in rows for key in row} - set(contract.column_names)
        if unknown:
            raise KeyError(f"{table}: columns not in the contract: {sorted(unknown)}")
        self._loads += 1
        file_name = f"{system}/{extract_date.isoformat()}/{table}.csv"
        sha = hashlib.sha256(f"{file_name}:{rows!r}".encode()).hexdigest()
        loaded_at = dt.datetime(2030, 1, 1) + dt.timedelta(minutes=self._loads)
        names = [*contract.column_names, *(name for name, _ in LINEAGE_COLUMNS)]
        quoted = ", ".join(f'"{name}"' for name in names)
        frame = pd.DataFrame(
            [[row.get(name) for name in contract.column_names] for row in rows],
            columns=list(contract.column_names),
            dtype=object,
        )
        frame["_source_system"] = system
        frame["_extract_date"] = extract_date
        frame["_file_name"] = file_name
        frame["_file_sha256"] = sha
        frame["_row_number"] = range(1, len(rows) + 1)
        frame["_loaded_at"] = loaded_at
        with duckdb.connect(str(self.path)) as connection:
            connection.register("delivered_rows", frame)
            connection.execute(
                f"insert into raw.{table} ({quoted}) select {quoted} from delivered_rows"
            )
            connection.execute(
                "insert into raw._load_manifest values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    system,
                    extract_date,
                    table,
                    file_name,
                    sha,
                    "utf-8",
                    len(rows),
                    "loaded",
                    None,
                    loaded_at,
                ],
            )

    def query(self, sql: str, parameters: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as connection:
            return connection.execute(sql, parameters or []).fetchall()


def run_dbt(warehouse_path: Path, work_dir: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Run dbt against the fixture warehouse; target and logs go to work_dir."""
    environment = {**os.environ, "SCORECARD_DUCKDB_PATH": str(warehouse_path)}
    command = [
        str(DBT_EXECUTABLE),
        *arguments,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    return subprocess.run(
        command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=False
    )
