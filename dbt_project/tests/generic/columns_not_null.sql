{#
    None of the listed columns holds a NULL: one row per column that does, with how many.
    The same assertion as dbt's not_null on each column, in one scan of the model instead
    of one query per column (one dbt node and one Dagster asset check instead of many;
    docs/benchmarks.md). A column that needs its own severity or filter keeps its own
    not_null test.
#}
{% test columns_not_null(model, column_names) %}
    with null_counts as (
        select
            {% for column_name in column_names %}
                sum(case when {{ column_name }} is null then 1 else 0 end)
                as null_rows_{{ loop.index }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from {{ model }}
    )

    {% for column_name in column_names %}
        select
            '{{ column_name }}' as column_name,
            null_rows_{{ loop.index }} as null_rows
        from null_counts
        where null_rows_{{ loop.index }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{% endtest %}
