"""The floor: the least work any pipeline over these extracts must do.

DuckDB reads every extract file once into a scratch database (typed by its CSV sniffer),
then runs one aggregate over all of them (rows per table). Nothing is checked, joined or
published, so no pipeline can be faster; the pipeline/floor ratio says what the rest
costs. A legacy extract in Windows-1252 (allowed by the contract) is read as Latin-1,
DuckDB's built-in single-byte decoder, which costs the same; finding each file's encoding
is not timed.
"""

from __future__ import annotations

import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.ssd_csv import CP1252, fingerprint_file


@dataclass(frozen=True)
class Floor:
    seconds: float
    files: int
    rows: int
    input_bytes: int


def extract_files(landing_dir: Path) -> list[Path]:
    """Every extract CSV of every system (the generator's reference and truth are not
    extracts)."""
    return sorted(
        path
        for path in landing_dir.rglob("*.csv")
        if not any(part.startswith("_") for part in path.relative_to(landing_dir).parts)
    )


def measure_floor(landing_dir: Path, *, threads: int | None = None) -> Floor:
    """Time reading every extract file once plus one aggregate over them."""
    files = extract_files(landing_dir)
    if not files:
        raise FileNotFoundError(f"no extract CSV under {landing_dir}")
    encodings = [
        "latin-1" if fingerprint_file(path).encoding == CP1252 else "utf-8" for path in files
    ]
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as scratch:
        database = Path(scratch) / "floor.duckdb"
        started = time.perf_counter()
        with closing(duckdb.connect(str(database))) as connection:
            if threads:
                connection.execute(f"set threads = {int(threads)}")
            tables = []
            for index, (path, encoding) in enumerate(zip(files, encodings, strict=True)):
                table = f"extract_{index}"
                connection.execute(
                    f"create table {table} as "
                    f"select * from read_csv(?, header = true, encoding = '{encoding}')",
                    [str(path)],
                )
                tables.append(table)
            union = " union all ".join(f"select count(*) as n from {table}" for table in tables)
            (rows,) = connection.execute(f"select sum(n) from ({union})").fetchone()
        seconds = time.perf_counter() - started
    return Floor(
        seconds=seconds,
        files=len(files),
        rows=int(rows),
        input_bytes=sum(path.stat().st_size for path in files),
    )
