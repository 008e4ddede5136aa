{# A date moved by a whole number of days, as a date (dbt.dateadd gives a timestamp on DuckDB). #}
{% macro shift_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{# A date moved by a whole number of months, as a date. #}
{% macro shift_months(date_expression, months) -%}
    cast({{ dbt.dateadd('month', months, date_expression) }} as date)
{%- endmacro %}

{# Days from the first date to the second (positive when the second is later). #}
{% macro days_between(first_date, second_date) -%}
    {{ dbt.datediff(first_date, second_date, 'day') }}
{%- endmacro %}

{#
    Age in completed years on a date: a birthday on 29 February is reached on 1 March in
    years that have none (the anniversary has not yet come on 28 February).
#}
{% macro age_in_years(date_of_birth, on_date) -%}
    (
        extract(year from {{ on_date }}) - extract(year from {{ date_of_birth }})
        - case
            when
                extract(month from {{ on_date }}) * 100 + extract(day from {{ on_date }})
                < extract(month from {{ date_of_birth }}) * 100 + extract(day from {{ date_of_birth }})
                then 1
            else 0
        end
    )
{%- endmacro %}
