"""Helpers shared by the ingest tests: build rows, CSV text and extract folders."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.config import ScorecardConfig
from orchestration.lib.contract import table_contract
from orchestration.lib.landing import COMPLETE_MARKER


def person(**values: str) -> dict[str, str]:
    """A full ssd_person row: every contract column empty unless given."""
    row = dict.fromkeys(table_contract("ssd_person").column_names, "")
    row.update(values)
    return row


def csv_text(header: Sequence[str], rows: Sequence[Mapping[str, str] | Sequence[str]]) -> str:
    """CSV text (CRLF line ends, as SQL Server tools write) with the given header and rows.

    A mapping row is written in header order, matching header names case-insensitively.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        if isinstance(row, Mapping):
            lowered = {name.lower(): value for name, value in row.items()}
            writer.writerow([lowered.get(name.strip().lower(), "") for name in header])
        else:
            writer.writerow(row)
    return buffer.getvalue()


@dataclass
class Landing:
    """Writes extracts into the test configuration's landing folder."""

    config: ScorecardConfig
    config_path: Path

    def folder(self, system: str, extract_date: str) -> Path:
        path = self.config.landing_dir / system / extract_date
        path.mkdir(parents=True, exist_ok=True)
        return path

    def write_bytes(
        self,
        system: str,
        extract_date: str,
        file_name: str,
        data: bytes,
        *,
        complete: bool = True,
    ) -> Path:
        folder = self.folder(system, extract_date)
        path = folder / file_name
        path.write_bytes(data)
        if complete:
            (folder / COMPLETE_MARKER).touch()
        return path

    def write_text(
        self,
        system: str,
        extract_date: str,
        file_name: str,
        text: str,
        *,
        encoding: str = "utf-8",
        complete: bool = True,
    ) -> Path:
        return self.write_bytes(
            system, extract_date, file_name, text.encode(encoding), complete=complete
        )

    def write_persons(
        self,
        system: str,
        extract_date: str,
        rows: Sequence[Mapping[str, str]],
        *,
        header: Sequence[str] | None = None,
        file_name: str = "ssd_person.csv",
        encoding: str = "utf-8",
        complete: bool = True,
    ) -> Path:
        columns = header or table_contract("ssd_person").column_names
        return self.write_text(
            system,
            extract_date,
            file_name,
            csv_text(columns, rows),
            encoding=encoding,
            complete=complete,
        )
