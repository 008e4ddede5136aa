"""Stand-ins for dbt's cross-database macros (``dbt.datediff`` ...) for sqlfluff."""

from __future__ import annotations


def concat(fields: list[str]) -> str:
    return f"concat({', '.join(fields)})"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def last_day(date: str, datepart: str) -> str:
    return f"last_day({date})"


def generate_series(upper_bound: int) -> str:
    return f"select generated_number from range({upper_bound}) as series (generated_number)"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"({from_date_or_timestamp} + {interval})"


def listagg(
    measure: str, delimiter_text: str = "','", order_by_clause: str = "", limit_num: int = 0
) -> str:
    return f"string_agg({measure}, {delimiter_text} {order_by_clause})"
