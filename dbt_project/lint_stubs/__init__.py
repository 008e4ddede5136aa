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
