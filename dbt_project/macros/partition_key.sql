{#
    partition_key(columns): what a window partitions by when it groups rows on several
    columns. DuckDB sorts a partition on one integer hash much faster than on several text
    columns, so there it is hash(columns); PostgreSQL has no variadic hash and partitions on
    the columns themselves. A hash can collide, so a window partitioned by it must also order
    by the columns (see int_dq_record_matches), keeping colliding groups apart.
#}
{% macro partition_key(columns) -%}
    {{ return(adapter.dispatch('partition_key')(columns)) }}
{%- endmacro %}

{% macro default__partition_key(columns) -%}
    {{ columns | join(', ') }}
{%- endmacro %}

{% macro duckdb__partition_key(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
