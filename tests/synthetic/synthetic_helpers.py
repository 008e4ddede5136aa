"""Helpers shared by the synthetic-authority tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from orchestration.lib.config import DEFAULT_CONFIG_PATH, load_config
from orchestration.synthetic import GeneratorSettings

SMALL_POPULATION = 4_000
SEED = 424_242


def demo_settings(**overrides: object) -> GeneratorSettings:
    """The demo configuration's settings, clean, with overrides (population, seed, ...)."""
    settings = GeneratorSettings.from_config(load_config(DEFAULT_CONFIG_PATH))
    return settings.with_overrides(clean=True, **overrides)  # type: ignore[arg-type]


def extract_folder(landing: Path, system: str) -> Path:
    """The single extract folder of one system."""
    folders = [path for path in (landing / system).iterdir() if path.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


def read_rows(landing: Path, system: str, table: str) -> list[dict[str, str]]:
    """A table's rows as delivered (BOM -> UTF-8, otherwise Windows-1252)."""
    raw = (extract_folder(landing, system) / f"{table}.csv").read_bytes()
    text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    return list(csv.DictReader(text.splitlines()))


def parse_day(text: str) -> dt.date | None:
    """Any of the contract's date formats; None when empty."""
    if not text:
        return None
    if "/" in text:
        day, month, year = text.split("/")
        return dt.date(int(year), int(month), int(day))
    return dt.date.fromisoformat(text[:10])
