"""Stand-ins for this project's dbt macros when sqlfluff renders models with Jinja.

sqlfluff's jinja templater does not run dbt, so each macro a model calls is replaced by
a function returning SQL of the same shape (``.sqlfluff`` points ``library_path`` here).
The real macros live in ``dbt_project/macros``; these stubs only need to parse.
"""

from __future__ import annotations

from . import dbt  # noqa: F401  (exposed to templates as ``dbt``)


def latest_extract_rows(relation: str, table_name: str) -> str:
    return f"select extract_rows.* from {relation} as extract_rows"


def ssd_date(column: str) -> str:
    return f"cast({column} as date)"


def ssd_flag(column: str) -> str:
    return f"cast({column} as boolean)"


def ssd_number(column: str, data_type: str = "double precision") -> str:
    return f"cast({column} as {data_type})"


def ssd_code(column: str, code_field: str, source_system_column: str = "_source_system") -> str:
    return f"upper({column})"


def ssd_lineage_columns() -> str:
    return (
        "_source_system as source_system,\n    _extract_date as extract_date,\n"
        "    _file_name as source_file,\n    _row_number as source_row,\n"
        "    _loaded_at as loaded_at"
    )


def shift_days(date_expression: str, days: object) -> str:
    return f"({date_expression} + {days})"


def shift_months(date_expression: str, months: object) -> str:
    return f"({date_expression} + {months})"


def days_between(first_date: str, second_date: str) -> str:
    return f"({second_date} - {first_date})"


def json_text(column: str, key: str) -> str:
    return f"json_extract_string({column}, '$.{key}')"


def partition_key(columns: list[str]) -> str:
    return f"hash({', '.join(columns)})"


def age_in_years(date_of_birth: str, on_date: str) -> str:
    return f"({on_date} - {date_of_birth})"


def cla_cease_reason_groups() -> list[str]:
    return ["returned_home", "adopted", "sgo", "cao", "age18", "other"]


def cla_cease_reason_group(reason_column: str, age_column: str) -> str:
    return f"coalesce({reason_column}, cast({age_column} as varchar))"


def stitch_intervals_across_cutover(rows_cte: str, continue_after_migrated_end: bool = True) -> str:
    return (
        f"stitched_intervals as (\n    select source_rows.*\n    from {rows_cte} as source_rows\n)"
    )


def select_events_of_record(rows_cte: str, date_column: str) -> str:
    return f"events_of_record as (\n    select source_rows.*\n    from {rows_cte} as source_rows\n)"


def postcode_district(column: str) -> str:
    return f"upper({column})"


def postcode_sector(column: str) -> str:
    return f"upper({column})"


def breakdown_dimensions() -> list[str]:
    return ["age_band", "sex", "ethnicity_group", "uasc", "team", "placement_type_group"]


def breakdown_indicators() -> list[dict]:
    """Two entries of the real list's shape (a count and a percentage)."""
    return [
        {
            "code": "CLA_COUNT",
            "model": "int_cla_monthly_snapshot",
            "cohort": "is_in_cla_count",
            "numerator": "true",
            "unit": "count",
            "is_flow": False,
            "dimensions": breakdown_dimensions(),
        },
        {
            "code": "CP_VISITS_10WD",
            "model": "int_cp_monthly_snapshot",
            "cohort": "is_due_a_visit",
            "numerator": "is_seen_within_10wd",
            "unit": "pct",
            "is_flow": False,
            "dimensions": breakdown_dimensions()[:5],
        },
    ]


def scorecard_indicator_value(kind: str, numerator: str, denominator: str) -> str:
    if kind == "count":
        return f"cast({numerator} as double precision)"
    divisor = f"cast(nullif({denominator}, 0) as double precision)"
    return f"cast({numerator} as double precision) / {divisor}"


def scorecard_indicator_rows(
    indicators: list[dict],
    from_relation: str,
    breakdown: str = "all",
    breakdown_value: str = "'all'",
) -> str:
    """One select per indicator joined by union all, as the real macro emits."""
    selects = []
    for indicator in indicators:
        denominator = indicator.get("denominator", "cast(null as bigint)")
        value = scorecard_indicator_value(indicator["kind"], indicator["numerator"], denominator)
        selects.append(
            f"select\n    '{indicator['code']}' as indicator_code,\n    period_end,\n"
            f"    '{breakdown}' as breakdown,\n    {breakdown_value} as breakdown_value,\n"
            f"    {indicator['numerator']} as numerator,\n    {denominator} as denominator,\n"
            f"    {value} as value,\n"
            f"    {indicator.get('flag', 'cast(null as varchar)')} as data_quality_flag\n"
            f"from {from_relation}"
        )
    return "\nunion all\n".join(selects)


def dq_defect_kinds() -> list[str]:
    return ["missing_open_children", "recording_cliff"]


def dq_finding_columns() -> list[str]:
    return [
        "defect_kind",
        "source_system",
        "table_name",
        "child_key",
        "person_id",
        "record_id",
        "affected_from",
        "affected_to",
        "detail",
    ]
