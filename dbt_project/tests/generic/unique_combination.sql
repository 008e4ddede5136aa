{#
    The combination of columns is unique (no two rows share it; NULLs compare equal).
    A dbt_utils-free grain test: returns one row per duplicated combination.
#}
{% test unique_combination(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
