{#
    json_text(column, key): the text value of a top-level key of a JSON object held as text,
    null when the key is absent. SSD packs outcomes into JSON strings (e.g.
    s47e_s47_outcome_json). DuckDB reads them with json_extract_string; PostgreSQL casts to
    jsonb, only when the text looks like one JSON object, so a malformed value is null rather
    than a failed build.
#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}

{% macro postgres__json_text(column, key) -%}
    (case when {{ column }} ~ '^\s*\{.*\}\s*$' then ({{ column }})::jsonb ->> '{{ key }}' end)
{%- endmacro %}
