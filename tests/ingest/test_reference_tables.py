"""raw.source_systems, raw.pipeline_settings and raw.la_population from the configuration."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from orchestration.lib.raw_ingest import (
    ingest_la_population,
    ingest_pipeline_settings,
    ingest_source_systems,
)
from orchestration.lib.warehouse import ONS_POPULATION_CSV, PopulationFileError


def test_source_systems_in_go_live_order(landing, fetch):
    assert ingest_source_systems(landing.config) == 2
    assert ingest_source_systems(landing.config) == 2

    assert fetch("select * from raw.source_systems order by system_order") == [
        ("carefirst", 1, dt.date(2016, 4, 1), dt.date(2021, 6, 30)),
        ("liquid_logic", 2, dt.date(2021, 7, 1), None),
    ]


def test_pipeline_settings(landing, fetch):
    ingest_pipeline_settings(landing.config)
    ingest_pipeline_settings(landing.config)

    assert fetch("select * from raw.pipeline_settings") == [
        ("823", "Test Authority", dt.date(2026, 10, 31), dt.date(2016, 4, 1))
    ]


def test_population_from_ons_copy_for_configured_la(landing, fetch):
    loaded = ingest_la_population(landing.config)

    assert loaded.source == ONS_POPULATION_CSV
    rows = fetch("select * from raw.la_population order by year")
    assert len(rows) == loaded.rows == 13
    assert rows[0] == ("823", 2012, dt.date(2012, 6, 30), 57114)
    assert rows[-1] == ("823", 2024, dt.date(2024, 6, 30), 70074)
    assert loaded.latest_mid_year_date == dt.date(2024, 6, 30)
    columns = fetch(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'raw' and table_name = 'la_population' order by column_index"
    )
    assert columns == [
        ("la_code", "VARCHAR"),
        ("year", "INTEGER"),
        ("mid_year_date", "DATE"),
        ("population_0_17", "INTEGER"),
    ]


def test_ons_copy_holds_only_la_level_children():
    text = ONS_POPULATION_CSV.read_text(encoding="utf-8").splitlines()
    assert text[0] == "la_code,la_name,year,mid_year_date,population_0_17"
    for line in text[1:]:
        la_code, *_, year, mid_year_date, population = line.split(",")
        assert len(la_code) == 3 and la_code.isdigit()
        assert mid_year_date == f"{year}-06-30"
        assert population.isdigit()
    assert len(text) - 1 == 1955


def test_population_from_configured_file(landing, fetch, tmp_path):
    population = tmp_path / "population.csv"
    population.write_text(
        "LA_Code,year,mid_year_date,population_0_17,note\n"
        "823,2024,2024-06-30,70100,x\n"
        "823,2025,2025-06-30,71000,\n"
        "999,2025,2025-06-30,5,\n",
        encoding="utf-8",
    )
    config = dataclasses.replace(landing.config, population_file=population)

    loaded = ingest_la_population(config)

    assert loaded.rows == 2
    assert fetch("select * from raw.la_population order by year") == [
        ("823", 2024, dt.date(2024, 6, 30), 70100),
        ("823", 2025, dt.date(2025, 6, 30), 71000),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("la_code,year,population_0_17\n823,2024,1\n", "mid_year_date"),
        ("la_code,year,mid_year_date,population_0_17\n823,2024,30/06/2024,1\n", "1 row"),
        ("la_code,year,mid_year_date,population_0_17\n823,2024,2024-06-30,many\n", "1 row"),
    ],
)
def test_bad_population_file_raises(landing, tmp_path, text, message):
    population = tmp_path / "population.csv"
    population.write_text(text, encoding="utf-8")
    config = dataclasses.replace(landing.config, population_file=population)

    with pytest.raises(PopulationFileError, match=message):
        ingest_la_population(config)


def test_missing_population_file_raises(landing, tmp_path):
    config = dataclasses.replace(landing.config, population_file=tmp_path / "absent.csv")

    with pytest.raises(PopulationFileError, match="not found"):
        ingest_la_population(config)
